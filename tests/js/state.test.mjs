// Tests for web/state.js: URL round trips, schema validation, rejection of hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA, DEFAULTS, PRESETS, POINT_PRESETS, DATASETS, defaultState, parseHash, serializeState, validateState, parseLayers,
  formatLayers, presetLayers, presetsFor, dataKind, KIND_SETTINGS,
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
  ['noise=-0.1', 'toyNoise'],
  ['noise=3', 'toyNoise'],
  ['n=10', 'toySamples'],
  ['n=400.5', 'toySamples'],
  ['data=blobs:99', 'dataset'],
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

test('2-D point sets: their noise and size round-trip, and presets are MLPs with 2 inputs and one output per class', () => {
  const { state, errors } = parseHash('data=spirals&noise=0.25&n=600&model=mlp-2d');
  assert.deepEqual(errors, []);
  assert.deepEqual([state.dataset, state.toyNoise, state.toySamples], ['spirals', 0.25, 600]);
  assert.equal(state.layers, 'linear.24_tanh_linear.24_tanh_linear.2');
  assert.deepEqual(parseHash(serializeState(state)).state, state);
  assert.equal(presetLayers('hidden-4', 'blobs'), 'linear.4_tanh_linear.3');  // three blobs, three outputs
  assert.equal(presetLayers('linear', 'xor'), 'linear.2');
  assert.equal(presetLayers('linear', 'mnist'), 'flatten_linear.10');
  assert.equal(presetLayers('small-cnn', 'circles'), null);
  assert.deepEqual(presetsFor('moons'), Object.keys(POINT_PRESETS));
  assert.deepEqual(presetsFor('fashion-mnist'), Object.keys(PRESETS));
  for (const [name, info] of Object.entries(DATASETS)) {
    assert.equal(dataKind(name), info.kind);
    for (const model of presetsFor(name)) {
      const { layers, error } = parseLayers(presetLayers(model, name));
      assert.equal(error, null);
      assert.equal(layers.at(-1).units, info.classes, `${model} on ${name}`);
      if (info.kind === 'points') assert.equal(layers[0].type, 'linear', `${model} on ${name} takes the 2 inputs directly`);
    }
  }
});

test('a preset for the other kind of data falls back to that kind\'s default, visibly only when the link asked for it', () => {
  const asked = parseHash('data=xor&model=lenet5');
  assert.deepEqual(asked.errors, [{ field: 'model', message: 'lenet5 is not a model for 2-D points' }]);
  assert.equal(asked.state.model, 'mlp-2d');
  assert.equal(asked.state.layers, 'linear.24_tanh_linear.24_tanh_linear.2');
  const unasked = parseHash('data=circles&lr=-1');  // the default model is an image CNN: replaced without a word
  assert.deepEqual(unasked.errors.map((e) => e.field), ['learningRate']);
  assert.equal(unasked.state.model, 'mlp-2d');
  // Settings the link leaves out (or gets wrong) are the ones for 2-D points.
  assert.deepEqual([unasked.state.epochs, unasked.state.learningRate, unasked.state.batchSize], [100, 0.03, 16]);
  assert.equal(parseHash('data=circles&epochs=7').state.epochs, 7);
  // For images those are the schema's defaults.
  const { epochs, learningRate, batchSize } = DEFAULTS;
  assert.deepEqual(KIND_SETTINGS.image, { epochs, learningRate, batchSize });
  const back = parseHash('data=mnist&model=hidden-4');
  assert.equal(back.state.model, 'small-cnn');
  assert.match(back.errors[0].message, /hidden-4 is not a model for images/);
  // A custom list stays whatever the data: the engine says why a conv layer cannot take points.
  const custom = parseHash('data=xor&model=custom&layers=conv.8.5.1.2_relu_flatten_linear.2');
  assert.equal(custom.state.layers, 'conv.8.5.1.2_relu_flatten_linear.2');
});
