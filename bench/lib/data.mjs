// Reads the bundled digit set (gzipped IDX files written by scripts/make-digits.mjs) for the
// training benchmark: images as Float32Array [count * 784] with grey values in [0, 1],
// labels as Uint8Array [count]. Every peer trains on exactly these arrays.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const DIGIT_FILES = {
  trainImages: 'digits-train-images-idx3-ubyte.gz',
  trainLabels: 'digits-train-labels-idx1-ubyte.gz',
  testImages: 'digits-test-images-idx3-ubyte.gz',
  testLabels: 'digits-test-labels-idx1-ubyte.gz',
};

// IDX header: 0x00 0x00 <type 0x08 = ubyte> <rank>, then rank big-endian uint32 sizes.
function readIdx(file) {
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(`${file}: not an unsigned-byte IDX file (magic ${[...bytes.subarray(0, 4)].join(',')})`);
  }
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = [];
  for (let i = 0; i < rank; ++i) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * rank;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + count) {
    throw new Error(`${file}: header says ${dims.join('x')} = ${count} bytes of data, file has ${bytes.length - offset}`);
  }
  return { dims, data: bytes.subarray(offset) };
}

function readSplit(dir, imagesName, labelsName) {
  const images = readIdx(path.join(dir, imagesName));
  const labels = readIdx(path.join(dir, labelsName));
  const [count, rows, cols] = images.dims;
  if (rows !== 28 || cols !== 28 || labels.dims[0] !== count) {
    throw new Error(`${dir}: expected N x 28 x 28 images and N labels, got ${images.dims.join('x')} and ${labels.dims.join('x')}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; ++i) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: Uint8Array.from(labels.data), count };
}

export function digitsPresent(dir) {
  return Object.values(DIGIT_FILES).every((f) => fs.existsSync(path.join(dir, f)));
}

export function loadDigits(dir) {
  return {
    train: readSplit(dir, DIGIT_FILES.trainImages, DIGIT_FILES.trainLabels),
    test: readSplit(dir, DIGIT_FILES.testImages, DIGIT_FILES.testLabels),
  };
}
