// startWorker() (bindings/js/start-watch.js), the page's side of starting the engine in a Worker,
// with fake workers that follow the package's protocol: a worker that answers and loads is kept, one
// that stops answering is ended and replaced, every attempt silent rejects, a script that does not
// load rejects at once, bad options are named. The worker's side (answerStartWatch, loadSettled) runs
// for real in a fake DedicatedWorkerGlobalScope. The real browsers: tests/package/ and
// tests/cross-browser/ (the package page starts its worker through it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, SilentStart, untilSilent, answerStartWatch, loadSettled } from '../../../bindings/js/start-watch.js';

const FAST = { silenceMs: 150, firstAnswerMs: 300, pingMs: 20 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker that answers pings until `silentAfterMs` (never, by default) and says 'loaded' after `loadsAfterMs`. */
class FakeWorker extends EventTarget {
  constructor({ loadsAfterMs = 50, silentAfterMs = Infinity, answers = true } = {}) {
    super();
    Object.assign(this, { loadsAfterMs, silentAfterMs, answers, terminated: false, born: Date.now(), pings: 0 });
  }
  postMessage(data, transfer = []) {
    if (data?.type !== 'wasmgrad-start-watch' || !this.answers) return;
    const [port] = transfer;
    const alive = () => !this.terminated && Date.now() - this.born < this.silentAfterMs;
    port.onmessage = () => {
      this.pings += 1;
      if (alive()) port.postMessage({ type: Date.now() - this.born >= this.loadsAfterMs ? 'loaded' : 'alive' });
    };
    port.postMessage({ type: 'alive' });
    this.port = port;
  }
  terminate() {
    this.terminated = true;
    this.port?.close();
  }
}

test('a worker that answers while it loads is kept, and startWorker resolves to it once it has loaded', async () => {
  const made = [];
  const restarts = [];
  const started = Date.now();
  const worker = await startWorker(() => { made.push(new FakeWorker({ loadsAfterMs: 200 })); return made.at(-1); },
    { ...FAST, onRestart: (message) => restarts.push(message) });
  assert.equal(made.length, 1);
  assert.equal(worker, made[0]);
  assert.equal(worker.terminated, false);
  assert.ok(Date.now() - started >= 200 && worker.pings >= 1, 'kept while it loaded for longer than the silence limit, answering pings');
  assert.deepEqual(restarts, []);
});

test('a worker that stops answering while it loads is ended and a new one started; the page is told', async () => {
  const made = [];
  const restarts = [];
  const worker = await startWorker(() => {
    made.push(new FakeWorker(made.length === 0 ? { silentAfterMs: 40, loadsAfterMs: 10_000 } : { loadsAfterMs: 60 }));
    return made.at(-1);
  }, { ...FAST, onRestart: (message, attempt) => restarts.push([message, attempt]) });
  assert.equal(made.length, 2);
  assert.equal(worker, made[1]);
  assert.equal(made[0].terminated, true, 'the silent worker was ended');
  assert.equal(made[1].terminated, false);
  assert.equal(restarts.length, 1);
  assert.match(restarts[0][0], /^the engine worker stopped answering while it started \(no answer for \d+ s\): started a new one \(attempt 2 of 3\)$/);
  assert.equal(restarts[0][1], 2);
});

test('every attempt silent: rejects with SilentStart after `attempts` workers, each ended', async () => {
  const made = [];
  const restarts = [];
  await assert.rejects(
    startWorker(() => { made.push(new FakeWorker({ silentAfterMs: 30, loadsAfterMs: 10_000 })); return made.at(-1); },
      { ...FAST, attempts: 2, onRestart: (message, attempt) => restarts.push(attempt) }),
    (error) => error instanceof SilentStart && /stopped answering while it started .*, 2 times in a row$/.test(error.message));
  assert.equal(made.length, 2);
  assert.ok(made.every((w) => w.terminated));
  assert.deepEqual(restarts, [2]);
});

test('a worker that never answers (no package in it, or blocked at once) is replaced after firstAnswerMs, not silenceMs', async () => {
  const made = [];
  const started = Date.now();
  await assert.rejects(startWorker(() => { made.push(new FakeWorker({ answers: false })); return made.at(-1); },
    { ...FAST, attempts: 1 }), /^SilentStart: the engine worker never answered while it started \(\d+ s\), 1 times in a row$/);
  assert.ok(Date.now() - started >= FAST.firstAnswerMs - 5, 'waited for the first answer as long as asked');
  assert.equal(made[0].terminated, true);
});

test('a worker whose script does not load rejects at once with its message, and is not retried', async () => {
  let made = 0;
  const pending = startWorker(() => {
    made += 1;
    const worker = new FakeWorker({ answers: false });
    setTimeout(() => worker.dispatchEvent(Object.assign(new Event('error'), { message: 'SyntaxError: unexpected token' })), 10);
    return worker;
  }, FAST);
  await assert.rejects(pending, /^Error: startWorker: the worker could not start: SyntaxError: unexpected token$/);
  assert.equal(made, 1);
});

test('untilSilent (the playground\'s guard): a worker that said it was ready counts as answered, so its silence is "stopped answering"', async () => {
  const never = new Promise(() => {});
  await assert.rejects(untilSilent(never, () => never, { silenceMs: 100, pingMs: 20, answered: true }),
    (error) => error instanceof SilentStart && /^the engine worker stopped answering while it started \(no answer for \d+ s\)$/.test(error.message));
  await assert.rejects(untilSilent(never, () => never, { silenceMs: 100, pingMs: 20 }), /^SilentStart: the engine worker never answered while it started/);
  let answers = 0;
  const value = await untilSilent(new Promise((resolve) => setTimeout(() => resolve('info'), 250)), () => { answers += 1; return Promise.resolve(); },
    { silenceMs: 100, pingMs: 20, answered: true });
  assert.equal(value, 'info', 'a worker that keeps answering is waited for past the silence limit');
  assert.ok(answers >= 1);
});

test('bad arguments are named', async () => {
  await assert.rejects(startWorker('worker.js'), /first argument must be a function that returns a new Worker, not string/);
  await assert.rejects(startWorker(() => ({})), /create\(\) must return a new Worker/);
  await assert.rejects(startWorker(() => new FakeWorker(), { attempts: 0 }), /attempts must be a positive integer, not 0/);
  await assert.rejects(startWorker(() => new FakeWorker(), { attempts: 2.5 }), /attempts must be a positive integer, not 2.5/);
  await assert.rejects(startWorker(() => new FakeWorker(), { silenceMs: 'soon' }), /silenceMs must be a positive number of milliseconds, not soon/);
  await assert.rejects(startWorker(() => new FakeWorker(), { silence: 10 }), /unknown option 'silence' \(known: attempts, silenceMs, firstAnswerMs, pingMs, onRestart\)/);
  await assert.rejects(startWorker(() => new FakeWorker(), { onRestart: 'log' }), /onRestart must be a function, not string/);
});

test('the worker\'s side: the package answers the watch in a dedicated worker, hides it from the worker\'s own handlers, and says when load() settled', async () => {
  // Not a dedicated worker (a page, Node): nothing is listened to (first: the package listens once per worker).
  const page = new EventTarget();
  answerStartWatch(page);
  const pageChannel = new MessageChannel();
  let answered = false;
  pageChannel.port1.onmessage = () => { answered = true; };
  page.dispatchEvent(new MessageEvent('message', { data: { type: 'wasmgrad-start-watch' }, ports: [pageChannel.port2] }));
  await sleep(30);
  assert.equal(answered, false);
  pageChannel.port1.close();

  class DedicatedWorkerGlobalScope extends EventTarget {}
  const scope = new DedicatedWorkerGlobalScope();
  scope.DedicatedWorkerGlobalScope = DedicatedWorkerGlobalScope;
  answerStartWatch(scope);
  answerStartWatch(scope);  // a second import (two entry points) adds no second listener
  const seen = [];
  scope.addEventListener('message', (event) => seen.push(event.data));  // the worker's own code, set up after the import

  const channel = new MessageChannel();
  const answers = [];
  channel.port1.onmessage = ({ data }) => answers.push(data.type);
  scope.dispatchEvent(new MessageEvent('message', { data: { type: 'wasmgrad-start-watch' }, ports: [channel.port2] }));
  scope.dispatchEvent(new MessageEvent('message', { data: { steps: 5 } }));
  channel.port1.postMessage('ping');
  await sleep(30);
  assert.deepEqual(answers, ['alive', 'alive'], 'answered on arrival and to the ping');
  assert.deepEqual(seen, [{ steps: 5 }], 'the worker\'s handler saw its own message only');

  loadSettled();
  channel.port1.postMessage('ping');
  await sleep(30);
  assert.deepEqual(answers, ['alive', 'alive', 'loaded', 'loaded']);
  channel.port1.close();

});
