// One source per list: the engine's catalog (engine.catalog) names the layer types, optimizers,
// losses and schedules. The TypeScript declarations write them out as unions for the type
// checker; this test fails when a union offers a name the catalog lacks, or misses one it has.
// The CLI takes its lists from the catalog at run time (bin/cli/shared.mjs engineCatalog).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { load } from '../../../bindings/wasmgrad.js';

const DTS = new URL('../../../bindings/wasmgrad.d.ts', import.meta.url);
const CLI = fileURLToPath(new URL('../../../bin/wasmgrad.mjs', import.meta.url));

/** `wasmgrad <command> --help` as text. */
function cliHelp(command) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, command, '--help'], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} --help failed: ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The comma-separated names an option's help line lists after `--option <value>` (up to `until`). */
function helpList(help, option, until = /\s\(default/) {
  const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${option} `));
  assert.ok(line, `the help has a --${option} line`);
  const text = line.replace(new RegExp(`^\\s*--${option} <value>\\s+`), '').split(until)[0];
  return text.split(',').map((name) => name.trim());
}

/** The string literals of `export type NAME = 'a' | 'b' ...;` in the .d.ts (an empty list when it is missing). */
function union(dts, name) {
  const match = new RegExp(`export type ${name} =([^;]*);`).exec(dts);
  assert.ok(match, `bindings/wasmgrad.d.ts declares no union type ${name}`);
  return [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

let catalog;
let dts;
before(async () => {
  const engine = await load({ numThreads: 1 });
  catalog = engine.catalog;
  dts = await readFile(DTS, 'utf8');
});

const sorted = (list) => [...list].sort();

test('the catalog lists every layer type, preset, optimizer (adamw too), loss and schedule', () => {
  for (const key of ['layerTypes', 'presets', 'optimizers', 'losses', 'schedules']) {
    assert.ok(Array.isArray(catalog[key]) && catalog[key].length > 0, `catalog.${key} is a non-empty array`);
  }
  assert.ok(catalog.optimizers.includes('adamw'));
  assert.ok(catalog.losses.includes('cross_entropy'));
  assert.ok(catalog.layerTypes.some((t) => t.type === 'dense' && t.aliasOf === 'linear'), 'aliases are listed with what they stand for');
});

for (const [union_, of] of [
  ['LayerTypeName', (c) => c.layerTypes.map((t) => t.type)],
  ['OptimizerName', (c) => c.optimizers],
  ['LossName', (c) => c.losses],
  ['ScheduleType', (c) => c.schedules],
]) {
  test(`wasmgrad.d.ts ${union_} names exactly what the catalog lists`, () => {
    const declared = union(dts, union_);
    const listed = of(catalog);
    assert.deepEqual(sorted(declared), sorted(listed),
      `only in the .d.ts: ${declared.filter((n) => !listed.includes(n)).join(', ') || '-'}; ` +
      `only in the catalog: ${listed.filter((n) => !declared.includes(n)).join(', ') || '-'}`);
  });
}

test('TrainSettings and LayerSpec use the unions, not their own lists', () => {
  const settings = /export interface TrainSettings \{([\s\S]*?)\n\}/.exec(dts)[1];
  assert.match(settings, /optimizer\?: OptimizerName;/);
  assert.match(settings, /type\?: ScheduleType;/);
  assert.match(settings, /loss\?: LossName;/);
  assert.match(dts, /export interface LayerSpec \{ type: LayerTypeName;/);
});

test('the CLI\'s help offers exactly the catalog\'s optimizers, losses, schedules, layer types and presets', async () => {
  const train = await cliHelp('train');
  assert.deepEqual(helpList(train, 'optimizer'), catalog.optimizers);
  assert.deepEqual(helpList(train, 'loss'), catalog.losses);
  const schedules = /schedule: \{"type": ([^}]*), \.\.\.\}/.exec(train)[1].split(',').map((n) => n.trim());
  assert.deepEqual(schedules, catalog.schedules);
  const layerTypes = /layer types: ([^)]*)\)/.exec(train)[1].split(',').map((n) => n.trim());
  assert.deepEqual(layerTypes, catalog.layerTypes.map((t) => t.type));
  const presets = /--model <value> +preset \(([^:]*):/.exec(train)[1].split(',').map((n) => n.trim());
  assert.deepEqual(presets, catalog.presets.map((p) => p.name));
  const info = await cliHelp('info');
  assert.match(info, new RegExp(`layer types: ${catalog.layerTypes.map((t) => t.type).join(', ')}\\)`));
});

test('an engine error for a bad name lists the catalog\'s names', async () => {
  const engine = await load({ numThreads: 1 });
  const model = engine.model('mlp');
  try {
    assert.throws(() => engine.trainer(model, { loss: 'nope' }), new RegExp(`valid losses: ${catalog.losses.join(', ')}`));
  } finally {
    model.dispose();
  }
});

test('a Tensor is freed with dispose(), like every engine object; delete() stays as its older name', async () => {
  const engine = await load({ numThreads: 1 });
  const tensor = engine.Tensor.fromArray(new Float32Array([1, 2, 3, 4]), [2, 2]);
  assert.equal(tensor.disposed, false);
  tensor.dispose();
  assert.equal(tensor.disposed, true);
  assert.doesNotThrow(() => tensor.dispose(), 'safe to call twice');
  const old = engine.Tensor.zeros([2]);
  old.delete();
  assert.equal(old.disposed, true);
  const tensorType = /export interface Tensor \{([\s\S]*?)\n\}/.exec(dts)[1];
  assert.match(tensorType, /\n {2}dispose\(\): void;/);
  assert.match(tensorType, /older name of dispose\(\)[^\n]*\n {2}delete\(\): void;/);
});
