// The kernel section of `npm run bench`: runs the GEMM benchmarks when they have been built and
// turns their output into rows { shape, gflops, ... }.
//   native: build/native/wasmgrad_bench (Google Benchmark, bench/native/gemm_bench.cpp), read
//           through --benchmark_format=json; its GFLOP/s counter is per CPU second of the
//           calling thread, except the 2-thread rows, which use wall time (UseRealTime).
//   wasm:   build/wasm-bench/wasmgrad_wasm_bench.js (bench/wasm/gemm_bench.cpp, built with
//           -DWASMGRAD_WASM_BENCH=ON), one thread; it prints a text table that is parsed here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const NATIVE = path.join('build', 'native', 'wasmgrad_bench');
const WASM = path.join('build', 'wasm-bench', 'wasmgrad_wasm_bench.js');

// "BM_Sgemm/M:64/N:128/K:784/ta:0/tb:0/threads:1" -> { M: 64, ... }
function parseArgsFromName(name) {
  const args = {};
  for (const part of name.split('/').slice(1)) {
    const m = /^(\w+):(\d+)$/.exec(part);
    if (m) args[m[1]] = Number(m[2]);
  }
  return args;
}

export function parseGoogleBenchmarkJson(text) {
  const json = JSON.parse(text);
  return json.benchmarks
    .filter((b) => b.run_type === 'iteration' && b['GFLOP/s'] !== undefined)
    .map((b) => {
      const a = parseArgsFromName(b.name);
      const isPeak = b.name.startsWith('BM_PeakFlops');
      const isConv = b.name.startsWith('BM_ConvPass');
      if (isConv) return { name: b.name, kind: 'conv', threads: 1, gflops: b['GFLOP/s'] / 1e9, label: b.label };
      return {
        name: b.name,
        kind: isPeak ? 'peak' : 'sgemm',
        M: a.M, N: a.N, K: a.K, transA: a.ta, transB: a.tb, threads: a.threads ?? 1,
        // BM_Sgemm's counter is a rate in FLOP/s; BM_PeakFlops stores a plain value already in GFLOP/s.
        gflops: isPeak ? b['GFLOP/s'] : b['GFLOP/s'] / 1e9,
        label: b.label,
      };
    });
}

// Lines like " 64   128   784  0  0     12.3   40.1%  MLP layer 1 forward (batch 64)",
// "conv     21.0   67.1%  conv 8->16 5x5 14x14 forward" and "arch sse4.1, peak (...): 30.8 GFLOP/s".
export function parseWasmBenchText(text) {
  const rows = [];
  let peak = null, arch = null;
  for (const line of text.split('\n')) {
    const p = /^arch (\S+?),.*:\s*([\d.]+) GFLOP\/s/.exec(line);
    if (p) {
      arch = p[1];
      peak = Number(p[2]);
      continue;
    }
    const c = /^conv\s+([\d.]+)\s+([\d.]+)%\s+(.*)$/.exec(line);
    if (c) {
      rows.push({ kind: 'conv', threads: 1, gflops: +c[1], percentOfPeak: +c[2], label: c[3].trim() });
      continue;
    }
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+([01])\s+([01])\s+([\d.]+)\s+([\d.]+)%\s*(.*)$/.exec(line);
    if (m) {
      rows.push({ kind: 'sgemm', M: +m[1], N: +m[2], K: +m[3], transA: +m[4], transB: +m[5], threads: 1,
        gflops: +m[6], percentOfPeak: +m[7], what: m[8].trim() || undefined });
    }
  }
  if (peak !== null) rows.unshift({ kind: 'peak', threads: 1, gflops: peak, label: arch });
  return rows;
}

export function runKernelBenchmarks(root, { quick = false } = {}) {
  const out = {};
  const native = path.join(root, NATIVE);
  if (fs.existsSync(native)) {
    const args = ['--benchmark_format=json', '--benchmark_filter=Sgemm|ConvPass|Peak', `--benchmark_min_time=${quick ? 0.02 : 0.2}`];
    const r = spawnSync(native, args, { encoding: 'utf8', timeout: 180_000, maxBuffer: 64 << 20 });
    try {
      if (r.status !== 0) throw new Error(`exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').at(-1)}`);
      out.native = { binary: NATIVE, rows: parseGoogleBenchmarkJson(r.stdout) };
    } catch (e) {
      out.native = { binary: NATIVE, error: e.message };
    }
  } else {
    out.native = { skipped: `${NATIVE} not built (scripts/setup.sh bench installs Google Benchmark; then scripts/build.sh native)` };
  }
  const wasm = path.join(root, WASM);
  if (fs.existsSync(wasm)) {
    const r = spawnSync(process.execPath, ['--no-experimental-fetch', wasm], { encoding: 'utf8', timeout: 300_000, cwd: root });
    if (r.status === 0) out.wasm = { script: WASM, rows: parseWasmBenchText(r.stdout) };
    else out.wasm = { script: WASM, error: `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').at(-1)}` };
  } else {
    out.wasm = { skipped: `${WASM} not built (scripts/build.sh wasm-bench)` };
  }
  return out;
}

export function formatKernelTable(kernels) {
  if (kernels.skipped) return `GEMM kernels: skipped (${kernels.skipped})`;
  const key = (r) => {
    if (r.kind === 'peak') return 'peak (FMA/mul+add chains)';
    if (r.kind === 'conv') return `${r.label} (batch 64) t${r.threads}`;
    return `${r.M}x${r.N}x${r.K}${r.transA ? ' tA' : ''}${r.transB ? ' tB' : ''} t${r.threads}`;
  };
  const shapes = new Map();
  for (const side of ['native', 'wasm']) {
    for (const r of kernels[side]?.rows ?? []) {
      const k = key(r);
      if (!shapes.has(k)) shapes.set(k, {});
      shapes.get(k)[side] = r.gflops;
    }
  }
  const lines = ['GEMM kernels and the CNN\'s convolution passes, GFLOP/s (M x N x K, tA/tB transposed, tN threads; higher is better)'];
  for (const side of ['native', 'wasm']) {
    const s = kernels[side];
    if (s?.skipped) lines.push(`  ${side}: skipped: ${s.skipped}`);
    else if (s?.error) lines.push(`  ${side}: error: ${s.error}`);
  }
  if (shapes.size) {
    const w = Math.max(...[...shapes.keys()].map((k) => k.length), 5);
    lines.push(`  ${'shape'.padEnd(w)} | native  | wasm`);
    for (const [k, v] of shapes) {
      const cell = (x) => (x === undefined ? '-' : x.toFixed(1)).padStart(7);
      lines.push(`  ${k.padEnd(w)} | ${cell(v.native)} | ${cell(v.wasm)}`);
    }
  }
  return lines.join('\n');
}
