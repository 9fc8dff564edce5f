// The user's photos as the engine worker's data: a dropped folder or a .zip in the ImageFolder
// layout, or the webcam captures (the page hands them over as the same entries), decoded here,
// off the page's thread (createImageBitmap + OffscreenCanvas: bindings/js/data/browser.js), fitted
// to the chosen size and channels (fit-image.js), and capped to what fits in the engine beside
// training the model the page shows (limits.js). Progress goes to the page as it decodes; every
// file that cannot be used is reported with its reason, and the rest loads.
import { readImageFolder, imageFolderDatasets } from '../../../bindings/js/data/image-folder.js';
import { zipSource } from '../../../bindings/js/data/zip-source.js';
import { decodeImage } from '../../../bindings/js/data/browser.js';
import { FIT_RULE, LUMA_RULE } from '../../../bindings/js/data/fit-image.js';
import {
  trainingBytes, defaultTrainingBytes, sampleCapacity, sampleBudget, MAX_ZIP_BYTES, ENGINE_MEMORY_BYTES,
} from '../../../bindings/js/data/limits.js';
import { exportLibraries, loadExportLibraries } from '../../../bindings/js/export/deps.js';  // fflate's unzipSync: the one copy, in the exporters' bundle

const PROGRESS_MS = 100;       // at most ten progress events a second (50,000 files would flood the page)
const PREVIEW_PER_CLASS = 8;   // tiles per class in the page's preview grid
const PREVIEW_CLASSES = 40;    // classes with tiles (every class gets its counts)
const SKIPPED_LISTED = 1000;   // skipped files named one by one; beyond that, counted

/** The loading was cancelled by the page (api.cancelLoad). */
export class LoadCancelled extends Error {
  constructor() {
    super('loading the images was cancelled');
    this.name = 'LoadCancelled';  // kept across the worker boundary (Comlink sends name and message)
  }
}

/**
 * What training `model` ({preset} or {layers}) at `batchSize` takes on samples of `shape`, the
 * engine's own reading of the model at that size: {bytes, model (its name), note}. A model that
 * does not fit the shape (a custom layer list) is counted as SimpleNet at batch 64, and said so.
 */
export function modelMemory(engine, { model = {}, batchSize = 32 }, shape, classes = 10) {
  const name = model.preset ?? 'the custom model';
  let built = null;
  try {
    const spec = model.preset ? engine.presetSpec(model.preset, { input: shape, classes }) : { input: shape, layers: model.layers ?? [] };
    built = engine.model(spec);
    return { bytes: trainingBytes(built.summary, batchSize, built.parameterCount), model: name, batchSize, note: '' };
  } catch (error) {
    return { bytes: defaultTrainingBytes(shape[1], shape[2]), model: 'SimpleNet', batchSize: 64,
      note: `${name} does not read ${shape.join('×')} inputs (${error.message}), so the cap assumes SimpleNet at batch 64` };
  } finally {
    built?.dispose();
  }
}

/** The loader source of a request: a zip (a File) or the entries of a folder or of the captures. */
async function sourceOf({ name, zip, entries }) {
  if (!zip) return { name, entries };
  if (zip.size > MAX_ZIP_BYTES) {
    throw new Error(`${name}: ${(zip.size / 2 ** 30).toFixed(1)} GB is more than the ${MAX_ZIP_BYTES / 2 ** 30} GB a zip may be ` +
      '(it is read into memory whole); unzip it and drop the folder instead: folders are read file by file');
  }
  await loadExportLibraries();  // once; the engine's loader has usually loaded it already
  return zipSource(new Uint8Array(await zip.arrayBuffer()), exportLibraries(), name);
}

/** Up to PREVIEW_PER_CLASS training samples of each of the first PREVIEW_CLASSES classes. */
function preview(part, classes, sampleSize, shape) {
  const indices = [];
  const taken = new Int32Array(classes);
  const shownClasses = Math.min(classes, PREVIEW_CLASSES);
  part.labels.forEach((label, i) => {
    if (label < shownClasses && taken[label] < PREVIEW_PER_CLASS) {
      taken[label] += 1;
      indices.push(i);
    }
  });
  const images = new Float32Array(indices.length * sampleSize);
  indices.forEach((index, k) => images.set(part.inputs.subarray(index * sampleSize, (index + 1) * sampleSize), k * sampleSize));
  return { images, indices, labels: indices.map((i) => part.labels[i]), shape, classes: shownClasses };
}

/**
 * request: {origin: 'folder' | 'webcam', name, zip?: File, entries?: [{path, bytes: Blob, size,
 * directory?}], width, height, channels, seed, model: {preset} | {layers}, batchSize, maxSamples?}.
 * Returns what DataSets.replace takes, plus `photos` (what the page shows about the reading).
 */
export async function readPhotos(engine, request, { onProgress = () => {}, signal = null } = {}) {
  const { width, height, channels, seed = 1, origin = 'folder' } = request;
  const shape = [channels, height, width];
  const sampleBytes = 4 * channels * height * width;
  const memory = modelMemory(engine, request, shape);
  const capacity = Number.isInteger(request.maxSamples) && request.maxSamples >= 0 ? request.maxSamples
    : sampleCapacity(channels, height, width, memory.bytes);

  let last = 0;
  let planned = null;  // files chosen for decoding (after the cap)
  const progress = (p) => {
    if (signal?.aborted) throw new LoadCancelled();
    planned ??= p.total;
    const now = performance.now();
    if (p.done === 0 || p.done === p.total || now - last >= PROGRESS_MS) {
      last = now;
      onProgress({ phase: 'decoding', done: p.done, total: p.total, path: p.path, skipped: p.skipped });
    }
  };
  onProgress({ phase: 'reading', done: 0, total: 0, path: null, skipped: 0 });
  let folder;
  try {
    folder = await readImageFolder(await sourceOf(request), { decode: decodeImage, width, height, channels, seed, maxSamples: capacity,
      onProgress: progress });
  } catch (error) {
    // Comlink carries an error's message only: the files it skipped on the way go as an event.
    const skipped = Array.isArray(error?.skipped) ? error.skipped : [];
    onProgress({ phase: 'failed', done: 0, total: 0, path: null, skipped: skipped.length,
      skippedFiles: skipped.slice(0, SKIPPED_LISTED), skippedCount: skipped.length });
    throw error;
  }
  if (signal?.aborted) throw new LoadCancelled();

  const evaluation = folder.validation ? 'validation' : folder.test ? 'test' : null;
  if (!evaluation) {
    throw new Error(`${folder.name}: too few images to hold any out for validation: every class needs at least 2 images ` +
      '(one in ten is held out, at least one per class)');
  }
  onProgress({ phase: 'building', done: planned ?? 0, total: planned ?? 0, path: null, skipped: folder.skipped.length });
  const datasets = imageFolderDatasets(engine, folder);
  if (evaluation === 'validation') datasets.test?.dispose();
  const train = datasets.train;
  const validation = datasets[evaluation];

  const count = (part) => (folder[part] ? Array.from(folder[part].classCounts) : null);
  const trainCount = folder.train.size;
  const evalCount = folder[evaluation].size;
  const decoded = trainCount + evalCount + (evaluation === 'validation' && folder.test ? folder.test.size : 0);
  const notes = [...folder.notes];
  if (evaluation === 'validation' && folder.test) {
    notes.push(`${folder.test.size.toLocaleString('en')} images of test/ are not used here (the validation part is val/); ` +
      'wasmgrad eval --data reads them');
  }
  const split = folder.heldOut
    ? `held out: ${Math.round(100 * folder.heldOut.fraction)}% of each class, seed ${folder.heldOut.seed}`
    : `${evaluation === 'test' ? 'test/' : 'val/'} is the validation set`;
  const note = `${trainCount.toLocaleString('en')} training and ${evalCount.toLocaleString('en')} validation images (${split})` +
    `${folder.skipped.length ? `; ${folder.skipped.length.toLocaleString('en')} file${folder.skipped.length === 1 ? '' : 's'} skipped` : ''}.`;
  const sampleSize = channels * height * width;
  return {
    train, validation, kind: 'image', source: origin === 'webcam' ? 'webcam' : 'images', display: 'photo', note,
    name: folder.name,
    photos: {
      origin, layout: folder.layout, root: folder.root, evaluation,
      heldOut: folder.heldOut, counts: { train: count('train'), validation: count(evaluation) },
      skipped: folder.skipped.slice(0, SKIPPED_LISTED), skippedCount: folder.skipped.length,
      notes, rules: folder.rules, stats: folder.stats,
      memory: {
        capacity, sampleBytes, trainingBytes: memory.bytes, model: memory.model, batchSize: memory.batchSize, note: memory.note,
        budgetBytes: sampleBudget(memory.bytes), engineBytes: ENGINE_MEMORY_BYTES, planned: planned ?? 0, decoded,
        capped: planned !== null && planned >= capacity,
      },
      preview: preview(folder.train, folder.classNames.length, sampleSize, shape),
    },
  };
}

/**
 * What a model file trained on photos says about its data, as the CLI writes it (bin/cli/image-data.mjs):
 * the class names and how images are fitted, so `wasmgrad predict --model file photo.jpg` names
 * the class of a photo fitted the same way. {} for other data.
 */
export function photoMetadata(info) {
  if (info?.display !== 'photo') return {};
  const [channels, height, width] = info.sampleShape;
  return { classNames: info.classNames,
    imageData: { width, height, channels, fit: FIT_RULE, ...(channels === 1 && { grey: LUMA_RULE }), layout: info.photos?.layout } };
}
