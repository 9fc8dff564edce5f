// Starts bench-worker.js with the page's query (model, protocol overrides), shows its log and
// publishes the result as window.benchResult for bench/lib/browser.mjs to read.
const params = new URLSearchParams(location.search);
const status = document.getElementById('status');
const worker = new Worker('bench-worker.js');  // classic: the engine loader uses importScripts
worker.onmessage = ({ data }) => {
  if (data.type === 'log') status.textContent = data.message;
  else if (data.type === 'result') window.benchResult = data.result;
};
worker.onerror = (event) => {
  window.benchResult = { status: 'error', error: `worker error: ${event.message}` };
};
worker.postMessage({
  model: params.get('model') ?? 'cnn',
  threads: Number(params.get('threads') ?? 2),
  build: params.get('build') || undefined,  // a build by name; else what load() picks
  protocol: JSON.parse(params.get('protocol') ?? '{}'),
});
