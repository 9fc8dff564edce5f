// Tests for web/state.js: URL round trips, schema validation, rejection of hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA, DEFAULTS, PRESETS, defaultState, parseHash, serializeState, validateState, parseLayers, formatLayers,
} from '../../web/state.js';

test('defaults satisfy their own schema', () => {
  const { state, errors } = validateState(defaultState());
  assert.deepEqual(errors, []);
  assert.deepEqual(state, { ...DEFAULTS, augmentation: [], hidden: [] });
});

test('a changed state round-trips through the hash', () => {
  const state = {
    ...defaultState(),
    dataset: 'fashion-mnist',
    model: 'custom',
    layers: 'conv.4.3.1.1_relu_dropout.0.25_flatten_linear.10',
    optimizer: 'momentum',
    learningRate: 0.0125,
    schedule: 'cosine',
    batchSize: 64,
    weightDecay: 0.0005,
    loss: 'hinge',
    epochs: 7,
    seed: 42,
    augmentation: ['translate', 'noise'],
    hidden: ['seed', 'loss'],
  };
  const hash = `#${serializeState(state)}`;
  const { state: back, errors } = parseHash(hash);
  assert.deepEqual(errors, []);
  // 'hidden' comes back in schema order
  assert.deepEqual(back, { ...state, hidden: ['loss', 'seed'] });
});

test('a preset overrides any layer list in the URL', () => {
  const { state } = parseHash('model=lenet5&layers=flatten_linear.10');
  assert.equal(state.layers, PRESETS.lenet5);
  assert.ok(!serializeState(state).includes('layers='));
});

const rejected = [
  // [hash, field that must keep its default]
  ['lr=<img src=x onerror=alert(1)>', 'learningRate'],
  ['lr=1e9', 'learningRate'],
  ['lr=0', 'learningRate'],
  ['lr=NaN', 'learningRate'],
  ['lr=Infinity', 'learningRate'],
  ['lr=0x10', 'learningRate'],
  ['batch=3.5', 'batchSize'],
  ['batch=-1', 'batchSize'],
  ['batch=', 'batchSize'],
  ['epochs=1000', 'epochs'],
  ['data=<script>', 'dataset'],
  ['data=constructor', 'dataset'],
  ['opt=__proto__', 'optimizer'],
  ['aug=translate,<b>x</b>', 'augmentation'],
  ['hide=toString', 'hidden'],
  ['model=custom&layers=conv.8.5.1.2_evil', 'layers'],
  ['model=custom&layers=conv.8.99.1.2', 'layers'],
  ['model=custom&layers=linear.1e99', 'layers'],
  ['model=custom&layers=__proto__', 'layers'],
];
for (const [hash, field] of rejected) {
  test(`rejects ${hash}`, () => {
    const { state, errors } = parseHash(hash);
    assert.ok(errors.some((e) => e.field === field), `expected an error on ${field}`);
    const expected = field === 'layers' ? DEFAULTS.layers : DEFAULTS[field];
    assert.deepEqual(state[field], expected);
    for (const message of errors.map((e) => e.message)) assert.ok(message.length < 200);
  });
}

test('unknown keys are dropped, prototype keys cannot be set', () => {
  const { state, errors } = parseHash('__proto__=1&constructor=2&evil=3&lr=0.5');
  assert.deepEqual(errors, []);
  assert.equal(state.learningRate, 0.5);
  assert.deepEqual(Object.keys(state).sort(), Object.keys(SCHEMA).sort());
  assert.equal({}.polluted, undefined);
});

test('parseHash never throws on garbage', () => {
  for (const junk of [undefined, null, 42, '#', '#%', '#%E0%A4%A', '&&&==', '#a=b=c', '#lr=%00']) {
    assert.doesNotThrow(() => parseHash(junk));
  }
});

test('layer lists parse and format symmetrically', () => {
  for (const text of Object.values(PRESETS)) {
    const { layers, error } = parseLayers(text);
    assert.equal(error, null);
    assert.equal(formatLayers(layers), text);
  }
  assert.deepEqual(parseLayers('conv.20.5.1.2').layers, [{ type: 'conv', filters: 20, kernel: 5, stride: 1, padding: 2 }]);
  assert.match(parseLayers('conv.20.5').error, /expected 4 parameters, got 2/);
  assert.match(parseLayers('linear.0').error, /units: 0 outside/);
  assert.match(parseLayers('').error, /empty/);
});
