// Starts the engine worker (web/playground/worker/main.js) and connects to it with Comlink: the
// worker's methods (worker/api.js) become async functions on `api`, and its events arrive at
// onEvent. The page never trains: it awaits these calls.
import * as Comlink from '../../build/vendor/comlink.mjs';

const READY_TIMEOUT_MS = 60_000;

/**
 * {worker, api, info, terminate, ping}: the engine loaded in a new worker. Rejects with an Error
 * naming what failed (the worker script, the engine build).
 */
export async function startEngine({ threads, onEvent }) {
  const worker = new Worker(new URL('./worker/main.js', import.meta.url));  // classic: see worker/main.js
  try {
    await workerReady(worker);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const api = Comlink.wrap(worker);
  const connection = {
    worker,
    api,
    info: null,
    ping: () => api.ping(),
    terminate: () => {
      api[Comlink.releaseProxy]?.();
      worker.terminate();
    },
  };
  connection.info = await api.init(Comlink.proxy(onEvent), { threads });  // a proxy only works as an argument of its own
  return connection;
}

/** Resolves when the worker has set up its API; rejects if its script fails first. */
function workerReady(worker) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the engine worker did not start within a minute')), READY_TIMEOUT_MS);
    const finish = (error) => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (event) => {
      if (event.data?.type === 'wasmgrad-worker-ready') finish(null);
      else if (event.data?.type === 'wasmgrad-worker-failed') finish(new Error(`the engine worker failed to start: ${event.data.message}`));
    };
    const onError = (event) => {
      event.preventDefault?.();
      finish(new Error(`the engine worker could not start: ${event.message || 'its script did not load'}`));
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
  });
}
