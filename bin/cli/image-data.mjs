// The CLI's image data: image folders (ImageFolder layout), .zip files of them and single image
// files for `wasmgrad train`, `eval` and `predict` (bin/cli/data.mjs's isImageData routes here
// when the data are not IDX files). Loading, checks and the resize rule are bindings/js/data/'s, shared with
// the playground; this file turns them into the CLI's options, messages, events and metadata.
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { imageSource, loadImageFolder, decodeImage } from '../../bindings/js/data/node.js';
import { readImageFolder, imageFolderDatasets, ImageFolderError } from '../../bindings/js/data/image-folder.js';
import { planImageFolder } from '../../bindings/js/data/folder-layout.js';
import { FIT_RULE, LUMA_RULE } from '../../bindings/js/data/fit-image.js';
import { readImageHeader } from '../../bindings/js/data/image-header.js';
import { isZip } from '../../bindings/js/data/zip-source.js';
import { SAMPLE_BUDGET_BYTES, ENGINE_MEMORY_BYTES, MAX_IMAGE_PIXELS, sampleCapacity, trainingBytes } from '../../bindings/js/data/limits.js';
import { HOLD_OUT, classNames, inputError, loadModel, usageError } from './shared.mjs';
import { fitPreset } from './presets.mjs';

const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;
const DEFAULT_SHAPE = { width: 32, height: 32, channels: 3 };
const SKIPPED_LINES = 20;     // on a terminal; --json lists every skipped file

export const IMAGE_HELP = {
  data: 'or an image folder (one subfolder per class, optional train/ test/ val/ above them; PNG, JPEG, WebP) or a .zip of one',
  size: `image folders: WIDTHxHEIGHT or one number for a square (default ${DEFAULT_SHAPE.width}x${DEFAULT_SHAPE.height}); ` +
    `each image is fitted by this rule: ${FIT_RULE}`,
  channels: `image folders: 3 (colour, default) or 1 (grey: ${LUMA_RULE})`,
  rules: [
    'Image folders: one subfolder per class (class names = folder names, sorted as PyTorch\'s ImageFolder sorts them),',
    '  optionally under train/ and test/ (or val/). Without test/ or val/, train holds out a seeded ' +
      `${Math.round(100 * HOLD_OUT)}% of each class for validation and says so.`,
    `  Files that cannot be used (not an image, corrupt, over ${MAX_IMAGE_PIXELS / 1e6} megapixels) are skipped and listed.`,
    `  At most ${SAMPLE_BUDGET_BYTES / 2 ** 20} MB of samples are loaded (${sampleCapacity(3, 32, 32).toLocaleString('en')} at 3x32x32), ` +
      'less when the model needs more of the engine\'s 512 MB to train:',
    '  a larger folder loads a seeded share of every class, and says so.',
  ],
};

/** --size and --channels as {width, height, channels} (only the given ones). */
export function imageShapeOptions(values, command) {
  const shape = {};
  if (values.size !== undefined) {
    const match = /^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$/i.exec(values.size);
    const width = match && Number(match[1]);
    const height = match && Number(match[2] ?? match[1]);
    if (!match || width < 1 || height < 1 || width > 1024 || height > 1024) {
      throw usageError(`${command}: --size must be WIDTHxHEIGHT (e.g. 32x32, 64x48) or one number, each in [1, 1024], got "${values.size}"`);
    }
    Object.assign(shape, { width, height });
  }
  if (values.channels !== undefined) {
    if (values.channels !== '1' && values.channels !== '3') {
      throw usageError(`${command}: --channels must be 3 (colour) or 1 (grey), got "${values.channels}"`);
    }
    shape.channels = Number(values.channels);
  }
  return shape;
}

/** True when `path` is a .zip, an image file, or a folder holding image files (the caller checked it has no IDX files). */
export async function looksLikeImageData(path) {
  let info;
  try {
    info = await stat(path);
  } catch {
    return false;
  }
  if (!info.isDirectory()) {
    if (IMAGE_NAME.test(path) || /\.zip$/i.test(path)) return true;
    const { open } = await import('node:fs/promises');
    const file = await open(path).catch(() => null);
    if (!file) return false;
    const head = new Uint8Array(16);
    try {
      await file.read(head, 0, 16, 0);
    } finally {
      await file.close();
    }
    return isZip(head) || (() => { try { return !!readImageHeader(head); } catch (error) { return !/^not a PNG/.test(error.message); } })();
  }
  const { readdir } = await import('node:fs/promises');
  const search = async (dir, depth) => {
    let items;
    try {
      items = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    if (items.some((item) => !item.isDirectory() && IMAGE_NAME.test(item.name))) return true;
    if (depth === 0) return false;
    for (const item of items) {
      if (item.isDirectory() && !item.name.startsWith('.') && await search(resolve(dir, item.name), depth - 1)) return true;
    }
    return false;
  };
  return search(path, 4);
}

/** Where a model's images come from and how they were fitted (saved in the model file). */
function imageMetadata(folder, shape) {
  return {
    width: shape.width, height: shape.height, channels: shape.channels, fit: FIT_RULE,
    ...(shape.channels === 1 && { grey: LUMA_RULE }), layout: folder?.layout,
  };
}

/** The shape a saved model's images need: its metadata's, else its input shape. */
export function modelImageShape(model, given, command) {
  const saved = model.metadata?.imageData;
  const [channels, height, width] = model.inputShape.length === 3 ? model.inputShape : [];
  if (!(channels === 1 || channels === 3)) {
    throw usageError(`${command}: the model takes input [${model.inputShape.join(', ')}], not images with 1 or 3 channels`);
  }
  const shape = { width: saved?.width ?? width, height: saved?.height ?? height, channels: saved?.channels ?? channels };
  for (const key of ['width', 'height', 'channels']) {
    if (given[key] !== undefined && given[key] !== shape[key]) {
      throw usageError(`${command}: the model takes ${shape.channels}x${shape.height}x${shape.width} images; ` +
        `--${key === 'channels' ? 'channels' : 'size'} asks for ${key} ${given[key]}`);
    }
  }
  return shape;
}

function reportLoading(out, label) {
  let last = -1;
  return ({ phase, done, total }) => {
    if (phase !== 'decoding' || !total) return;
    const percent = Math.floor((100 * done) / total);
    if (percent !== last && (percent % 5 === 0 || done === total)) {
      out.event({ event: 'loading', done, total });
      last = percent;
    }
    out.bar(done / total, `${label}: ${done}/${total} images`);
  };
}

/** Skipped files and notes: every one as an event; the first few as lines. */
function reportFolder(out, { skipped, notes }) {
  for (const { path, reason } of skipped) out.event({ event: 'skipped', path, reason });
  skipped.slice(0, SKIPPED_LINES).forEach(({ path, reason }) => out.line(`skipped ${path}: ${reason}`));
  if (skipped.length > SKIPPED_LINES) out.line(`... and ${skipped.length - SKIPPED_LINES} more skipped files (--json lists them all)`);
  for (const message of notes) {
    if (/see the list of skipped files/.test(message)) continue;
    out.event({ event: 'note', message });
    out.line(message);
  }
}

async function readFolder(path, options, out) {
  try {
    return await loadImageFolder(path, { ...options, onProgress: reportLoading(out, `decoding ${basename(path)}`) });
  } catch (error) {
    if (!(error instanceof ImageFolderError)) throw error;
    out.clearBar();
    reportFolder(out, { skipped: error.skipped, notes: [] });
    throw inputError(error.message);
  } finally {
    out.clearBar();
  }
}

/**
 * The training data of an image folder, and the model to train on it. Returns what train()
 * needs: {model, kind, trainSet, testSet, evaluatedOn, source, heldOut, names, metadata}.
 */
export async function imageTrainingData(engine, { data, modelRef, values, seed, batchSize, limit, testLimit, out }) {
  const given = imageShapeOptions(values, 'train');
  let { model, kind } = await loadModel(engine, modelRef);
  const shape = kind === 'preset' ? { ...DEFAULT_SHAPE, ...given } : modelImageShape(model, given, 'train');
  // A saved model continues with its own classes, matched by name; otherwise the folder's.
  const savedClasses = kind === 'file' && Array.isArray(model.metadata?.classNames) ? model.metadata.classNames : undefined;
  // As many samples as fit beside training this model at this batch size (limits.js).
  const sized = kind === 'preset' ? engine.model(fitPreset(engine, modelRef, [shape.channels, shape.height, shape.width], 10)) : model;
  const training = trainingBytes(sized.summary, batchSize, sized.parameterCount);
  if (sized !== model) sized.dispose();
  const maxSamples = sampleCapacity(shape.channels, shape.height, shape.width, training);
  if (maxSamples < 1) {
    throw inputError(`${modelRef} at batch ${batchSize} on ${shape.channels}x${shape.height}x${shape.width} images needs about ` +
      `${Math.round(training / 2 ** 20)} MB of the engine's ${ENGINE_MEMORY_BYTES / 2 ** 20} MB to train, leaving no room for data: ` +
      'use a smaller --batch or --size');
  }
  const folder = await readFolder(data, {
    ...shape, seed, holdOut: HOLD_OUT, classNames: savedClasses, maxSamples,
    limits: { train: limit, validation: testLimit, test: testLimit },
  }, out);
  reportFolder(out, folder);
  if (!folder.train) throw inputError(`${data}: no training images (put them in class folders${folder.layout === 'splits' ? ' under train/' : ''})`);
  if (!folder.evaluation) {
    throw inputError(`${data}: no images to validate on: give a test/ or val/ folder, or at least two images per class so some can be held out`);
  }
  const names = classNames(values, 'train', data, folder.classNames, folder.classNames.length);
  if (kind === 'preset') {
    model.dispose();
    model = engine.model(fitPreset(engine, modelRef, folder.sampleShape, folder.classNames.length));
    const note = `preset ${modelRef} fitted to the data: input ${folder.sampleShape.join('x')}, ${folder.classNames.length} classes (${names.join(', ')})`;
    out.event({ event: 'note', message: note });
    out.line(note);
  }
  const datasets = imageFolderDatasets(engine, { ...folder, classNames: names });
  const evaluatedOn = folder.evaluation;
  datasets[evaluatedOn === 'validation' ? 'test' : 'validation']?.dispose();
  return {
    model, kind, trainSet: datasets.train, testSet: datasets[evaluatedOn], evaluatedOn, source: resolve(data), names,
    heldOut: evaluatedOn === 'validation' ? folder.heldOut : null,
    metadata: { imageData: imageMetadata(folder, shape) },
  };
}

/** Folder-relative entries for image files given one by one: labelled by their parent folder's name. */
function fileEntries(paths) {
  return paths.map((path) => {
    const parent = basename(dirname(resolve(path)));
    return { path: `${parent}/${basename(path)}`, file: path, read: () => import('node:fs/promises').then((fs) => fs.readFile(path)) };
  });
}

export async function isFolderOrZip(path) {
  const info = await stat(path).catch(() => null);
  return info !== null && (info.isDirectory() || /\.zip$/i.test(path));
}

/**
 * A dataset to evaluate a model on, from an image folder / .zip (`paths` of one) or image files
 * (labels from their parent folders' names). split: test, validation, train or all; undefined
 * picks test/, else val/, else the part held out when the model trained on this folder, else all.
 * Returns {dataset, source, split, names}.
 */
export async function imageEvaluationData(engine, model, { paths, split, limit, values, out }) {
  const shape = modelImageShape(model, imageShapeOptions(values, 'eval'), 'eval');
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  const names = classNames(values, 'eval', paths[0], model.metadata?.classNames, classes);
  const oneSource = paths.length === 1 && await isFolderOrZip(paths[0]);
  const source = oneSource ? await imageSource(paths[0]).catch((error) => { throw inputError(error.message); }) : { name: 'images', entries: fileEntries(paths) };
  const plan = planImageFolder(source.entries);
  const has = (part) => plan.groups.has(part);
  const heldOut = model.metadata?.heldOut;
  const trainedHere = oneSource && heldOut && model.metadata?.data === resolve(paths[0]);
  let chosen = split;
  let note = null;
  if (chosen === undefined) {
    chosen = has('test') ? 'test' : has('validation') ? 'validation' : trainedHere ? 'validation' : 'all';
    if (chosen === 'validation' && trainedHere) note = `${paths[0]} is the folder the model was trained on: evaluating on the images it held out for validation (--split all for every image)`;
  }
  if (chosen === 'test' && !has('test')) {
    throw inputError(`${paths.join(' ')}: no test/ folder; use --split validation (${has('validation') ? 'its val/ folder' : 'the images train held out'}) or --split all`);
  }
  if (chosen === 'validation' && !has('validation') && !heldOut) {
    throw usageError(`eval: --split validation: ${paths.join(' ')} has no val/ folder and the model was not trained with a held-out validation set; use --split all`);
  }
  const holdOut = chosen === 'all' ? 0 : heldOut?.fraction ?? HOLD_OUT;
  const parts = chosen === 'all' ? ['train', 'validation', 'test'] : [chosen];
  let folder;
  try {
    folder = await readImageFolder(source, {
      decode: decodeImage, ...shape, classNames: names, holdOut, seed: heldOut?.seed ?? 1, parts,
      limits: limit === undefined ? undefined : { train: limit, validation: limit, test: limit },
      onProgress: reportLoading(out, 'decoding images'),
    });
  } catch (error) {
    if (!(error instanceof ImageFolderError)) throw error;
    throw inputError(error.message);
  } finally {
    out.clearBar();
  }
  reportFolder(out, folder);
  if (note) {
    out.event({ event: 'note', message: note });
    out.line(note);
  }
  const chunks = parts.map((part) => folder[part]).filter(Boolean);
  if (chunks.length === 0) throw inputError(`${paths.join(' ')}: no usable images of the model's classes (${names.join(', ')})`);
  const size = chunks.reduce((n, c) => n + c.size, 0);
  const inputs = chunks.length === 1 ? chunks[0].inputs : new Float32Array(size * folder.sampleShape.reduce((a, b) => a * b, 1));
  const labels = chunks.length === 1 ? chunks[0].labels : new Int32Array(size);
  if (chunks.length > 1) {
    let at = 0;
    for (const c of chunks) {
      inputs.set(c.inputs, at * (inputs.length / size));
      labels.set(c.labels, at);
      at += c.size;
    }
  }
  const dataset = engine.arrayDataset(inputs, folder.sampleShape, labels, { classes, classNames: names, name: chosen });
  return { dataset, source: oneSource ? resolve(paths[0]) : paths.join(' '), split: chosen, names };
}
