// Watches the engine worker so that nothing is lost when it dies: it notices a crash (the
// worker's 'error' event, or a fatal WebAssembly error such as a trap or an abort) and a worker
// that was killed or hangs (no answer to a heartbeat ping), keeps a checkpoint of the model, its
// optimizer state and its training history while training (in memory and in a store), and hands
// that checkpoint to a restarted engine. No DOM (the message and the Restart button are
// web/views/crash-banner.js), so tests/js/web/supervisor.test.mjs runs it with a fake engine and clock.

const DEFAULTS = {
  heartbeatMs: 2000,  // how often to ping
  timeoutMs: 20000,   // no answer for this long: hung or gone (an epoch's evaluation takes ~1 s)
  autosaveMs: 10000,  // checkpoint at most this often while training, and at every epoch end and stop
};

export class Supervisor {
  /**
   * @param {object} options
   * @param {(problem: {kind: 'error'|'fatal'|'hung', message: string, checkpoint: object|null}) => void} options.onProblem
   * @param {() => void} [options.onRecovered]  a hung engine answered again
   * @param {() => Promise<{bytes: ArrayBuffer, metadata: object} | null>} options.takeCheckpoint  asks the engine for one
   * @param {{put: (record) => Promise, get: () => Promise<object|null>}} [options.store]  the persistent copy
   */
  constructor({ onProblem, onRecovered = () => {}, takeCheckpoint, store = null, timers = globalThis, now = () => Date.now(),
    ...intervals }) {
    Object.assign(this, DEFAULTS, intervals);
    Object.assign(this, { onProblem, onRecovered, takeCheckpoint, store, timers, now });
    this.engine = null;       // {ping: () => Promise, terminate: () => void}
    this.ticker = null;
    this.problem = null;
    this.checkpoint = null;   // {bytes, metadata, savedAt}
    this.health = { lastAnswer: null, memory: null, pings: 0, answers: 0 };
    this.storeError = null;
    this.pending = false;
    this.lastCheckpointAt = 0;
  }

  /** Watches a new engine connection: {ping, terminate, worker} (its 'error' event is a crash). */
  attach(engine) {
    this.detach();
    this.engine = engine;
    this.problem = null;
    this.pending = false;
    this.health.lastAnswer = this.now();
    if (engine.worker) {
      engine.worker.onerror = (event) => {
        event.preventDefault?.();
        this.fail('error', event.message || 'the engine script could not be loaded');
      };
    }
    this.ticker = this.timers.setInterval(() => this.beat(), this.heartbeatMs);
  }

  /** Stops watching (and terminates) the current engine. */
  detach() {
    if (this.ticker !== null) this.timers.clearInterval(this.ticker);
    this.ticker = null;
    if (this.engine) {
      if (this.engine.worker) this.engine.worker.onerror = null;
      this.engine.terminate();
    }
    this.engine = null;
  }

  beat() {
    if (!this.engine) return;
    const silent = this.now() - this.health.lastAnswer;
    // Answers come back once per heartbeat: a limit below two beats would report a healthy engine.
    if (silent > Math.max(this.timeoutMs, 2 * this.heartbeatMs) && !this.problem) {
      this.fail('hung', `no answer for ${Math.round(silent / 1000)} s`, { terminate: false });
      return;  // a late answer clears it (onRecovered); Restart ends it
    }
    this.health.pings += 1;
    const engine = this.engine;
    Promise.resolve(engine.ping()).then((memory) => {
      if (this.engine !== engine) return;
      this.health.lastAnswer = this.now();
      this.health.answers += 1;
      if (memory) this.health.memory = memory;
      if (this.problem?.kind === 'hung') {
        this.problem = null;
        this.onRecovered();
      }
    }, () => {});
  }

  /** An engine error: a WebAssembly trap or abort leaves its memory in an unknown state, a crash. */
  noteError(error) {
    if (error?.name === 'RuntimeError' || /^RuntimeError|Aborted\(/.test(String(error?.message))) {
      this.fail('fatal', error.message);
      return true;
    }
    return false;
  }

  /**
   * The run's status changed from `previous` to `status` (the store's run.status before and after:
   * the supervisor keeps no copy). Leaving 'training' checkpoints.
   */
  noteStatus(status, previous) {
    if (previous === 'training' && status !== 'training') this.requestCheckpoint();
  }

  noteProgress() {
    if (this.now() - this.lastCheckpointAt >= this.autosaveMs) this.requestCheckpoint();
  }

  noteEpochEnd() { this.requestCheckpoint(); }

  /** Asks the engine for a checkpoint unless one is on its way; keeps it in memory and in the store. */
  requestCheckpoint() {
    if (!this.engine || this.problem) return;
    if (this.pending) {  // one on its way may be older than what is asked for now: take another after it
      this.again = true;
      return;
    }
    this.pending = true;
    this.again = false;
    this.lastCheckpointAt = this.now();
    Promise.resolve(this.takeCheckpoint()).then((checkpoint) => this.keep(checkpoint), () => {}).finally(() => {
      this.pending = false;
      if (this.again) this.requestCheckpoint();
    });
  }

  keep(checkpoint) {
    if (!checkpoint || !(checkpoint.bytes instanceof ArrayBuffer)) return;
    const savedAt = checkpoint.metadata?.savedAt ?? new Date(this.now()).toISOString();
    this.checkpoint = { bytes: checkpoint.bytes, metadata: checkpoint.metadata ?? {}, savedAt };
    if (!this.store) return;
    const record = { bytes: checkpoint.bytes.slice(0), name: 'autosave', savedAt, metadata: checkpoint.metadata ?? {} };
    this.store.put(record).then(() => {
      this.storeError = null;
      this.stored = record;  // what a reload will find
    }, (error) => { this.storeError = error.message; });
  }

  fail(kind, message, { terminate = true } = {}) {
    if (this.problem && this.problem.kind !== 'hung') return;  // already reported
    this.problem = { kind, message: String(message), checkpoint: this.checkpoint };
    if (terminate) this.detach();
    this.onProblem(this.problem);
  }

  /** For a restart: the last checkpoint, from memory, else from the store, else null. The caller starts the engine. */
  async checkpointForRestart() {
    this.detach();
    this.problem = null;
    if (this.checkpoint) return this.checkpoint;
    if (!this.store) return null;
    try {
      const record = await this.store.get();
      return record ? { bytes: record.bytes, metadata: record.metadata ?? {}, savedAt: record.savedAt } : null;
    } catch {
      return null;  // nothing stored: start clean
    }
  }
}
