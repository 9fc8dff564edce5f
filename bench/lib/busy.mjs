// The "busy machine" section of `npm run bench` (issue 26): one thread against two while other
// processes keep all cores but one busy, as a student's laptop with a video call would. Each row
// runs with its own spinning processes (`node -e` loops, bounded in time), started just before it
// and killed right after it, and on every way out of the bench (normal exit, an exception,
// Ctrl-C, SIGTERM, SIGHUP), so a crashed or interrupted bench leaves no spinner behind for longer
// than its time bound. The rows are the threaded build on 1 and on 2 threads, in Node and in
// Chromium, so each ratio compares one build with itself.
import { spawn } from 'node:child_process';
import os from 'node:os';

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

// Runs every (model, row) of the section: runRow(peerId, model) -> result; one spinner set per
// row, bounded by the row's time limit. The 1- and 2-thread rows of one runtime run back to back.
// `spinners: 0` runs the same rows with nothing spinning: the idle machine's 2t / 1t
// (bench/run.mjs --only-idle), to check that what helps a busy machine costs an idle one nothing.
// `runtimes` (['Node', 'Chromium'] by default) leaves the other runtime's rows out.
export async function runBusySection(models, runRow, { timeoutSeconds, log = () => {}, spinners = spinnerCount(), runtimes = null }) {
  const rows = {};
  for (const model of models) {
    rows[model] = {};
    for (const [runtime, one, two] of BUSY_PAIRS) {
      if (runtimes && !runtimes.includes(runtime)) continue;
      for (const id of [one, two]) {
        log(spinners > 0 ? `bench: busy machine (${spinners} spinning process${spinners > 1 ? 'es' : ''}), ${model} / ${id}`
          : `bench: idle machine, ${model} / ${id}`);
        const { stop } = startSpinners(spinners, timeoutSeconds + 30);
        try {
          await new Promise((resolve) => setTimeout(resolve, 200)); // the spinners are running
          rows[model][id] = { runtime, ...(await runRow(id, model)) };
        } finally {
          stop();
        }
      }
    }
  }
  return { spinners, rows };
}

const speed = (r) => (r?.status === 'ok' && r.median > 0 ? r.median : undefined);

/** [{ model, runtime, one, two, ratio }] from runBusySection's result. */
export function busyRatios(busy) {
  const out = [];
  for (const [model, rows] of Object.entries(busy?.rows ?? {})) {
    for (const [runtime, one, two] of BUSY_PAIRS) {
      if (!(one in rows) && !(two in rows)) continue;
      const a = speed(rows[one]), b = speed(rows[two]);
      out.push({ model, runtime, one: a, two: b, ratio: a && b ? b / a : undefined,
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
      `the threaded build on 1 and 2 threads, samples/s medians (goal: 2 threads >= ${BUSY_GOAL}x of 1 thread)`
    : 'Idle machine (--only-idle: nothing spinning); the threaded build on 1 and 2 threads, samples/s medians', ''];
  const header = ['model', 'runtime', '1 thread', '2 threads', '2t / 1t'];
  const rows = busyRatios(busy).map((r) => [r.model, r.runtime, fmt(r.one), fmt(r.two),
    r.ratio === undefined ? `- (${r.error})` : `${r.ratio.toFixed(2)}x`]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(' | ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line));
  return lines.join('\n');
}
