// The training announcer (web/playground/announcer.js): a change of kind is spoken at once, the
// same kind at most once per interval, and a repeat of what was said is not spoken again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Announcer } from '../../../web/playground/announcer.js';

function setup() {
  let time = 0;
  const element = { textContent: '' };
  const announcer = new Announcer(element, { interval: 15_000, now: () => time });
  return { element, announcer, advance: (ms) => { time += ms; } };
}

test('a new kind of news is spoken at once; progress within a kind at most every interval', () => {
  const { element, announcer, advance } = setup();
  announcer.update('training', 'Training · epoch 1 of 3 · batch 1 of 250');
  assert.equal(element.textContent, 'Training · epoch 1 of 3 · batch 1 of 250');
  for (let batch = 2; batch <= 60; batch++) {
    advance(200);
    announcer.update('training', `Training · epoch 1 of 3 · batch ${batch} of 250`);
  }
  assert.equal(element.textContent, 'Training · epoch 1 of 3 · batch 1 of 250', '12 s of progress: nothing new spoken');
  advance(3_200);  // 59 x 200 ms + 3.2 s = 15 s since it last spoke
  announcer.update('training', 'Training · epoch 1 of 3 · batch 76 of 250');
  assert.equal(element.textContent, 'Training · epoch 1 of 3 · batch 76 of 250', '15 s later: spoken');
  advance(100);
  announcer.update('paused', 'Paused at epoch 1 of 3, batch 77 of 250.');
  assert.equal(element.textContent, 'Paused at epoch 1 of 3, batch 77 of 250.', 'a pause is spoken at once');
});

test('the same sentence is not spoken twice, and a new run speaks even within the interval', () => {
  const { element, announcer, advance } = setup();
  announcer.update('finished', 'Finished: 3 epochs.');
  element.textContent = 'Finished: 3 epochs.';
  advance(20_000);
  announcer.update('finished', 'Finished: 3 epochs.');
  assert.equal(element.textContent, 'Finished: 3 epochs.');
  advance(10);
  announcer.update('training', 'Training…');
  assert.equal(element.textContent, 'Training…');
});
