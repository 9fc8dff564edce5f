#!/usr/bin/env node
// `npm run soak`: long runs that look for slow leaks and drift, too long for `npm test`.
//   1. node:     trains the CNN preset for --steps batches (default 100,000) in Node, recording the
//                WebAssembly memory, the engine's heap (malloc, heap top, buffer pool) and
//                process.memoryUsage() at the start, after warm-up, every 10% and at the end.
//   2. cycles:   --cycles times (default 1,000), in both builds: create a model and a trainer,
//                train a step, save, load, predict, dispose; plus one refused spec, one refused
//                setting and one corrupt model file per cycle. Heap before and after.
//   3. chromium: the playground in headless Chromium (scripts/serve.mjs, threads) trains the
//                small CNN for --chromium-minutes (default 20), starting a new run whenever one
//                finishes; samples the page's JS heap (performance.memory), the browser's
//                resident memory (/proc), DOM counters and the engine worker's heap (its
//                heartbeat reports it) every --sample-seconds.
// Figures and the commands used: docs/reliability.md. Results also go to build/bench/soak.json.
//
//   node --expose-gc bench/soak.mjs [--only node,cycles,chromium] [--steps N] [--batch N]
//        [--threads N] [--cycles N] [--chromium-minutes M] [--sample-seconds S] [--out file]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../bindings/wasmgrad.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { only: ['node', 'cycles', 'chromium'], steps: 100_000, batch: 32, threads: 0, cycles: 1000,
    chromiumMinutes: 20, sampleSeconds: 30, out: path.join(ROOT, 'build/bench/soak.json') };
  const numbers = { '--steps': 'steps', '--batch': 'batch', '--threads': 'threads', '--cycles': 'cycles',
    '--chromium-minutes': 'chromiumMinutes', '--sample-seconds': 'sampleSeconds' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (numbers[flag]) {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number >= 0`);
      args[numbers[flag]] = n;
    } else if (flag === '--only') {
      args.only = value().split(',');
      const bad = args.only.find((p) => !['node', 'cycles', 'chromium'].includes(p));
      if (bad) throw new Error(`--only: unknown part "${bad}" (node, cycles, chromium)`);
    } else if (flag === '--out') {
      args.out = path.resolve(value());
    } else {
      throw new Error(`unknown option ${flag} (see the header of bench/soak.mjs)`);
    }
  }
  return args;
}

const MB = (bytes) => (bytes / 1048576).toFixed(2);
const gc = () => globalThis.gc?.();

function engineMemory(engine) {
  const s = engine.memoryStats();
  return { wasmBytes: engine.module.HEAP8.length, mallocBytes: s.mallocBytes, heapTopBytes: s.heapTopBytes,
    poolLiveBytes: s.liveBytes, poolCachedBytes: s.cachedBytes };
}

function processMemory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, jsHeapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

function table(rows, columns) {
  const widths = columns.map(([title, get]) => Math.max(title.length, ...rows.map((r) => String(get(r)).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padStart(widths[i])).join(' | ')} |`;
  return [line(columns.map(([t]) => t)), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => line(columns.map(([, get]) => get(r))))].join('\n');
}

// ---- 1. long training in Node ------------------------------------------------------------------

async function soakTraining({ steps, batch, threads }) {
  const engine = await load(threads === 1 ? { threads: false } : threads > 1 ? { numThreads: threads } : {});
  const { train, test } = await engine.digits();
  const batchesPerEpoch = Math.ceil(train.size / batch);
  const model = engine.model('cnn');
  const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 1e-3, batchSize: batch,
    epochs: Math.ceil(steps / batchesPerEpoch) + 1, seed: 1 });
  trainer.setData(train);
  const samples = [];
  const started = performance.now();
  let done = 0, batchInEpoch = 0, lastLoss = NaN;
  const record = (label) => {
    samples.push({ label, step: done, seconds: (performance.now() - started) / 1000, loss: lastLoss,
      ...engineMemory(engine), ...processMemory() });
  };
  record('start');
  const warmup = Math.min(500, steps);
  const marks = new Set([warmup, ...Array.from({ length: 10 }, (_, i) => Math.round(steps * (i + 1) / 10))]);
  while (done < steps) {
    const next = Math.min(...[...marks].filter((m) => m > done));
    const progress = trainer.step(Math.min(next - done, batchesPerEpoch - batchInEpoch));
    if (progress.diverged) throw new Error(`soak: training diverged at step ${done}: ${progress.message}`);
    done += progress.batch - batchInEpoch;
    batchInEpoch = progress.batch;
    lastLoss = progress.loss;
    if (progress.epochDone) batchInEpoch = 0;  // the step closed the epoch
    if (marks.has(done)) record(done === warmup ? 'after warm-up' : `${Math.round(100 * done / steps)}%`);
  }
  const result = trainer.evaluate(test);
  const finite = model.parameters().every((p) => p.data.every(Number.isFinite));
  for (const x of [trainer, model, train, test]) x.dispose();
  return { build: engine.build, threads: engine.threads, steps, batch, samples,
    testAccuracy: result.accuracy, weightsFinite: finite };
}

// ---- 2. create / destroy cycles ----------------------------------------------------------------

async function soakCycles({ cycles, threads }) {
  const engine = await load({ threads });
  const { train, test } = await engine.digits();
  test.dispose();
  const specs = ['mlp', 'cnn'];
  const target = engine.model('mlp');  // the refused trainer settings are tried on it
  const corrupt = target.save().subarray(0, 1000);
  let refused = 0;
  const refuse = (f) => {
    try {
      f();
    } catch {
      refused += 1;
    }
  };
  const cycle = (i) => {
    const model = engine.model(i % 10 === 9 ? 'lenet5' : specs[i % specs.length]);
    const trainer = engine.trainer(model, { optimizer: i % 2 ? 'adam' : 'momentum', batchSize: 16, epochs: 1, seed: i });
    trainer.setData(train);
    trainer.step(1);
    const loaded = engine.loadModel(trainer.save({ cycle: i }));
    loaded.predict(train.inputs(0, 4));
    for (const x of [loaded, trainer, model]) x.dispose();
    refuse(() => engine.model({ input: [1, 28, 28], layers: [{ type: 'conv3d' }] }));
    refuse(() => engine.trainer(target, { optimizer: 'nope' }));
    refuse(() => engine.loadModel(corrupt));
  };
  for (let i = 0; i < 10; i++) cycle(i);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const before = { ...engineMemory(engine), ...processMemory() };
  const started = performance.now();
  refused = 0;
  for (let i = 0; i < cycles; i++) {
    cycle(i);
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 0));  // let finalizers run
  }
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));  // FinalizationRegistry callbacks
  gc();
  const after = { ...engineMemory(engine), ...processMemory() };
  target.dispose();
  train.dispose();
  return { build: engine.build, cycles, refused, seconds: (performance.now() - started) / 1000, before, after };
}

// ---- 3. the playground in Chromium -------------------------------------------------------------

/** Resident memory of this process's descendants (the browser: Linux /proc), or null elsewhere. */
async function childProcessesRss() {
  try {
    let total = 0;
    const visit = async (p) => {
      const status = await fs.readFile(`/proc/${p}/status`, 'utf8');
      if (p !== process.pid) total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of await fs.readdir(`/proc/${p}/task`)) {
        const children = (await fs.readFile(`/proc/${p}/task/${task}/children`, 'utf8').catch(() => '')).trim();
        for (const child of children ? children.split(/\s+/) : []) await visit(child).catch(() => {});
      }
    };
    await visit(process.pid);
    return total;
  } catch {
    return null;
  }
}

async function soakChromium({ minutes, sampleSeconds }) {
  const { chromium } = await import('playwright-core');
  const { createServer } = await import('../scripts/serve.mjs');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--js-flags=--expose-gc',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding', '--disable-background-networking', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`http://127.0.0.1:${server.address().port}/web/index.html#model=small-cnn&epochs=100&batch=32&lr=0.001`);
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 120_000 });
    const samples = [];
    let runs = 0, samplesBefore = 0;
    // Not performance.measureUserAgentSpecificMemory: here it resolved after ~20 s or not at all,
    // stalled training meanwhile, and counted the shared WebAssembly memory once per thread
    // (2 GB for 512 MB). The browser's resident memory comes from /proc instead.
    const sample = async (elapsed) => {
      const pageSide = await page.evaluate(async () => {
        window.gc?.();
        const app = window.wasmgradApp;
        const trainedNow = app.log.reduce((n, p) => Math.max(n, ((p.epoch - 1) * p.batches + p.batch)), 0);
        return { jsHeapUsed: performance.memory.usedJSHeapSize, jsHeapTotal: performance.memory.totalJSHeapSize,
          engine: app.supervisor.health.memory, logEntries: app.log.length, status: app.status,
          batchesThisRun: trainedNow, crashed: !document.querySelector('#engine-crash')?.hidden };
      });
      const dom = await cdp.send('Memory.getDOMCounters');
      samples.push({ minute: elapsed / 60, runs, batches: samplesBefore + pageSide.batchesThisRun, ...pageSide,
        domNodes: dom.nodes, listeners: dom.jsEventListeners, browserRss: await childProcessesRss() });
    };
    await sample(0);
    await page.click('#start');
    runs = 1;
    const started = Date.now();
    let nextSample = sampleSeconds;
    while (Date.now() - started < minutes * 60_000) {
      await page.waitForTimeout(1000);
      const { status, batches } = await page.evaluate(() => ({ status: window.wasmgradApp.status,
        batches: window.wasmgradApp.log.reduce((n, p) => Math.max(n, (p.epoch - 1) * p.batches + p.batch), 0) }));
      if (status === 'finished') {  // keep it busy: a new run
        samplesBefore += batches;
        await page.click('#start');
        runs += 1;
      }
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed >= nextSample) {
        await sample(elapsed);
        nextSample += sampleSeconds;
      }
    }
    await page.click('#pause');
    await page.waitForTimeout(500);
    await sample((Date.now() - started) / 1000);
    return { minutes, samples, problems, chromium: browser.version() };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

// ---- main --------------------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
const report = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model,
  load: os.loadavg() }, node: process.version, gcExposed: typeof globalThis.gc === 'function', args };
if (!report.gcExposed) console.log('note: run with node --expose-gc for steadier JS heap figures');

if (args.only.includes('node') && args.steps > 0) {
  console.log(`\n1. Node: the CNN preset, ${args.steps.toLocaleString('en')} steps of batch ${args.batch}`);
  const r = await soakTraining(args);
  report.node = r;
  console.log(`build ${r.build}, ${r.threads} thread(s); test accuracy at the end ${(100 * r.testAccuracy).toFixed(1)}%, weights finite: ${r.weightsFinite}`);
  console.log(table(r.samples, [['point', (s) => s.label], ['step', (s) => s.step], ['s', (s) => s.seconds.toFixed(0)],
    ['loss', (s) => (Number.isFinite(s.loss) ? s.loss.toFixed(3) : '-')], ['wasm MB', (s) => MB(s.wasmBytes)],
    ['malloc MB', (s) => MB(s.mallocBytes)], ['heap top MB', (s) => MB(s.heapTopBytes)], ['pool live MB', (s) => MB(s.poolLiveBytes)],
    ['pool cache MB', (s) => MB(s.poolCachedBytes)], ['rss MB', (s) => MB(s.rss)], ['JS heap MB', (s) => MB(s.jsHeapUsed)],
    ['external MB', (s) => MB(s.external)]]));
}

if (args.only.includes('cycles') && args.cycles > 0) {
  console.log(`\n2. Create/destroy: ${args.cycles} cycles per build (model + trainer + step + save + load + predict + 3 refused calls)`);
  report.cycles = [];
  for (const threads of [true, false]) report.cycles.push(await soakCycles({ cycles: args.cycles, threads }));
  const rows = report.cycles.flatMap((c) => [['before', c.before, c], ['after', c.after, c]]);
  console.log(table(rows, [['build', ([, , c]) => c.build], ['when', ([w]) => w], ['malloc B', ([, m]) => m.mallocBytes],
    ['pool cache B', ([, m]) => m.poolCachedBytes], ['pool live B', ([, m]) => m.poolLiveBytes], ['heap top MB', ([, m]) => MB(m.heapTopBytes)],
    ['wasm MB', ([, m]) => MB(m.wasmBytes)], ['rss MB', ([, m]) => MB(m.rss)], ['JS heap MB', ([, m]) => MB(m.jsHeapUsed)]]));
  for (const c of report.cycles) {
    const outside = (c.after.mallocBytes - c.after.poolCachedBytes) - (c.before.mallocBytes - c.before.poolCachedBytes);
    console.log(`${c.build}: ${c.cycles} cycles in ${c.seconds.toFixed(0)} s, ${c.refused} refused calls; malloc outside the pool cache ` +
      `${outside >= 0 ? '+' : ''}${outside} B (${(outside / c.cycles).toFixed(1)} B per cycle)`);
  }
}

if (args.only.includes('chromium') && args.chromiumMinutes > 0) {
  console.log(`\n3. Chromium: the playground trains the small CNN for ${args.chromiumMinutes} minute(s)`);
  const r = await soakChromium({ minutes: args.chromiumMinutes, sampleSeconds: args.sampleSeconds });
  report.chromium = r;
  console.log(`Chromium ${r.chromium}`);
  console.log(table(r.samples, [['min', (s) => s.minute.toFixed(1)], ['runs', (s) => s.runs], ['batches', (s) => s.batches],
    ['page JS heap MB', (s) => MB(s.jsHeapUsed)],
    ['browser RSS MB', (s) => (s.browserRss === null ? '-' : MB(s.browserRss))],
    ['engine malloc MB', (s) => (s.engine ? MB(s.engine.mallocBytes) : '-')], ['engine heap top MB', (s) => (s.engine ? MB(s.engine.heapTopBytes) : '-')],
    ['wasm MB', (s) => (s.engine?.wasmBytes ? MB(s.engine.wasmBytes) : '-')], ['log entries', (s) => s.logEntries],
    ['DOM nodes', (s) => s.domNodes], ['listeners', (s) => s.listeners], ['status', (s) => s.status],
    ['crashed', (s) => (s.crashed ? 'yes' : 'no')]]));
  if (r.problems.length) console.log(`problems:\n  ${r.problems.join('\n  ')}`);
}

await fs.mkdir(path.dirname(args.out), { recursive: true });
await fs.writeFile(args.out, `${JSON.stringify(report, null, 1)}\n`);
console.log(`\nsoak: results in ${path.relative(process.cwd(), args.out)}`);
process.exit(0);
