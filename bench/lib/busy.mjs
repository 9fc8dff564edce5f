// The "busy machine" section of `npm run bench` (issue 26): one thread against two while other
// processes keep all cores but one busy, as a student's laptop with a video call would. Each row
// runs with its own spinning processes (`node -e` loops, bounded in time), started just before it
// and killed right after it, and on every way out of the bench (normal exit, an exception,
// Ctrl-C, SIGTERM, SIGHUP), so a crashed or interrupted bench leaves no spinner behind for longer
// than its time bound. The rows are the threaded build on 1 and on 2 threads, in Node and in
// Chromium, so each ratio compares one build with itself. The two rows of a runtime run as an
// interleaved pair (bench/lib/node-pair.mjs, and two workers of one page in Chromium): their timed
// runs alternate, and the ratio is the median of the rounds' ratios. Rows run a minute apart on
// this machine compared two minutes' load more than one and two threads (one row's 1-thread runs
// went from 62,900 to 42,300 samples/s within 5 s).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { median } from './protocol.mjs';

// [runtime, one-thread row, two-thread row]: ids of bench/run.mjs's peers.
export const BUSY_PAIRS = [
  ['Node', 'wasmgrad-wasm-threads-1', 'wasmgrad-wasm-2'],
  ['Chromium', 'chromium-threads-1', 'chromium-threads'],
];
export const BUSY_GOAL = 0.9; // 2 threads / 1 thread, at least, on the busy machine

// How many spinners keep "all cores but one" busy here (at least one).
export const spinnerCount = () => Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);

const live = new Set();
const killAll = () => {
  for (const child of live) child.kill('SIGKILL'); // our own children, by their handles
  live.clear();
};
let hooked = false;
function hookExits() {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

// Starts `count` spinning processes that stop by themselves after `seconds`; returns { pids, stop }.
export function startSpinners(count, seconds) {
  hookExits();
  const children = [];
  for (let i = 0; i < count; ++i) {
    const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${Math.round(seconds * 1000)}; while (Date.now() < end) {}`],
      { stdio: 'ignore' });
    live.add(child);
    child.on('exit', () => live.delete(child));
    children.push(child);
  }
  const stop = () => {
    for (const child of children) {
      child.kill('SIGKILL');
      live.delete(child);
    }
  };
  return { pids: children.map((c) => c.pid), stop };
}

// Runs every (model, runtime) pair of the section: runPair(runtime, [one id, two id], model) ->
// {one, two, ratios} (interleaved; ratios: two / one per round) or {error}; one spinner set per
// pair, bounded by twice the row time limit. `spinners: 0` runs the same pairs with nothing
// spinning: the idle machine's 2t / 1t (bench/run.mjs --only-idle), to check that what helps a busy
// machine costs an idle one nothing. `runtimes` (['Node', 'Chromium'] by default) leaves the other
// runtime's pairs out.
export async function runBusySection(models, runPair, { timeoutSeconds, log = () => {}, spinners = spinnerCount(), runtimes = null }) {
  const rows = {};
  const ratios = {};
  for (const model of models) {
    rows[model] = {};
    ratios[model] = {};
    for (const [runtime, one, two] of BUSY_PAIRS) {
      if (runtimes && !runtimes.includes(runtime)) continue;
      log(spinners > 0 ? `bench: busy machine (${spinners} spinning process${spinners > 1 ? 'es' : ''}), ${model} / ${one} and ${two}, interleaved`
        : `bench: idle machine, ${model} / ${one} and ${two}, interleaved`);
      const { stop } = startSpinners(spinners, 2 * timeoutSeconds + 30);
      try {
        await new Promise((resolve) => setTimeout(resolve, 200)); // the spinners are running
        const pair = await runPair(runtime, [one, two], model);
        if (pair.error) {
          for (const id of [one, two]) rows[model][id] = { runtime, status: 'error', error: pair.error };
        } else {
          rows[model][one] = { runtime, ...pair.one };
          rows[model][two] = { runtime, ...pair.two };
          ratios[model][runtime] = pair.ratios;
        }
      } finally {
        stop();
      }
    }
  }
  return { spinners, rows, ratios };
}

const speed = (r) => (r?.status === 'ok' && r.median > 0 ? r.median : undefined);

/**
 * [{ model, runtime, one, two, ratio, range }] from runBusySection's result: ratio is the median of
 * the interleaved rounds' ratios (two / one), range their [min, max]; a result without rounds (an
 * older results.json) gives the ratio of the medians.
 */
export function busyRatios(busy) {
  const out = [];
  for (const [model, rows] of Object.entries(busy?.rows ?? {})) {
    for (const [runtime, one, two] of BUSY_PAIRS) {
      if (!(one in rows) && !(two in rows)) continue;
      const a = speed(rows[one]), b = speed(rows[two]);
      const rounds = busy.ratios?.[model]?.[runtime];
      const ratio = !(a && b) ? undefined : rounds?.length ? median(rounds) : b / a;
      out.push({ model, runtime, one: a, two: b, ratio, range: a && b && rounds?.length ? [Math.min(...rounds), Math.max(...rounds)] : undefined,
        error: a && b ? undefined : (rows[one]?.error ?? rows[two]?.error ?? 'a row failed') });
    }
  }
  return out;
}

export function formatBusyTable(busy) {
  if (!busy) return 'Busy machine: not run (--no-busy)';
  const fmt = (x) => (x === undefined ? '-' : x >= 100 ? Math.round(x).toString() : x.toPrecision(3));
  const lines = [busy.spinners > 0
    ? `Busy machine: ${busy.spinners} other process${busy.spinners > 1 ? 'es' : ''} spinning (all cores but one busy); ` +
      `the threaded build on 1 and 2 threads, runs interleaved; samples/s medians, 2t / 1t the median of the rounds' ratios ` +
      `[their range] (goal: 2 threads >= ${BUSY_GOAL}x of 1 thread)`
    : 'Idle machine (--only-idle: nothing spinning); the threaded build on 1 and 2 threads, runs interleaved; samples/s medians, ' +
      '2t / 1t the median of the rounds\' ratios [their range]', ''];
  const header = ['model', 'runtime', '1 thread', '2 threads', '2t / 1t'];
  const rows = busyRatios(busy).map((r) => [r.model, r.runtime, fmt(r.one), fmt(r.two),
    r.ratio === undefined ? `- (${r.error})` : `${r.ratio.toFixed(2)}x${r.range ? ` [${r.range[0].toFixed(2)}-${r.range[1].toFixed(2)}]` : ''}`]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(' | ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line));
  return lines.join('\n');
}
