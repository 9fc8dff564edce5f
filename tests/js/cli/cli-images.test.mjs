// The command line on image folders (bin/cli/image-data.mjs): a generated folder of coloured shapes
// (tests/js/image-fixtures.mjs: 100 per class, PNG) trains SimpleNet to >= 90% validation
// accuracy; eval finds the held-out images again; predict names the class of a photo; a zip and
// grey 24x24 work; every bad input is skipped by name and training still runs; bad options
// and a single class are clear errors. Stdout is a pipe, so every line is one JSON event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { shapeEntries, writeEntries, encode, shapePixels, rng, SHAPE_CLASSES } from '../image-fixtures.mjs';

const CLI = fileURLToPath(new URL('../../../bin/wasmgrad.mjs', import.meta.url));
const PER_CLASS = 100;

function run(args, { timeout = 300_000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const events = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
      resolve({ code, stdout, stderr, events });
    });
  });
}

let dir;
let shapes;
let entries;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-cli-images-'));
  shapes = join(dir, 'shapes');
  entries = await shapeEntries({ perClass: PER_CLASS, seed: 21 });
  await writeEntries(shapes, entries);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

const TRAIN = ['--epochs', '6', '--batch', '16', '--lr', '0.003', '--seed', '1'];

test('train SimpleNet on a colour image folder: >= 90% on the held-out 10%; eval and predict use the saved class names', async () => {
  const model = join(dir, 'shapes.bin');
  const trained = await run(['train', '--model', 'simplenet', '--data', shapes, '--size', '32x32', '--channels', '3', ...TRAIN, '--out', model]);
  assert.equal(trained.code, 0, trained.stderr);
  const notes = trained.events.filter((e) => e.event === 'note').map((e) => e.message);
  assert.ok(notes.some((n) => /^shapes\/ has no test\/ or val\/ folder: held out 30 images \(10% of each class, seed 1\) for validation$/.test(n)), notes.join('\n'));
  assert.ok(notes.includes('preset simplenet fitted to the data: input 3x32x32, 3 classes (circles, squares, triangles)'), notes.join('\n'));
  assert.ok(trained.events.some((e) => e.event === 'loading' && e.done === 3 * PER_CLASS && e.total === 3 * PER_CLASS));
  const start = trained.events.find((e) => e.event === 'start');
  assert.deepEqual(start.classNames, SHAPE_CLASSES);
  assert.equal(start.evaluatedOn, 'validation');
  assert.deepEqual(start.heldOut, { fraction: 0.1, seed: 1 });
  assert.equal(start.trainSamples, 270);
  assert.equal(start.testSamples, 30);
  const result = trained.events.at(-1);
  assert.equal(result.event, 'result');
  assert.ok(result.testAccuracy >= 0.9, `SimpleNet after 6 epochs: validation accuracy ${result.testAccuracy}`);

  const info = (await run(['info', '--model', model])).events[0];
  assert.deepEqual(info.input, [3, 32, 32]);
  assert.deepEqual(info.output, [3]);
  assert.deepEqual(info.metadata.classNames, SHAPE_CLASSES);
  assert.deepEqual(info.metadata.imageData, { width: 32, height: 32, channels: 3, layout: 'classes',
    fit: 'scale the shorter side (relative to the target) to fit, centre-crop the rest; area-averaged; transparent pixels over white' });
  assert.equal(info.layers[0].parameters, 760);
  assert.equal(info.layers[0].multiplyAdds, 768000);

  // The folder the model trained on: eval picks the held-out images, and gets train's accuracy.
  const evaluated = await run(['eval', '--model', model, '--data', shapes]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const evaluation = evaluated.events.at(-1);
  assert.equal(evaluation.split, 'validation');
  assert.equal(evaluation.samples, 30);
  assert.ok(Math.abs(evaluation.accuracy - result.testAccuracy) < 1e-6, `${evaluation.accuracy} vs ${result.testAccuracy}`);
  assert.deepEqual(evaluation.classNames, SHAPE_CLASSES);
  assert.ok(evaluated.events.some((e) => e.event === 'note' && /the folder the model was trained on: evaluating on the images it held out/.test(e.message)));
  const all = (await run(['eval', '--model', model, '--data', shapes, '--split', 'all'])).events.at(-1);
  assert.equal(all.samples, 300);
  assert.ok(all.accuracy >= 0.9);
  // Single files, labelled by their folders' names.
  const files = (await run(['eval', '--model', model, join(shapes, 'circles', '000.png'), join(shapes, 'squares', '001.png')])).events.at(-1);
  assert.equal(files.samples, 2);

  // predict photo.jpg: the class name and its probability.
  const photo = join(dir, 'photo.jpg');
  await writeFile(photo, await encode(shapePixels('triangles', rng(99), 60, 45), 60, 45, 3, 'jpeg'));
  const predicted = await run(['predict', '--model', model, photo]);
  assert.equal(predicted.code, 0, predicted.stderr);
  const [prediction] = predicted.events.filter((e) => e.event === 'prediction');
  assert.equal(prediction.path, photo);
  assert.equal(prediction.className, 'triangles');
  assert.ok(prediction.probability > 0.5 && prediction.probability <= 1, `${prediction.probability}`);
  assert.equal(prediction.probabilities.length, 3);
  // A folder: every image, with accuracy from the class folders' names.
  const folder = await run(['predict', '--model', model, '--input', shapes, '--count', '50']);
  assert.equal(folder.code, 0, folder.stderr);
  const summary = folder.events.at(-1);
  assert.equal(summary.count, 50);
  assert.equal(summary.labelled, 50);
  assert.ok(summary.accuracy >= 0.9, `${summary.accuracy}`);
});

test('a zip, grey 24x24, and a test/ split: train runs and says what it did', async () => {
  const zip = join(dir, 'shapes.zip');
  await writeFile(zip, zipSync(Object.fromEntries(entries.filter((_, i) => i % 4 === 0).map((e) => [`photos/${e.path}`, e.bytes]))));
  const trained = await run(['train', '--model', 'simplenet', '--data', zip, '--size', '24', '--channels', '1', '--epochs', '1', '--out', join(dir, 'grey.bin')]);
  assert.equal(trained.code, 0, trained.stderr);
  const notes = trained.events.filter((e) => e.event === 'note').map((e) => e.message);
  assert.ok(notes.includes('preset simplenet fitted to the data: input 1x24x24, 3 classes (circles, squares, triangles)'), notes.join('\n'));
  assert.ok(notes.includes('colour images made grey: grey = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)'), notes.join('\n'));
  assert.equal(trained.events.find((e) => e.event === 'start').trainSamples, 66);

  const split = join(dir, 'split');
  await writeEntries(split, await shapeEntries({ perClass: 10, testPerClass: 4, layout: 'splits', seed: 5 }));
  const onSplit = await run(['train', '--model', 'simplenet', '--data', split, '--epochs', '1', '--out', join(dir, 'split.bin')]);
  assert.equal(onSplit.code, 0, onSplit.stderr);
  const start = onSplit.events.find((e) => e.event === 'start');
  assert.deepEqual([start.trainSamples, start.testSamples, start.evaluatedOn, start.heldOut], [30, 12, 'test', undefined]);
  const evaluated = await run(['eval', '--model', join(dir, 'split.bin'), '--data', split]);
  assert.equal(evaluated.events.at(-1).split, 'test');
  assert.equal(evaluated.events.at(-1).samples, 12);
});

test('bad input in the folder: each file named, training still runs', async () => {
  const bad = join(dir, 'bad');
  await writeEntries(bad, entries.filter((_, i) => i % 5 === 0));
  const jpeg = await encode(shapePixels('squares', rng(3), 50, 50), 50, 50, 3, 'jpeg');
  await writeFile(join(bad, 'circles', 'notes.txt'), 'my circles');
  await writeFile(join(bad, 'squares', 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  await writeFile(join(bad, 'triangles', 'huge.png'), await sharp({ create: { width: 10000, height: 10000, channels: 3, background: 'green' } }).png().toBuffer());
  await writeFile(join(bad, 'triangles', 'grey.png'), await encode(new Uint8Array(40 * 40).fill(90), 40, 40, 1, 'png'));
  await mkdir(join(bad, 'empty'));
  const trained = await run(['train', '--model', 'simplenet', '--data', bad, '--epochs', '1', '--out', join(dir, 'bad.bin')]);
  assert.equal(trained.code, 0, trained.stderr);
  const skipped = Object.fromEntries(trained.events.filter((e) => e.event === 'skipped').map((e) => [e.path, e.reason]));
  assert.deepEqual(Object.keys(skipped).sort(), ['circles/notes.txt', 'empty/', 'squares/cut.jpg', 'triangles/huge.png']);
  assert.match(skipped['triangles/huge.png'], /10000 x 10000 pixels/);
  const notes = trained.events.filter((e) => e.event === 'note').map((e) => e.message);
  assert.ok(notes.some((n) => /1 greyscale image \(e\.g\. triangles\/grey\.png\) among 60 colour images/.test(n)), notes.join('\n'));
  assert.deepEqual(trained.events.find((e) => e.event === 'start').classNames, SHAPE_CLASSES);

  const one = join(dir, 'one-class');
  await writeEntries(one, entries.filter((e) => e.path.startsWith('circles/')).slice(0, 5));
  const single = await run(['train', '--model', 'simplenet', '--data', one, '--out', join(dir, 'x.bin')]);
  assert.equal(single.code, 3);
  assert.match(single.stderr, /one-class\/: only one class \("circles"\): a classifier needs at least two class folders/);
});

const usage = [
  [['train', '--model', 'simplenet', '--data', 'SHAPES', '--size', 'big'], 2, /--size must be WIDTHxHEIGHT \(e\.g\. 32x32, 64x48\) or one number/],
  [['train', '--model', 'simplenet', '--data', 'SHAPES', '--channels', '2'], 2, /--channels must be 3 \(colour\) or 1 \(grey\), got "2"/],
  [['train', '--model', 'mlp', '--data', 'digits', '--size', '32x32'], 2, /--size and --channels are for image folders and files; digits is IDX data/],
  [['eval', '--model', 'MODEL', '--data', 'SHAPES', '--split', 'test'], 3, /no test\/ folder; use --split validation/],
  [['eval', '--model', 'MODEL', '--data', 'SHAPES', '--size', '64x64'], 2, /the model takes 3x32x32 images; --size asks for width 64/],
  [['predict', '--model', 'MODEL', 'SHAPES/circles/000.png', '--labels', 'x'], 2, /--labels is for IDX input/],
  [['predict', '--model', 'MODEL', 'SHAPES/nope.png'], 3, /image .*nope\.png: no such file/],
  [['predict', '--model', 'MODEL'], 2, /predict: give image files/],
];
for (const [args, code, message] of usage) {
  test(`exit ${code}: ${args.join(' ')}`, async () => {
    const resolved = args.map((a) => a.replace('SHAPES', shapes).replace('MODEL', join(dir, 'shapes.bin')));
    const result = await run(resolved);
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr, message);
  });
}
