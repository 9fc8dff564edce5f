// `wasmgrad export` / `wasmgrad import` as a user runs them, and the round trip the PyTorch export
// exists for: a model trained by the engine, exported, trained one more (short) epoch by train.py
// as two DistributedDataParallel processes (gloo, CPU, started with the variables torchrun sets:
// Debian's torchrun itself fails on Python 3.11; ranks.mjs), imported back; the imported model's
// accuracy is the one train.py printed. The same for a residual network (resnet-mini) on one
// process and on two. Then every bad input: exit codes and messages, and a rank whose peer never
// comes stops with an error within train.py's --timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../../../bindings/wasmgrad.js';
import { CHECK_SCRIPT, PYTHON, python } from './export-fixtures.mjs';
import { assertRanksSucceeded, freePort, runRanks } from './ranks.mjs';

const CLI = fileURLToPath(new URL('../../../bin/wasmgrad.mjs', import.meta.url));
const DATA = fileURLToPath(new URL('../../../build/data/', import.meta.url));

/** Runs the CLI with stdout piped (JSON lines); resolves {code, stderr, events}. */
function run(args, { timeout = 300_000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stderr, events: stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)) });
    });
  });
}

const result = (r) => r.events.find((e) => e.event === 'result');

/** The test accuracy train.py printed when it saved: {printed, correct, count}. */
function savedAccuracy(stdout) {
  const match = stdout.match(/saved .*\.safetensors \| test accuracy ([\d.]+)% \((\d+)\/(\d+)\)/);
  assert.ok(match, `train.py printed no saved line:\n${stdout}`);
  return { printed: match[1], correct: Number(match[2]), count: Number(match[3]) };
}

/** `wasmgrad import` of `weights` with `spec`, then `wasmgrad eval` on the digits: {accuracy, samples}. */
async function importAndEvaluate(weights, spec, out) {
  const imported = await run(['import', '--weights', weights, '--spec', spec, '--out', out]);
  assert.equal(imported.code, 0, imported.stderr);
  const evaluated = await run(['eval', '--model', out, '--data', digitsDir]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  return result(evaluated);
}

let dir;
let digitsDir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-export-cli-'));
  // The bundled digits under the standard MNIST names, as train.py and `wasmgrad eval` look for them.
  digitsDir = join(dir, 'digits');
  await mkdir(digitsDir);
  for (const [from, to] of [['train-images-idx3-ubyte', 'train-images-idx3-ubyte'], ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte'],
    ['test-images-idx3-ubyte', 't10k-images-idx3-ubyte'], ['test-labels-idx1-ubyte', 't10k-labels-idx1-ubyte']]) {
    await symlink(join(DATA, `digits-${from}.gz`), join(digitsDir, `${to}.gz`));
  }
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('engine -> PyTorch (2 DDP processes, gloo) -> engine: the imported model\'s accuracy is the one train.py printed', async () => {
  const trained = await run(['train', '--model', 'cnn', '--data', 'digits', '--epochs', '1', '--limit', '1000',
    '--optimizer', 'momentum', '--lr', '0.05', '--batch', '32', '--out', 'cnn.wgm']);
  assert.equal(trained.code, 0, trained.stderr);

  const exported = await run(['export', '--model', 'cnn.wgm', '--format', 'pytorch', '--out', 'cnn-pytorch']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual((await readdir(join(dir, 'cnn-pytorch'))).sort(),
    ['README.md', 'model.py', 'spec.json', 'train.py', 'weights.safetensors']);
  const trainPy = await readFile(join(dir, 'cnn-pytorch', 'train.py'), 'utf8');
  assert.match(trainPy, /"optimizer": "momentum"/, 'the settings saved by `wasmgrad train` reach train.py');
  assert.match(trainPy, /"batchSize": 32/);
  const exportedWeights = await readFile(join(dir, 'cnn-pytorch', 'weights.safetensors'));

  const ranks = await runRanks(join(dir, 'cnn-pytorch', 'train.py'), ['--data', digitsDir, '--epochs', '1', '--limit', '2000'],
    { world: 2, cwd: dir });
  assertRanksSucceeded(ranks);
  const [first, second] = ranks;
  assert.match(first.stdout, /on 2 processes \(cpu\), momentum lr 0\.05, batch 32/);
  assert.equal(second.stdout, '', 'only rank 0 prints');
  const { printed, correct, count } = savedAccuracy(first.stdout);
  assert.equal(count, 2000);
  const trainedWeights = await readFile(join(dir, 'cnn-pytorch', 'weights.safetensors'));
  assert.notDeepEqual(trainedWeights, exportedWeights, 'rank 0 wrote the weights it trained');

  const { accuracy, samples } = await importAndEvaluate('cnn-pytorch/weights.safetensors', 'cnn-pytorch/spec.json', 'cnn-imported.wgm');
  assert.equal(samples, 2000);
  assert.equal(Math.round(accuracy * samples), correct, `engine ${accuracy}, train.py ${printed}%`);
});

test('resnet-mini (residual blocks, projection shortcuts, global average pooling): engine -> PyTorch -> one epoch on 1 process and on 2 DDP processes -> engine', async () => {
  // The preset fitted to the digits ([1, 28, 28], 10 classes), as the playground fits it.
  const engine = await load();
  await writeFile(join(dir, 'resnet-mini.json'), JSON.stringify(engine.presetSpec('resnet-mini', { input: [1, 28, 28], classes: 10 })));
  const trained = await run(['train', '--model', 'resnet-mini.json', '--data', 'digits', '--epochs', '1', '--limit', '128',
    '--batch', '32', '--out', 'resnet.wgm']);
  assert.equal(trained.code, 0, trained.stderr);
  const exported = await run(['export', '--model', 'resnet.wgm', '--format', 'pytorch', '--out', 'resnet-pytorch']);
  assert.equal(exported.code, 0, exported.stderr);
  const script = join(dir, 'resnet-pytorch', 'train.py');
  const exportedWeights = await readFile(join(dir, 'resnet-pytorch', 'weights.safetensors'));
  for (const world of [1, 2]) {
    const out = join(dir, `resnet-${world}.safetensors`);
    const ranks = await runRanks(script, ['--data', digitsDir, '--epochs', '1', '--limit', '256', '--out', out], { world, cwd: dir });
    assertRanksSucceeded(ranks);
    assert.match(ranks[0].stdout, new RegExp(`training 256 samples .* on ${world} process${world > 1 ? 'es' : ''} \\(cpu\\)`));
    const { printed, correct, count } = savedAccuracy(ranks[0].stdout);
    assert.equal(count, 2000);
    assert.notDeepEqual(await readFile(out), exportedWeights, `${world} process(es): train.py changed the weights`);
    // The nested names (residual3.shortcut.0.weight, ...) are what lets the engine read them back.
    const { accuracy, samples } = await importAndEvaluate(out, 'resnet-pytorch/spec.json', `resnet-${world}.wgm`);
    assert.equal(samples, 2000);
    assert.equal(Math.round(accuracy * samples), correct, `${world} process(es): engine ${accuracy}, train.py ${printed}%`);
  }
});

test('a DDP rank whose peer never starts stops within --timeout with an error naming the rendezvous, not a hang', async () => {
  const exported = await run(['export', '--model', 'mlp', '--format', 'pytorch', '--out', 'alone-pytorch']);
  assert.equal(exported.code, 0, exported.stderr);
  const port = await freePort();
  const started = Date.now();
  const out = await new Promise((resolve) => {
    execFile(PYTHON, [join(dir, 'alone-pytorch', 'train.py'), '--data', digitsDir, '--limit', '64',
      '--timeout', '3', '--out', join(dir, 'never.safetensors')], {
      cwd: dir, timeout: 120_000,
      env: { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: '2', RANK: '0', LOCAL_RANK: '0',
        OMP_NUM_THREADS: '1', CUDA_VISIBLE_DEVICES: '' },
    }, (error, stdout, stderr) => resolve({ code: error?.code, signal: error?.signal, stderr }));
  });
  assert.equal(out.signal ?? null, null, `killed after ${Date.now() - started} ms, not stopped by --timeout: ${out.stderr}`);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, new RegExp(`rank 0: the 2 processes did not all meet at 127\\.0\\.0\\.1:${port} within 3(\\.0)? s \\(--timeout\\)`));
});

test('export to onnx and safetensors; onnx.checker passes; the safetensors import back to the same model', async () => {
  assert.equal((await run(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--limit', '500', '--out', 'mlp.wgm'])).code, 0);
  const onnx = await run(['export', '--model', 'mlp.wgm', '--format', 'onnx', '--out', 'mlp.onnx']);
  assert.equal(onnx.code, 0, onnx.stderr);
  assert.equal(result(onnx).format, 'onnx');
  assert.match(await python([CHECK_SCRIPT, 'onnx', join(dir, 'mlp.onnx')]), /ok .*mlp\.onnx ir_version=8 opset=17/);

  const weights = await run(['export', '--model', 'mlp.wgm', '--format', 'safetensors', '--out', 'mlp.safetensors']);
  assert.equal(weights.code, 0, weights.stderr);
  const back = await run(['import', '--weights', 'mlp.safetensors', '--spec', 'mlp', '--out', 'mlp-back.wgm']);
  assert.equal(back.code, 0, back.stderr);
  const [a, b] = [await run(['eval', '--model', 'mlp.wgm', '--data', 'digits']), await run(['eval', '--model', 'mlp-back.wgm', '--data', 'digits'])];
  assert.equal(result(a).loss, result(b).loss);
});

test('bad input: usage errors exit 2, bad files exit 3, each message naming what was wrong', async () => {
  const cases = [
    [['export', '--model', 'mlp'], 2, /export: --format is required/],
    [['export', '--model', 'mlp', '--format', 'tflite', '--out', 'x'], 2, /--format must be onnx, pytorch or safetensors, got "tflite"/],
    [['export', '--model', 'missing.wgm', '--format', 'onnx', '--out', 'x.onnx'], 3, /model missing\.wgm: no such file/],
    [['export', '--model', 'mlp', '--format', 'onnx', '--out', 'x.onnx', '--config', 's.json'], 2, /--config .* needs --format pytorch/],
    [['import', '--spec', 'mlp', '--out', 'x.wgm'], 2, /import: --weights is required/],
    [['import', '--weights', 'nothing.safetensors', '--spec', 'mlp', '--out', 'x.wgm'], 3, /weights nothing\.safetensors: no such file/],
    [['import', '--weights', 'mlp.safetensors', '--spec', 'cnn', '--out', 'x.wgm'], 3,
      /weights mlp\.safetensors do not fit the spec cnn: safetensors: the spec needs tensor "conv1\.weight" \[8, 1, 5, 5\], the file has none/],
    [['import', '--weights', 'mlp.safetensors', '--spec', 'wide.json', '--out', 'x.wgm'], 3,
      /tensor "linear1\.weight": the spec expects shape \[64, 784\], the file has \[128, 784\]/],
    [['import', '--weights', 'truncated.safetensors', '--spec', 'mlp', '--out', 'x.wgm'], 3, /safetensors: .*truncated/],
    [['import', '--weights', 'huge-header.safetensors', '--spec', 'mlp', '--out', 'x.wgm'], 3, /header length \d+ exceeds the limit/],
    [['import', '--weights', 'nan.safetensors', '--spec', 'mlp', '--out', 'x.wgm'], 3, /tensor "linear1\.bias" holds NaN at index 3/],
  ];
  await writeFile(join(dir, 'wide.json'), JSON.stringify({ input: [1, 28, 28], layers: [{ type: 'linear', units: 64 }, { type: 'relu' },
    { type: 'linear', units: 10 }] }));
  const good = await readFile(join(dir, 'mlp.safetensors'));
  await writeFile(join(dir, 'truncated.safetensors'), good.subarray(0, good.length - 100));
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(1n << 40n, 0);
  await writeFile(join(dir, 'huge-header.safetensors'), huge);
  // NaN in linear1.bias[3]: its data offset comes from the header.
  const headerLength = Number(good.readBigUInt64LE(0));
  const entry = JSON.parse(good.subarray(8, 8 + headerLength).toString())['linear1.bias'];
  const nan = Buffer.from(good);
  nan.writeFloatLE(Number.NaN, 8 + headerLength + entry.data_offsets[0] + 12);
  await writeFile(join(dir, 'nan.safetensors'), nan);
  for (const [args, code, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    const error = r.events.find((e) => e.event === 'error');
    assert.equal(error?.exitCode, code);
  }
});
