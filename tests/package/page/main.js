// The smallest course page: the engine trains in a Worker, the page shows what ran.
// startWorker() starts the worker and replaces it if it stops answering while the engine loads
// (Firefox ESR on a busy machine now and then blocks a worker that starts the engine's threads).
// The page asks once the worker says its module has loaded: a message sent to a module worker at
// once sometimes never got an answer in Firefox ESR 153. A minute without a result is said too.
import { startWorker } from 'wasmgrad';

const status = document.querySelector('[role="status"]');
const watchdog = setTimeout(() => {
  status.textContent = 'still loading the engine after a minute: reload the page, or try another browser';
}, 60_000);

function createWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'ready') {
      worker.postMessage({ steps: 5 });
      return;
    }
    clearTimeout(watchdog);
    if (data.type === 'error') {
      status.textContent = `error: ${data.message}`;
      return;
    }
    const losses = data.losses.map((loss) => loss.toFixed(3)).join(' ');
    status.textContent = `${data.build} on ${data.threads} thread(s), ${data.reason}; ${data.trainSize} digits; losses ${losses}`;
  };
  worker.onerror = (event) => {
    clearTimeout(watchdog);
    status.textContent = `error: ${event.message || 'the worker script did not load'}`;
  };
  return worker;
}

startWorker(createWorker, { onRestart: (message) => { status.textContent = `restarting: ${message}`; } })
  .catch((error) => {
    clearTimeout(watchdog);
    status.textContent = `error: ${error.message}`;
  });
