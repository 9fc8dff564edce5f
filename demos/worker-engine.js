// The engine of a demo that trains in its own Web Worker (lenet.js, why-residual.js), reached
// through Comlink: the worker started even from a course page of another origin, the URLs it loads
// the engine and the digits from, and one start-up: a watchdog while the engine loads, a worker that
// stops answering while it loads replaced (the package's policy, bindings/js/start-watch.js: Firefox
// on a busy machine can block a worker that starts the engine's threads), an answer to an earlier
// start dropped, and any failure said on the demo's status line with what to try.
import * as Comlink from '../build/vendor/comlink.mjs';
import { explainStartFailure } from '../web/start-failure.js';
import { retrySilentStarts, untilSilent, WATCH_DEFAULTS } from '../bindings/js/start-watch.js';

// A worker that answers no ping for silenceMs while its engine loads (firstAnswerMs before its first
// answer: its scripts may still be downloading) is replaced, up to `attempts` workers in all.
const { silenceMs: SILENCE_MS, firstAnswerMs: FIRST_ANSWER_MS, attempts: ATTEMPTS } = WATCH_DEFAULTS;

/** After this long without its worker's engine ready, the demo says it is still loading, and what to try. */
export const WATCHDOG_MS = 30_000;

const COMLINK_URL = new URL('../build/vendor/comlink.js', import.meta.url);
/** Absolute URLs for the worker: it finds nothing relative to itself when it runs from a blob. */
const ENGINE_FILES = {
  bindingsUrl: new URL('../bindings/wasmgrad.js', import.meta.url).href,
  engineUrl: new URL('../build/engine/', import.meta.url).href,
  dataUrl: new URL('../build/data/', import.meta.url).href,
};

/**
 * The demo's Worker. A page may not start a Worker from a script of another origin (a course
 * site embedding the element from where the demos are hosted), but a same-origin blob Worker
 * may importScripts one (Comlink first: the worker script finds nothing relative to a blob); the
 * worker uses only the absolute URLs it is sent, so it runs the same.
 */
function startWorker(url) {
  if (url.origin === location.origin) return new Worker(url);
  const trampoline = new Blob([`importScripts(${JSON.stringify(COMLINK_URL.href)}, ${JSON.stringify(url.href)});`],
    { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(trampoline));
}

/** "worker engine: wasmgrad simd-relaxed, 1 thread (not cross-origin isolated: ...)": what init() loaded. */
export const workerBuildText = (info) =>
  `worker engine: wasmgrad ${info.build}, ${info.threads} thread${info.threads === 1 ? '' : 's'} (${info.reason})`;

/**
 * Starts the worker at `url` (it exposes init(options, onEvent) and the demo's own calls).
 * `status`: the demo's status line, where failures and the watchdog speak; `starting()`: true
 * while the demo has no engine yet (a failure then also says what to try); `stopped()`: called
 * after the worker reports an error event (the demo stops training). Events other than errors go
 * to start()'s `onEvent`.
 * Returns {api, start(options, onEvent), failed(what, error), destroy()}; start() resolves to what
 * the worker's init returned, or null when it failed (said on the status line) or a later start
 * superseded it.
 */
export function workerEngine(url, { status, starting, stopped }) {
  let worker = null;
  let remote = null;  // the current worker's Comlink proxy
  let loaded = false;  // an engine has loaded in the current worker: later starts need no watch
  let watching = null;  // the watched first start while it runs: a start meanwhile waits for it (it may replace the worker)
  let watchdog = 0;
  let starts = 0;  // numbers the starts: an answer to an earlier one (the settings changed since) is dropped

  const failed = (what, error) => {
    clearTimeout(watchdog);
    const { message, hint } = explainStartFailure(error);
    status.className = 'readout bad';
    status.setAttribute('role', 'alert');
    status.textContent = `${what}: ${message}.${starting() ? ` ${hint}` : ''}`;
  };
  const spawn = () => {
    if (worker) {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    }
    worker = startWorker(url);
    remote = Comlink.wrap(worker);
    worker.addEventListener('error', (event) => failed('the engine worker failed', event.message || 'its script did not load'));
  };
  spawn();
  // The demo's calls go to whichever worker is current (a replaced one's proxy would answer nothing).
  const api = new Proxy({}, { get: (_, name) => (...args) => remote[name](...args) });

  async function start(options, onEvent) {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      status.textContent = `Still loading after ${WATCHDOG_MS / 1000} s. A slow network or a busy computer can take this long: ` +
        'wait a little more, or reload the page. If it never starts, try another browser.';
    }, WATCHDOG_MS);
    const request = ++starts;
    const init = () => remote.init({ ...options, ...ENGINE_FILES }, Comlink.proxy((event) => {
      if (event.type !== 'error') return onEvent(event);
      failed('engine error', event.message);
      return stopped();
    }));
    let info;
    try {
      if (watching) await watching.catch(() => {});
      if (loaded) {
        info = await init();
      } else {
        watching = retrySilentStarts((attempt) => {
          if (attempt > 1) spawn();
          return untilSilent(init(), () => remote.ping(), { silenceMs: SILENCE_MS, firstAnswerMs: FIRST_ANSWER_MS });
        }, {
          attempts: ATTEMPTS,
          // Said whichever start asked: the worker was replaced for all of them.
          onRestart: (message) => { status.textContent = `The engine did not start at first: ${message}.`; },
        });
        info = await watching.finally(() => { watching = null; });
      }
    } catch (error) {
      if (request === starts) failed('engine error', error);
      return null;
    }
    loaded = true;
    if (request !== starts) return null;
    clearTimeout(watchdog);
    return info;
  }

  return {
    api,
    start,
    failed,
    destroy() {
      clearTimeout(watchdog);
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
