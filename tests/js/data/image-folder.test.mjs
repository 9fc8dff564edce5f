// The image-folder data layer (bindings/js/data/): the resize rule on hand-made pixels, headers,
// the ImageFolder layout, loading from entries / a directory / a zip (same samples), the seeded
// validation hold-out, the memory cap, and every bad input of issue 14 (each skipped with a
// message naming the file while the rest loads). Decoding is sharp's (node.js); the engine
// datasets at the end carry the folder names as class names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { zipSync, unzipSync } from 'fflate';
import { fitImage, LUMA_WEIGHTS } from '../../../bindings/js/data/fit-image.js';
import { readImageHeader, jpegIsComplete, ImageFileError } from '../../../bindings/js/data/image-header.js';
import { planImageFolder, sortClassNames } from '../../../bindings/js/data/folder-layout.js';
import { readImageFolder, readImages, imageFolderDatasets, ImageFolderError } from '../../../bindings/js/data/image-folder.js';
import { zipSource } from '../../../bindings/js/data/zip-source.js';
import { decodeImage, loadImageFolder, imageSource } from '../../../bindings/js/data/node.js';
import { sampleCapacity, SAMPLE_BUDGET_BYTES, defaultTrainingBytes, trainingBytes } from '../../../bindings/js/data/limits.js';
import { proportionalQuotas } from '../../../bindings/js/data/seeded.js';
import { shapeEntries, writeEntries, encode, shapePixels, rng, SHAPE_CLASSES } from '../image-fixtures.mjs';
import { load } from '../../../bindings/wasmgrad.js';

let dir;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'wasmgrad-images-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const rgba = (width, height, pixel) => ({ width, height, data: Uint8Array.from({ length: width * height * 4 }, (_, i) => pixel(Math.floor(i / 4) % width, Math.floor(i / 4 / width))[i % 4]) });
const close = (a, b, tolerance = 1e-6) => Math.abs(a - b) <= tolerance;

// ---- the resize rule ------------------------------------------------------------------------

test('fitImage: 2x2 blocks of a 4x4 image average to a 2x2 sample, channel planes in [0, 1]', () => {
  const image = rgba(4, 4, (x, y) => (x < 2 ? (y < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255]) : [0, 255, 0, 255]));
  const out = fitImage(image, { width: 2, height: 2, channels: 3 });
  assert.deepEqual(Array.from(out), [1, 0, 0, 0, /* G */ 0, 1, 0, 1, /* B */ 0, 0, 1, 0]);
});

test('fitImage: the shorter side is scaled to fit and the longer one centre-cropped', () => {
  // 8 wide, 4 high, columns 0..7 with values 0, 10, ..., 70: a 4x4 target keeps columns 2..5 whole.
  const image = rgba(8, 4, (x) => [x * 10, x * 10, x * 10, 255]);
  const out = fitImage(image, { width: 4, height: 4, channels: 1 });
  for (let y = 0; y < 4; y++) {
    assert.deepEqual(Array.from(out.subarray(y * 4, y * 4 + 4), (v) => Math.round(v * 255)), [20, 30, 40, 50]);
  }
  // Shrinking 3 columns to 2: each output pixel covers 1.5 source pixels, area-weighted.
  const three = rgba(3, 3, (x) => [[0, 90, 180][x], 0, 0, 255]);
  const two = fitImage(three, { width: 2, height: 2, channels: 3 });
  assert.ok(close(two[0], (0 + 90 * 0.5) / 1.5 / 255), `${two[0]}`);
  assert.ok(close(two[1], (90 * 0.5 + 180) / 1.5 / 255), `${two[1]}`);
  // Enlarging a 1x1 image fills the target with its colour.
  const one = fitImage(rgba(1, 1, () => [51, 102, 204, 255]), { width: 3, height: 2, channels: 3 });
  assert.deepEqual(Array.from(one, (v) => Math.round(v * 255)), [51, 51, 51, 51, 51, 51, 102, 102, 102, 102, 102, 102, 204, 204, 204, 204, 204, 204]);
});

test('fitImage: grey is BT.601 luma; transparent pixels are white', () => {
  const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
  colours.forEach((c, k) => {
    const [grey] = fitImage(rgba(1, 1, () => [...c, 255]), { width: 1, height: 1, channels: 1 });
    assert.ok(close(grey, LUMA_WEIGHTS[k]), `${c} -> ${grey}`);
  });
  assert.deepEqual(Array.from(fitImage(rgba(1, 1, () => [0, 0, 0, 0]), { width: 1, height: 1, channels: 3 })), [1, 1, 1]);
  const [half] = fitImage(rgba(1, 1, () => [0, 0, 0, 128]), { width: 1, height: 1, channels: 1 });
  assert.ok(close(half, 1 - 128 / 255, 1e-6), `half-transparent black over white: ${half}`);
  assert.throws(() => fitImage(rgba(1, 1, () => [0, 0, 0, 255]), { width: 1, height: 1, channels: 2 }), /channels must be 1 or 3/);
});

// ---- headers ----------------------------------------------------------------------------------

test('readImageHeader: PNG, JPEG and WebP sizes and grey flags; other files named', async () => {
  const pixels = shapePixels('circles', rng(1), 40, 30);
  for (const format of ['png', 'jpeg', 'webp']) {
    const header = readImageHeader(await encode(pixels, 40, 30, 3, format));
    assert.deepEqual([header.format, header.width, header.height, header.grey], [format, 40, 30, false]);
  }
  const grey = readImageHeader(await encode(new Uint8Array(20 * 10), 20, 10, 1, 'png'));
  assert.deepEqual([grey.width, grey.height, grey.grey], [20, 10, true]);
  const greyJpeg = readImageHeader(await encode(new Uint8Array(20 * 10), 20, 10, 1, 'jpeg'));
  assert.equal(greyJpeg.grey, true);
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).gif().toBuffer();
  const cases = [
    [new TextEncoder().encode('class,label\ncat,1\n'), /not a PNG, JPEG or WebP image: a text file/],
    [gif, /not a PNG, JPEG or WebP image: a GIF image/],
    [new Uint8Array(0), /an empty file/],
    [(await encode(pixels, 40, 30, 3, 'png')).subarray(0, 20), /truncated PNG/],
  ];
  for (const [bytes, message] of cases) assert.throws(() => readImageHeader(bytes), (e) => e instanceof ImageFileError && message.test(e.message));
});

test('jpegIsComplete: a JPEG cut short has no end-of-image marker after its scan', async () => {
  const jpeg = await encode(shapePixels('squares', rng(2), 48, 48), 48, 48, 3, 'jpeg');
  assert.equal(jpegIsComplete(jpeg), true);
  assert.equal(jpegIsComplete(jpeg.subarray(0, Math.floor(jpeg.length * 0.7))), false);
  const withTrailer = new Uint8Array([...jpeg, 0, 1, 2, 3]);  // bytes after FF D9 (some cameras add them)
  assert.equal(jpegIsComplete(withTrailer), true);
});

// ---- layout -----------------------------------------------------------------------------------

test('planImageFolder: classes, splits, a folder around everything, hidden files, paths that climb out', () => {
  const paths = (list) => list.map((path) => ({ path, directory: path.endsWith('/') }));
  const flat = planImageFolder(paths(['photos/cats/1.jpg', 'photos/dogs/2.jpg', 'photos/dogs/sub/3.jpg', 'photos/.DS_Store',
    '__MACOSX/photos/cats/._1.jpg', 'photos/README.txt', 'photos/empty/']));
  assert.equal(flat.layout, 'classes');
  assert.equal(flat.root, 'photos');
  assert.deepEqual([...flat.groups.get('all').keys()].sort(), ['cats', 'dogs']);
  assert.deepEqual(flat.groups.get('all').get('dogs').map((e) => e.relative), ['dogs/2.jpg', 'dogs/sub/3.jpg']);
  assert.equal(flat.ignored, 2);
  assert.deepEqual(flat.skipped, [{ path: 'photos/README.txt', reason: 'not inside a class folder (one folder per class)' }]);
  assert.deepEqual(flat.emptyClassFolders.map((f) => f.path), ['photos/empty/']);

  const split = planImageFolder(paths(['data/train/cats/1.png', 'data/train/dogs/1.png', 'data/Test/cats/2.png', 'data/val/dogs/3.png',
    'data/extra/cats/4.png', 'data/train/loose.png', '../evil/cats/x.png', '/etc/cats/y.png', 'C:\\x\\cats\\z.png', 'a\\..\\..\\b.png']));
  assert.equal(split.layout, 'splits');
  assert.equal(split.root, 'data');
  assert.deepEqual([...split.groups.keys()].sort(), ['test', 'train', 'validation']);
  const reasons = Object.fromEntries(split.skipped.map((s) => [s.path, s.reason]));
  assert.match(reasons['data/extra/cats/4.png'], /"extra" is not a split folder/);
  assert.match(reasons['data/train/loose.png'], /not inside a class folder/);
  assert.match(reasons['../evil/cats/x.png'], /climbs out of the folder/);
  assert.match(reasons['/etc/cats/y.png'], /absolute path/);
  assert.match(reasons['C:\\x\\cats\\z.png'], /absolute path/);
  assert.match(reasons['a\\..\\..\\b.png'], /climbs out/);
  // A single class folder is not looked through (it is the class).
  assert.deepEqual([...planImageFolder(paths(['cats/1.png', 'cats/2.png'])).groups.get('all').keys()], ['cats']);
  assert.deepEqual(sortClassNames(['b', 'B', 'a', '_x', '10', '9']), ['10', '9', 'B', '_x', 'a', 'b']);  // Python's sorted()
});

// ---- loading ----------------------------------------------------------------------------------

let entries;
before(async () => { entries = await shapeEntries({ perClass: 20, formats: ['png', 'jpeg', 'webp'] }); });

test('readImageFolder: class names from folders, a seeded 10% of each class held out, samples in [0, 1]', async () => {
  const folder = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, width: 32, height: 32, channels: 3, seed: 5 });
  assert.deepEqual(folder.classNames, SHAPE_CLASSES);
  assert.deepEqual(folder.sampleShape, [3, 32, 32]);
  assert.equal(folder.layout, 'classes');
  assert.equal(folder.train.size, 54);
  assert.equal(folder.validation.size, 6);
  assert.deepEqual(Array.from(folder.validation.classCounts), [2, 2, 2]);
  assert.equal(folder.test, null);
  assert.equal(folder.evaluation, 'validation');
  assert.deepEqual(folder.heldOut, { fraction: 0.1, seed: 5 });
  assert.ok(folder.notes.some((n) => /shapes has no test\/ or val\/ folder: held out 6 images \(10% of each class, seed 5\) for validation/.test(n)));
  assert.deepEqual(folder.skipped, []);
  assert.deepEqual(folder.stats.formats, { png: 20, jpeg: 20, webp: 20 });
  for (const part of [folder.train, folder.validation]) {
    assert.equal(part.inputs.length, part.size * 3 * 32 * 32);
    assert.ok(part.inputs.every((v) => v >= 0 && v <= 1));
    part.paths.forEach((path, i) => assert.equal(SHAPE_CLASSES[part.labels[i]], path.split('/')[0]));
  }
  // Reddish circles: their red plane is brighter than their blue one where the shape is.
  const circle = folder.train.labels.indexOf(0);
  const plane = 32 * 32;
  const sample = folder.train.inputs.subarray(circle * 3 * plane, (circle + 1) * 3 * plane);
  const darkest = sample.subarray(2 * plane).reduce((m, v, i) => (v < sample[2 * plane + m] ? i : m), 0);
  assert.ok(sample[darkest] > sample[2 * plane + darkest] + 0.3, 'a circle pixel is red, not blue');

  // The same seed holds out the same images; another seed others.
  const again = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, seed: 5, parts: ['validation'] });
  assert.deepEqual(again.validation.paths, folder.validation.paths);
  assert.equal(again.train, null);
  const other = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, seed: 6, parts: ['validation'] });
  assert.notDeepEqual(other.validation.paths, folder.validation.paths);
});

test('a directory, a zip and a list of entries give the same samples; progress is reported per file', async () => {
  const folderDir = join(dir, 'shapes');
  await writeEntries(folderDir, entries.map((e) => ({ ...e, path: `shapes/${e.path}` })));
  const options = { width: 24, height: 24, channels: 1, seed: 2 };
  const fromEntries = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, ...options });
  const progress = [];
  const fromDir = await loadImageFolder(folderDir, { ...options, onProgress: (p) => progress.push(p) });
  const zipped = zipSync(Object.fromEntries(entries.map((e) => [`shapes/${e.path}`, e.bytes])));
  await writeFile(join(dir, 'shapes.zip'), zipped);
  const fromZip = await loadImageFolder(join(dir, 'shapes.zip'), options);
  for (const other of [fromDir, fromZip]) {
    assert.deepEqual(other.classNames, fromEntries.classNames);
    assert.deepEqual(other.train.labels, fromEntries.train.labels);
    assert.deepEqual(other.train.inputs, fromEntries.train.inputs);
    assert.deepEqual(other.validation.inputs, fromEntries.validation.inputs);
  }
  assert.equal(fromDir.root, 'shapes');
  const decoding = progress.filter((p) => p.phase === 'decoding');
  assert.equal(decoding.length, 61);  // one at 0, one per file
  assert.deepEqual([decoding[0].done, decoding.at(-1).done, decoding.at(-1).total], [0, 60, 60]);
});

test('a zip inflates a few entries at a time, in its own order', async () => {
  let calls = 0;
  const counting = { unzipSync: (bytes, options) => { calls++; return unzipSync(bytes, options); } };
  const zipped = zipSync(Object.fromEntries(entries.map((e) => [e.path, e.bytes])));
  const source = zipSource(zipped, counting, 'shapes.zip');
  assert.equal(calls, 1);  // the listing
  const folder = await readImageFolder(source, { decode: decodeImage });
  assert.equal(folder.train.size + folder.validation.size, 60);
  assert.equal(calls, 2, 'the 60 small entries fit one 32 MB run');
  assert.throws(() => zipSource(new TextEncoder().encode('not a zip at all, just text'), { unzipSync }, 'fake.zip'),
    (e) => e instanceof ImageFolderError && /fake\.zip: not a readable zip archive/.test(e.message));
});

test('splits: train/ and test/ above the classes; test/ is the evaluation part and nothing is held out', async () => {
  const split = await shapeEntries({ perClass: 8, testPerClass: 3, layout: 'splits', seed: 3 });
  const folder = await readImageFolder({ name: 'split', entries: split }, { decode: decodeImage });
  assert.equal(folder.layout, 'splits');
  assert.deepEqual([folder.train.size, folder.validation, folder.test.size], [24, null, 9]);
  assert.equal(folder.heldOut, null);
  assert.equal(folder.evaluation, 'test');
  assert.ok(folder.test.paths.every((p) => p.startsWith('test/')));
});

// ---- bad input (issue 14): each file named, the rest still loads -------------------------------

test('bad input: non-image, corrupt JPEGs, a 10,000 x 10,000 image, an empty class folder, grey among colour, mixed sizes', async () => {
  const good = entries.filter((e) => e.path.endsWith('.png'));  // 20 PNGs, mixed sizes, 3 classes
  const jpeg = entries.find((e) => e.path.endsWith('.jpg')).bytes;
  const corruptMiddle = jpeg.slice();
  const scan = corruptMiddle.findIndex((b, i) => b === 0xff && corruptMiddle[i + 1] === 0xda);
  corruptMiddle.fill(0xff, scan + 40, scan + 90);  // 0xFF runs inside the entropy-coded data: invalid markers
  const huge = await sharp({ create: { width: 10000, height: 10000, channels: 3, background: 'red' } }).png().toBuffer();
  const grey = await encode(Uint8Array.from({ length: 40 * 40 }, (_, i) => (i % 40 < 20 ? 30 : 220)), 40, 40, 1, 'png');
  const decoded = [];
  const spy = async (bytes, header) => { decoded.push(header); return decodeImage(bytes); };
  const bad = [
    { path: 'circles/notes.txt', bytes: new TextEncoder().encode('these are my circles') },
    { path: 'squares/cut.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
    { path: 'squares/scrambled.jpg', bytes: corruptMiddle },
    { path: 'triangles/huge.png', bytes: huge },
    { path: 'triangles/grey.png', bytes: grey },
    { path: 'empty/', directory: true },
  ];
  const folder = await readImageFolder({ name: 'bad', entries: [...good, ...bad] }, { decode: spy, holdOut: 0 });
  const reasons = Object.fromEntries(folder.skipped.map((s) => [s.path, s.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['circles/notes.txt', 'empty/', 'squares/cut.jpg', 'squares/scrambled.jpg', 'triangles/huge.png']);
  assert.match(reasons['circles/notes.txt'], /^not a PNG, JPEG or WebP image: a text file$/);
  assert.match(reasons['squares/cut.jpg'], /corrupt JPEG: it ends before its end-of-image marker/);
  assert.match(reasons['squares/scrambled.jpg'], /corrupt JPEG: could not be decoded \(.+\)/);
  assert.equal(reasons['triangles/huge.png'], '10000 x 10000 pixels (100 megapixels) is larger than the limit of 50 megapixels and 16,384 pixels a side: refused before decoding');
  assert.equal(reasons['empty/'], 'empty class folder: no files in it; the class is left out');
  assert.ok(!decoded.some((h) => h.width === 10000), 'the huge image was never decoded');
  assert.deepEqual(folder.classNames, SHAPE_CLASSES);
  assert.equal(folder.train.size, 21, 'the 20 good PNGs and the grey one');
  assert.ok(folder.notes.some((n) => /^1 greyscale image \(e\.g\. triangles\/grey\.png\) among 20 colour images: the grey ones were given three equal channels$/.test(n)), folder.notes.join('\n'));
  assert.ok(folder.notes.some((n) => /^images come in \d+ sizes \(\d+x\d+ to \d+x\d+\): each was scaled and centre-cropped to 32x32/.test(n)));
  const g = folder.train.paths.indexOf('triangles/grey.png');
  const sample = folder.train.inputs.subarray(g * 3072, (g + 1) * 3072);
  assert.deepEqual(sample.subarray(0, 1024), sample.subarray(1024, 2048), 'a grey image has R = G');
  assert.deepEqual(sample.subarray(0, 1024), sample.subarray(2048), 'and G = B');
});

test('bad input: a zip with ../ and absolute entries loads the rest and names them', async () => {
  const files = Object.fromEntries(entries.filter((_, i) => i % 6 === 0).map((e) => [`set/${e.path}`, e.bytes]));
  files['../../outside/circles/evil.png'] = entries[0].bytes;
  files['/etc/squares/abs.png'] = entries[1].bytes;
  files['set/../../climb.png'] = entries[2].bytes;
  const zipped = zipSync(files);
  const folder = await readImageFolder(zipSource(zipped, { unzipSync }, 'evil.zip'), { decode: decodeImage, holdOut: 0 });
  const reasons = Object.fromEntries(folder.skipped.map((s) => [s.path, s.reason]));
  assert.match(reasons['../../outside/circles/evil.png'], /a path that climbs out of the folder \(".."\): refused/);
  assert.match(reasons['/etc/squares/abs.png'], /an absolute path: refused/);
  assert.match(reasons['set/../../climb.png'], /climbs out/);
  assert.equal(folder.train.size, 10);
});

test('bad input: one class, no classes, every image of a class broken', async () => {
  const one = entries.filter((e) => e.path.startsWith('circles/'));
  await assert.rejects(readImageFolder({ name: 'cats-only', entries: one }, { decode: decodeImage }),
    (e) => e instanceof ImageFolderError && e.message === 'cats-only: only one class ("circles"): a classifier needs at least two class folders (e.g. cats/ and dogs/)');
  await assert.rejects(readImageFolder({ name: 'loose', entries: [{ path: 'a.png', bytes: entries[0].bytes }] }, { decode: decodeImage }),
    (e) => e instanceof ImageFolderError && /loose: no usable images in class folders/.test(e.message) && e.skipped[0].path === 'a.png');
  // A class whose files are all unusable is left out, and named.
  const broken = [...entries.filter((e) => !e.path.startsWith('triangles/')),
    { path: 'triangles/a.png', bytes: new Uint8Array([1, 2, 3]) }, { path: 'triangles/b.png', bytes: new Uint8Array(0) }];
  const folder = await readImageFolder({ name: 'broken', entries: broken }, { decode: decodeImage, holdOut: 0 });
  assert.deepEqual(folder.classNames, ['circles', 'squares']);
  assert.ok(folder.skipped.some((s) => s.path === 'triangles/' && /none of its 2 files is a usable image: the class is left out/.test(s.reason)));
});

test('labelling by a model\'s classes: other class folders are skipped by name', async () => {
  const folder = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, classNames: ['squares', 'circles'], holdOut: 0 });
  assert.deepEqual(folder.classNames, ['squares', 'circles']);
  assert.equal(folder.train.size, 40);
  folder.train.paths.forEach((p, i) => assert.equal(['squares', 'circles'][folder.train.labels[i]], p.split('/')[0]));
  assert.match(folder.skipped.find((s) => s.path.startsWith('triangles/')).reason, /class "triangles" is not one of the model's classes \(squares, circles\)/);
});

// ---- memory -----------------------------------------------------------------------------------

test('memory: the cap is what fits beside training (at most 192 MB); a larger folder loads a seeded share of every class and says so', async () => {
  assert.equal(SAMPLE_BUDGET_BYTES, 192 * 2 ** 20);
  assert.equal(sampleCapacity(3, 32, 32), 16384);
  assert.equal(sampleCapacity(3, 64, 64), 4096);
  assert.equal(sampleCapacity(1, 32, 32), 49152);
  // Larger images: training needs more, so fewer samples fit; at 128x128 none beside SimpleNet at batch 64.
  assert.equal(sampleCapacity(3, 96, 96), Math.floor((480 * 2 ** 20 - defaultTrainingBytes(96, 96)) / (4 * 3 * 96 * 96)));
  assert.ok(sampleCapacity(3, 96, 96) < 6000);
  assert.equal(sampleCapacity(3, 128, 128), 0);
  await assert.rejects(readImageFolder({ name: 'big', entries }, { decode: decodeImage, width: 128, height: 128 }),
    /big: at 128x128 no samples fit in the engine's 512 MB beside training the model; choose a smaller size/);
  // A model's own estimate: vgg-mini-like layer outputs at batch 64 on 3x64x64 leave less room.
  const layers = [{ outputShape: [16, 64, 64] }, { outputShape: [16, 64, 64] }, { outputShape: [10] }];
  assert.equal(trainingBytes(layers, 64, 1000), Math.ceil(2.2 * 4 * (2 * 16 * 64 * 64 + 10) * 64 + 16000 + 32 * 2 ** 20));
  assert.deepEqual(proportionalQuotas([100, 10, 1, 0], 10), [7, 2, 1, 0]);
  assert.deepEqual(proportionalQuotas([5, 5], 20), [5, 5]);
  const folder = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, maxSamples: 30 });
  assert.equal(folder.train.size + folder.validation.size, 30);
  assert.deepEqual(Array.from(folder.train.classCounts), [9, 9, 9]);
  assert.match(folder.notes[0], /^shapes: 60 images is more than the 30 samples of 3x32x32 \(12 KB each, 0 MB\) that fit in the engine's 512 MB beside training; loading a seeded 30 \(the same share of every class and split\)/);
});

test('memory: 50,000 files are listed and capped without holding them; at most 4 images decode at once', async (t) => {
  // 50,000 entries whose bytes are made only when read (a dropped folder reads File objects lazily).
  const png = await encode(shapePixels('circles', rng(9), 40, 40), 40, 40, 3, 'png');
  let reads = 0;
  let live = 0;
  let maxLive = 0;
  const many = Array.from({ length: 50000 }, (_, i) => ({ path: `${i % 2 ? 'a' : 'b'}/${i}.png`, size: png.length, read: async () => { reads++; return png.slice(); } }));
  const decode = async (bytes) => {
    live++;
    maxLive = Math.max(maxLive, live);
    try {
      return await decodeImage(bytes);
    } finally {
      live--;
    }
  };
  const before = process.memoryUsage().rss;
  const folder = await readImageFolder({ name: 'many', entries: many }, { decode, width: 32, height: 32, channels: 3, concurrency: 4 });
  const grown = process.memoryUsage().rss - before;
  t.diagnostic(`50,000 entries -> ${folder.train.size + folder.validation.size} samples; resident memory grew ${(grown / 2 ** 20).toFixed(0)} MB`);
  assert.equal(folder.train.size + folder.validation.size, 16384);
  assert.equal(reads, 16384, 'only the kept files are read');
  assert.ok(maxLive <= 4, `at most 4 images decoding at once, saw ${maxLive}`);
  assert.match(folder.notes[0], /^many: 50,000 images is more than the 16,384 samples of 3x32x32 \(12 KB each, 192 MB\) that fit in the engine's 512 MB beside training/);
  assert.ok(grown < 600 * 2 ** 20, `resident memory grew by ${(grown / 2 ** 20).toFixed(0)} MB`);
});

// ---- into the engine ----------------------------------------------------------------------------

test('imageFolderDatasets: engine datasets with the folder names as class names', async () => {
  const engine = await load();
  const folder = await readImageFolder({ name: 'shapes', entries }, { decode: decodeImage, width: 16, height: 16, channels: 3 });
  const { train, validation, test: none } = imageFolderDatasets(engine, folder);
  try {
    assert.equal(none, null);
    assert.deepEqual(train.classNames, SHAPE_CLASSES);
    assert.deepEqual(validation.classNames, SHAPE_CLASSES);
    assert.deepEqual(train.sampleShape, [3, 16, 16]);
    assert.equal(train.size, folder.train.size);
    assert.deepEqual(train.labels(), folder.train.labels);
    assert.deepEqual(train.inputs(0, 2), folder.train.inputs.subarray(0, 2 * 768));
    assert.deepEqual(train.subset([0]).classNames, SHAPE_CLASSES, 'subsets keep the names');
  } finally {
    train.dispose();
    validation.dispose();
  }
  assert.throws(() => engine.arrayDataset(new Float32Array(4), [4], [0], { classes: 2, classNames: ['one'] }),
    /Dataset\.setClassNames: 1 names for a dataset of 2 classes/);
});

test('readImages and imageSource: single files, a missing path, a file that is neither folder nor zip', async () => {
  const files = await readImages([entries[0], { path: 'nope.txt', bytes: new TextEncoder().encode('hello') }], { decode: decodeImage, width: 8, height: 8, channels: 1 });
  assert.equal(files.size, 1);
  assert.deepEqual(files.paths, [entries[0].path]);
  assert.match(files.skipped[0].reason, /a text file/);
  await assert.rejects(imageSource(join(dir, 'missing')), /missing: no such file or folder/);
  await mkdir(join(dir, 'plain'), { recursive: true });
  await writeFile(join(dir, 'plain', 'a.txt'), 'x');
  await assert.rejects(imageSource(join(dir, 'plain', 'a.txt')), /a\.txt: not a folder or a \.zip/);
});

test('EXIF orientation is applied (as browsers do): a rotated JPEG gives the upright sample', async () => {
  const width = 48, height = 32;
  const pixels = shapePixels('triangles', rng(4), width, height);
  const upright = await encode(pixels, width, height, 3, 'png');
  // Stored turned a quarter anticlockwise, with EXIF orientation 6 ("turn 90 degrees clockwise to view").
  const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
  const wrong = await sharp(upright).rotate(90).withMetadata({ orientation: 6 }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
  const [a, b, c] = await Promise.all([upright, stored, wrong].map(async (bytes) => fitImage(await decodeImage(new Uint8Array(bytes)), { width: 32, height: 32, channels: 3 })));
  const meanDiff = (x, y) => x.reduce((sum, v, i) => sum + Math.abs(v - y[i]), 0) / x.length;
  assert.ok(meanDiff(a, b) < 0.02, `upright vs EXIF-rotated: mean difference ${meanDiff(a, b)}`);
  assert.ok(meanDiff(a, c) > 5 * meanDiff(a, b), `a wrongly rotated file differs: ${meanDiff(a, c)}`);
});
