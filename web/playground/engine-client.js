// Starts the engine worker (web/playground/worker/main.js) and connects to it with Comlink: the
// worker's methods (worker/api.js) become async functions on `api`, and its events arrive at
// onEvent. The page never trains: it awaits these calls.
//
// A starting worker can block for good: Firefox ESR, on a busy machine, now and then never returns
// from `new Worker()` when the engine worker starts its threads (seen in about 1 start in 40 with
// both cores taken). A blocked worker answers nothing, so while the engine loads the page pings it;
// one silent for SILENCE_MS is ended and a new one started, up to ATTEMPTS in all. A slow network
// does not trip this: a worker waiting for its files still answers.
import * as Comlink from '../../build/vendor/comlink.mjs';

const READY_TIMEOUT_MS = 60_000;
const SILENCE_MS = 15_000;
const PING_EVERY_MS = 1_000;
const ATTEMPTS = 3;

/** The engine worker stopped answering while it started (ended by the page, which may start another). */
class SilentStart extends Error {}

/**
 * {worker, api, info, terminate, ping}: the engine loaded in a new worker. Rejects with an Error
 * naming what failed (the worker script, the engine build, a worker that stopped answering).
 * onRestart(message, attempt) is told when a silent worker is replaced by attempt number `attempt`.
 */
export async function startEngine({ threads, onEvent, onRestart = () => {} }) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce({ threads, onEvent });
    } catch (error) {
      if (!(error instanceof SilentStart)) throw error;
      if (attempt === ATTEMPTS) throw new Error(`${error.message}, ${ATTEMPTS} times in a row`);
      onRestart(`${error.message}: started a new one (attempt ${attempt + 1} of ${ATTEMPTS})`, attempt + 1);
    }
  }
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
    connection.info = await whileAnswering(connection, init);
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

/** `call`'s result, unless the worker answers no ping for SILENCE_MS first (then a SilentStart). */
function whileAnswering(connection, call) {
  return new Promise((resolve, reject) => {
    let lastAnswer = performance.now();
    const ticker = setInterval(() => {
      const silent = performance.now() - lastAnswer;
      if (silent > SILENCE_MS) {
        clearInterval(ticker);
        reject(new SilentStart(`the engine worker stopped answering while it started (no answer for ${Math.round(silent / 1000)} s)`));
        return;
      }
      connection.ping().then(() => { lastAnswer = performance.now(); }, () => {});
    }, PING_EVERY_MS);
    call.then(resolve, reject).finally(() => clearInterval(ticker));
  });
}
