// The parts of the `npm run bench` report that put speeds against the hardware and the issue's
// targets: the whole training step in GFLOP/s and as a % of the measured peak, the cost table over
// batch size and width, the page-speed line and the target check. Pure functions over the results
// run.mjs collected (tested in tests/bench/).
import { gflopsOf } from './flops.mjs';
import { BUSY_GOAL, busyRatios } from './busy.mjs';

function plainSimdOnly(result) {
  return result?.build && !result.build.includes('relaxed') ? 'wasm' : null;
}

// What each row runs on: how many threads, and which measured single-thread peak it is held
// against (the WASM SIMD128 peak, the relaxed-SIMD FMA peak of the runtime it runs in, or the native
// one). Plain-JavaScript peers get no peak.
export const ROW_HARDWARE = {
  'wasmgrad-wasm-1': { threads: 1, peak: 'wasm' },
  'wasmgrad-wasm-2': { threads: 2, peak: 'wasm' },
  'wasmgrad-wasm-threads-1': { threads: 1, peak: 'wasm' },
  'wasmgrad-wasm-relaxed-1': { threads: 1, peak: 'relaxedNode' },
  'wasmgrad-wasm-relaxed-2': { threads: 2, peak: 'relaxedNode' },
  'wasmgrad-wasm-relaxed-threads-1': { threads: 1, peak: 'relaxedNode' },
  'tfjs-wasm': { threads: 1, peak: 'wasm' },
  'tfjs-cpu': { threads: 1, peak: null },
  'jax-js-wasm': { threads: 1, peak: 'wasm' },
  convnetjs: { threads: 1, peak: null },
  'chromium-threads': { threads: 2, peak: 'wasm' },
  'chromium-simd': { threads: 1, peak: 'wasm' },
  'chromium-threads-1': { threads: 1, peak: 'wasm' },
  'chromium-relaxed': { threads: 1, peak: 'relaxedChromium' },
  'chromium-relaxed-threads': { threads: 2, peak: 'relaxedChromium' },
  'chromium-relaxed-threads-1': { threads: 1, peak: 'relaxedChromium' },
  // What load() picked there: a plain SIMD128 build against the WASM peak; a relaxed one has no
  // measured FMA peak in that browser (only Node's and Chromium's are), so none.
  'firefox-1': { threads: 1, peak: plainSimdOnly },
  'firefox-2': { threads: 2, peak: plainSimdOnly },
  'webkit-1': { threads: 1, peak: plainSimdOnly },
  'webkit-2': { threads: 2, peak: plainSimdOnly },
  'wasmgrad-wasm-1x2': { threads: 2, peak: 'wasm' },
  'wasmgrad-native': { threads: 1, peak: 'native' },
  'torch-1': { threads: 1, peak: 'native' },
  'torch-2': { threads: 2, peak: 'native' },
};

/** The single-thread peaks the kernel benchmarks measured: { wasm, native } in GFLOP/s (or undefined). */
export function measuredPeaks(kernels) {
  const peakOf = (side) => kernels?.[side]?.rows?.find((r) => r.kind === 'peak')?.gflops;
  return { wasm: peakOf('wasm'), native: peakOf('native') };
}

/**
 * GFLOP/s of a row's median speed and its share of (peak per thread x threads).
 * Returns { gflops, percent } (percent undefined without a peak).
 */
export function stepEfficiency(peerId, result, flopsPerSample, peaks) {
  if (!result || !(result.median > 0) || !(flopsPerSample > 0)) return {};
  const gflops = gflopsOf(result.median, flopsPerSample);
  const hw = rowHardware(peerId, result);
  const peak = hw.peak ? peaks[hw.peak] : undefined;
  return { gflops, percent: peak ? (100 * gflops) / (peak * hw.threads) : undefined };
}

/** ROW_HARDWARE's entry for a row, its peak resolved for this result (a row that runs what load() picks). */
export function rowHardware(peerId, result) {
  const hw = ROW_HARDWARE[peerId] ?? {};
  return { ...hw, peak: typeof hw.peak === 'function' ? hw.peak(result) : hw.peak };
}

const pad = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ').trimEnd();

function table(header, rows) {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => pad(r, widths))].join('\n');
}

/** The whole training step against the peak, one line per (model, row) that has a speed. */
export function formatStepTable(results, flopsByModel, peaks, relaxed = {}) {
  peaks = withRelaxedPeaks(peaks, relaxed);
  const rows = [];
  for (const [model, byPeer] of Object.entries(results)) {
    const flops = flopsByModel[model];
    for (const [id, r] of Object.entries(byPeer)) {
      const { gflops, percent } = stepEfficiency(id, r, flops, peaks);
      if (gflops === undefined) continue;
      const hw = rowHardware(id, r);
      rows.push([model, r.framework ?? id, (flops / 1e6).toFixed(2), Math.round(r.median), gflops.toFixed(1),
        percent === undefined ? '-' : `${percent.toFixed(0)}% of ${hw.threads} x ${hw.peak}`]);
    }
  }
  const lines = ['The whole training step against the peak (forward + backward + Adam; MFLOP/sample from the engine\'s model summary:',
    '6 x multiply-adds, 4 x for the first layer, whose input gradient nobody computes; peak = the kernel table\'s single-thread peak x threads)',
    `peaks: WASM SIMD128 mul+add ${peaks.wasm?.toFixed(1) ?? '?'} GFLOP/s, native ${peaks.native?.toFixed(1) ?? '?'} GFLOP/s per thread; ` +
    `relaxed-SIMD FMA (f32x4.relaxed_madd): ${formatRelaxed(relaxed)}`, ''];
  lines.push(table(['model', 'framework', 'MFLOP/sample', 'samples/s', 'GFLOP/s', '% of peak'], rows));
  return lines.join('\n');
}

/** The peaks plus the relaxed-SIMD FMA ones (relaxedNode, relaxedChromium) the relaxed rows are held against. */
export function withRelaxedPeaks(peaks, relaxed = {}) {
  return { ...peaks, relaxedNode: relaxed.node?.gflops, relaxedChromium: relaxed.chromium?.gflops };
}

function formatRelaxed(relaxed) {
  const part = (name, r) => (r?.gflops ? `${name} ${r.gflops.toFixed(1)} GFLOP/s` : `${name} ${r?.unavailable ?? r?.error ?? 'not measured'}`);
  return [part('Node', relaxed.node), part('Chromium', relaxed.chromium)].join('; ');
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Cost as the work grows: one line per (model, width, batch size). */
export function formatScalingTable(scaling, wasmPeak) {
  if (!scaling?.length) return 'Cost as the work grows: not run (--no-scaling)';
  const rows = [];
  for (const s of scaling) {
    if (s.status !== 'ok') {
      rows.push([s.model, s.width, '-', '-', '-', '-', '-', s.error ?? s.status]);
      continue;
    }
    const width = s.model === 'mlp' ? `hidden ${s.width}` : `filters x${s.width}`;
    for (const r of s.rows) {
      rows.push([s.model, width, r.batchSize, Math.round(r.samplesPerSecond), r.gflops.toFixed(1),
        wasmPeak ? `${((100 * r.gflops) / wasmPeak).toFixed(0)}%` : '-', mib(r.heapTopBytes), (s.flopsPerSample / 1e6).toFixed(2)]);
    }
  }
  return ['Cost as the work grows (WASM simd build, 1 thread, Adam; median of 3 runs; heap = top of the engine\'s WASM heap, the peak so far)', '',
    table(['model', 'width', 'batch', 'samples/s', 'GFLOP/s', '% of peak', 'heap', 'MFLOP/sample'], rows)].join('\n');
}

export function formatPageSpeed(page) {
  if (!page) return 'Page speed: not run (--no-page)';
  if (page.status !== 'ok') return `Page speed: ${page.status}: ${page.error}`;
  const first = page.runs[0];
  return `Page speed (Chromium, ${page.url}: ${first.model}, batch ${first.batchSize}, ${first.build} build, ${first.threads} threads): ` +
    `Start enabled after ${page.median.ready.toFixed(2)} s, first epoch finished ${page.median.firstEpoch.toFixed(2)} s after opening the page ` +
    `(median of ${page.runs.length}: ${page.runs.map((r) => r.firstEpoch.toFixed(2)).join(', ')} s; ` +
    `validation accuracy after it ${(100 * first.validationAccuracy).toFixed(1)}%)`;
}

const ratio = (results, model, a, b) => {
  const x = results[model]?.[a], y = results[model]?.[b];
  return x?.median > 0 && y?.median > 0 ? x.median / y.median : undefined;
};

/**
 * The issues' targets, checked on this run's medians: [{ target, value, met }]. `busy`: the busy-machine
 * section's result; `step`: { flopsByModel, peaks, relaxed } for the share-of-peak targets.
 */
export function checkTargets(results, busy = null, step = null) {
  const out = [];
  const add = (target, value, goal, info = false) =>
    out.push({ target, value, info, met: info || value === undefined ? undefined : value >= goal });
  for (const model of ['mlp', 'cnn', 'lenet']) {
    if (!results[model]) continue;
    add(`${model}: Node, WASM 2 threads / 1 thread >= 1.85x`, ratio(results, model, 'wasmgrad-wasm-2', 'wasmgrad-wasm-1'), 1.85);
    // For reading the line above: the same ratio within the threaded build (no per-thread tax in it).
    add(`${model}: Node, threaded build 2 threads / the same build on 1 thread`, ratio(results, model, 'wasmgrad-wasm-2', 'wasmgrad-wasm-threads-1'), 0, true);
    add(`${model}: Node, two 1-thread trainers at once / one alone (what the 2 cores allow)`, ratio(results, model, 'wasmgrad-wasm-1x2', 'wasmgrad-wasm-1'), 0, true);
    add(`${model}: Chromium, threads / one thread >= 1.85x`, ratio(results, model, 'chromium-threads', 'chromium-simd'), 1.85);
    add(`${model}: Chromium, threaded build 2 threads / the same build on 1 thread`, ratio(results, model, 'chromium-threads', 'chromium-threads-1'), 0, true);
  }
  if (results.cnn) add('cnn: WASM 1 thread / PyTorch 1 thread >= 1.0x', ratio(results, 'cnn', 'wasmgrad-wasm-1', 'torch-1'), 1.0);
  if (results.mlp) add('mlp: WASM 1 thread / jax-js >= 2x', ratio(results, 'mlp', 'wasmgrad-wasm-1', 'jax-js-wasm'), 2.0);
  // Issue 26, target 3: the relaxed-SIMD (FMA) builds on one thread against PyTorch on one.
  for (const [model, goal] of [['cnn', 1.15], ['lenet', 2.0]]) {
    if (!results[model]) continue;
    add(`${model}: Node relaxed SIMD 1 thread / PyTorch 1 thread >= ${goal}x`, ratio(results, model, 'wasmgrad-wasm-relaxed-1', 'torch-1'), goal);
    add(`${model}: Chromium relaxed SIMD 1 thread / PyTorch 1 thread >= ${goal}x`, ratio(results, model, 'chromium-relaxed', 'torch-1'), goal);
    add(`${model}: Node, relaxed SIMD / plain SIMD128, 1 thread`, ratio(results, model, 'wasmgrad-wasm-relaxed-1', 'wasmgrad-wasm-1'), 0, true);
    add(`${model}: Chromium, relaxed SIMD / plain SIMD128, 1 thread`, ratio(results, model, 'chromium-relaxed', 'chromium-simd'), 0, true);
  }
  if (results.cnn && step) {  // the whole CNN step >= 70% of the FMA peak (a share, printed as 0.70x)
    const peaks = withRelaxedPeaks(step.peaks, step.relaxed);
    for (const id of ['wasmgrad-wasm-relaxed-1', 'chromium-relaxed']) {
      const { percent } = stepEfficiency(id, results.cnn[id], step.flopsByModel?.cnn, peaks);
      add(`cnn: ${id} whole step / FMA peak >= 0.70`, percent === undefined ? undefined : percent / 100, 0.7);
    }
  }
  for (const r of busyRatios(busy)) add(`${r.model}: busy machine, ${r.runtime}, 2 threads / 1 thread >= ${BUSY_GOAL}x`, r.ratio, BUSY_GOAL);
  return out;
}

export function formatTargets(targets) {
  const lines = ['Targets (issues 17 and 26), on this run\'s medians'];
  for (const t of targets) {
    const verdict = t.info ? '(for reading the target above)' : t.met === undefined ? 'not measured' : t.met ? 'met' : 'MISSED';
    lines.push(`  ${t.target}: ${t.value === undefined ? '-' : `${t.value.toFixed(2)}x`} ${verdict}`);
  }
  return lines.join('\n');
}
