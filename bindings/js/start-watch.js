// Starting the engine in a Worker, and replacing a worker that stops answering while it starts.
//
// Why: Firefox ESR, on a busy machine, now and then never returns from the `new Worker()` with which
// the threaded build starts its pthreads (about 1 start in 40 with both cores taken). The worker's
// thread is then blocked for good, and nothing in it can notice: only the page can, because the
// page's thread still runs. So the page pings the worker while it loads the engine; one that answers
// nothing for a while is ended and a new one started. A slow network does not trip this: a worker
// waiting for its files still answers.
//
// Two sides:
// - the page: startWorker(create, options) below;
// - the worker: answerStartWatch(), which the package calls when it is imported in a dedicated worker
//   (so a worker that imports 'wasmgrad' answers with no code of its own), and loadSettled(), which
//   load() calls when the engine has loaded or failed to.
// The playground and the lecture demos, whose workers speak Comlink, ping through Comlink but with the
// same policy: untilSilent() and retrySilentStarts().

const WATCH = 'wasmgrad-start-watch';

/** The worker stopped answering while it started; it was ended (and another may be started). */
export class SilentStart extends Error {
  constructor(message) {
    super(message);
    this.name = 'SilentStart';
  }
}

/**
 * `call`'s result, unless ping() (a promise the worker settles) goes unanswered first: for
 * `firstAnswerMs` until its first answer, for `silenceMs` after it. Then rejects with a SilentStart
 * saying so. `answered`: the worker has answered already (a message that it is ready), so only
 * `silenceMs` counts, from now. `timers` and `now` are for tests.
 */
export function untilSilent(call, ping, { silenceMs, firstAnswerMs = silenceMs, answered = false, pingMs = 1000,
  timers = globalThis, now = () => performance.now() }) {
  return new Promise((resolve, reject) => {
    const started = now();
    let lastAnswer = answered ? started : null;
    const ticker = timers.setInterval(() => {
      const silent = now() - (lastAnswer ?? started);
      if (silent > (lastAnswer === null ? firstAnswerMs : silenceMs)) {
        timers.clearInterval(ticker);
        const seconds = Math.round(silent / 1000);
        reject(new SilentStart(lastAnswer === null ? `the engine worker never answered while it started (${seconds} s)`
          : `the engine worker stopped answering while it started (no answer for ${seconds} s)`));
        return;
      }
      Promise.resolve(ping()).then(() => { lastAnswer = now(); }, () => {});
    }, pingMs);
    Promise.resolve(call).then(resolve, reject).finally(() => timers.clearInterval(ticker));
  });
}

/**
 * Calls startOnce(attempt) until it resolves, at most `attempts` times, when it rejects with a
 * SilentStart (any other error rejects at once). onRestart(message, attempt) is told before each new attempt.
 */
export async function retrySilentStarts(startOnce, { attempts, onRestart = () => {} }) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(attempt);
    } catch (error) {
      if (!(error instanceof SilentStart)) throw error;
      if (attempt >= attempts) throw new SilentStart(`${error.message}, ${attempts} times in a row`);
      onRestart(`${error.message}: started a new one (attempt ${attempt + 1} of ${attempts})`, attempt + 1);
    }
  }
}

/** The policy's numbers, for startWorker's defaults and for the playground's and the demos' Comlink watch. */
export const WATCH_DEFAULTS = Object.freeze({ attempts: 3, silenceMs: 15_000, firstAnswerMs: 60_000, pingMs: 1_000 });

/**
 * The page's side. Starts the Worker that create() returns (create attaches the page's own
 * handlers: a replacement worker needs them too) and resolves to it once load() in it has
 * settled (the engine loaded, or failed: the worker's own messages say which).
 *
 * A worker that stops answering while it loads is ended and create() called again, up to
 * `attempts` workers in all; onRestart(message, attempt) is told each time. Rejects when every
 * attempt went silent, or when the worker's script fails to load (an 'error' event before it
 * first answered). The worker must import 'wasmgrad' (a static import, or before it sets its own
 * message handler): that import is what answers.
 *
 * @param {() => Worker} create
 * @param {{attempts?: number, silenceMs?: number, firstAnswerMs?: number, pingMs?: number,
 *   onRestart?: (message: string, attempt: number) => void}} [options]
 *   silenceMs: no answer for this long after the first (default 15 s); firstAnswerMs: none at all
 *   for this long, e.g. the worker's script still downloading (default 60 s).
 */
export async function startWorker(create, options = {}) {
  if (typeof create !== 'function') throw new TypeError(`startWorker: the first argument must be a function that returns a new Worker, not ${typeof create}`);
  const settings = { ...WATCH_DEFAULTS };
  for (const [name, value] of Object.entries(options)) {
    if (name === 'onRestart') {
      if (typeof value !== 'function') throw new TypeError(`startWorker: onRestart must be a function, not ${typeof value}`);
    } else if (!(name in WATCH_DEFAULTS)) {
      throw new TypeError(`startWorker: unknown option '${name}' (known: ${[...Object.keys(WATCH_DEFAULTS), 'onRestart'].join(', ')})`);
    } else if (!Number.isFinite(value) || value <= 0 || (name === 'attempts' && !Number.isInteger(value))) {
      throw new RangeError(`startWorker: ${name} must be a positive ${name === 'attempts' ? 'integer' : 'number of milliseconds'}, not ${value}`);
    }
    settings[name] = value;
  }
  return retrySilentStarts(() => watchOnce(create, settings), { attempts: settings.attempts, onRestart: options.onRestart });
}

async function watchOnce(create, { silenceMs, firstAnswerMs, pingMs }) {
  const worker = create();
  if (!worker || typeof worker.postMessage !== 'function' || typeof worker.terminate !== 'function') {
    throw new TypeError('startWorker: create() must return a new Worker');
  }
  const channel = new MessageChannel();
  let answered = false;
  let pending = [];  // resolvers of the pings not answered yet
  let onError;
  const loaded = new Promise((resolve, reject) => {
    channel.port1.onmessage = ({ data }) => {
      answered = true;
      for (const answer of pending) answer();
      pending = [];
      if (data?.type === 'loaded') resolve(worker);
    };
    // Before its first answer, an error event is the worker's script failing to load; after it, the page's own business.
    onError = (event) => {
      if (!answered) reject(new Error(`startWorker: the worker could not start: ${event.message || 'its script did not load'}`));
    };
    worker.addEventListener('error', onError);
  });
  const ping = () => new Promise((resolve) => {
    pending.push(resolve);
    channel.port1.postMessage('ping');
  });
  worker.postMessage({ type: WATCH }, [channel.port2]);
  try {
    return await untilSilent(loaded, ping, { silenceMs, firstAnswerMs, pingMs });
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    worker.removeEventListener('error', onError);
    channel.port1.onmessage = null;
    channel.port1.close();
  }
}

// The worker's side.
let answering = false;  // the listener is set up (once per worker, however many entry points import this)
let watchPort = null;
let settled = false;

/** In a dedicated worker: answers the page's startWorker() pings from now on. Elsewhere, nothing. */
export function answerStartWatch(scope = globalThis) {
  if (answering || typeof scope.DedicatedWorkerGlobalScope !== 'function' || !(scope instanceof scope.DedicatedWorkerGlobalScope)) return;
  answering = true;
  scope.addEventListener('message', (event) => {
    if (event.data?.type !== WATCH || !event.ports?.[0]) return;
    event.stopImmediatePropagation();  // the worker's own message handlers never see it
    watchPort = event.ports[0];
    const answer = () => watchPort.postMessage({ type: settled ? 'loaded' : 'alive' });
    watchPort.onmessage = answer;
    answer();
  });
}

/** load() has loaded the engine, or failed: the page's startWorker() stops watching. */
export function loadSettled() {
  settled = true;
  watchPort?.postMessage({ type: 'loaded' });
}
