// Tests of the benchmark's own utilities (bench/lib): the parsers of the GEMM benchmarks' output,
// the median, and the IDX reader's refusal of a wrong file.   node --test tests/bench/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseGoogleBenchmarkJson, parseWasmBenchText, formatKernelTable } from '../../bench/lib/kernels.mjs';
import { median } from '../../bench/lib/protocol.mjs';
import { loadDigits, DIGIT_FILES } from '../../bench/lib/data.mjs';

test('median of odd and even counts, input left unsorted', () => {
  const values = [5, 1, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('WASM bench text: peak line and one row per shape, empty description allowed', () => {
  const text = [
    'arch sse4.1, peak (best of FMA / mul+add chain loops, 1 thread): 32.7 GFLOP/s',
    '    M     N     K tA tB  GFLOP/s   %peak  ',
    '   64   784   128  0  1     28.1   86.1%  layer 1 input gradient dY W^T',
    '  128    64   784  0  0     31.2   95.3%  ',
  ].join('\n');
  const rows = parseWasmBenchText(text);
  assert.deepEqual(rows[0], { kind: 'peak', threads: 1, gflops: 32.7, label: 'sse4.1' });
  assert.equal(rows.length, 3);
  assert.deepEqual(
    { M: rows[1].M, N: rows[1].N, K: rows[1].K, tA: rows[1].transA, tB: rows[1].transB, g: rows[1].gflops, what: rows[1].what },
    { M: 64, N: 784, K: 128, tA: 0, tB: 1, g: 28.1, what: 'layer 1 input gradient dY W^T' });
  assert.equal(rows[2].what, undefined);
});

test('WASM bench text: convolution pass rows carry their label', () => {
  const text = [
    'arch sse4.1, peak (best of FMA / mul+add chain loops, 1 thread): 32.7 GFLOP/s',
    '  256   256   256  0  0     29.1   89.0%  square',
    'conv passes (batch 64, 1 thread)',
    'conv     21.5   65.7%  conv 8->16 5x5 14x14 input gradient',
  ].join('\n');
  const rows = parseWasmBenchText(text);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[2], { kind: 'conv', threads: 1, gflops: 21.5, percentOfPeak: 65.7, label: 'conv 8->16 5x5 14x14 input gradient' });
});

test('Google Benchmark JSON: a BM_ConvPass row is a labelled conv row', () => {
  const json = JSON.stringify({
    benchmarks: [{ name: 'BM_ConvPass/case:2', run_type: 'iteration', 'GFLOP/s': 5.5e10, label: 'conv 8->16 5x5 14x14 forward' }],
  });
  const [row] = parseGoogleBenchmarkJson(json);
  assert.deepEqual({ kind: row.kind, gflops: row.gflops, label: row.label }, { kind: 'conv', gflops: 55, label: 'conv 8->16 5x5 14x14 forward' });
});

test('Google Benchmark JSON: GFLOP/s counter in GFLOP/s, shape from the name, aggregates ignored', () => {
  const json = JSON.stringify({
    context: {},
    benchmarks: [
      { name: 'BM_Sgemm/M:64/N:128/K:784/ta:0/tb:0/threads:1', run_type: 'iteration', 'GFLOP/s': 1.2e11 },
      { name: 'BM_Sgemm/M:512/N:512/K:512/ta:0/tb:0/threads:2/real_time', run_type: 'iteration', 'GFLOP/s': 9.0e10 },
      { name: 'BM_Sgemm/M:64/N:128/K:784/ta:0/tb:0/threads:1_mean', run_type: 'aggregate', 'GFLOP/s': 1e11 },
      { name: 'BM_PeakFlops/iterations:3', run_type: 'iteration', 'GFLOP/s': 113, label: 'avx2' },
    ],
  });
  const rows = parseGoogleBenchmarkJson(json);
  assert.equal(rows.length, 3);
  assert.deepEqual([rows[0].M, rows[0].N, rows[0].K, rows[0].threads, rows[0].gflops], [64, 128, 784, 1, 120]);
  assert.deepEqual([rows[1].M, rows[1].threads, rows[1].gflops], [512, 2, 90]);
  assert.equal(rows[2].kind, 'peak');
  // The peak counter is already in GFLOP/s (a plain value, not a rate): the parser must not divide it.
  assert.equal(rows[2].gflops, 113);
});

test('kernel table lines up native and wasm rows of the same shape', () => {
  const table = formatKernelTable({
    native: { rows: [{ kind: 'sgemm', M: 8, N: 784, K: 25, transA: 0, transB: 0, threads: 1, gflops: 60 }] },
    wasm: { rows: [{ kind: 'sgemm', M: 8, N: 784, K: 25, transA: 0, transB: 0, threads: 1, gflops: 24.2 }] },
  });
  assert.match(table, /8x784x25 t1 \|\s+60\.0 \|\s+24\.2/);
});

test('kernel table lines up native and wasm convolution passes by label', () => {
  const label = 'conv 1->8 5x5 28x28 forward';
  const table = formatKernelTable({
    native: { rows: [{ kind: 'conv', threads: 1, gflops: 70, label }] },
    wasm: { rows: [{ kind: 'conv', threads: 1, gflops: 18.5, label }] },
  });
  assert.match(table, /conv 1->8 5x5 28x28 forward \(batch 64\) t1 \|\s+70\.0 \|\s+18\.5/);
});

test('IDX reader names the file when the magic is wrong', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wg-bench-'));
  try {
    for (const name of Object.values(DIGIT_FILES)) fs.writeFileSync(path.join(dir, name), zlib.gzipSync(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0])));
    assert.throws(() => loadDigits(dir), /digits-train-images-idx3-ubyte\.gz: not an unsigned-byte IDX file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the whole step against the peak, the cost table and the targets (bench/lib/flops.mjs, report.mjs)
import { trainingFlopsPerSample, gflopsOf } from '../../bench/lib/flops.mjs';
import { stepEfficiency, measuredPeaks, checkTargets, formatScalingTable, formatTargets } from '../../bench/lib/report.mjs';
import { relaxedPeakModule } from '../../bench/lib/relaxed-peak.mjs';

test('training FLOPs: 6 x multiply-adds per weighted layer, 4 x for the first (the issue\'s 4.44 MFLOP CNN)', () => {
  // The CNN preset's summary: conv1 156,800, conv2 627,200, linear 7,840 multiply-adds per sample; relu/pool none.
  const cnn = [{ multiplyAdds: 156800 }, { multiplyAdds: 0 }, { multiplyAdds: 0 }, { multiplyAdds: 627200 }, {}, { multiplyAdds: 7840 }];
  assert.equal(trainingFlopsPerSample(cnn), 4 * 156800 + 6 * (627200 + 7840));
  assert.equal((trainingFlopsPerSample(cnn) / 1e6).toFixed(2), '4.44');
  assert.equal(trainingFlopsPerSample([{ multiplyAdds: 0 }]), 0);
  assert.equal(gflopsOf(10000, 4.44e6), 44.4);
});

test('step efficiency: threads multiply the peak; a plain-JS row has none', () => {
  const peaks = { wasm: 50, native: 200 };
  const one = stepEfficiency('wasmgrad-wasm-1', { median: 10000 }, 4e6, peaks);
  assert.equal(one.gflops, 40);
  assert.equal(one.percent, 80);
  assert.equal(stepEfficiency('wasmgrad-wasm-2', { median: 10000 }, 4e6, peaks).percent, 40);
  assert.equal(stepEfficiency('torch-1', { median: 10000 }, 4e6, peaks).percent, 20);
  assert.equal(stepEfficiency('convnetjs', { median: 10000 }, 4e6, peaks).percent, undefined);
  assert.deepEqual(stepEfficiency('wasmgrad-wasm-1', { status: 'error' }, 4e6, peaks), {});
  assert.deepEqual(measuredPeaks({ wasm: { rows: [{ kind: 'sgemm', gflops: 1 }, { kind: 'peak', gflops: 33 }] } }), { wasm: 33, native: undefined });
});

test('targets: ratios of this run\'s medians, missing rows are "not measured"', () => {
  const results = {
    mlp: { 'wasmgrad-wasm-1': { median: 100 }, 'wasmgrad-wasm-2': { median: 190 }, 'jax-js-wasm': { median: 60 } },
    cnn: { 'wasmgrad-wasm-1': { median: 100 }, 'wasmgrad-wasm-2': { median: 150 }, 'torch-1': { median: 100 } },
  };
  const t = Object.fromEntries(checkTargets(results).map((x) => [x.target, x]));
  assert.equal(t['mlp: Node, WASM 2 threads / 1 thread >= 1.85x'].met, true);
  assert.equal(t['cnn: Node, WASM 2 threads / 1 thread >= 1.85x'].met, false);
  assert.equal(t['cnn: WASM 1 thread / PyTorch 1 thread >= 1.0x'].met, true);
  assert.equal(t['mlp: WASM 1 thread / jax-js >= 2x'].met, false);
  assert.equal(t['mlp: Chromium, threads / one thread >= 1.85x'].met, undefined);
  assert.match(formatTargets(checkTargets(results)), /cnn: Node, WASM 2 threads \/ 1 thread >= 1.85x: 1.50x MISSED/);
  results.cnn['wasmgrad-wasm-threads-1'] = { median: 80 };
  const info = checkTargets(results).find((x) => x.target.startsWith('cnn: Node, threaded build'));
  assert.deepEqual({ value: info.value, met: info.met, info: info.info }, { value: 150 / 80, met: undefined, info: true });
  assert.match(formatTargets(checkTargets(results)), /threaded build 2 threads \/ the same build on 1 thread: 1.88x \(for reading the target above\)/);
  results.cnn['wasmgrad-wasm-1x2'] = { median: 196 };
  results.cnn['chromium-threads'] = { median: 160 };
  results.cnn['chromium-threads-1'] = { median: 90 };
  const text = formatTargets(checkTargets(results));
  assert.match(text, /cnn: Node, two 1-thread trainers at once \/ one alone \(what the 2 cores allow\): 1.96x \(for reading/);
  assert.match(text, /cnn: Chromium, threads \/ one thread >= 1.85x: - not measured/);
  assert.match(text, /cnn: Chromium, threaded build 2 threads \/ the same build on 1 thread: 1.78x \(for reading/);
});

test('cost table: one line per batch size, % of the WASM peak, heap in MiB, a failed width says why', () => {
  const text = formatScalingTable([
    { status: 'ok', model: 'mlp', width: 512, flopsPerSample: 2e6, rows: [{ batchSize: 8, samplesPerSecond: 5000, gflops: 10, heapTopBytes: 3 * 2 ** 20 }] },
    { status: 'error', model: 'cnn', width: 4, error: 'out of memory' },
  ], 40);
  assert.match(text, /mlp +\| hidden 512 +\| 8 +\| 5000 +\| 10\.0 +\| 25% +\| 3\.0 MiB/);
  assert.match(text, /cnn +\| 4 .*out of memory/);
});

test('relaxed-SIMD peak module: well-formed WebAssembly (validates where the runtime has relaxed SIMD)', async () => {
  const { bytes, flopsPerIteration } = relaxedPeakModule();
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.equal(flopsPerIteration, 12 * 4 * 2);
  // Node 20 has relaxed SIMD behind a flag: with it, the module validates, instantiates and runs.
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e',
    `import { relaxedPeakModule } from '${new URL('../../bench/lib/relaxed-peak.mjs', import.meta.url).href}';
     const { instance } = await WebAssembly.instantiate(relaxedPeakModule().bytes);
     console.log(WebAssembly.validate(relaxedPeakModule().bytes), Number.isFinite(instance.exports.peak(1000)));`], { encoding: 'utf8' });
  assert.equal(out.trim(), 'true true');
});

// The protocol is written three times: bench/lib/protocol.mjs (Node and Chromium rows), and the
// fallbacks of bench/peers/torch_bench.py and bench/native_train/train_bench.cpp (used when they
// run on their own; bench/run.mjs passes them DEFAULT_PROTOCOL in full). Every value must agree.
test('the PyTorch and native drivers fall back to the same protocol as protocol.mjs', async () => {
  const { DEFAULT_PROTOCOL } = await import('../../bench/lib/protocol.mjs');
  const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const python = fs.readFileSync(path.join(root, 'bench', 'peers', 'torch_bench.py'), 'utf8');
  const dict = python.match(/^DEFAULTS = dict\(([^)]*)\)/m);
  assert.ok(dict, 'torch_bench.py: DEFAULTS = dict(...) not found');
  const fromPython = Object.fromEntries([...dict[1].matchAll(/(\w+)=([-\d.e]+)/g)].map(([, k, v]) => [k, Number(v)]));
  const cpp = fs.readFileSync(path.join(root, 'bench', 'native_train', 'train_bench.cpp'), 'utf8');
  const fromCpp = {};
  for (const [, k, v] of cpp.matchAll(/param\("(\w+)", *([-\d.e]+)\)/g)) {
    assert.ok(!(k in fromCpp) || fromCpp[k] === Number(v), `train_bench.cpp: two fallbacks for ${k}`);
    fromCpp[k] = Number(v);
  }
  // copyBatches says how wasmgrad's rows feed their batches (copied in from JS, or named by index in
  // the engine); PyTorch and the native driver hold their data in their own memory either way.
  const { copyBatches, ...timing } = DEFAULT_PROTOCOL;
  assert.equal(copyBatches, false, 'wasmgrad names its batches by index unless --copy-batches');
  assert.deepEqual(fromPython, timing, 'torch_bench.py DEFAULTS');
  assert.deepEqual(fromCpp, timing, 'train_bench.cpp param(...) fallbacks');
});

test('busy machine: 2 threads / 1 thread per model and runtime, a failed row says why, targets at 0.9x', async () => {
  const { busyRatios, formatBusyTable } = await import('../../bench/lib/busy.mjs');
  const busy = { spinners: 1, rows: {
    mlp: { 'wasmgrad-wasm-threads-1': { status: 'ok', median: 1000 }, 'wasmgrad-wasm-2': { status: 'ok', median: 950 },
      'chromium-threads-1': { status: 'ok', median: 800 }, 'chromium-threads': { status: 'error', error: 'timed out after 90 s' } },
    cnn: { 'wasmgrad-wasm-threads-1': { status: 'ok', median: 100 }, 'wasmgrad-wasm-2': { status: 'ok', median: 70 } },
  } };
  const r = busyRatios(busy);
  assert.deepEqual(r.map((x) => [x.model, x.runtime, x.ratio]), [['mlp', 'Node', 0.95], ['mlp', 'Chromium', undefined], ['cnn', 'Node', 0.7]]);
  const text = formatBusyTable(busy);
  assert.match(text, /mlp +\| Node +\| 1000 +\| 950 +\| 0.95x/);
  assert.match(text, /mlp +\| Chromium +\| 800 +\| - +\| - \(timed out after 90 s\)/);
  assert.match(formatBusyTable(null), /not run/);
  const t = Object.fromEntries(checkTargets({}, busy).map((x) => [x.target, x]));
  assert.equal(t['mlp: busy machine, Node, 2 threads / 1 thread >= 0.9x'].met, true);
  assert.equal(t['cnn: busy machine, Node, 2 threads / 1 thread >= 0.9x'].met, false);
  assert.equal(t['mlp: busy machine, Chromium, 2 threads / 1 thread >= 0.9x'].met, undefined);
});

test('busy machine: interleaved rounds give the ratio (the median of the rounds\' ratios) and its range', async () => {
  const { busyRatios, formatBusyTable, runBusySection } = await import('../../bench/lib/busy.mjs');
  const asked = [];
  const busy = await runBusySection(['mlp'], async (runtime, ids, model) => {
    asked.push([runtime, ids, model]);
    if (runtime === 'Chromium') return { error: 'chromium: not installed' };
    return { one: { status: 'ok', median: 1000 }, two: { status: 'ok', median: 960 }, ratios: [0.91, 1.02, 0.95, 0.97, 0.88] };
  }, { timeoutSeconds: 5, spinners: 0 });
  assert.deepEqual(asked, [['Node', ['wasmgrad-wasm-threads-1', 'wasmgrad-wasm-2'], 'mlp'], ['Chromium', ['chromium-threads-1', 'chromium-threads'], 'mlp']]);
  const [node, chromium] = busyRatios(busy);
  assert.equal(node.ratio, 0.95, 'the median round, not 960 / 1000');
  assert.deepEqual(node.range, [0.88, 1.02]);
  assert.equal(chromium.ratio, undefined);
  assert.equal(chromium.error, 'chromium: not installed');
  const text = formatBusyTable(busy);
  assert.match(text, /runs interleaved/);
  assert.match(text, /mlp +\| Node +\| 1000 +\| 960 +\| 0\.95x \[0\.88-1\.02\]/);
  assert.match(text, /mlp +\| Chromium +\| - +\| - +\| - \(chromium: not installed\)/);
});

test('alternateRuns: one-two, then two-one, ...; a ratio per round', async () => {
  const { alternateRuns } = await import('../../bench/lib/protocol.mjs');
  const order = [];
  let a = 0, b = 0;
  const out = await alternateRuns(async () => { order.push('one'); return 100 + (a++); }, async () => { order.push('two'); return 200 + (b++); }, 3);
  assert.deepEqual(order, ['one', 'two', 'two', 'one', 'one', 'two']);
  assert.deepEqual(out.one, [100, 101, 102]);
  assert.deepEqual(out.two, [200, 201, 202]);
  assert.deepEqual(out.ratios, [2, 201 / 101, 202 / 102]);
});

test('busy machine: a Node pair runs as two processes whose runs alternate, each a real training speed', async () => {
  const { runNodePair } = await import('../../bench/lib/node-pair.mjs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const dataDir = path.join(root, 'build', 'data');
  const protocol = { warmupBatches: 2, warmupMinSeconds: 0, warmupMaxSeconds: 1, targetRunSeconds: 0.1, maxBatchesPerRun: 20 };
  const pair = await runNodePair(root, ['wasmgrad-wasm-threads-1', 'wasmgrad-wasm-2'], 'mlp', { dataDir, protocol, rounds: 3, timeoutSeconds: 120 });
  assert.equal(pair.error, undefined, pair.error);
  assert.equal(pair.one.framework, 'wasmgrad WASM threads build, 1 thread');
  assert.equal(pair.two.framework, 'wasmgrad WASM 2 threads');
  for (const side of [pair.one, pair.two]) {
    assert.equal(side.samplesPerSecond.length, 3);
    assert.ok(side.samplesPerSecond.every((x) => Number.isFinite(x) && x > 0), JSON.stringify(side));
    assert.equal(side.interleaved, true);
  }
  assert.deepEqual(pair.ratios, pair.two.samplesPerSecond.map((x, i) => x / pair.one.samplesPerSecond[i]));
  const broken = await runNodePair(root, ['no-such-peer', 'wasmgrad-wasm-2'], 'mlp', { dataDir, protocol, rounds: 1, timeoutSeconds: 60 });
  assert.match(broken.error, /unknown peer 'no-such-peer'/);
});

test('busy machine: the spinners run until stopped, and stop by themselves at their time bound', async () => {
  const { startSpinners } = await import('../../bench/lib/busy.mjs');
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const a = startSpinners(2, 60);
  await sleep(300);
  assert.equal(a.pids.length, 2);
  assert.ok(a.pids.every(alive), 'running');
  a.stop();
  await sleep(300);
  assert.ok(!a.pids.some(alive), 'stopped');
  const b = startSpinners(1, 0.5);
  for (let waited = 0; waited < 10000 && b.pids.some(alive); waited += 100) await sleep(100);  // node starts slowly on a loaded machine
  assert.ok(!b.pids.some(alive), 'bounded in time');
  b.stop();
});

test('targets: the relaxed-SIMD rows against PyTorch and against the FMA peak (issue 26, target 3)', () => {
  const results = {
    cnn: { 'wasmgrad-wasm-relaxed-1': { median: 1200 }, 'wasmgrad-wasm-1': { median: 1000 }, 'torch-1': { median: 1000 },
      'chromium-relaxed': { median: 1100 } },
    lenet: { 'wasmgrad-wasm-relaxed-1': { median: 150 }, 'torch-1': { median: 100 } },
  };
  const step = { flopsByModel: { cnn: 20e6 }, peaks: { wasm: 40 }, relaxed: { node: { gflops: 60 }, chromium: { unavailable: 'no' } } };
  const t = Object.fromEntries(checkTargets(results, null, step).map((x) => [x.target, x]));
  assert.equal(t['cnn: Node relaxed SIMD 1 thread / PyTorch 1 thread >= 1.15x'].met, true);
  assert.equal(t['cnn: Chromium relaxed SIMD 1 thread / PyTorch 1 thread >= 1.15x'].met, false);
  assert.equal(t['lenet: Node relaxed SIMD 1 thread / PyTorch 1 thread >= 2x'].met, false);
  assert.equal(t['cnn: Node, relaxed SIMD / plain SIMD128, 1 thread'].value, 1.2);
  // 1200 samples/s x 20 MFLOP = 24 GFLOP/s, 40% of the 60 GFLOP/s FMA peak; Chromium's peak is unknown here.
  assert.equal(t['cnn: wasmgrad-wasm-relaxed-1 whole step / FMA peak >= 0.70'].value.toFixed(2), '0.40');
  assert.equal(t['cnn: wasmgrad-wasm-relaxed-1 whole step / FMA peak >= 0.70'].met, false);
  assert.equal(t['cnn: chromium-relaxed whole step / FMA peak >= 0.70'].met, undefined);
});
