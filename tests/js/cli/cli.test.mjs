// The command line (bin/wasmgrad.mjs) as an autograder drives it: stdout is a pipe, so every
// line is one JSON event; exit codes say what went wrong and stderr names the file.
// Trains on Fashion-MNIST from Debian's dataset-fashion-mnist when it is installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../bin/wasmgrad.mjs', import.meta.url));
const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Runs the CLI; resolves {code, stdout, stderr, events} (events = parsed JSON lines). */
function run(args, { timeout = 120_000, json = true } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const lines = stdout.split('\n').filter((line) => line.trim() !== '');
      const events = !json ? [] : lines.map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          assert.fail(`stdout line is not JSON: ${line}`);
        }
      });
      resolve({ code, stdout, stderr, events });
    });
  });
}

let dir;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'wasmgrad-cli-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('--help for the tool and each command; no command is a usage error', async () => {
  const top = await run(['--help'], { json: false });
  assert.equal(top.code, 0);
  for (const command of ['train', 'eval', 'predict', 'info']) assert.match(top.stdout, new RegExp(`\\b${command}\\b`));
  for (const command of ['train', 'eval', 'predict', 'info']) {
    const help = await run([command, '--help'], { json: false });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^wasmgrad ${command}:`));
    assert.match(help.stdout, /--model/);
  }
  const none = await run([], { json: false });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage: wasmgrad <command>/);
  // The documented rules: a folder without test files, and where class names come from.
  assert.match(top.stdout, /without test \(t10k-\*\) files: train holds out 10% of train-\* for validation/);
  const train = await run(['train', '--help'], { json: false });
  assert.match(train.stdout, /without t10k-\* files, 10% of the training set \(seeded by --seed\) is held out for validation/);
  for (const command of ['train', 'eval', 'predict']) {
    const help = await run([command, '--help'], { json: false });
    assert.match(help.stdout, /--classes <value> +class names: "fashion" \(Fashion-MNIST's T-shirt\/top ... Ankle boot\).*default: Fashion-MNIST's when the (data|--input) path contains "fashion", else those saved in the model file, else 0-9/, command);
  }
  assert.match((await run(['eval', '--help'], { json: false })).stdout, /--split <value> +test \(t10k-\*\), train \(train-\*\), or validation/);
});

const usageCases = [
  { args: ['frobnicate'], message: /unknown command "frobnicate"/ },
  { args: ['train', '--data', 'digits'], message: /--model is required/ },
  { args: ['train', '--model', 'mlp', '--data', 'digits', '--epochs', 'three'], message: /--epochs must be an integer/ },
  { args: ['train', '--model', 'mlp', '--data', 'digits', '--lr=-1'], message: /--lr must be a number in \[0, 1000\]/ },
  { args: ['train', '--model', 'mlp', '--data', 'digits', '--threads', '17'], message: /--threads must be an integer in \[1, 16\], got "17"/ },
  { args: ['train', '--model', 'mlp', '--data', 'digits', '--lr', '-1'], message: /argument is ambiguous/ },
  { args: ['info', '--model', 'mlp', '--colour'], message: /Unknown option '--colour'/ },
  { args: ['train', '--model', 'mlp', '--data', 'digits', '--optimizer', 'sgdd'], message: /unknown type 'sgdd'/ },
];
for (const { args, message } of usageCases) {
  test(`usage error, exit 2: ${args.join(' ')}`, async () => {
    const result = await run(args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.events.at(-1).event, 'error');
    assert.equal(result.events.at(-1).exitCode, 2);
  });
}

test('info: the lectures\' LeNet-5 table (shapes, parameters, multiply-adds, receptive fields)', async () => {
  const { code, events } = await run(['info', '--model', 'lenet5']);
  assert.equal(code, 0);
  const [info] = events;
  assert.equal(info.event, 'info');
  assert.deepEqual(info.input, [1, 28, 28]);
  const byName = Object.fromEntries(info.layers.map((l) => [l.name, l]));
  assert.deepEqual(byName.conv1.outputShape, [20, 28, 28]);
  assert.deepEqual(byName.maxpool2.outputShape, [50, 7, 7]);
  assert.deepEqual(byName.flatten1.outputShape, [2450]);
  assert.equal(byName.conv1.parameters, 20 * (5 * 5 + 1));
  assert.equal(byName.conv1.receptiveField.size, 5);
  assert.equal(byName.maxpool1.receptiveField.size, 6);  // pool P after conv K: P + K - 1
  assert.equal(info.parameters, info.layers.reduce((a, l) => a + l.parameters, 0));
});

test('info: an inline JSON spec works', async () => {
  const spec = JSON.stringify({ input: [3, 32, 32], layers: [{ type: 'conv2d', filters: 10, kernel: 5, pad: 2 }] });
  const { code, events } = await run(['info', '--model', spec]);
  assert.equal(code, 0);
  assert.equal(events[0].parameters, 760);             // SEEDS: 76 per filter, 760 in all
  assert.equal(events[0].multiplyAdds, 768000);        // 10*32*32*75
});

const haveFashion = existsSync(FASHION);
test('train, eval and predict on Fashion-MNIST; JSON lines parse', {
  skip: haveFashion ? false : `${FASHION} does not exist (apt-get install dataset-fashion-mnist)`,
}, async () => {
  const model = join(dir, 'fashion.bin');
  const trained = await run(['train', '--model', 'mlp', '--data', FASHION, '--epochs', '1', '--limit', '3000',
    '--test-limit', '1000', '--batch', '64', '--lr', '1e-3', '--seed', '1', '--out', model]);
  assert.equal(trained.code, 0, trained.stderr);
  const kinds = trained.events.map((e) => e.event);
  assert.equal(kinds[0], 'start');
  assert.ok(kinds.includes('progress'));
  assert.equal(kinds.filter((k) => k === 'epoch').length, 1);
  assert.equal(kinds.at(-1), 'result');
  const start = trained.events[0];
  assert.equal(start.trainSamples, 3000);
  assert.equal(start.testSamples, 1000);
  assert.equal(start.evaluatedOn, 'test');
  assert.equal(start.heldOut, undefined);
  assert.deepEqual(start.classNames, FASHION_CLASSES);
  const result = trained.events.at(-1);
  assert.ok(result.testAccuracy > 0.6, `1 epoch on 3000 samples should beat 60% on Fashion-MNIST, got ${result.testAccuracy}`);
  assert.ok(Number.isFinite(result.testLoss));
  assert.ok(existsSync(model));

  const evaluated = await run(['eval', '--model', model, '--data', FASHION, '--limit', '1000']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const evaluation = evaluated.events.at(-1);
  assert.equal(evaluation.event, 'result');
  assert.equal(evaluation.samples, 1000);
  assert.ok(Math.abs(evaluation.accuracy - result.testAccuracy) < 1e-6, 'eval of the saved model = the accuracy at save time');
  assert.deepEqual(evaluation.classNames, FASHION_CLASSES);
  assert.equal(evaluation.confusion.length, 10);
  assert.equal(evaluation.confusion.flat().reduce((a, b) => a + b, 0), 1000);

  const predicted = await run(['predict', '--model', model, '--input', join(FASHION, 't10k-images-idx3-ubyte.gz'),
    '--labels', join(FASHION, 't10k-labels-idx1-ubyte.gz'), '--count', '20']);
  assert.equal(predicted.code, 0, predicted.stderr);
  const predictions = predicted.events.filter((e) => e.event === 'prediction');
  assert.equal(predictions.length, 20);
  for (const p of predictions) {
    assert.ok(p.class >= 0 && p.class < 10);
    assert.equal(p.className, FASHION_CLASSES[p.class]);  // the --input path contains "fashion"
    assert.equal(p.labelName, FASHION_CLASSES[p.label]);
    assert.equal(p.probabilities.length, 10);
    assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  }
  const summary = predicted.events.at(-1);
  assert.equal(summary.count, 20);
  assert.equal(summary.accuracy, predictions.filter((p) => p.class === p.label).length / 20);
});

// A folder with only the training files (as some course handouts ship it): training holds out a
// seeded 10% for validation and says so; eval --split validation evaluates exactly those samples.
test('a data folder without test files: train holds out a validation split; eval finds it again', {
  skip: haveFashion ? false : `${FASHION} does not exist (apt-get install dataset-fashion-mnist)`,
}, async () => {
  const only = join(dir, 'fashion-train-only');
  await mkdir(only, { recursive: true });
  for (const file of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) await symlink(join(FASHION, file), join(only, file));
  const model = join(dir, 'held-out.bin');
  const trained = await run(['train', '--model', 'mlp', '--data', only, '--epochs', '1', '--limit', '2000', '--test-limit', '600',
    '--seed', '3', '--out', model]);
  assert.equal(trained.code, 0, trained.stderr);
  const [start, note] = trained.events;
  assert.equal(start.evaluatedOn, 'validation');
  assert.deepEqual(start.heldOut, { fraction: 0.1, seed: 3 });
  assert.equal(start.trainSamples, 2000);
  assert.equal(start.testSamples, 600);
  assert.deepEqual(start.classNames, FASHION_CLASSES);  // the path contains "fashion"
  assert.equal(note.event, 'note');
  assert.match(note.message, /no test \(t10k-\*\) files in .*fashion-train-only: held out 10% of the training set \(seed 3\) for validation/);
  assert.equal(trained.events.find((e) => e.event === 'epoch').evaluatedOn, 'validation');
  const result = trained.events.at(-1);
  assert.equal(result.evaluatedOn, 'validation');
  assert.ok(result.testAccuracy > 0.5, `validation accuracy ${result.testAccuracy}`);

  // The same 600 held-out samples (seed from the model file): the same accuracy.
  const again = await run(['eval', '--model', model, '--data', only, '--split', 'validation', '--limit', '600']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.events.at(-1).samples, 600);
  assert.ok(Math.abs(again.events.at(-1).accuracy - result.testAccuracy) < 1e-6, 'eval --split validation = the accuracy train reported');
  // --split test there: a bad-input error that says what to do instead.
  const noTest = await run(['eval', '--model', model, '--data', only]);
  assert.equal(noTest.code, 3);
  assert.match(noTest.stderr, /no test images file .*; it has only train files: evaluate with --split validation/);
  // --split validation of a model that held nothing out: a usage error.
  const plain = await run(['train', '--model', 'perceptron', '--data', 'digits', '--epochs', '1', '--limit', '64', '--test-limit', '64',
    '--out', join(dir, 'digits-perceptron.bin')]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(plain.events[0].classNames, DIGIT_CLASSES);
  const wrongSplit = await run(['eval', '--model', join(dir, 'digits-perceptron.bin'), '--data', only, '--split', 'validation']);
  assert.equal(wrongSplit.code, 2);
  assert.match(wrongSplit.stderr, /was not trained with a held-out validation set/);
});

// Class names: --classes, else Fashion-MNIST's for a path containing "fashion", else the model file's, else 0-9.
test('class names: the path rule, the names saved in the model file, --classes', {
  skip: haveFashion ? false : `${FASHION} does not exist (apt-get install dataset-fashion-mnist)`,
}, async () => {
  const neutral = join(dir, 'clothes');  // Fashion-MNIST under a name that does not say so
  await mkdir(neutral, { recursive: true });
  for (const file of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) await symlink(join(FASHION, file), join(neutral, file));
  const digitsModel = join(dir, 'digits-mlp.bin');
  const trained = await run(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--limit', '500', '--test-limit', '100',
    '--out', digitsModel]);
  assert.equal(trained.code, 0, trained.stderr);
  const images = join(neutral, 't10k-images-idx3-ubyte.gz');
  const cases = [
    { args: ['--model', digitsModel, '--input', images], names: DIGIT_CLASSES },
    { args: ['--model', digitsModel, '--input', images, '--classes', 'fashion'], names: FASHION_CLASSES },
    { args: ['--model', digitsModel, '--input', join(FASHION, 't10k-images-idx3-ubyte.gz')], names: FASHION_CLASSES },
    { args: ['--model', digitsModel, '--input', images, '--classes', 'a,b,c,d,e,f,g,h,i,j'], names: 'abcdefghij'.split('') },
  ];
  for (const { args, names } of cases) {
    const predicted = await run(['predict', ...args, '--count', '5']);
    assert.equal(predicted.code, 0, predicted.stderr);
    for (const p of predicted.events.filter((e) => e.event === 'prediction')) assert.equal(p.className, names[p.class], args.join(' '));
  }
  // Names saved by train (here: --classes at training time) come back in eval and predict.
  const named = join(dir, 'named.bin');
  const namedRun = await run(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--limit', '200', '--test-limit', '50',
    '--classes', 'zero,one,two,three,four,five,six,seven,eight,nine', '--out', named]);
  assert.equal(namedRun.code, 0, namedRun.stderr);
  const evaluated = await run(['eval', '--model', named, '--data', neutral, '--limit', '100']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  assert.deepEqual(evaluated.events.at(-1).classNames.slice(0, 3), ['zero', 'one', 'two']);
  const wrongCount = await run(['predict', '--model', digitsModel, '--input', images, '--classes', 'cat,dog']);
  assert.equal(wrongCount.code, 2);
  assert.match(wrongCount.stderr, /--classes gives 2 names but there are 10 classes/);
  const empty = await run(['eval', '--model', digitsModel, '--data', neutral, '--classes', 'a,,c']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /--classes has an empty name in "a,,c"/);
});

test('train on the bundled digits, then continue training from the saved file', async () => {
  const model = join(dir, 'digits.bin');
  const first = await run(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--limit', '1000',
    '--test-limit', '500', '--out', model]);
  assert.equal(first.code, 0, first.stderr);
  const second = await run(['train', '--model', model, '--data', 'digits', '--epochs', '1', '--limit', '1000',
    '--test-limit', '500', '--out', model]);
  assert.equal(second.code, 0, second.stderr);
  assert.ok(second.events.at(-1).testAccuracy >= first.events.at(-1).testAccuracy - 0.05);
});

test('a preset made for other images (resnet-mini, 3x32x32) trains on the digits, fitted to them and said so', async () => {
  const result = await run(['train', '--model', 'resnet-mini', '--data', 'digits', '--epochs', '1', '--limit', '128',
    '--test-limit', '64', '--batch', '32', '--out', join(dir, 'resnet-mini.wgm')]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.events[0], { event: 'note', message: 'preset resnet-mini fitted to the data: input 1x28x28, 10 classes' });
  assert.equal(result.events.at(-1).event, 'result');
  const info = await run(['info', '--model', join(dir, 'resnet-mini.wgm')]);
  assert.equal(info.code, 0, info.stderr);
  assert.deepEqual(info.events.at(-1).input, [1, 28, 28]);
  // A preset that fits as it is gets no note.
  const cnn = await run(['train', '--model', 'cnn', '--data', 'digits', '--epochs', '1', '--limit', '64', '--test-limit', '64',
    '--out', join(dir, 'cnn.wgm')]);
  assert.equal(cnn.code, 0, cnn.stderr);
  assert.equal(cnn.events.filter((e) => e.event === 'note').length, 0);
});

// Each bad input: exit code 3 and a message naming the file and what was wrong.
test('bad inputs: wrong path, corrupt IDX, invalid spec, a model that does not fit the data', async () => {
  const corruptDir = join(dir, 'corrupt');
  await rm(corruptDir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(corruptDir));
  // An images header that promises 100 28x28 images, with only 10 bytes of pixels.
  const header = new Uint8Array(16 + 10);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x803); view.setUint32(4, 100); view.setUint32(8, 28); view.setUint32(12, 28);
  await writeFile(join(corruptDir, 'train-images-idx3-ubyte'), header);
  await writeFile(join(corruptDir, 'train-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 100, ...new Uint8Array(100)]));
  const notIdx = join(dir, 'notes.txt');
  await writeFile(notIdx, 'these are not images\n');
  const badSpec = join(dir, 'bad-spec.json');
  await writeFile(badSpec, JSON.stringify({ input: [1, 28, 28], layers: [{ type: 'conv2d', filters: 4, kernel: 5 }, { type: 'sparkle' }] }));
  const brokenJson = join(dir, 'broken.json');
  await writeFile(brokenJson, '{"input": [1, 28, 28], "layers": [');
  const smallSpec = join(dir, 'two-inputs.json');
  await writeFile(smallSpec, JSON.stringify({ input: [2], layers: [{ type: 'linear', units: 2 }] }));
  const truncatedModel = join(dir, 'truncated.bin');
  const full = await run(['train', '--model', 'perceptron', '--data', 'digits', '--epochs', '1', '--limit', '64', '--test-limit', '64',
    '--out', join(dir, 'perceptron.bin')]);
  assert.equal(full.code, 0, full.stderr);
  await writeFile(truncatedModel, (await readFile(join(dir, 'perceptron.bin'))).subarray(0, 200));

  const cases = [
    { args: ['train', '--model', 'mlp', '--data', join(dir, 'no-such-dir')], message: /data folder .*no-such-dir: no such directory/ },
    { args: ['train', '--model', 'mlp', '--data', dir], message: /no train images file \(looked for train-images-idx3-ubyte/ },
    { args: ['train', '--model', 'mlp', '--data', corruptDir], message: /train-images-idx3-ubyte: corrupt IDX: header says \[100, 28, 28\]/ },
    { args: ['predict', '--model', join(dir, 'perceptron.bin'), '--input', notIdx], message: /notes\.txt: not an IDX images file: magic number/ },
    { args: ['predict', '--model', join(dir, 'perceptron.bin'), '--input', join(dir, 'missing-idx3-ubyte')], message: /missing-idx3-ubyte: no such file/ },
    { args: ['info', '--model', badSpec], message: /bad-spec\.json: invalid spec: unknown layer type "sparkle" at layer 1/ },
    { args: ['info', '--model', brokenJson], message: /broken\.json: invalid JSON/ },
    { args: ['info', '--model', join(dir, 'nope.bin')], message: /nope\.bin: no such file, and not a preset/ },
    { args: ['info', '--model', truncatedModel], message: /truncated\.bin: not a valid wasmgrad model/ },
    { args: ['train', '--model', smallSpec, '--data', 'digits', '--limit', '10'], message: /two-inputs\.json does not fit the data.*\[1, 28, 28\].*expects \[2\]/ },
  ];
  for (const { args, message } of cases) {
    const result = await run(args);
    assert.equal(result.code, 3, `${args.join(' ')}: exit ${result.code}, stderr: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.doesNotMatch(result.stderr, /\n.*\n/, 'one line, no stack trace');
    const error = result.events.at(-1);
    assert.equal(error.event, 'error');
    assert.equal(error.exitCode, 3);
    assert.match(error.message, message);
  }
});

test('training that diverges (squared error, learning rate 1000) exits 1', async () => {
  const result = await run(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--limit', '2000', '--test-limit', '100',
    '--optimizer', 'sgd', '--lr', '1000', '--loss', 'mse', '--out', join(dir, 'diverged.bin')]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /training failed: training diverged at epoch 1/);
  assert.equal(result.events.at(-1).exitCode, 1);
});
