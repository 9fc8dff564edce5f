// PyTorch export (model.exportPyTorch): model.py's load() in Debian's python3-torch gives the
// engine's logits to 1e-5 relative for every preset (resnet-mini and inception-mini too), every
// layer type and each block form alone, whose state_dict keys are the engine's nested names; the
// training settings reach train.py from a Trainer, the model file or the defaults; train.py trains
// from an image folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../../../bindings/wasmgrad.js';
import {
  assertInformative, BLOCK_SPECS, CHECK_SCRIPT, python, relativeError, seededInputs, specsUnderTest, trainedModel, trainedOnSeeded,
} from './export-fixtures.mjs';

const SAMPLES = 64;
let engine;
let digits;
let dir;

before(async () => {
  engine = await load();
  digits = await engine.digits();
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-pytorch-'));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function writeFolder(files, folder) {
  await mkdir(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return folder;
}

test('every preset and every layer type: model.load() in python3-torch gives the engine\'s logits to 1e-5 relative', async () => {
  const inputs = digits.test.inputs(0, SAMPLES);
  const inputsFile = join(dir, 'inputs.f32');
  await writeFile(inputsFile, new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength));
  for (const [name, spec] of specsUnderTest(engine)) {
    const model = trainedModel(engine, spec, digits.train);
    const files = model.exportPyTorch();
    assert.deepEqual(Object.keys(files).sort(), ['README.md', 'model.py', 'spec.json', 'train.py', 'weights.safetensors']);
    const folder = await writeFolder(files, join(dir, name.replace(/\W+/g, '_')));
    const logitsFile = join(folder, 'logits.f32');
    await python([CHECK_SCRIPT, 'torch', folder, inputsFile, String(SAMPLES), logitsFile]);
    const raw = await readFile(logitsFile);
    const logits = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const expected = model.outputs(inputs, SAMPLES);
    assert.equal(logits.length, expected.length, name);
    const error = relativeError(logits, expected);
    assert.ok(error <= 1e-5, `${name}: relative error ${error}`);
    model.dispose();
  }
});

/** The safetensors header's tensor names. */
function tensorNames(bytes) {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)))).filter((k) => k !== '__metadata__').sort();
}

test('each block form alone: model.load() gives the engine\'s logits (1e-5 relative); state_dict keys = the engine\'s names', async () => {
  const COUNT = 5;
  for (const [name, spec] of Object.entries(BLOCK_SPECS)) {
    const model = trainedOnSeeded(engine, spec);
    const files = model.exportPyTorch();
    const folder = await writeFolder(files, join(dir, `block-${name.replace(/\W+/g, '_')}`));
    const keys = JSON.parse(await python([CHECK_SCRIPT, 'torch-keys', folder]));
    assert.deepEqual(keys, tensorNames(files['weights.safetensors']), name);
    const inputs = seededInputs(COUNT, spec.input, 42);
    const inputsFile = join(folder, 'inputs.f32');
    await writeFile(inputsFile, new Uint8Array(inputs.buffer));
    const logitsFile = join(folder, 'logits.f32');
    await python([CHECK_SCRIPT, 'torch', folder, inputsFile, String(COUNT), logitsFile]);
    const raw = await readFile(logitsFile);
    const logits = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const expected = model.outputs(inputs, COUNT);
    assertInformative(expected, name);
    assert.equal(logits.length, expected.length, name);
    const error = relativeError(logits, expected);
    assert.ok(error <= 1e-5, `${name}: relative error ${error}`);
    model.dispose();
  }
});

test('model.py writes a block as Residual / Concat / GlobalAvgPool with its inner layers listed and named', () => {
  const residual = engine.model(BLOCK_SPECS['residual, projection shortcut']);
  const source = residual.exportPyTorch()['model.py'];
  assert.match(source, /\nclass Residual\(nn\.Module\):\n/);
  assert.match(source, /self\.residual1 = Residual\(\n +layers=\[\n +nn\.Conv2d\(2, 6, kernel_size=\(3, 3\), stride=2, padding=1, dilation=1, bias=True\),  # 0: residual1\.layers\.0 -> 6x4x4\n/);
  assert.match(source, /shortcut=\[\n +nn\.Conv2d\(2, 6, kernel_size=\(1, 1\), stride=2, padding=0, dilation=1, bias=False\),  # 0: residual1\.shortcut\.0 -> 6x4x4\n/);
  assert.ok(!source.includes('class Concat') && !source.includes('class GlobalAvgPool'), 'only the blocks it uses');
  residual.dispose();
  const nested = engine.model(BLOCK_SPECS['blocks inside blocks, on features and images']);
  const text = nested.exportPyTorch()['model.py'];
  for (const helper of ['Residual', 'Concat', 'GlobalAvgPool', 'FlattenLinear', 'LocalContrastNorm', 'L2Pool2d']) {
    assert.match(text, new RegExp(`\\nclass ${helper}\\(`), helper);
  }
  assert.match(text, /FlattenLinear\(144, 6, bias=True\),  # 0: concat2\.branches\.0\.0 -> 6\n/, 'a linear on [C, H, W] inside a block flattens');
  assert.match(text, /shortcut=\[\],  # the identity\n/);
  assert.match(nested.exportPyTorch()['README.md'], /plus batch-norm running statistics/, 'batch norm inside a block counts');
  nested.dispose();
});

test('model.py names each layer as the engine does and writes only the modules it needs', () => {
  const model = engine.model('lenet5');
  const { 'model.py': source } = model.exportPyTorch();
  for (const line of [/self\.conv1 +  = nn\.Conv2d\(1, 20, kernel_size=\(5, 5\), stride=1, padding=2, dilation=1, bias=True\)  # -> 20x28x28\n/,
    /self\.maxpool2 = nn\.MaxPool2d\(kernel_size=2, stride=2, padding=0\)  # -> 50x7x7\n/,
    /self\.linear1 + = nn\.Linear\(2450, 500, bias=True\)  # -> 500\n/, /x = self\.flatten1\(x\)\n/]) {
    assert.match(source, line);
  }
  assert.ok(!source.includes('class LocalContrastNorm'), 'helpers are written only when used');
  model.dispose();
});

test('training settings reach train.py from a Trainer, from the model file, or as the defaults; bad ones are named', () => {
  const model = engine.model('mlp');
  const trainer = engine.trainer(model, { optimizer: 'nesterov', learningRate: 0.05, batchSize: 32,
    schedule: { type: 'step', stepSize: 2, gamma: 0.5 }, augment: { maxShift: 2 }, l2: 1e-4 });
  trainer.setData(digits.train.subset([0, 1, 2, 3, 4, 5, 6, 7]));
  trainer.trainEpoch();
  const fromTrainer = model.exportPyTorch({ training: trainer });
  const settingsOf = (files) => JSON.parse(files['train.py'].match(/SETTINGS = json\.loads\("""\n([\s\S]*?)\n"""\)/)[1]);
  // train.py writes the shortest decimal of each float32 setting (0.05, not 0.05000000074505806).
  const float32 = (settings) => JSON.parse(JSON.stringify(settings, (k, v) => (typeof v === 'number' ? Math.fround(v) : v)));
  assert.match(fromTrainer['train.py'], /"learningRate": 0\.05,\n/);
  assert.deepEqual(float32(settingsOf(fromTrainer)), float32(trainer.config));
  assert.match(fromTrainer['train.py'], /START_EPOCH = 1\n/);
  assert.match(fromTrainer['train.py'], /settings of the Trainer passed to exportPyTorch/);

  const saved = engine.loadModel(trainer.save({ settings: trainer.config, epochs: 7, model: 'mlp' }));
  const fromFile = saved.exportPyTorch();
  assert.deepEqual(float32(settingsOf(fromFile)), float32(trainer.config));
  assert.match(fromFile['train.py'], /START_EPOCH = 7\n/);
  assert.match(fromFile['README.md'], /^# The model "mlp", exported from wasmgrad/);

  const defaults = engine.model('mlp').exportPyTorch();
  assert.equal(settingsOf(defaults).optimizer, 'adam');
  assert.match(defaults['train.py'], /wasmgrad's default settings/);
  assert.deepEqual(settingsOf(model.exportPyTorch({ training: { learningRate: 0.5 }, startEpoch: 3 })).learningRate, 0.5);

  assert.throws(() => model.exportPyTorch({ training: { optimiser: 'adam' } }), /exportPyTorch: .*unknown key "optimiser"/);
  assert.throws(() => model.exportPyTorch({ startEpoch: -1 }), /startEpoch must be a whole number/);
  trainer.dispose();
  saved.dispose();
  model.dispose();
});

test('train.py on one process from an image folder (Pillow): trains, prints its accuracy and writes weights', async () => {
  const model = trainedModel(engine, 'cnn', digits.train);
  const folder = await writeFolder(model.exportPyTorch({ training: { optimizer: 'adam', learningRate: 0.002, batchSize: 50,
    augment: { maxShift: 1, maxRotation: 5, noise: 0.02 }, loss: 'hinge', schedule: { type: 'cosine', totalEpochs: 4, warmupEpochs: 1 } } }),
  join(dir, 'image-folder-run'));
  // DIR/train/<class>/*.png and DIR/test/<class>/*.png from 300 + 100 bundled digits.
  const images = join(dir, 'digit-images');
  const write = async (dataset, split, count) => {
    const pixels = dataset.inputs(0, count);
    const labels = dataset.labels();
    await writeFile(join(dir, `${split}.f32`), new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
    await writeFile(join(dir, `${split}.labels`), Uint8Array.from(labels.subarray(0, count)));
  };
  await write(digits.train, 'train', 300);
  await write(digits.test, 'test', 100);
  await python(['-c', `
import os, sys
from PIL import Image
import torch
root, images = sys.argv[1], sys.argv[2]
for split in ("train", "test"):
    pixels = torch.frombuffer(bytearray(open(f"{root}/{split}.f32", "rb").read()), dtype=torch.float32).reshape(-1, 28, 28)
    labels = open(f"{root}/{split}.labels", "rb").read()
    for i, (image, label) in enumerate(zip(pixels, labels)):
        os.makedirs(f"{images}/{split}/{label}", exist_ok=True)
        Image.fromarray((image * 255).round().to(torch.uint8).numpy(), "L").save(f"{images}/{split}/{label}/{i}.png")
`, dir, images]);
  const before = await readFile(join(folder, 'weights.safetensors'));
  const out = await python([join(folder, 'train.py'), '--data', images, '--epochs', '1'], { cwd: dir });
  assert.match(out, /training 300 samples from .* on 1 process \(cpu\), adam lr 0\.002, batch 50, loss hinge/);
  assert.match(out, /^epoch 1 \(1 of 1\): train loss [\d.]+ accuracy [\d.]+% \| test loss [\d.]+ accuracy [\d.]+% \(\d+\/100\) \| lr 0\.002 /m);
  const [, correct] = out.match(/saved .*weights\.safetensors \| test accuracy [\d.]+% \((\d+)\/100\)/);
  const after = await readFile(join(folder, 'weights.safetensors'));
  assert.notDeepEqual(after, before, 'train.py wrote new weights');
  const imported = engine.importSafetensors('cnn', after);
  // The PNGs hold the digits rounded to 1/255, as the IDX files do: the engine sees the same pixels.
  const predictions = imported.classify(digits.test.inputs(0, 100), 100);
  const labels = digits.test.labels();
  assert.equal(predictions.filter((p, i) => p === labels[i]).length, Number(correct));
  imported.dispose();
  model.dispose();
});
