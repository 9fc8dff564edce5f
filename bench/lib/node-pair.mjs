// Two Node peers measured as an interleaved pair (the busy-machine section, bench/lib/busy.mjs):
// each in its own process (bench/pair-child.mjs), warmed up one after the other, then their timed
// runs alternate (alternateRuns: one-two, two-one, ...), so that both rows see the same minutes of
// a machine whose load changes from one second to the next. Rows measured a minute apart compared
// the load of two minutes, not the two peers.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { alternateRuns, median } from './protocol.mjs';

/** A pair child: ask(command) writes a line; next() resolves to the next "@@TAG json" line as {tag, value}. */
function startChild(root, flags, args) {
  const child = spawn(process.execPath, [...flags, path.join(root, 'bench', 'pair-child.mjs'), ...args],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  const lines = [];
  let ended = null;
  const deliver = () => {
    while (waiting.length && (lines.length || ended)) {
      const { resolve, reject } = waiting.shift();
      if (lines.length) resolve(lines.shift());
      else reject(new Error(ended));
    }
  };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^@@(\w+) (.*)$/.exec(line);
    if (!match) return;
    lines.push({ tag: match[1], value: JSON.parse(match[2]) });
    deliver();
  });
  child.on('close', (code, signal) => {
    ended = `the child exited (${signal ?? `code ${code}`})`;
    deliver();
  });
  child.on('error', (error) => {
    ended = `could not start node: ${error.message}`;
    deliver();
  });
  return {
    child,
    ask: (command) => child.stdin.write(`${command}\n`),
    next: () => new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      deliver();
    }),
  };
}

/** The next line of `tag`; a child's error result (or its exit) throws with its message. */
async function expect(side, tag, name) {
  const { tag: got, value } = await side.next();
  if (got === tag) return value;
  throw new Error(`${name}: ${got === 'RESULT' ? value.error : `expected @@${tag}, got @@${got}`}`);
}

const row = (info, samplesPerSecond, rounds) => ({
  status: 'ok', ...info, samplesPerSecond, median: median(samplesPerSecond), min: Math.min(...samplesPerSecond),
  max: Math.max(...samplesPerSecond), runs: rounds, interleaved: true,
});

/**
 * Runs peers `ids` ([one, two], ids of bench/peers/registry.mjs's NODE_PEERS) on `model`, `rounds`
 * runs each, interleaved. Resolves to {one, two, ratios}: one and two as runProtocol's speed results
 * (status 'ok'), ratios two / one per round; or {error} when a side failed or the pair took longer
 * than timeoutSeconds (both processes are killed).
 */
export async function runNodePair(root, ids, model, { dataDir, protocol, rounds, timeoutSeconds, flagsOf = () => [], log = () => {} }) {
  const sides = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    for (const side of sides) side.child.kill('SIGKILL');
  }, timeoutSeconds * 1000);
  try {
    const infos = [];
    for (const id of ids) {  // warmed up one at a time: a warming process would slow the other's warm-up
      const side = startChild(root, flagsOf(id), [id, model, dataDir, JSON.stringify(protocol)]);
      sides.push(side);
      infos.push(await expect(side, 'READY', id));
    }
    const timed = (side, id) => async () => {
      side.ask('run');
      return expect(side, 'RUN', id);
    };
    const out = await alternateRuns(timed(sides[0], ids[0]), timed(sides[1], ids[1]), rounds, log);
    for (const side of sides) side.ask('quit');
    return { one: row(infos[0], out.one, rounds), two: row(infos[1], out.two, rounds), ratios: out.ratios };
  } catch (error) {
    for (const side of sides) side.child.kill('SIGKILL');
    return { error: timedOut ? `timed out after ${timeoutSeconds} s` : String(error.message).split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}
