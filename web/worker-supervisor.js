// Watches the engine worker so that nothing is lost when it dies: it notices a crash (the
// worker's 'error' event, or a fatal WebAssembly error reported by the worker) and a worker that
// was killed or hangs (no answer to a heartbeat ping), keeps a checkpoint of the model and its
// optimizer state while training (in memory and in IndexedDB), and restarts the worker from that
// checkpoint on request. No DOM here (the message and the Restart button are
// web/views/crash-banner.js), so tests/js/worker-supervisor.test.mjs runs it with a fake worker.
//
// Messages it adds to the protocol (web/protocol.md): page -> worker {type: 'ping', id},
// {type: 'checkpoint', metadata}; worker -> page {type: 'pong', id, memory}, {type: 'checkpoint',
// bytes, metadata}. It consumes those; everything else goes on to onMessage.
import { SCHEMA, validateState } from './state.js';

const DEFAULTS = {
  heartbeatMs: 2000,   // how often to ping
  timeoutMs: 20000,    // no pong for this long: hung or gone (an epoch's evaluation takes ~1 s)
  autosaveMs: 10000,   // checkpoint at most this often while training, and at every epoch end / pause
};

export class WorkerSupervisor {
  /**
   * @param {object} options
   * @param {(message: object) => void} options.onMessage  every worker message it does not consume
   * @param {(problem: {kind: 'error'|'fatal'|'hung', message: string, checkpoint: object|null}) => void} options.onProblem
   * @param {() => void} options.onRecovered  a hung worker answered again
   * @param {() => void} options.start  starts a fresh worker (and calls attach with it)
   * @param {() => object} options.getState  the page's settings, saved with each checkpoint
   * @param {{put: (record) => Promise, get: () => Promise<object|null>}} [options.store]  persistent copy
   */
  constructor({ onMessage, onProblem, onRecovered = () => {}, start, getState = () => null, store = null,
    timers = globalThis, now = () => Date.now(), ...intervals }) {
    Object.assign(this, DEFAULTS, intervals);
    this.onMessage = onMessage;
    this.onProblem = onProblem;
    this.onRecovered = onRecovered;
    this.start = start;
    this.getState = getState;
    this.store = store;
    this.timers = timers;
    this.now = now;
    this.worker = null;
    this.ticker = null;
    this.problem = null;             // the current problem, or null
    this.checkpoint = null;          // {bytes: ArrayBuffer, metadata, state, savedAt}
    this.health = { lastPong: null, memory: null, pings: 0, pongs: 0 };
    this.storeError = null;
    this.checkpointPending = false;
    this.lastCheckpointAt = 0;
    this.status = 'idle';
  }

  /** Takes charge of a new worker: its messages and errors come through here. */
  attach(worker) {
    this.detach();
    this.worker = worker;
    this.problem = null;
    this.checkpointPending = false;
    this.health.lastPong = this.now();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail('error', event.message || 'the engine script could not be loaded');
    };
    worker.onmessageerror = () => this.onMessage({ type: 'error', message: 'A message from the engine could not be read.' });
    this.ticker = this.timers.setInterval(() => this.beat(), this.heartbeatMs);
  }

  /** Stops watching (and terminates) the current worker. */
  detach() {
    if (this.ticker !== null) this.timers.clearInterval(this.ticker);
    this.ticker = null;
    if (this.worker) {
      this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
      this.worker.terminate();
    }
    this.worker = null;
  }

  receive(message) {
    switch (message?.type) {
      case 'pong':
        this.health.lastPong = this.now();
        this.health.pongs += 1;
        if (message.memory) this.health.memory = message.memory;
        if (this.problem?.kind === 'hung') {
          this.problem = null;
          this.onRecovered();
        }
        return;
      case 'checkpoint':
        this.keep(message);
        return;
      case 'error':
        if (message.fatal) {  // a WebAssembly trap or abort: the engine's memory cannot be trusted
          this.onMessage(message);
          this.fail('fatal', message.message);
          return;
        }
        break;
      case 'status': {
        const was = this.status;
        this.status = message.status;
        if (was === 'training' && message.status !== 'training') this.requestCheckpoint();
        break;
      }
      case 'progress':
        if (this.now() - this.lastCheckpointAt >= this.autosaveMs) this.requestCheckpoint();
        break;
      case 'epochEnd':
        this.onMessage(message);
        this.requestCheckpoint();
        return;
      default:
        break;
    }
    this.onMessage(message);
  }

  /** Asks the worker for a checkpoint (model + optimizer state) unless one is on its way. */
  requestCheckpoint() {
    if (!this.worker || this.problem || this.checkpointPending) return;
    this.checkpointPending = true;
    this.lastCheckpointAt = this.now();
    this.worker.postMessage({ type: 'checkpoint', metadata: { autosave: true, savedAt: new Date(this.now()).toISOString() } });
  }

  keep({ bytes, metadata }) {
    this.checkpointPending = false;
    if (!(bytes instanceof ArrayBuffer)) return;
    const state = this.getState();
    this.checkpoint = { bytes, metadata: metadata ?? {}, state, savedAt: metadata?.savedAt ?? new Date(this.now()).toISOString() };
    if (!this.store) return;
    const record = { bytes: bytes.slice(0), name: 'autosave', savedAt: this.checkpoint.savedAt, state,
      epoch: metadata?.epoch ?? 0, batch: metadata?.batch ?? 0 };
    this.store.put(record).then(() => { this.storeError = null; }, (error) => { this.storeError = error.message; });
  }

  beat() {
    if (!this.worker) return;
    const silent = this.now() - this.health.lastPong;
    // Pongs come back once per heartbeat: a limit below two beats would report a healthy worker.
    if (silent > Math.max(this.timeoutMs, 2 * this.heartbeatMs) && !this.problem) {
      this.fail('hung', `no answer for ${Math.round(silent / 1000)} s`, { terminate: false });
      return;  // a late pong clears it (onRecovered); Restart ends it
    }
    this.health.pings += 1;
    this.worker.postMessage({ type: 'ping', id: this.health.pings });
  }

  fail(kind, message, { terminate = true } = {}) {
    if (this.problem && this.problem.kind !== 'hung') return;  // already reported
    this.problem = { kind, message: String(message), checkpoint: this.checkpoint };
    if (terminate) this.detach();
    this.onProblem(this.problem);
  }

  /**
   * A fresh worker, then the last checkpoint loaded into it (from memory, else from the store).
   * The worker handles messages in order, so the load follows its init and settings.
   */
  async restart() {
    this.detach();
    this.problem = null;
    this.status = 'idle';
    let checkpoint = this.checkpoint;
    if (!checkpoint && this.store) {
      try {
        const record = await this.store.get();
        if (record) checkpoint = { bytes: record.bytes, metadata: { epoch: record.epoch, batch: record.batch }, state: record.state };
      } catch { /* nothing stored: start clean */ }
    }
    this.start();
    if (checkpoint && this.worker) {
      const bytes = checkpoint.bytes.slice(0);
      this.worker.postMessage({ type: 'load', bytes, restore: true }, [bytes]);
    }
    return checkpoint;
  }
}

/**
 * The settings saved with a checkpoint that differ from `current`, as [[field, value]] in schema
 * order. Storage is input like a link: they pass web/state.js's validation, and a field that
 * fails it is left out (not reset to its default).
 */
export function settingsFromCheckpoint(saved, current) {
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return [];
  const { state, errors } = validateState(saved);
  const rejected = new Set(errors.map((e) => e.field));
  return Object.keys(SCHEMA)
    .filter((field) => Object.hasOwn(saved, field) && !rejected.has(field))
    .filter((field) => JSON.stringify(state[field]) !== JSON.stringify(current[field]))
    .map((field) => [field, state[field]]);
}
