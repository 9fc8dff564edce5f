// Tests for web/playground/supervisor.js with a fake engine and a fake clock: heartbeat, hang and
// recovery, a crash by 'error' event and by a fatal engine error, the autosave cadence, and the
// checkpoint handed to a restart (from memory, else from the store). The real worker and
// IndexedDB are covered by tests/browser/reliability.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Supervisor } from '../../../web/playground/supervisor.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

class FakeEngine {
  constructor() {
    this.pings = 0;
    this.answering = true;
    this.terminated = false;
    this.worker = { onerror: null };
  }
  ping() {
    this.pings += 1;
    return this.answering ? Promise.resolve({ liveBytes: 1 }) : new Promise(() => {});
  }
  terminate() { this.terminated = true; }
}

function setup(overrides = {}) {
  let clock = 1_000_000;
  const intervals = new Map();
  let nextId = 1;
  const timers = {
    setInterval(fn, ms) { intervals.set(nextId, { fn, ms, due: clock + ms }); return nextId++; },
    clearInterval(id) { intervals.delete(id); },
  };
  const advance = async (ms) => {
    const end = clock + ms;
    for (;;) {
      const next = [...intervals.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      clock = next.due;
      next.due += next.ms;
      next.fn();
      await settle();
    }
    clock = end;
    await settle();
  };
  const log = { problems: [], recovered: 0, puts: [], checkpoints: 0 };
  const supervisor = new Supervisor({
    onProblem: (p) => log.problems.push(p),
    onRecovered: () => { log.recovered += 1; },
    takeCheckpoint: async () => {
      log.checkpoints += 1;
      return { bytes: new Uint8Array([log.checkpoints]).buffer, metadata: { savedAt: new Date(clock).toISOString(), position: { epoch: 1 } } };
    },
    store: { put: async (record) => { log.puts.push(record); }, get: async () => log.puts.at(-1) ?? null },
    timers,
    now: () => clock,
    ...overrides,
  });
  const engine = new FakeEngine();
  supervisor.attach(engine);
  return { supervisor, engine, advance, log };
}

test('pings every heartbeat and keeps the answers', async () => {
  const { supervisor, engine, advance } = setup();
  await advance(6000);
  assert.equal(engine.pings, 3);
  assert.equal(supervisor.health.answers, 3);
  assert.deepEqual(supervisor.health.memory, { liveBytes: 1 });
});

test('an engine that stops answering is reported as hung, and recovers when it answers again', async () => {
  const { supervisor, engine, advance, log } = setup();
  engine.answering = false;
  await advance(19_000);
  assert.deepEqual(log.problems, []);
  await advance(4000);
  assert.equal(log.problems.length, 1);
  assert.equal(log.problems[0].kind, 'hung');
  assert.match(log.problems[0].message, /no answer for 2\d s/);
  assert.equal(engine.terminated, false, 'a hung engine is not killed: it may answer');
  engine.answering = true;
  await advance(6000);
  assert.equal(log.recovered, 1);
  assert.equal(supervisor.problem, null);
});

test('an error event is a crash: reported once, the engine terminated, the heartbeat stopped', async () => {
  const { engine, advance, log } = setup();
  engine.worker.onerror({ message: 'Uncaught RuntimeError: unreachable', preventDefault() {} });
  engine.worker.onerror?.({ message: 'again' });
  assert.equal(log.problems.length, 1);
  assert.equal(log.problems[0].kind, 'error');
  assert.equal(engine.terminated, true);
  const pings = engine.pings;
  await advance(10_000);
  assert.equal(engine.pings, pings);
});

test('a fatal engine error (a trap, an abort) is a crash; an ordinary one is not', () => {
  const { supervisor, log } = setup();
  assert.equal(supervisor.noteError(new Error('training: the model has 3 outputs')), false);
  assert.equal(log.problems.length, 0);
  assert.equal(supervisor.noteError(Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' })), true);
  assert.equal(log.problems[0].kind, 'fatal');
});

test('autosave: at most every autosaveMs while training, at each epoch end, and when training stops', async () => {
  const { supervisor, advance, log } = setup();
  supervisor.noteStatus('training', 'idle');
  supervisor.noteProgress();
  await advance(1);
  assert.equal(log.checkpoints, 1, 'the first progress of a run saves');
  for (let i = 0; i < 20; i++) {
    supervisor.noteProgress();
    await advance(400);  // 8 s of progress lines
  }
  assert.equal(log.checkpoints, 1, 'not more often than every 10 s');
  await advance(3000);
  supervisor.noteProgress();
  await advance(1);
  assert.equal(log.checkpoints, 2);
  supervisor.noteEpochEnd();
  await advance(1);
  assert.equal(log.checkpoints, 3, 'every epoch end saves');
  supervisor.noteStatus('paused', 'training');
  await advance(1);
  assert.equal(log.checkpoints, 4, 'stopping saves');
  assert.equal(log.puts.length, 4);
  assert.equal(log.puts.at(-1).name, 'autosave');
  assert.deepEqual(new Uint8Array(supervisor.checkpoint.bytes), new Uint8Array([4]));
});

test('a restart gets the checkpoint in memory, else the stored one, else none', async () => {
  const { supervisor, advance, log } = setup();
  assert.equal(await supervisor.checkpointForRestart(), null);
  supervisor.attach(new FakeEngine());
  supervisor.noteEpochEnd();
  await advance(1);
  const fromMemory = await supervisor.checkpointForRestart();
  assert.deepEqual(new Uint8Array(fromMemory.bytes), new Uint8Array([1]));
  supervisor.checkpoint = null;
  const fromStore = await supervisor.checkpointForRestart();
  assert.deepEqual(new Uint8Array(fromStore.bytes), new Uint8Array([1]));
  assert.deepEqual(fromStore.metadata.position, { epoch: 1 });
  assert.equal(log.puts.length, 1);
});
