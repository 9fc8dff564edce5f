// The playground's progress pacing (web/playground/event-pacer.js): events handed on in batches at
// most intervalMs apart, none lost, none reordered, and flush() hands on what waits at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventPacer } from '../../../web/playground/event-pacer.js';

// A clock and timers under the test's control.
function fakeTime() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();  // id -> {at, fn}
  return {
    now: () => now,
    setTimer: (fn, ms) => {
      timers.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimer: (id) => timers.delete(id),
    pending: () => timers.size,
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

test('the first event after a quiet spell goes on at once, the next ones together one interval later', () => {
  const time = fakeTime();
  const batches = [];
  const pacer = new EventPacer(200, (events) => batches.push({ at: time.now(), events }), time);
  pacer.push(1);
  time.advance(0);
  assert.deepEqual(batches, [{ at: 0, events: [1] }]);
  for (let i = 2; i <= 13; ++i) {  // one every 60 ms, like the worker's chunks
    time.advance(60);
    pacer.push(i);
  }
  time.advance(1000);
  assert.deepEqual(batches.map((b) => b.at), [0, 200, 400, 600, 800]);
  assert.deepEqual(batches.flatMap((b) => b.events), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 'every event, in order');
  for (let i = 1; i < batches.length; ++i) assert.ok(batches[i].at - batches[i - 1].at >= 200);
  assert.equal(time.pending(), 0, 'no timer left once all is handed on');
});

test('flush hands on what waits at once, and a later event starts a new interval from there', () => {
  const time = fakeTime();
  const seen = [];
  const pacer = new EventPacer(200, (events) => seen.push(...events.map((e) => `${e}@${time.now()}`)), time);
  pacer.push('a');
  time.advance(0);
  time.advance(50);
  pacer.push('b');
  pacer.push('c');
  time.advance(10);
  pacer.flush();  // e.g. an epoch's end arrives: it must come after b and c
  assert.deepEqual(seen, ['a@0', 'b@60', 'c@60']);
  assert.equal(time.pending(), 0, 'the waiting timer is cancelled');
  pacer.flush();
  assert.equal(seen.length, 3, 'a flush with nothing waiting hands on nothing');
  pacer.push('d');
  time.advance(199);
  assert.equal(seen.length, 3, 'not before the interval since the flush');
  time.advance(1);
  assert.deepEqual(seen.slice(3), ['d@260']);
});

test('with the real clock and timers it hands events on', async () => {
  const got = [];
  const pacer = new EventPacer(5, (events) => got.push(...events));
  pacer.push(1);
  pacer.push(2);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(got, [1, 2]);
});
