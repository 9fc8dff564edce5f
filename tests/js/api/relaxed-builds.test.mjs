// The relaxed-SIMD builds (simd-relaxed-threads, simd-relaxed) and the `build` load option:
// load() takes a relaxed build where WebAssembly.validate accepts relaxed SIMD and says so,
// falls back to the plain build elsewhere (and where the relaxed build's files are missing) and says
// why, and checks a build asked for by name.
// Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd: the relaxed half runs
// in a child started with it. Needs build/engine/ (scripts/build.sh wasm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../../../bindings/wasmgrad.js';
import { BUILDS, hasRelaxedSimd } from '../../../bindings/js/loader.js';

const API = fileURLToPath(new URL('../../../bindings/wasmgrad.js', import.meta.url));
const FLAG = '--experimental-wasm-relaxed-simd';

test('the builds by name', () => {
  assert.deepEqual(BUILDS, ['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd']);
});

test('an unknown build name is an Error that lists the builds', async () => {
  await assert.rejects(load({ build: 'simd-fma' }),
    /unknown build "simd-fma": the builds are simd-relaxed-threads, simd-relaxed, simd-threads, simd/);
  await assert.rejects(load({ build: 'simd-threads', threads: false }), /has threads, but threads: false/);
});

test('without relaxed SIMD (Node 20, no flag): the plain build, and the reason names the flag', { skip: hasRelaxedSimd() && 'this Node has relaxed SIMD' }, async () => {
  const engine = await load();
  assert.equal(engine.build, 'simd-threads');
  assert.match(engine.reason, /no relaxed SIMD in Node\.js [\d.]+ without --experimental-wasm-relaxed-simd: plain SIMD128$/);
  await assert.rejects(load({ build: 'simd-relaxed' }), /build simd-relaxed needs relaxed SIMD, which this runtime lacks/);
});

// Runs a script in a Node with relaxed SIMD; prints one JSON line.
function withRelaxedSimd(body) {
  const script = `const { load } = await import(${JSON.stringify(API)});\n${body}\nprocess.exit(0);`;
  const out = execFileSync(process.execPath, [FLAG, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1));
}

test('with relaxed SIMD: load() picks the relaxed builds and says so; they train like the plain ones', () => {
  const shown = withRelaxedSimd(`
    const train = async (options) => {
      const engine = await load(options);
      engine.setThreads(Math.min(2, engine.maxThreads));
      const model = engine.model('cnn');
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 1e-3, loss: 'cross_entropy', seed: 1 });
      const images = Float32Array.from({ length: 16 * 784 }, (_, i) => ((i * 7919) % 256) / 255);
      const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
      const losses = [];
      for (let step = 0; step < 5; ++step) losses.push(trainer.trainBatch(images, labels).loss);
      trainer.dispose();
      model.dispose();
      return { build: engine.build, reason: engine.reason, threads: engine.threads, losses };
    };
    const picked = await train({});
    const one = await train({ threads: false });
    const plain = await train({ build: 'simd-threads' });
    console.log(JSON.stringify({ picked, one, plain }));`);
  assert.equal(shown.picked.build, 'simd-relaxed-threads');
  assert.match(shown.picked.reason, /; relaxed SIMD \(FMA\)$/);
  assert.equal(shown.one.build, 'simd-relaxed');
  assert.equal(shown.plain.build, 'simd-threads');
  assert.match(shown.plain.reason, /build simd-threads requested/);
  // FMA rounds once: close to the plain build, not necessarily equal; the one-thread relaxed build
  // runs the same kernels as the threaded one, so those two agree bit for bit.
  assert.deepEqual(shown.one.losses, shown.picked.losses);
  shown.picked.losses.forEach((loss, i) => assert.ok(Math.abs(loss - shown.plain.losses[i]) < 1e-4 * Math.abs(loss),
    `step ${i}: relaxed ${loss} vs plain ${shown.plain.losses[i]}`));
});

test('with relaxed SIMD but no relaxed build on the site: load() starts the plain build and says why', () => {
  // A course site that copied only the plain builds' files: the relaxed build load() would pick is missing.
  const folder = mkdtempSync(path.join(os.tmpdir(), 'wasmgrad-plain-only-'));
  try {
    const engineDir = fileURLToPath(new URL('../../../build/engine/', import.meta.url));
    for (const name of readdirSync(engineDir)) {
      if (!name.includes('-relaxed')) copyFileSync(path.join(engineDir, name), path.join(folder, name));
    }
    const engineUrl = pathToFileURL(folder + path.sep).href;
    const shown = withRelaxedSimd(`
      const engineUrl = new URL(${JSON.stringify(engineUrl)});
      const picked = await load({ engineUrl });
      const model = picked.model('mlp');
      const trainer = picked.trainer(model, { optimizer: 'adam', learningRate: 1e-3, loss: 'cross_entropy', seed: 1 });
      const loss = trainer.trainBatch(new Float32Array(4 * 784).fill(0.5), Int32Array.from([1, 2, 3, 4])).loss;
      const one = await load({ engineUrl, threads: false });
      const named = await load({ engineUrl, build: 'simd-relaxed' }).then(() => 'started', (error) => error.message);
      const same = (await load({ engineUrl })) === picked && (await load({ engineUrl, build: 'simd-threads' })) === picked;
      console.log(JSON.stringify({ build: picked.build, reason: picked.reason, loss, one: [one.build, one.reason], named, same }));`);
    assert.equal(shown.build, 'simd-threads');
    assert.match(shown.reason, /; relaxed SIMD, but its build is missing \(.*wasmgrad-simd-relaxed-threads\.js is missing\): plain SIMD128$/);
    assert.ok(Number.isFinite(shown.loss) && shown.loss > 0, `a step on the plain build: loss ${shown.loss}`);
    assert.equal(shown.one[0], 'simd');
    assert.match(shown.one[1], /wasmgrad-simd-relaxed\.js is missing\): plain SIMD128$/);
    // A build asked for by name is not swapped for another: its absence is the error.
    assert.match(shown.named, /wasmgrad-simd-relaxed\.js is missing/);
    assert.ok(shown.same, 'load() again, or the plain build by name, gives the engine that started');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
