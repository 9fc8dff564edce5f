// Starts the engine worker (web/playground/worker/main.js) and connects to it with Comlink: the
// worker's methods (worker/api.js) become async functions on `api`, and its events arrive at
// onEvent. The page never trains: it awaits these calls.
//
// A starting worker can block for good (Firefox ESR on a busy machine: bindings/js/start-watch.js
// says how). A blocked worker answers nothing, so while the engine loads the page pings it through
// Comlink; one silent for SILENCE_MS is ended and a new one started, up to ATTEMPTS in all: the
// package's startWorker() policy, whose parts it shares (this worker speaks Comlink, not its port).
import * as Comlink from '../../build/vendor/comlink.mjs';
import { retrySilentStarts, untilSilent, WATCH_DEFAULTS } from '../../bindings/js/start-watch.js';

const READY_TIMEOUT_MS = 60_000;
const { silenceMs: SILENCE_MS, attempts: ATTEMPTS } = WATCH_DEFAULTS;

/**
 * {worker, api, info, terminate, ping}: the engine loaded in a new worker. Rejects with an Error
 * naming what failed (the worker script, the engine build, a worker that stopped answering).
 * onRestart(message, attempt) is told when a silent worker is replaced by attempt number `attempt`.
 */
export function startEngine({ threads, onEvent, onRestart = () => {} }) {
  return retrySilentStarts(() => startOnce({ threads, onEvent }), { attempts: ATTEMPTS, onRestart });
}

async function startOnce({ threads, onEvent }) {
  const worker = new Worker(new URL('./worker/main.js', import.meta.url));  // classic: see worker/main.js
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
  try {
    await workerReady(worker);
    const init = api.init(Comlink.proxy(onEvent), { threads });  // a proxy only works as an argument of its own
    connection.info = await untilSilent(init, connection.ping, { silenceMs: SILENCE_MS, answered: true });  // it said it was ready
    return connection;
  } catch (error) {
    connection.terminate();
    throw error;
  }
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
