// The bundled digit set's IDX parsing, free of Node APIs so that the benchmark page in Chromium
// (bench/browser/) and the Node peers (bench/lib/data.mjs) turn the same bytes into the same arrays:
// images as Float32Array [count * 784] with grey values in [0, 1], labels as Uint8Array [count].

export const DIGIT_FILES = {
  trainImages: 'digits-train-images-idx3-ubyte.gz',
  trainLabels: 'digits-train-labels-idx1-ubyte.gz',
  testImages: 'digits-test-images-idx3-ubyte.gz',
  testLabels: 'digits-test-labels-idx1-ubyte.gz',
};

// IDX header: 0x00 0x00 <type 0x08 = ubyte> <rank>, then rank big-endian uint32 sizes.
export function parseIdx(bytes, name) {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(`${name}: not an unsigned-byte IDX file (magic ${[...bytes.subarray(0, 4)].join(',')})`);
  }
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = [];
  for (let i = 0; i < rank; ++i) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * rank;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + count) {
    throw new Error(`${name}: header says ${dims.join('x')} = ${count} bytes of data, file has ${bytes.length - offset}`);
  }
  return { dims, data: bytes.subarray(offset) };
}

// One split from its two decompressed IDX files.
export function toSplit(images, labels, name) {
  const [count, rows, cols] = images.dims;
  if (rows !== 28 || cols !== 28 || labels.dims[0] !== count) {
    throw new Error(`${name}: expected N x 28 x 28 images and N labels, got ${images.dims.join('x')} and ${labels.dims.join('x')}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; ++i) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: Uint8Array.from(labels.data), count };
}
