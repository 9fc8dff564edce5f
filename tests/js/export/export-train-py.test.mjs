// train.py of the PyTorch export is a real Python file (bindings/js/export/train.py) with one
// configuration block, between two marker lines, that the export writes. Here: the template and exported scripts compile
// (python3 -m py_compile) and pass Debian's pyflakes3, and the bundle the exporters load holds
// today's train.py (scripts/build.sh rebuilds it), so an edit cannot ship stale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../../../bindings/wasmgrad.js';
import { CONFIG_BEGIN, CONFIG_END } from '../../../bindings/js/export/pytorch-train.js';
import { python } from './export-fixtures.mjs';

const TEMPLATE = fileURLToPath(new URL('../../../bindings/js/export/train.py', import.meta.url));
const BUNDLE = new URL('../../../build/vendor/export-deps.mjs', import.meta.url);
const PYFLAKES = '/usr/bin/pyflakes3';

/** pyflakes3 on `path`: resolves its report ('' when clean); it exits 1 when it reports anything. */
function pyflakes(path) {
  assert.ok(existsSync(PYFLAKES), `${PYFLAKES} is missing: scripts/setup.sh test installs it (Debian's pyflakes3)`);
  return new Promise((resolve) => {
    execFile(PYFLAKES, [path], (error, stdout, stderr) => resolve(`${stdout}${stderr}`.trim()));
  });
}

let engine;
let dir;
before(async () => {
  engine = await load();
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-train-py-'));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('the bundle the exporters load holds today\'s train.py (else run scripts/build.sh)', async () => {
  const { TRAIN_PY_TEMPLATE } = await import(BUNDLE);
  assert.equal(TRAIN_PY_TEMPLATE, await readFile(TEMPLATE, 'utf8'), 'build/vendor/export-deps.mjs is older than train.py');
});

test('the template has one configuration block, compiles and passes pyflakes3', async () => {
  const text = await readFile(TEMPLATE, 'utf8');
  const lines = text.split('\n');
  for (const marker of [CONFIG_BEGIN, CONFIG_END]) assert.equal(lines.filter((line) => line === marker).length, 1, `train.py holds ${marker} once`);
  assert.ok(lines.indexOf(CONFIG_BEGIN) < lines.indexOf(CONFIG_END));
  const copy = join(dir, 'template.py');  // py_compile writes __pycache__ beside the file: not in the source tree
  await writeFile(copy, text);
  await python(['-m', 'py_compile', copy]);
  assert.equal(await pyflakes(copy), '');
});

test('an exported train.py compiles, passes pyflakes3 and carries the settings, epoch and source', async () => {
  const model = engine.model('mlp');
  const settings = { optimizer: 'momentum', learningRate: 0.02, batchSize: 32, loss: 'mse', schedule: { type: 'cosine' } };
  const files = model.exportPyTorch({ training: settings, startEpoch: 4 });
  model.dispose();
  const script = join(dir, 'train.py');
  await writeFile(script, files['train.py']);
  await python(['-m', 'py_compile', script]);
  assert.equal(await pyflakes(script), '');
  const template = await readFile(TEMPLATE, 'utf8');
  const outside = (text) => [text.split(CONFIG_BEGIN)[0], text.split(CONFIG_END)[1]];
  assert.deepEqual(outside(files['train.py']), outside(template), 'only the configuration block differs from the template');
  // The configuration as Python reads it, without importing torch.
  const block = files['train.py'].split(`${CONFIG_BEGIN}\n`)[1].split(`\n${CONFIG_END}`)[0];
  await writeFile(join(dir, 'block.py'), block);
  const read = await python(['-c', [
    'import json, sys',
    'scope = {"json": json}',
    'exec(open(sys.argv[1]).read(), scope)',
    'print(json.dumps({"settings": scope["SETTINGS"], "startEpoch": scope["START_EPOCH"], "source": scope["SETTINGS_SOURCE"]}))',
  ].join('\n'), join(dir, 'block.py')]);
  const config = JSON.parse(read);
  assert.equal(config.startEpoch, 4);
  assert.equal(config.source, 'the settings passed to exportPyTorch');
  assert.equal(config.settings.optimizer, 'momentum');
  assert.equal(config.settings.learningRate, 0.02, 'float32 settings are written as the shortest decimal');
  assert.equal(config.settings.schedule.type, 'cosine');
});
