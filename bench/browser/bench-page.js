// Starts bench-worker.js with the page's query (model, threads, build, browser, protocol overrides), shows its log and
// publishes the result as window.benchResult for bench/lib/browser.mjs to read. The worker is
// reached through Comlink, as the playground's is.
import * as Comlink from '../../build/vendor/comlink.mjs';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');
const worker = new Worker('bench-worker.js');  // classic: the engine loader uses importScripts
worker.onerror = (event) => {
  window.benchResult = { status: 'error', error: `worker error: ${event.message}` };
};
const bench = Comlink.wrap(worker);
bench.run({
  model: params.get('model') ?? 'cnn',
  threads: Number(params.get('threads') ?? 2),
  build: params.get('build') || undefined,  // a build by name; else what load() picks
  browser: params.get('browser') || 'browser',  // the browser's name in the row's label
  protocol: JSON.parse(params.get('protocol') ?? '{}'),
}, Comlink.proxy((message) => { status.textContent = message; })).then((result) => {
  window.benchResult = result;
}, (error) => {
  window.benchResult = { status: 'error', error: `worker: ${error?.message ?? error}` };
});
