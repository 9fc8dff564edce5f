// Loads an image folder (ImageFolder layout: one subfolder per class, optional train/, test/,
// val/ above them; see folder-layout.js) into engine-ready samples: [C, H, W] floats in [0, 1],
// labels, and class names from the folder names. Environment-free: the caller passes
//  - the files as entries [{path, bytes | read(), size?, directory?}] (node.js lists a
//    directory or a zip into these; browser.js a dropped folder), and
//  - a decoder, async (bytes, header) => {width, height, data: RGBA bytes} (node.js: sharp;
//    browser.js: createImageBitmap + OffscreenCanvas).
// Every file that cannot be used is skipped and reported ({path, reason}); the rest still load.
import { readImageHeader, jpegIsComplete, ImageFileError } from './image-header.js';
import { fitImage, FIT_RULE, LUMA_RULE } from './fit-image.js';
import { planImageFolder, sortClassNames } from './folder-layout.js';
import { seededPick, proportionalQuotas } from './seeded.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_FILE_BYTES, ENGINE_MEMORY_BYTES, sampleCapacity } from './limits.js';

/** The folder cannot be used at all (no classes, one class, nothing decodable); `.skipped` says what was left out. */
export class ImageFolderError extends Error {
  constructor(message, skipped = []) {
    super(message);
    this.skipped = skipped;
  }
}

/** Share of each class held out for validation when a folder has no test/ or val/ split. */
export const HOLD_OUT_FRACTION = 0.1;
const PARTS = ['train', 'validation', 'test'];

const megapixels = (n) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} megapixels`;
const plural = (n, word) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

function toBytes(data, path) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`image entry ${path}: bytes must be a Uint8Array, ArrayBuffer or Blob, got ${data === null ? 'null' : typeof data}`);
}

async function entryBytes(entry) {
  if (typeof entry.read === 'function') return toBytes(await entry.read(), entry.path);
  const data = entry.bytes;
  if (data && typeof data.arrayBuffer === 'function' && !ArrayBuffer.isView(data)) return new Uint8Array(await data.arrayBuffer());
  return toBytes(data, entry.path);
}

function entrySize(entry) {
  if (typeof entry.size === 'number') return entry.size;
  return entry.bytes?.byteLength ?? entry.bytes?.size ?? undefined;
}

/**
 * Reads, checks, decodes and fits one file into `out` at `offset`. Returns its header (format,
 * size, grey); throws ImageFileError with the reason it cannot be used.
 */
async function loadOne(entry, { decode, target, maxPixels }, out, offset) {
  const size = entrySize(entry);
  if (size !== undefined && size > MAX_FILE_BYTES) {
    throw new ImageFileError(`${(size / 2 ** 20).toFixed(0)} MB, larger than the ${MAX_FILE_BYTES / 2 ** 20} MB a single image may be: not read`);
  }
  let bytes;
  try {
    bytes = await entryBytes(entry);
  } catch (error) {
    if (error instanceof ImageFileError) throw error;
    throw new ImageFileError(`could not be read (${error.code ?? error.message})`);
  }
  const header = readImageHeader(bytes);
  const pixels = header.width * header.height;
  if (pixels > maxPixels || header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
    throw new ImageFileError(`${header.width} x ${header.height} pixels (${megapixels(pixels)}) is larger than the limit of ` +
      `${megapixels(maxPixels)} and ${MAX_IMAGE_SIDE.toLocaleString('en')} pixels a side: refused before decoding`);
  }
  if (header.format === 'jpeg' && !jpegIsComplete(bytes)) {
    throw new ImageFileError('corrupt JPEG: it ends before its end-of-image marker (cut short?)');
  }
  let image;
  try {
    image = await decode(bytes, header);
  } catch (error) {
    throw new ImageFileError(`corrupt ${header.format.toUpperCase()}: could not be decoded (${String(error?.message ?? error).replace(/\s+/g, ' ').trim()})`);
  }
  fitImage(image, target, out, offset);
  return header;
}

/**
 * Decodes jobs ([{entry, out, offset}]) `concurrency` at a time, in the entries' `order` (a zip's
 * own order, so its entries inflate in runs). Returns per-job headers (null where skipped) and
 * pushes the skipped files with their reasons.
 */
async function decodeAll(jobs, options, progress, skipped, prepare) {
  const headers = new Array(jobs.length).fill(null);
  const order = jobs.map((_, i) => i).sort((a, b) => (jobs[a].entry.order ?? a) - (jobs[b].entry.order ?? b));
  await prepare?.(order.map((i) => jobs[i].entry));
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const i = order[next++];
      const { entry, out, offset } = jobs[i];
      try {
        headers[i] = await loadOne(entry, options, out, offset);
      } catch (error) {
        if (!(error instanceof ImageFileError)) throw error;
        skipped.push({ path: entry.path, reason: error.message });
      }
      progress(entry.path);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return headers;
}

const decodeOptions = (options, target) => ({ decode: options.decode, target,
  maxPixels: options.maxPixels ?? MAX_IMAGE_PIXELS, concurrency: options.concurrency ?? 4 });

function parseSize(width, height, channels) {
  for (const [name, value] of [['width', width], ['height', height]]) {
    if (!Number.isInteger(value) || value < 1 || value > 1024) throw new RangeError(`image size: ${name} must be an integer in [1, 1024], got ${value}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`image channels must be 3 (colour) or 1 (grey), got ${channels}`);
  return { width, height, channels };
}

/**
 * Which files make up each part: train, validation (val/ or held out of train) and test.
 * Returns {files: {part: [{entry, className}]}, heldOut}.
 */
function assignParts(plan, { holdOut, seed }) {
  const list = (split) => [...(plan.groups.get(split) ?? new Map())].flatMap(([className, entries]) => entries.map((entry) => ({ entry, className })));
  const files = { train: [], validation: [], test: [] };
  let heldOut = null;
  if (plan.layout === 'classes' || (!plan.groups.has('validation') && !plan.groups.has('test'))) {
    const source = plan.layout === 'classes' ? plan.groups.get('all') : plan.groups.get('train');
    for (const [className, entries] of source ?? []) {
      // Per class, so every class keeps images on both sides: round(fraction * n), at least one
      // when the class has two or more, never all of them.
      const n = entries.length;
      const count = n < 2 || holdOut === 0 ? 0 : Math.min(n - 1, Math.max(1, Math.round(holdOut * n)));
      const validation = new Set(seededPick(entries, count, seed, `validation/${className}`));
      for (const entry of entries) (validation.has(entry) ? files.validation : files.train).push({ entry, className });
    }
    if (holdOut > 0) heldOut = { fraction: holdOut, seed };
  } else {
    files.train = list('train');
    files.validation = list('validation');
    files.test = list('test');
  }
  return { files, heldOut };
}

/** Keeps a seeded, class-proportional `count` of `files` ([{entry, className}]) in their order. */
function pickProportionally(files, count, seed, salt) {
  if (count >= files.length) return files;
  const byClass = new Map();
  for (const file of files) {
    if (!byClass.has(file.className)) byClass.set(file.className, []);
    byClass.get(file.className).push(file);
  }
  const groups = [...byClass];
  const quotas = proportionalQuotas(groups.map(([, list]) => list.length), count);
  const kept = new Set(groups.flatMap(([name, list], g) => seededPick(list, quotas[g], seed, `${salt}/${name}`)));
  return files.filter((file) => kept.has(file));
}

/**
 * Reads an image folder into samples.
 * @param {{name?: string, entries: Array<{path: string, bytes?: Uint8Array|ArrayBuffer|Blob,
 *   read?: () => Promise<Uint8Array>, size?: number, directory?: boolean, order?: number}>,
 *   prepare?: (entries: object[]) => void}} source
 * @param {object} options
 *   decode (required), width = 32, height = 32, channels = 3, seed = 1,
 *   holdOut = 0.1 (share of each class held out for validation when there is no val/ or test/),
 *   parts = ['train', 'validation', 'test'] (which to decode), classNames (label by these names,
 *   e.g. a saved model's; other class folders are skipped), limits = {train, validation, test}
 *   (seeded class-proportional subsets), maxSamples (default: sampleCapacity, what fits beside
 *   training SimpleNet; pass sampleCapacity(C, H, W, trainingBytes(...)) for another model),
 *   maxPixels, concurrency = 4, onProgress({phase: 'decoding', done, total, path, skipped}).
 * @returns {Promise<object>} {name, layout, classNames, sampleShape, train, validation, test
 *   (each {inputs, labels, paths, size} or null), heldOut, evaluation ('validation'|'test'|null),
 *   skipped: [{path, reason}], notes: [string], stats, rules}
 */
export async function readImageFolder(source, options = {}) {
  const name = source.name ?? 'images';
  const target = parseSize(options.width ?? 32, options.height ?? 32, options.channels ?? 3);
  if (typeof options.decode !== 'function') throw new TypeError('readImageFolder: options.decode (bytes, header) => {width, height, data} is required');
  const seed = options.seed ?? 1;
  const holdOut = options.holdOut ?? HOLD_OUT_FRACTION;
  if (!(holdOut >= 0 && holdOut < 1)) throw new RangeError(`holdOut must be in [0, 1), got ${holdOut}`);
  const wanted = options.parts ?? PARTS;
  const fixedClasses = options.classNames ?? null;
  const notes = [];

  const plan = planImageFolder(source.entries);
  const skipped = [...plan.skipped];
  for (const folder of plan.emptyClassFolders) {
    skipped.push({ path: folder.path, reason: 'empty class folder: no files in it; the class is left out' });
  }
  const { files: assigned, heldOut } = assignParts(plan, { holdOut, seed });

  // Classes: the model's (labels by name), or the class folders of the training part.
  const trainFolders = plan.layout === 'classes' ? [...(plan.groups.get('all')?.keys() ?? [])] : [...(plan.groups.get('train')?.keys() ?? [])];
  const folderClasses = sortClassNames(trainFolders.length ? trainFolders
    : new Set(PARTS.flatMap((part) => assigned[part].map((f) => f.className))));
  const classes = fixedClasses ?? folderClasses;
  const labelOf = new Map(classes.map((className, i) => [className, i]));
  const parts = {};
  for (const part of PARTS) {
    parts[part] = [];
    if (!wanted.includes(part)) continue;
    for (const file of assigned[part]) {
      if (labelOf.has(file.className)) parts[part].push(file);
      else {
        skipped.push({ path: file.entry.path, reason: fixedClasses
          ? `class "${file.className}" is not one of the model's classes (${classes.join(', ')})`
          : `class "${file.className}" has no folder in the training part: left out` });
      }
    }
    const limit = options.limits?.[part];
    if (limit !== undefined && limit < parts[part].length) parts[part] = pickProportionally(parts[part], limit, seed, `limit/${part}`);
  }

  // Memory: at most what fits beside training, a seeded share of every part and class.
  const bytes = 4 * target.channels * target.height * target.width;
  const shape = `${target.channels}x${target.height}x${target.width}`;
  const capacity = options.maxSamples ?? sampleCapacity(target.channels, target.height, target.width);
  if (capacity < 1) {
    throw new ImageFolderError(`${name}: at ${target.width}x${target.height} no samples fit in the engine's ` +
      `${ENGINE_MEMORY_BYTES / 2 ** 20} MB beside training the model; choose a smaller size (or a smaller batch)`, skipped);
  }
  const total = PARTS.reduce((n, part) => n + parts[part].length, 0);
  if (total > capacity) {
    const quotas = proportionalQuotas(PARTS.map((part) => parts[part].length), capacity);
    PARTS.forEach((part, i) => { parts[part] = pickProportionally(parts[part], quotas[i], seed, `cap/${part}`); });
    notes.push(`${name}: ${plural(total, 'image')} is more than the ${capacity.toLocaleString('en')} samples of ${shape} ` +
      `(${(bytes / 1024).toFixed(0)} KB each, ${Math.round((capacity * bytes) / 2 ** 20)} MB) that fit in the engine's ` +
      `${ENGINE_MEMORY_BYTES / 2 ** 20} MB beside training; loading a seeded ${capacity.toLocaleString('en')} (the same share of ` +
      'every class and split). A smaller size or grey (1 channel) fits more.');
  }

  // Decode every kept file into its part's array; progress per file.
  const sampleSize = bytes / 4;
  const arrays = Object.fromEntries(PARTS.map((part) => [part, new Float32Array(parts[part].length * sampleSize)]));
  const jobs = PARTS.flatMap((part) => parts[part].map((file, slot) => ({ part, slot, entry: file.entry, out: arrays[part], offset: slot * sampleSize })));
  let done = 0;
  const skippedBefore = skipped.length;
  options.onProgress?.({ phase: 'decoding', done: 0, total: jobs.length, path: null, skipped: 0 });
  const decoded = await decodeAll(jobs, decodeOptions(options, target), (path) => {
    done++;
    options.onProgress?.({ phase: 'decoding', done, total: jobs.length, path, skipped: skipped.length - skippedBefore });
  }, skipped, source.prepare);
  const headers = Object.fromEntries(PARTS.map((part) => [part, new Array(parts[part].length).fill(null)]));
  jobs.forEach((job, i) => { headers[job.part][job.slot] = decoded[i]; });

  // Classes whose training images all failed go (when the classes are the folder's own).
  let finalClasses = classes;
  if (!fixedClasses && wanted.includes('train')) {
    const used = new Set(parts.train.filter((_, i) => headers.train[i]).map((file) => file.className));
    for (const className of classes) {
      if (used.has(className)) continue;
      const count = parts.train.filter((f) => f.className === className).length;
      if (count > 0) {
        const folder = plan.layout === 'splits' ? `train/${className}/` : `${className}/`;
        skipped.push({ path: `${plan.root ? `${plan.root}/` : ''}${folder}`, reason: `none of its ${plural(count, 'file')} is a usable image: the class is left out` });
      }
    }
    finalClasses = classes.filter((className) => used.has(className));
  }
  if (!fixedClasses) {
    const where = name;
    if (finalClasses.length === 0) {
      throw new ImageFolderError(`${where}: no usable images in class folders (expected one folder per class, e.g. ` +
        'cats/001.jpg, dogs/002.png; or train/cats/..., test/cats/...)', skipped);
    }
    if (finalClasses.length === 1) {
      throw new ImageFolderError(`${where}: only one class ("${finalClasses[0]}"): a classifier needs at least two class ` +
        'folders (e.g. cats/ and dogs/)', skipped);
    }
  }
  const newLabel = new Map(finalClasses.map((className, i) => [className, i]));

  // Compact each part: decoded samples of known classes, in file order.
  const stats = { formats: {}, grey: 0, colour: 0, sizes: new Map(), greyExample: null, colourExample: null };
  const result = {};
  for (const part of PARTS) {
    const keep = [];
    parts[part].forEach((file, i) => {
      if (!headers[part][i]) return;
      if (!newLabel.has(file.className)) {
        skipped.push({ path: file.entry.path, reason: `class "${file.className}" has no usable training images: left out` });
        return;
      }
      keep.push(i);
    });
    if (keep.length === 0) {
      result[part] = null;
      continue;
    }
    const inputs = keep.length === parts[part].length ? arrays[part] : new Float32Array(keep.length * sampleSize);
    const labels = new Int32Array(keep.length);
    const paths = [];
    keep.forEach((i, k) => {
      if (inputs !== arrays[part]) inputs.set(arrays[part].subarray(i * sampleSize, (i + 1) * sampleSize), k * sampleSize);
      const file = parts[part][i];
      const header = headers[part][i];
      labels[k] = newLabel.get(file.className);
      paths.push(file.entry.path);
      stats.formats[header.format] = (stats.formats[header.format] ?? 0) + 1;
      if (header.grey) {
        stats.grey++;
        stats.greyExample ??= file.entry.path;
      } else {
        stats.colour++;
        stats.colourExample ??= file.entry.path;
      }
      const size = `${header.width}x${header.height}`;
      stats.sizes.set(size, (stats.sizes.get(size) ?? 0) + 1);
    });
    const classCounts = new Int32Array(finalClasses.length);
    for (const label of labels) classCounts[label]++;
    result[part] = { inputs, labels, paths, size: keep.length, classCounts };
  }

  // Notes: what was done to make the images one shape.
  const bySide = [...stats.sizes.keys()].map((s) => s.split('x').map(Number)).sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  if (stats.sizes.size > 1) {
    notes.push(`images come in ${stats.sizes.size} sizes (${bySide[0].join('x')} to ${bySide.at(-1).join('x')}): each was scaled and ` +
      `centre-cropped to ${target.width}x${target.height} (${FIT_RULE})`);
  }
  if (stats.grey > 0 && stats.colour > 0) {
    notes.push(target.channels === 3
      ? `${plural(stats.grey, 'greyscale image')} (e.g. ${stats.greyExample}) among ${plural(stats.colour, 'colour image')}: ` +
        'the grey ones were given three equal channels'
      : `${plural(stats.colour, 'colour image')} (e.g. ${stats.colourExample}) among ${plural(stats.grey, 'greyscale image')}: ` +
        `all were made grey (${LUMA_RULE})`);
  } else if (stats.colour > 0 && target.channels === 1) {
    notes.push(`colour images made grey: ${LUMA_RULE}`);
  }
  if (heldOut && result.validation && wanted.includes('validation')) {
    notes.push(`${name} has no test/ or val/ folder: held out ${result.validation.size.toLocaleString('en')} images ` +
      `(${Math.round(100 * heldOut.fraction)}% of each class, seed ${heldOut.seed}) for validation`);
  }
  if (skipped.length > 0) notes.push(`${plural(skipped.length, 'file')} skipped (see the list of skipped files)`);

  const evaluation = result.validation ? 'validation' : result.test ? 'test' : null;
  return {
    name, layout: plan.layout, root: plan.root, classNames: finalClasses,
    sampleShape: [target.channels, target.height, target.width],
    train: result.train, validation: result.validation, test: result.test,
    heldOut, evaluation, skipped, notes,
    stats: { formats: stats.formats, grey: stats.grey, colour: stats.colour, ignored: plan.ignored,
      sizes: { distinct: stats.sizes.size, smallest: bySide[0]?.join('x') ?? null, largest: bySide.at(-1)?.join('x') ?? null } },
    rules: { fit: FIT_RULE, ...(target.channels === 1 && { grey: LUMA_RULE }), holdOut: heldOut ? `${Math.round(100 * holdOut)}% of each class, seeded` : null },
  };
}

/**
 * Reads single images (no classes): [{path, bytes | read()}] -> {inputs, paths, size, skipped}.
 * For predictions on files or on every image under a folder.
 */
export async function readImages(entries, options = {}) {
  const target = parseSize(options.width ?? 32, options.height ?? 32, options.channels ?? 3);
  if (typeof options.decode !== 'function') throw new TypeError('readImages: options.decode is required');
  const sampleSize = target.channels * target.height * target.width;
  const out = new Float32Array(entries.length * sampleSize);
  const skipped = [];
  let done = 0;
  const jobs = entries.map((entry, slot) => ({ entry, out, offset: slot * sampleSize }));
  const headers = await decodeAll(jobs, decodeOptions(options, target),
    (path) => options.onProgress?.({ phase: 'decoding', done: ++done, total: entries.length, path, skipped: skipped.length }),
    skipped, options.prepare);
  const keep = headers.map((h, i) => (h ? i : -1)).filter((i) => i >= 0);
  const inputs = keep.length === entries.length ? out : new Float32Array(keep.length * sampleSize);
  if (inputs !== out) keep.forEach((i, k) => inputs.set(out.subarray(i * sampleSize, (i + 1) * sampleSize), k * sampleSize));
  return { inputs, paths: keep.map((i) => entries[i].path), headers: keep.map((i) => headers[i]), size: keep.length, skipped,
    sampleShape: [target.channels, target.height, target.width] };
}

/**
 * Engine datasets from a readImageFolder result: {train, validation, test} (null where the part
 * is empty), with the folder's class names on each.
 */
export function imageFolderDatasets(engine, folder) {
  const make = (part) => {
    const data = folder[part];
    if (!data) return null;
    return engine.arrayDataset(data.inputs, folder.sampleShape, data.labels,
      { classes: folder.classNames.length, classNames: folder.classNames, name: `${folder.name} ${part}` });
  };
  return { train: make('train'), validation: make('validation'), test: make('test') };
}
