// Tests for web/worker-supervisor.js with a fake worker and a fake clock: heartbeat, hang and
// recovery, crash by 'error' event and by a fatal engine error, autosave cadence, restart from
// the checkpoint (in memory, else from the store), and the validation of saved settings.
// The real worker and IndexedDB are covered by tests/browser/reliability.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerSupervisor, settingsFromCheckpoint } from '../../web/worker-supervisor.js';
import { defaultState } from '../../web/state.js';

class FakeWorker {
  constructor() {
    this.sent = [];
    this.terminated = false;
  }
  postMessage(message) { this.sent.push(message); }
  terminate() { this.terminated = true; }
  emit(data) { this.onmessage({ data }); }
  sentOf(type) { return this.sent.filter((m) => m.type === type); }
}

function setup(overrides = {}) {
  let clock = 1_000_000;
  const intervals = new Map();
  let nextId = 1;
  const timers = {
    setInterval(fn, ms) { intervals.set(nextId, { fn, ms, due: clock + ms }); return nextId++; },
    clearInterval(id) { intervals.delete(id); },
  };
  const advance = (ms) => {
    const end = clock + ms;
    for (;;) {
      const next = [...intervals.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      clock = next.due;
      next.due += next.ms;
      next.fn();
    }
    clock = end;
  };
  const log = { messages: [], problems: [], recovered: 0, puts: [], starts: 0 };
  const workers = [];
  const supervisor = new WorkerSupervisor({
    onMessage: (m) => log.messages.push(m),
    onProblem: (p) => log.problems.push(p),
    onRecovered: () => { log.recovered += 1; },
    start: () => {
      log.starts += 1;
      const worker = new FakeWorker();
      workers.push(worker);
      supervisor.attach(worker);
    },
    getState: () => ({ model: 'mlp' }),
    store: { put: async (record) => { log.puts.push(record); }, get: async () => overrides.stored ?? null },
    timers,
    now: () => clock,
    heartbeatMs: 1000,
    timeoutMs: 5000,
    autosaveMs: 10_000,
  });
  supervisor.start();
  return { supervisor, worker: workers[0], workers, log, advance };
}

const bytes = (n) => new Uint8Array(n).fill(7).buffer;

test('pings every heartbeat and consumes the pongs; other messages pass through', () => {
  const { worker, log, advance, supervisor } = setup();
  advance(3000);
  assert.equal(worker.sentOf('ping').length, 3);
  worker.emit({ type: 'pong', id: 3, memory: { mallocBytes: 42 } });
  worker.emit({ type: 'summary', summary: [] });
  assert.deepEqual(log.messages.map((m) => m.type), ['summary']);
  assert.equal(supervisor.health.memory.mallocBytes, 42);
});

test('a worker that stops answering is reported as hung, and recovers when it answers again', () => {
  const { worker, log, advance } = setup();
  advance(4000);
  worker.emit({ type: 'pong' });  // at t = 4 s
  advance(5000);
  assert.equal(log.problems.length, 0, 'silent for 5 s: not yet');
  advance(1000);
  assert.equal(log.problems.length, 1);
  assert.equal(log.problems[0].kind, 'hung');
  assert.match(log.problems[0].message, /no answer for \d+ s/);
  assert.equal(worker.terminated, false, 'a hung worker is not killed behind the user\'s back');
  advance(10_000);
  assert.equal(log.problems.length, 1, 'reported once');
  worker.emit({ type: 'pong' });
  assert.equal(log.recovered, 1);
});

test('an error event is a crash: reported once, the worker terminated, heartbeat stopped', () => {
  const { worker, log, advance } = setup();
  let prevented = false;
  worker.onerror({ message: 'Uncaught RuntimeError: unreachable', preventDefault: () => { prevented = true; } });
  assert.ok(prevented);
  assert.equal(worker.terminated, true);
  assert.deepEqual(log.problems.map((p) => [p.kind, p.message]), [['error', 'Uncaught RuntimeError: unreachable']]);
  const pings = worker.sentOf('ping').length;
  advance(60_000);
  assert.equal(worker.sentOf('ping').length, pings);
  assert.equal(log.problems.length, 1);
});

test('a fatal engine error (trap, abort) is shown and treated as a crash; an ordinary one is not', () => {
  const { worker, log } = setup();
  worker.emit({ type: 'error', message: 'bad layer', context: 'state', fatal: false });
  assert.equal(log.problems.length, 0);
  worker.emit({ type: 'error', message: 'Aborted(OOM)', context: 'training', fatal: true });
  assert.deepEqual(log.messages.map((m) => m.message), ['bad layer', 'Aborted(OOM)']);
  assert.equal(log.problems[0].kind, 'fatal');
  assert.equal(worker.terminated, true);
});

test('autosave: at most every autosaveMs while training, at each epoch end and when training stops', () => {
  const { worker, log, advance, supervisor } = setup();
  supervisor.timeoutMs = Infinity;  // no hang reports here: they would pause autosave
  worker.emit({ type: 'status', status: 'training' });
  worker.emit({ type: 'progress', epoch: 1, batch: 1 });
  assert.equal(worker.sentOf('checkpoint').length, 1, 'the first progress of a run');
  worker.emit({ type: 'checkpoint', bytes: bytes(16), metadata: { epoch: 0, position: { epoch: 1, batch: 1 } } });
  advance(5000);
  worker.emit({ type: 'progress', epoch: 1, batch: 50 });
  assert.equal(worker.sentOf('checkpoint').length, 1, 'not again within 10 s');
  advance(5000);
  worker.emit({ type: 'progress', epoch: 1, batch: 99 });
  assert.equal(worker.sentOf('checkpoint').length, 2);
  worker.emit({ type: 'progress', epoch: 1, batch: 100 });
  worker.emit({ type: 'epochEnd', epoch: 1 });
  assert.equal(worker.sentOf('checkpoint').length, 2, 'one checkpoint on its way at a time');
  worker.emit({ type: 'checkpoint', bytes: bytes(16), metadata: { epoch: 1 } });
  worker.emit({ type: 'epochEnd', epoch: 2 });
  assert.equal(worker.sentOf('checkpoint').length, 3);
  worker.emit({ type: 'checkpoint', bytes: bytes(16), metadata: { epoch: 2 } });
  worker.emit({ type: 'status', status: 'paused' });
  assert.equal(worker.sentOf('checkpoint').length, 4);
  worker.emit({ type: 'checkpoint', bytes: bytes(24), metadata: { epoch: 2, position: { epoch: 3, batch: 5 } } });
  assert.equal(log.puts.length, 4);
  assert.deepEqual({ ...log.puts[3], bytes: log.puts[3].bytes.byteLength, savedAt: typeof log.puts[3].savedAt },
    { bytes: 24, name: 'autosave', savedAt: 'string', state: { model: 'mlp' }, epoch: 2, batch: 0 });
  assert.ok(!log.messages.some((m) => m.type === 'checkpoint' || m.type === 'pong'), 'consumed');
});

test('restart: a new worker that loads the last checkpoint after its init', async () => {
  const { supervisor, worker, workers, log } = setup();
  worker.emit({ type: 'checkpoint', bytes: bytes(32), metadata: { epoch: 1 } });
  worker.onerror({ message: 'boom' });
  const checkpoint = await supervisor.restart();
  assert.equal(log.starts, 2);
  assert.equal(workers.length, 2);
  assert.equal(checkpoint.bytes.byteLength, 32);
  const load = workers[1].sentOf('load')[0];
  assert.equal(load.restore, true);
  assert.equal(load.bytes.byteLength, 32);
  assert.notEqual(load.bytes, checkpoint.bytes, 'a copy: the kept checkpoint survives the transfer');
  assert.equal(supervisor.problem, null);
});

test('restart without a checkpoint in memory takes the stored one, or starts clean', async () => {
  const stored = { bytes: bytes(40), epoch: 3, batch: 7, state: { model: 'mlp' } };
  const a = setup({ stored });
  a.worker.onerror({ message: 'boom' });
  await a.supervisor.restart();
  assert.equal(a.workers[1].sentOf('load')[0].bytes.byteLength, 40);
  const b = setup();
  b.worker.onerror({ message: 'boom' });
  assert.equal(await b.supervisor.restart(), null);
  assert.equal(b.workers[1].sentOf('load').length, 0);
});

test('saved settings are validated like a link; rejected fields are left alone', () => {
  const current = defaultState();
  const saved = {
    model: 'mlp', optimizer: 'sgd', learningRate: '<img src=x onerror=alert(1)>', batchSize: 64, epochs: 1e9,
    layers: '<script>alert(1)</script>', evil: 'x', __proto__: { polluted: true },
  };
  const changes = Object.fromEntries(settingsFromCheckpoint(saved, current));
  // The hostile layer list is left out; setting model 'mlp' brings its own layers.
  assert.deepEqual(changes, { model: 'mlp', optimizer: 'sgd', batchSize: 64 });
  const custom = Object.fromEntries(settingsFromCheckpoint({ model: 'custom', layers: 'flatten_linear.10' }, current));
  assert.deepEqual(custom, { model: 'custom', layers: 'flatten_linear.10' });
  assert.equal({}.polluted, undefined);
  for (const junk of [null, undefined, 'model=mlp', 42, [['model', 'mlp']]]) assert.deepEqual(settingsFromCheckpoint(junk, current), []);
});
