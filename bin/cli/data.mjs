// The CLI's data other than image folders: IDX files in a folder (which file is which, the test
// split or a seeded hold-out of the training set when there is none), the bundled digits, and
// telling IDX data from image data (bin/cli/image-data.mjs).
import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { idxFileNames, readIdxBytes } from '../../bindings/js/data/idx-files.js';
import { HOLD_OUT, inputError, readInputFile, usageError } from './shared.mjs';
import { looksLikeImageData } from './image-data.mjs';

// Reads an IDX file (gzipped or not) and checks its header, so errors name the file.
export async function readIdx(path, kind) {
  const raw = await readInputFile(path, `${kind} file`);
  try {
    return { ...(await readIdxBytes(raw, kind)), path };
  } catch (error) {
    throw inputError(`${kind} file ${path}: ${error.message}`);
  }
}

/** The path of a split's images or labels file in `dir`, or null. */
export function existingIdxFile(dir, split, kind) {
  const name = idxFileNames(split, kind).find((candidate) => existsSync(join(dir, candidate)));
  return name === undefined ? null : join(dir, name);
}

export function findIdxFile(dir, split, kind) {
  const found = existingIdxFile(dir, split, kind);
  if (found) return found;
  const candidates = idxFileNames(split, kind);
  const onlyTrain = split === 'test' && existingIdxFile(dir, 'train', kind) !== null;
  throw inputError(`data folder ${dir}: no ${split} ${kind} file (looked for ${candidates[0]} or ${candidates[0]}.gz)` +
    (onlyTrain ? '; it has only train files: evaluate with --split validation (the part train held out) or --split train'
      : '; nor is it an image folder (no .png, .jpg or .webp files in class subfolders)'));
}

/** True when `dir` has neither a test images nor a test labels file (train holds out a validation set). */
export function hasNoTestFiles(data) {
  if (data === 'digits') return false;
  const dir = resolve(data);
  return existingIdxFile(dir, 'test', 'images') === null && existingIdxFile(dir, 'test', 'labels') === null;
}

/**
 * True when `data` is image data (an image folder, a .zip, an image file) rather than IDX: no
 * IDX files and something that looks like images. --size/--channels on IDX data are an error.
 */
export async function isImageData(data, values, command) {
  const dir = resolve(data);
  const idx = data === 'digits' || ['train', 'test'].some((split) => existingIdxFile(dir, split, 'images') !== null) ||
    /idx\d-ubyte(\.gz)?$/.test(data);
  const images = !idx && await looksLikeImageData(data);
  if (!images && (values.size !== undefined || values.channels !== undefined)) {
    throw usageError(`${command}: --size and --channels are for image folders and files; ${data} is ${idx ? 'IDX data' : 'not image data'}`);
  }
  return images;
}

export function limitTo(dataset, limit) {
  if (limit === undefined || limit >= dataset.size) return dataset;
  const subset = dataset.subset(Array.from({ length: limit }, (_, i) => i));
  dataset.dispose();
  return subset;
}

/**
 * The engine's seeded train/validation split (Dataset.split: HOLD_OUT of it for validation),
 * taking at most `limit` / `validationLimit` samples of each part. Dataset.split copies both
 * parts, and 60,000 images three times do not fit the engine's 512 MB, so the split is made
 * on a one-number-per-sample dataset of indices (the permutation depends only on the sample
 * count and the seed) and only the samples kept are copied out of `dataset`.
 */
export function holdOut(engine, dataset, seed, { limit, validationLimit } = {}) {
  const n = dataset.size;
  const indices = engine.arrayDataset(Float32Array.from({ length: n }, (_, i) => i), [1], new Int32Array(n),
    { classes: 1, name: 'indices' });
  let parts;
  try {
    parts = indices.split(HOLD_OUT, seed);
  } catch (error) {
    throw inputError(`cannot hold out ${100 * HOLD_OUT}% of ${n} training samples for validation: ${error.message}`);
  } finally {
    indices.dispose();
  }
  const take = (part, count) => {
    const kept = count === 0 ? null : part.inputs(0, Math.min(count ?? part.size, part.size));
    part.dispose();
    return kept && dataset.subset(kept);
  };
  return { train: take(parts.train, limit), validation: take(parts.validation, validationLimit) };
}

export async function loadSplit(engine, data, split, limit) {
  let dataset;
  let source;
  if (data === 'digits') {
    dataset = (await engine.digits())[split];
    source = 'bundled digits';
  } else {
    const dir = resolve(data);
    let info;
    try {
      info = await stat(dir);
    } catch {
      throw inputError(`data folder ${data}: no such directory`);
    }
    if (!info.isDirectory()) throw inputError(`data folder ${data}: not a directory (give the folder holding the IDX files, or "digits")`);
    const images = await readIdx(findIdxFile(dir, split, 'images'), 'images');
    const labels = await readIdx(findIdxFile(dir, split, 'labels'), 'labels');
    if (images.count !== labels.count) {
      throw inputError(`${images.path} has ${images.count} images but ${labels.path} has ${labels.count} labels`);
    }
    try {
      dataset = await engine.idxDataset(images.bytes, labels.bytes, { name: `${split}` });
    } catch (error) {
      throw inputError(`${images.path} / ${labels.path}: ${error.message}`);
    }
    source = dir;
  }
  return { dataset: limitTo(dataset, limit), source };
}

