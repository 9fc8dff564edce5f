// train.py's edges that need no second process: which MASTER_ADDR counts as this machine (then gloo
// is pointed at the loopback interface, whatever the host name resolves to), and a last batch of
// one sample, which PyTorch's batch norm refuses to train on (train.py drops it; before, the run
// stopped with a ValueError, and under DDP that rank alone stopped while the others waited).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../../../bindings/wasmgrad.js';
import { python } from './export-fixtures.mjs';

const DATA = fileURLToPath(new URL('../../../build/data/', import.meta.url));
let engine;
let dir;
let folder;
before(async () => {
  engine = await load();
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-train-py-edges-'));
  const model = engine.model({ input: [1, 28, 28], layers: [{ type: 'linear', units: 16 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'linear', units: 10 }] });
  folder = join(dir, 'bn-pytorch');
  await mkdir(folder);
  for (const [name, content] of Object.entries(model.exportPyTorch({ training: { batchSize: 64 } }))) await writeFile(join(folder, name), content);
  model.dispose();
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('MASTER_ADDR 127.x, ::1 and localhost are this machine (decided without a resolver); the loopback interface is found', async () => {
  const out = await python(['-c', [
    'import json, sys',
    'sys.path.insert(0, sys.argv[1])',
    'import train',
    'addresses = ["127.0.0.1", "127.0.1.1", "::1", "localhost", "10.0.0.7", "192.168.1.2", "node-a", ""]',
    'print(json.dumps({"loopback": [train.is_loopback(a) for a in addresses], "interface": train.loopback_interface()}))',
  ].join('\n'), folder]);
  const { loopback, interface: name } = JSON.parse(out);
  assert.deepEqual(loopback, [true, true, true, true, false, false, false, false]);
  assert.equal(name, 'lo', 'Linux names its loopback interface lo');
});

test('a last batch of one sample with batch norm is dropped, not a ValueError: 65 samples, batch 64, one epoch', async () => {
  const digits = join(dir, 'digits');
  await mkdir(digits);
  for (const [from, to] of [['train-images-idx3-ubyte', 'train-images-idx3-ubyte'], ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte'],
    ['test-images-idx3-ubyte', 't10k-images-idx3-ubyte'], ['test-labels-idx1-ubyte', 't10k-labels-idx1-ubyte']]) {
    await symlink(join(DATA, `digits-${from}.gz`), join(digits, `${to}.gz`));
  }
  const out = await python([join(folder, 'train.py'), '--data', digits, '--epochs', '1', '--limit', '65', '--test-limit', '50',
    '--out', join(dir, 'out.safetensors')], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.match(out, /training 65 samples .* batch 64/);
  assert.match(out, /^epoch 1 \(1 of 1\): train loss [\d.]+ accuracy [\d.]+% /m);
  assert.match(out, /saved .*out\.safetensors \| test accuracy [\d.]+% \(\d+\/50\)/);
});
