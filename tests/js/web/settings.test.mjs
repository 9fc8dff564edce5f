// Tests for web/playground/settings.js (the settings, their URL form and their checks) and
// web/playground/model-text.js (the layer-list text <-> the engine's spec layers), both reading
// their lists from the engine's catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA, DEFAULTS, DATASETS, defaultSettings, parseHash, serializeSettings, validateSettings, validateField, dataKind,
  KIND_SETTINGS, DEFAULT_MODEL, limitsText, trainSettings, epochGapMs, enumValues,
} from '../../../web/playground/settings.js';
import { layersFromText as readText, textFromLayers, layerSyntax } from '../../../web/playground/model-text.js';
import { load } from '../../../bindings/wasmgrad.js';

const engine = await load({ threads: false });
const { catalog } = engine;
const layersFromText = (text) => readText(text, catalog.layerTypes);

test('defaults satisfy their own schema', () => {
  const { settings, errors } = validateSettings(defaultSettings());
  assert.deepEqual(errors, []);
  assert.deepEqual(settings, { ...DEFAULTS, augmentation: [], hidden: [] });
});

test('a changed experiment round-trips through the hash', () => {
  const settings = {
    ...defaultSettings(), dataset: 'fashion-mnist', model: 'custom', layers: 'conv2d.4.3.1.1_relu_dropout.0.25_flatten_linear.10',
    optimizer: 'momentum', learningRate: 0.0125, schedule: 'cosine', batchSize: 64, weightDecay: 0.0005, loss: 'hinge',
    epochs: 7, seed: 42, augmentation: ['translate', 'noise'], pace: '5', hidden: ['seed', 'loss'],
  };
  const { settings: back, errors } = parseHash(`#${serializeSettings(settings)}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(back, { ...settings, hidden: ['loss', 'seed'] });  // flags come back in schema order
});

test('a preset drops any layer list; a custom model keeps its own', () => {
  const { settings } = parseHash('model=lenet5&layers=flatten_linear.10');
  assert.equal(settings.layers, '');
  assert.ok(!serializeSettings(settings).includes('layers='));
  assert.equal(parseHash('model=custom&layers=linear.10').settings.layers, 'linear.10');
  // Blocks: a link written by the page (URLSearchParams encodes the brackets and bars) reads back.
  const blocks = 'conv2d.8.3.1.1_residual(conv2d.8.3.1.1_relu|conv2d.8.1.1.0)_concat(maxpool.2|avgpool.2)_linear.10';
  const written = serializeSettings({ ...parseHash('').settings, model: 'custom', layers: blocks });
  assert.match(written, /layers=conv2d\.8\.3\.1\.1_residual%28/);
  const read = parseHash(written);
  assert.deepEqual(read.errors, []);
  assert.equal(read.settings.model, 'custom');
  assert.equal(read.settings.layers, blocks);
});

const rejected = [
  // [hash, field reported, the message says]
  ['lr=<img src=x onerror=alert(1)>', 'learningRate', /is not a number/],
  ['lr=1e9', 'learningRate', /above the maximum 10/],
  ['lr=0', 'learningRate', /below the minimum 0.000001/],
  ['lr=NaN', 'learningRate', /is not a number/],
  ['lr=0x10', 'learningRate', /is not a number/],
  ['batch=3.5', 'batchSize', /3.5 is not a whole number/],
  ['batch=0', 'batchSize', /0 is below the minimum 1/],
  ['batch=5000', 'batchSize', /5000 is above the maximum 1024/],
  ['batch=', 'batchSize', /is empty/],
  ['epochs=5000', 'epochs', /above the maximum 1000/],
  ['noise=-0.1', 'toyNoise', /below the minimum 0/],
  ['n=10', 'toySamples', /below the minimum 20/],
  ['data=blobs:99', 'dataset', /is not one of/],
  ['data=constructor', 'dataset', /is not one of/],
  ['opt=__proto__', 'optimizer', /is not one of sgd, momentum/],
  ['opt=lion', 'optimizer', /"lion" is not one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw$/],
  ['loss=focal', 'loss', /is not one of cross_entropy, mse, bce, hinge$/],
  ['sched=warmup', 'schedule', /is not one of constant, step, exponential, cosine$/],
  ['aug=translate,<b>x</b>', 'augmentation', /"<b>x<\/b>" is not one of/],
  ['hide=toString', 'hidden', /is not one of/],
  ['model=custom&layers=<b>x</b>', 'layers', /characters a layer list does not use/],
  ['model=<script>', 'model', /is not a model name/],
  ['pace=3', 'pace', /is not one of/],
];
for (const [hash, field, message] of rejected) {
  test(`rejects ${hash}, saying why`, () => {
    const { settings, errors } = parseHash(hash, catalog);
    const error = errors.find((e) => e.field === field);
    assert.ok(error, `expected an error on ${field}`);
    assert.match(error.message, message);
    assert.ok(error.message.length < 200);
    if (!['augmentation', 'hidden'].includes(field)) assert.deepEqual(settings[field], field === 'model' ? 'cnn' : DEFAULTS[field]);
  });
}

test('before the engine has loaded, an optimizer, loss or schedule need only be a name; the catalog decides after', () => {
  assert.deepEqual(parseHash('opt=lion&loss=bce').errors, []);
  assert.equal(parseHash('opt=lion').settings.optimizer, 'lion');
  assert.match(parseHash('opt=<b>').errors[0].message, /"<b>" is not a name/);
  assert.equal(validateSettings(parseHash('opt=lion').settings, catalog).errors[0].field, 'optimizer');
  assert.deepEqual(parseHash('opt=adamw&loss=bce&sched=cosine', catalog).errors, []);
});

test('the menus\' lists are the engine\'s catalog, and every title names a value the engine has', () => {
  for (const [field, list] of [['optimizer', 'optimizers'], ['loss', 'losses'], ['schedule', 'schedules']]) {
    assert.equal(SCHEMA[field].catalog, list);
    assert.deepEqual(enumValues(field, catalog), catalog[list]);
    assert.equal(enumValues(field, null), null, 'no list of its own');
    const stale = Object.keys(SCHEMA[field].titles).filter((name) => !catalog[list].includes(name));
    assert.deepEqual(stale, [], `${field}: titles for names the engine lacks`);
  }
});

test('one bad item of a list keeps the good ones (hide=seed,bogus,loss hides seed and loss)', () => {
  const { settings, errors } = parseHash('hide=seed,bogus,loss');
  assert.deepEqual(settings.hidden, ['loss', 'seed']);
  assert.deepEqual(errors.map((e) => e.field), ['hidden']);
  assert.match(errors[0].message, /"bogus" is not one of/);
});

test('old links still read: cross-entropy, data=mnist, and a custom model without layers falls back visibly', () => {
  assert.equal(parseHash('loss=cross-entropy').settings.loss, 'cross_entropy');
  const digits = parseHash('data=mnist');
  assert.deepEqual([digits.settings.dataset, digits.errors], ['digits', []]);
  assert.match(serializeSettings(digits.settings), /^data=digits&/);  // written back under today's name
  const { settings, errors } = parseHash('model=custom');
  assert.equal(settings.model, 'cnn');
  assert.deepEqual(errors, [{ field: 'layers', message: 'is missing: a custom model needs its layer list' }]);
});

test('unknown keys are dropped, prototype keys cannot be set', () => {
  const { settings, errors } = parseHash('__proto__=1&constructor=2&evil=3&lr=0.5');
  assert.deepEqual(errors, []);
  assert.equal(settings.learningRate, 0.5);
  assert.deepEqual(Object.keys(settings).sort(), Object.keys(SCHEMA).sort());
  assert.equal({}.polluted, undefined);
});

test('parseHash never throws on garbage', () => {
  for (const junk of [undefined, null, 42, '#', '#%', '#%E0%A4%A', '&&&==', '#a=b=c', '#lr=%00']) {
    assert.doesNotThrow(() => parseHash(junk));
  }
});

test('2-D point sets bring their kind\'s model and training settings when the link leaves them out', () => {
  const { settings, errors } = parseHash('data=spirals&noise=0.25&n=600');
  assert.deepEqual(errors, []);
  assert.deepEqual([settings.dataset, settings.toyNoise, settings.toySamples, settings.model], ['spirals', 0.25, 600, 'mlp-2d']);
  assert.deepEqual([settings.epochs, settings.learningRate, settings.batchSize], [100, 0.03, 16]);
  assert.equal(parseHash('data=circles&epochs=7').settings.epochs, 7);
  const { epochs, learningRate, batchSize } = DEFAULTS;
  assert.deepEqual(KIND_SETTINGS.image, { epochs, learningRate, batchSize });
  for (const [name, info] of Object.entries(DATASETS)) assert.equal(dataKind(name), info.kind);
  assert.deepEqual(DEFAULT_MODEL, { image: 'cnn', points: 'mlp-2d' });
});

test('limits are stated as the fields check them', () => {
  assert.equal(limitsText('batchSize'), '1 to 1024');
  assert.equal(limitsText('seed'), '0 to 2,147,483,647');
  assert.equal(validateField('batchSize', '1024').value, 1024);
  assert.ok(validateField('batchSize', '1025').error);
});

test('training settings for the engine: momentum, augmentation for images only, pace as a gap', () => {
  const images = trainSettings({ ...DEFAULTS, optimizer: 'momentum', augmentation: ['rotate'] });
  assert.equal(images.momentum, 0.9);
  assert.deepEqual(images.augment, { maxShift: 0, maxRotation: 10, noise: 0 });
  assert.equal(trainSettings({ ...DEFAULTS, dataset: 'xor', augmentation: ['rotate'] }).augment, undefined);
  assert.deepEqual([epochGapMs('max'), epochGapMs('20'), epochGapMs('1')], [0, 50, 1000]);
});

test('layer lists read into spec layers and write back; syntax errors are located', () => {
  assert.deepEqual(layersFromText('conv2d.8.5.1.2_relu_maxpool.2_dropout.0.25_linear.10').layers, [
    { type: 'conv2d', filters: 8, kernel: 5, stride: 1, pad: 2 }, { type: 'relu' }, { type: 'maxpool', kernel: 2 },
    { type: 'dropout', rate: 0.25 }, { type: 'linear', units: 10 }]);
  assert.deepEqual(layersFromText('conv.20.5').layers, [{ type: 'conv2d', filters: 20, kernel: 5 }]);  // older links
  assert.deepEqual(layersFromText('relu_warp.9').error, { layer: 1, field: 'type', problem: layersFromText('relu_warp.9').error.problem });
  assert.match(layersFromText('relu_warp.9').error.problem, /^"warp" is not a layer type/);
  assert.deepEqual(layersFromText('linear.x').error, { layer: 0, field: 'units', problem: '"x" is not a number' });
  assert.match(layersFromText('relu.3').error.problem, /relu takes no values, got 1/);
  assert.match(layersFromText('').error.problem, /empty/);
});

test('the layer list reads exactly the engine\'s layer types and aliases (and conv, of older links)', () => {
  const { fields, aliases } = layerSyntax(catalog.layerTypes);
  // Every type but a block whose required fields are nested layers (no layer-list form).
  const nested = (t) => t.fields.some((f) => f.required && !['integer', 'size', 'number'].includes(f.kind));
  assert.deepEqual(Object.keys(fields).sort(), catalog.layerTypes.filter((t) => !t.aliasOf && !nested(t)).map((t) => t.type).sort());
  assert.deepEqual(aliases, { ...Object.fromEntries(catalog.layerTypes.filter((t) => t.aliasOf).map((t) => [t.type, t.aliasOf])), conv: 'conv2d' });
  const block = { type: 'residual', aliasOf: '', needsImage: false, fields: [{ name: 'layers', kind: 'layers', required: true, min: 0, max: 0, defaultText: '' }] };
  assert.equal(Object.hasOwn(layerSyntax([...catalog.layerTypes, block]).fields, 'residual'), false, 'a block has no layer-list form');
  assert.match(readText('relu', []).error.problem, /not loaded its layer types/);
  // The fields a layer's text writes, as the lectures' links have always written them.
  assert.deepEqual(fields.conv2d, ['filters', 'kernel', 'stride', 'pad', 'dilation']);
  assert.deepEqual([fields.maxpool, fields.linear, fields.dropout, fields.leaky_relu, fields.lcn, fields.batchnorm],
    [['kernel', 'stride', 'pad'], ['units'], ['rate'], ['slope'], ['size'], []]);
});

test('every field the text writes is one the engine has, with a number for a value (its catalog)', async () => {
  const { fields: textFields } = layerSyntax(catalog.layerTypes);
  const layerTypes = catalog.layerTypes;
  for (const [type, fields] of Object.entries(textFields)) {
    const info = layerTypes.find((t) => t.type === type);
    assert.ok(info, `the engine has no layer type ${type}`);
    for (const name of fields) {
      const field = info.fields.find((f) => f.name === name);
      assert.ok(field && ['integer', 'size', 'number'].includes(field.kind), `${type}.${name}`);
    }
  }
  // Written back from the engine's normalised spec: defaults at the end are left out.
  for (const preset of ['cnn', 'lenet5', 'mlp', 'mlp-2d', 'simplenet', 'vgg-mini']) {
    const model = engine.model(preset);
    const { text } = textFromLayers(model.spec.layers, layerTypes);
    const again = engine.model({ input: model.inputShape, layers: layersFromText(text).layers });
    assert.deepEqual(again.spec.layers, model.spec.layers, preset);
    model.dispose();
    again.dispose();
  }
  assert.equal(textFromLayers([{ type: 'conv2d', filters: 8, kernel: 5, stride: 1, pad: 2, dilation: 1, bias: true, init: 'default' },
    { type: 'maxpool', kernel: 2, stride: 2, pad: 0 }], layerTypes).text, 'conv2d.8.5.1.2_maxpool.2');
  assert.match(textFromLayers([{ type: 'linear', units: 10, bias: false, init: 'default' }], layerTypes).reason, /sets bias/);
  assert.match(textFromLayers([{ type: 'batchnorm', momentum: 0.1, eps: 1e-3 }], layerTypes).reason, /sets eps/);
  // A type with "_" in its name (the layer separator) reads back, with and without its value.
  const leaky = [{ type: 'linear', units: 16 }, { type: 'leaky_relu', slope: 0.1 }, { type: 'leaky_relu' }, { type: 'linear', units: 10 }];
  const leakyModel = engine.model({ input: [784], layers: leaky });
  const leakyText = textFromLayers(leakyModel.spec.layers, layerTypes).text;
  assert.equal(leakyText, 'linear.16_leaky_relu.0.1_leaky_relu.0.01_linear.10');
  const again = engine.model({ input: [784], layers: layersFromText(leakyText).layers });
  assert.deepEqual(again.spec.layers, leakyModel.spec.layers);
  assert.deepEqual(layersFromText('leaky_relu_linear.10').layers, [{ type: 'leaky_relu' }, { type: 'linear', units: 10 }]);
  assert.equal(layersFromText('leaky_linear.10').error.problem.startsWith('"leaky" is not a layer type'), true);
  leakyModel.dispose();
  again.dispose();
});
