// `wasmgrad export` / `wasmgrad import` as a user runs them, and the round trip the PyTorch export
// exists for: a model trained by the engine, exported, trained one more (short) epoch by train.py
// as two DistributedDataParallel processes (gloo, CPU, started with the variables torchrun sets:
// Debian's torchrun itself fails on Python 3.11), imported back; the imported model's accuracy
// is the one train.py printed. Then every bad input: exit codes and messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_SCRIPT, PYTHON, python } from './export-fixtures.mjs';

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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One DDP rank of train.py; resolves {code, stdout, stderr}. */
function rank(script, args, env) {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [script, ...args], { cwd: dir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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

  // What torchrun sets for each process (OMP_NUM_THREADS=1 included: two processes share the cores).
  const env = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()), WORLD_SIZE: '2', OMP_NUM_THREADS: '1' };
  const script = join(dir, 'cnn-pytorch', 'train.py');
  const args = ['--data', digitsDir, '--epochs', '1', '--limit', '2000'];
  const [first, second] = await Promise.all([rank(script, args, { ...env, RANK: '0', LOCAL_RANK: '0' }),
    rank(script, args, { ...env, RANK: '1', LOCAL_RANK: '1' })]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  assert.match(first.stdout, /on 2 processes \(cpu\), momentum lr 0\.05, batch 32/);
  assert.equal(second.stdout, '', 'only rank 0 prints');
  const [, printed, correct, count] = first.stdout.match(/saved .*weights\.safetensors \| test accuracy ([\d.]+)% \((\d+)\/(\d+)\)/);
  assert.equal(Number(count), 2000);
  const trainedWeights = await readFile(join(dir, 'cnn-pytorch', 'weights.safetensors'));
  assert.notDeepEqual(trainedWeights, exportedWeights, 'rank 0 wrote the weights it trained');

  const imported = await run(['import', '--weights', 'cnn-pytorch/weights.safetensors', '--spec', 'cnn-pytorch/spec.json',
    '--out', 'cnn-imported.wgm']);
  assert.equal(imported.code, 0, imported.stderr);
  const evaluated = await run(['eval', '--model', 'cnn-imported.wgm', '--data', digitsDir]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const { accuracy, samples } = result(evaluated);
  assert.equal(samples, 2000);
  assert.equal(Math.round(accuracy * samples), Number(correct), `engine ${accuracy}, train.py ${printed}%`);
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
