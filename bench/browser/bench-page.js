// Starts bench-worker.js with the page's query (model, threads, build, browser, protocol overrides), shows its log and
// publishes the result as window.benchResult for bench/lib/browser.mjs to read. The worker is
// reached through Comlink, as the playground's is.
// With `pair=<threads>,<threads>&rounds=<n>` (the busy-machine section): two workers, one per
// thread count, each warmed up, then their timed runs alternate (protocol.mjs alternateRuns), and
// the result is {status, pair: true, one, two, ratios}.
import * as Comlink from '../../build/vendor/comlink.mjs';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');
const options = {
  model: params.get('model') ?? 'cnn',
  threads: Number(params.get('threads') ?? 2),
  build: params.get('build') || undefined,  // a build by name; else what load() picks
  browser: params.get('browser') || 'browser',  // the browser's name in the row's label
  protocol: JSON.parse(params.get('protocol') ?? '{}'),
};
const log = Comlink.proxy((message) => { status.textContent = message; });
const failed = (error) => { window.benchResult = { status: 'error', error: `worker: ${error?.message ?? error}` }; };

function startWorker() {
  const worker = new Worker('bench-worker.js');  // classic: the engine loader uses importScripts
  worker.onerror = (event) => {
    window.benchResult = { status: 'error', error: `worker error: ${event.message}` };
  };
  return Comlink.wrap(worker);
}

async function runPair(threads, rounds) {
  const { alternateRuns, median } = await import('../lib/protocol.mjs');
  const benches = threads.map(() => startWorker());
  const infos = [];
  for (const [i, bench] of benches.entries()) {  // warmed up one at a time, as the Node pair
    const info = await bench.prepare({ ...options, threads: threads[i] }, log);
    if (info.status !== 'ok') return info;
    infos.push(info);
  }
  const out = await alternateRuns(() => benches[0].timedRun(), () => benches[1].timedRun(), rounds,
    (message) => { status.textContent = message; });
  const row = (info, samplesPerSecond) => ({ ...info, samplesPerSecond, median: median(samplesPerSecond),
    min: Math.min(...samplesPerSecond), max: Math.max(...samplesPerSecond), runs: rounds, interleaved: true });
  return { status: 'ok', pair: true, one: row(infos[0], out.one), two: row(infos[1], out.two), ratios: out.ratios };
}

const pair = params.get('pair');
(pair ? runPair(pair.split(',').map(Number), Number(params.get('rounds') ?? 5)) : startWorker().run(options, log))
  .then((result) => { window.benchResult = result; }, failed);
