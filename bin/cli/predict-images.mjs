// `wasmgrad predict` on image files, folders and zips: every image found, decoded and fitted as
// the model was trained (bin/cli/image-data.mjs), classified PREDICT_CHUNK at a time.
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { imageSource, decodeImage } from '../../bindings/js/data/node.js';
import { readImages } from '../../bindings/js/data/image-folder.js';
import { pathSegments } from '../../bindings/js/data/folder-layout.js';
import { classNames, classify, inputError, predictionEvent } from './shared.mjs';
import { imageShapeOptions, isFolderOrZip, modelImageShape } from './image-data.mjs';

const PREDICT_CHUNK = 256;    // images decoded and classified at a time

/** Every file under the given paths (folders and zips walked), each with the class its parent folder names. */
async function predictionEntries(paths) {
  const entries = [];
  const prepares = [];
  for (const path of paths) {
    if (await isFolderOrZip(path)) {
      const source = await imageSource(path).catch((error) => { throw inputError(error.message); });
      if (source.prepare) prepares.push(source.prepare);
      for (const entry of source.entries) {
        const { segments, refused } = pathSegments(entry.path);
        if (entry.directory || refused || segments.length === 0 || segments.some((s) => s.startsWith('.') || s === '__MACOSX')) continue;
        entry.parent = segments.at(-2) ?? basename(resolve(path));  // the same object: a zip inflates its entries by identity
        entries.push(entry);
      }
    } else {
      const info = await stat(path).catch(() => null);
      if (!info) throw inputError(`image ${path}: no such file`);
      entries.push({ path, size: info.size, read: () => import('node:fs/promises').then((fs) => fs.readFile(path)), parent: basename(dirname(resolve(path))) });
    }
  }
  return { entries, prepare: (list) => prepares.forEach((prepare) => prepare(list)) };
}

/**
 * Classifies image files (and every image in the given folders / zips), PREDICT_CHUNK at a time:
 * one line (and one 'prediction' event) per image with its class name and probability; images
 * inside a folder named after one of the model's classes count towards an accuracy.
 */
export async function predictImages(engine, model, { paths, count, values, out }) {
  const shape = modelImageShape(model, imageShapeOptions(values, 'predict'), 'predict');
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  const names = classNames(values, 'predict', paths[0], model.metadata?.classNames, classes);
  const { entries, prepare } = await predictionEntries(paths);
  const wanted = entries.slice(0, count ?? entries.length);
  const width = Math.max(5, ...names.map((name) => name.length));
  out.line(`${'class'.padStart(width)}  probability  image`);
  let index = 0;
  let labelled = 0;
  let correct = 0;
  const skipped = [];
  for (let start = 0; start < wanted.length; start += PREDICT_CHUNK) {
    const chunk = wanted.slice(start, start + PREDICT_CHUNK);
    const images = await readImages(chunk, { decode: decodeImage, ...shape, prepare });
    for (const s of images.skipped) {
      skipped.push(s);
      out.event({ event: 'skipped', path: s.path, reason: s.reason });
      out.line(`skipped ${s.path}: ${s.reason}`);
    }
    if (images.size === 0) continue;
    const { probabilities, predicted } = classify(model, images.inputs, images.size, 'model cannot take these images');
    const byPath = new Map(chunk.map((entry) => [entry.path, entry]));
    for (let i = 0; i < images.size; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const best = predicted[i];
      const path = images.paths[i];
      const label = names.indexOf(byPath.get(path).parent);
      const event = predictionEvent({ index: index++, path, row, best, names, label: label >= 0 ? label : undefined });
      if (label >= 0) {
        labelled++;
        if (label === best) correct++;
      }
      out.event(event);
      out.line(`${names[best].padStart(width)}  ${row[best].toFixed(4).padStart(11)}  ${path}` +
        (label >= 0 ? (label === best ? '' : `  (folder: ${names[label]})`) : ''));
    }
  }
  if (index === 0) throw inputError(`${paths.join(' ')}: no usable images${skipped.length ? ` (${skipped.length} skipped)` : ''}`);
  const result = { event: 'result', command: 'predict', count: index, skipped: skipped.length };
  if (labelled > 0) Object.assign(result, { labelled, accuracy: correct / labelled });
  out.event(result);
  if (labelled > 0) out.line(`accuracy ${(100 * correct / labelled).toFixed(2)}% on ${labelled} images in folders named after a class`);
}
