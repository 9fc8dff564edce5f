// IDX files as people have them (MNIST and Fashion-MNIST: four files, gzipped or not): which file
// is which, pairing images with labels, checking a header before the engine reads it (so an error
// names the file), and the class names that go with a source. Shared by the CLI and the
// playground's worker; the engine itself parses the bytes (engine/data/idx.h). No Node imports.
import { gunzipIfNeeded } from '../gzip.js';

/** Fashion-MNIST's classes, in label order (Zalando's fashion-mnist README). */
export const FASHION_CLASSES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
  'Sneaker', 'Bag', 'Ankle boot']);
export const DIGIT_CLASSES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** The class names for data from `source` (a path or a data set name): Fashion-MNIST's when it says "fashion". */
export function classNamesFor(source, classes = 10) {
  if (/fashion/i.test(String(source)) && classes === FASHION_CLASSES.length) return [...FASHION_CLASSES];
  return Array.from({ length: classes }, (_, i) => String(i));
}

/** What a file name says it is: {part: 'train' | 'test', kind: 'images' | 'labels'}, or null. */
export function idxRole(name) {
  const base = String(name).split(/[\\/]/).pop();
  const kind = /labels|idx1/i.test(base) ? 'labels' : /images|idx3/i.test(base) ? 'images' : null;
  if (!kind) return null;
  return { part: /t10k|test/i.test(base) ? 'test' : 'train', kind };
}

/** The standard names of a split's file in a folder, most usual first ("train-images-idx3-ubyte.gz" ...). */
export function idxFileNames(part, kind) {
  const stem = `${part === 'test' ? 't10k' : 'train'}-${kind}`;
  const suffix = kind === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  const names = [];
  for (const separator of ['-', '.']) for (const gz of ['', '.gz']) names.push(`${stem}${separator}${suffix}${gz}`);
  return names;
}

/**
 * files: [{name, ...}] chosen or dropped by a user: one images + labels pair, or two (train and
 * test/t10k). Returns {train: {images, labels}, test?: {images, labels}}; throws an Error naming
 * the file that does not fit.
 */
export function pairIdxFiles(files) {
  if (!Array.isArray(files) || files.length === 0) throw new Error('no files given');
  const pairs = {};
  for (const file of files) {
    const role = idxRole(file.name);
    if (!role) {
      throw new Error(`${file.name}: cannot tell images from labels; the name should contain "images" or "labels" (or idx3 / idx1)`);
    }
    const pair = (pairs[role.part] ??= {});
    if (pair[role.kind]) throw new Error(`${file.name} and ${pair[role.kind].name} are both ${role.part} ${role.kind}`);
    pair[role.kind] = file;
  }
  if (!pairs.train && pairs.test) {
    pairs.train = pairs.test;
    delete pairs.test;
  }
  for (const [part, pair] of Object.entries(pairs)) {
    if (!pair.images || !pair.labels) {
      throw new Error(`the ${part} part needs an images file and a labels file; got only ${(pair.images ?? pair.labels).name}`);
    }
  }
  return pairs;
}

const MAGIC = { images: 0x00000803, labels: 0x00000801 };

/**
 * The decompressed bytes of an IDX images or labels file, after checking its header and length, so
 * an error can say what is wrong with which file. Returns {bytes, count}; throws Error(problem).
 */
export async function readIdxBytes(raw, kind) {
  let bytes;
  try {
    bytes = await gunzipIfNeeded(raw, `${kind} file`);
  } catch (error) {
    throw new Error(`corrupt gzip data (${error.message.replace(/^wasmgrad: /, '')})`);
  }
  const dims = kind === 'images' ? 3 : 1;
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw new Error(`not an IDX ${kind} file: ${bytes.length} bytes, shorter than the ${headerBytes}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== MAGIC[kind]) {
    const hex = (n) => `0x${n.toString(16).padStart(8, '0')}`;
    throw new Error(`not an IDX ${kind} file: magic number ${hex(magic)} at byte 0, expected ${hex(MAGIC[kind])}`);
  }
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerBytes + shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw new Error(`corrupt IDX: header says [${shape.join(', ')}] = ${expected} bytes, the file has ${bytes.length}`);
  }
  return { bytes, count: shape[0] };
}
