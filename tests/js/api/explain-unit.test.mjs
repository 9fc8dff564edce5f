// model.explainUnit and model.networkFlow through the public JS API, in both WebAssembly
// builds: every explanation arrives at the value model.activations() shows for that unit
// (random units and border units, on the presets and on a spec with every layer type),
// the steps hold the engine's own numbers, and bad requests fail with clear messages.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../../bindings/wasmgrad.js';
import { mulberry32 } from '../../../bindings/js/data/seeded.js';

// Every layer type the engine has, on a small image.
const EVERY_LAYER = {
  input: [2, 10, 9],
  layers: [
    { type: 'conv2d', filters: 3, kernel: 3, stride: 2, pad: 2, dilation: 2 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'lcn', size: 3 }, { type: 'maxpool', kernel: 3, stride: 1, pad: 1 }, { type: 'instancenorm' },
    { type: 'conv2d', filters: 2, kernel: [3, 2], pad: 1, bias: false }, { type: 'avgpool', kernel: 3, stride: 1, pad: 1 },
    { type: 'layernorm' }, { type: 'l2pool', kernel: 2, stride: 1 }, { type: 'dropout', rate: 0.3 },
    { type: 'leaky_relu', slope: 0.2 }, { type: 'sigmoid' }, { type: 'flatten' }, { type: 'linear', units: 6 },
    { type: 'tanh' }, { type: 'softplus' }, { type: 'sign' }, { type: 'dense', units: 4 }, { type: 'step' },
  ],
  seed: 4,
};
const TWO_INPUT_MLP = { input: [2], layers: [{ type: 'linear', units: 8 }, { type: 'tanh' }, { type: 'linear', units: 2 }] };

// A small seeded generator (the package's mulberry32): the same units every run.
const random = (seed) => mulberry32(seed);

function signedInput(size, seed) {
  const next = random(seed);
  return Float32Array.from({ length: size }, () => next() * 2 - 1);
}

// The activation map's value at a unit.
function mapValue(activation, { channel, row = 0, col = 0 }) {
  const [, h = 1, w = 1] = activation.shape;
  return activation.data[(channel * h + row) * w + col];
}

// The sum of |terms| the result adds up: the engine's float rounding is relative to it.
function magnitude(e) {
  if (e.kind === 'conv2d') {
    return Math.abs(e.bias) + e.channels.reduce((s, t) => s + t.products.reduce((a, p) => a + Math.abs(p), 0), 0);
  }
  if (e.kind === 'linear') return Math.abs(e.bias) + e.products.reduce((a, p) => a + Math.abs(p), 0);
  return Math.abs(e.value) + 1;
}

// e explains `unit` (as asked for) and arrives at the activation map's value there.
function assertMatches(e, unit, activation, where) {
  assert.deepEqual(e.unit, { channel: 0, row: 0, col: 0, ...unit }, `${where}: the unit asked for`);
  assert.equal(e.value, mapValue(activation, unit), `${where}: value is the activation map's`);
  const tolerance = 2e-6 * magnitude(e) + 1e-7;
  assert.ok(Math.abs(e.result - e.value) <= tolerance, `${where}: result ${e.result} vs activation ${e.value}`);
  if (e.next) assert.ok(Math.abs(e.next.result - e.next.value) <= 2e-6 * (Math.abs(e.next.value) + 1), `${where}: next`);
}

// Border units (the four corners of a map) and `count` random ones of every layer.
function unitsToCheck(summary, count, seed) {
  const next = random(seed);
  const units = [];
  summary.forEach(({ outputShape: [c, h, w] }, layer) => {
    const pick = (n) => Math.floor(next() * n);
    if (h === undefined) {
      units.push({ layer, channel: 0 }, { layer, channel: c - 1 });
      for (let i = 0; i < count; i++) units.push({ layer, channel: pick(c) });
      return;
    }
    for (const [row, col] of [[0, 0], [0, w - 1], [h - 1, 0], [h - 1, w - 1]]) units.push({ layer, channel: pick(c), row, col });
    for (let i = 0; i < count; i++) units.push({ layer, channel: pick(c), row: pick(h), col: pick(w) });
  });
  return units;
}

for (const threads of [true, false]) {
  describe(`explainUnit and networkFlow (${threads ? 'simd-threads' : 'simd'} build)`, () => {
    let engine;
    let digit;
    before(async () => {
      engine = await load({ threads });
      const { test: digits } = await engine.digits();
      digit = digits.inputs(3, 1);
      digits.dispose();
    });

    for (const name of ['mlp', 'cnn', 'lenet5', 'two-input MLP', 'every layer type']) {
      test(`${name}: every explanation equals model.activations() at random and border units`, () => {
        const spec = { mlp: 'mlp', cnn: 'cnn', lenet5: 'lenet5', 'two-input MLP': TWO_INPUT_MLP }[name] ?? EVERY_LAYER;
        const model = engine.model(spec);
        try {
          const size = model.inputShape.reduce((a, b) => a * b, 1);
          const input = model.inputShape.length === 3 && model.inputShape[1] === 28 ? digit : signedInput(size, 7);
          const activations = model.activations(input);
          const units = unitsToCheck(model.summary, 6, 11);
          for (const unit of units) {
            const e = model.explainUnit(input, unit);
            assert.equal(e.layer, unit.layer);
            assert.equal(e.type, model.summary[unit.layer].type);
            assertMatches(e, unit, activations[unit.layer], `${name} ${JSON.stringify(unit)} (${e.type})`);
          }
          assert.ok(units.length >= 6 * model.summary.length);
        } finally {
          model.dispose();
        }
      });
    }

    test('a conv unit on the padded border: patch, weights, products and sums are the engine\'s', () => {
      const model = engine.model({ input: [2, 7, 7], layers: [
        { type: 'conv2d', filters: 3, kernel: 3, stride: 2, pad: 2, dilation: 2 }, { type: 'relu' }] });
      try {
        const input = signedInput(2 * 7 * 7, 3);
        const e = model.explainUnit(input, { layer: 0, channel: 1, row: 0, col: 3 });
        assert.equal(e.kind, 'conv2d');
        assert.deepEqual({ ...e.window, padding: [...e.window.padding] },
          { top: -2, left: 4, rows: 3, cols: 3, step: 2, stride: 2, pad: 2, padding: [1, 1, 1, 0, 0, 1, 0, 0, 1] });
        const [weight, bias] = model.parameters();  // conv1.weight [3, 2, 3, 3], conv1.bias
        assert.equal(e.channels.length, 2);
        for (const term of e.channels) {
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) {
              const tap = i * 3 + j;
              const row = e.window.top + i * e.window.step, col = e.window.left + j * e.window.step;
              const inside = !e.window.padding[tap];
              assert.equal(term.patch[tap], inside ? input[(term.channel * 7 + row) * 7 + col] : 0);
              assert.equal(term.weights[tap], weight.data[((1 * 2 + term.channel) * 3 + i) * 3 + j]);
              assert.equal(term.products[tap], Math.fround(term.patch[tap] * term.weights[tap]));
            }
          }
        }
        assert.equal(e.bias, bias.data[1]);
        assert.ok(Math.abs(e.preActivation - (e.channelSum + e.bias)) < 1e-6);
        assert.equal(e.result, e.preActivation);
        assert.equal(e.next.type, 'relu');
        assert.equal(e.next.result, Math.max(e.result, 0));
        assert.deepEqual(e.receptiveField.full, { top: -2, left: 4, height: 5, width: 5 });
        assert.deepEqual(e.receptiveField.clipped, { top: 0, left: 4, height: 3, width: 3 });
      } finally {
        model.dispose();
      }
    });

    test('a dense unit lists its topK largest contributions and sums the rest', () => {
      const model = engine.model('mlp');
      try {
        const e = model.explainUnit(digit, { layer: 2, channel: 7, topK: 4 });
        assert.equal(e.kind, 'linear');
        assert.equal(e.inputs, 128);
        assert.equal(e.top.length, 4);
        assert.equal(e.rest.count, 124);
        const magnitudes = e.top.map((c) => Math.abs(c.product));
        assert.deepEqual(magnitudes, [...magnitudes].sort((a, b) => b - a));
        const smallestListed = magnitudes.at(-1);
        const listed = new Set(e.top.map((c) => c.input));
        e.products.forEach((p, i) => { if (!listed.has(i)) assert.ok(Math.abs(p) <= smallestListed); });
        const hidden = model.activations(digit)[1].data;
        for (const c of e.top) assert.equal(c.inputValue, hidden[c.input]);
        const topSum = e.top.reduce((s, c) => s + c.product, 0);
        assert.ok(Math.abs(topSum + e.rest.sum - e.productSum) < 1e-5);
        assert.equal(model.explainUnit(digit, { layer: 2, channel: 0 }).top.length, 10);  // default topK
        const first = model.explainUnit(digit, { layer: 0, channel: 5, topK: 1 });
        assert.deepEqual(Object.keys(first.top[0]).sort(), ['channel', 'col', 'input', 'inputValue', 'product', 'row', 'weight']);
        assert.equal(first.top[0].input, first.top[0].row * 28 + first.top[0].col);  // positions on the image
      } finally {
        model.dispose();
      }
    });

    test('pools, norms, activations and flatten carry their own steps', () => {
      const model = engine.model(EVERY_LAYER);
      try {
        const input = signedInput(2 * 10 * 9, 5);
        const kinds = model.summary.map((_, layer) => model.explainUnit(input, { layer, channel: 0, row: 0, col: 0 }));
        const byType = Object.fromEntries(kinds.map((e) => [e.type, e]));
        assert.ok(Number.isInteger(byType.maxpool.winner.tap) && byType.maxpool.winner.value === byType.maxpool.result);
        assert.equal(byType.avgpool.divisor, 9);
        assert.ok(Math.abs(byType.avgpool.sum / 9 - byType.avgpool.result) < 1e-6);
        assert.ok(Math.abs(Math.sqrt(byType.l2pool.sumOfSquares) - byType.l2pool.result) < 1e-6);
        assert.equal(byType.batchnorm.count, 0);
        assert.equal(byType.instancenorm.count, 5 * 5);
        assert.ok(byType.layernorm.count > 0);
        assert.ok(['local', 'mean', 'eps'].includes(byType.lcn.divisorFrom));
        assert.equal(byType.leaky_relu.kind, 'activation');
        assert.equal(byType.leaky_relu.slope, Math.fround(0.2));
        assert.equal(byType.dropout.result, byType.dropout.input);
        assert.equal(byType.dropout.rate, Math.fround(0.3));
        assert.deepEqual(byType.flatten.source, { channel: 0, row: 0, col: 0 });
        assert.equal(byType.conv2d.next, null);  // no conv here is followed by an activation
      } finally {
        model.dispose();
      }
    });

    test('bad requests fail with a message naming what is wrong', () => {
      const model = engine.model('cnn');  // conv [8,28,28], relu, pool [8,14,14], ..., linear [10]
      try {
        const cases = [
          [digit, { layer: 7, channel: 0 }, /layer 7 out of range \(the model has 7 layers: 0\.\.6\)/],
          [digit, { layer: 0, channel: 8, row: 0, col: 0 }, /channel 8 out of range .*conv2d.*0\.\.7/],
          [digit, { layer: 2, channel: 0, row: 14, col: 0 }, /row 14 out of range .*maxpool.*0\.\.13/],
          [digit, { layer: 0, channel: 0, row: 0, col: -1 }, /col -1 out of range/],
          [digit, { layer: 6, channel: 10 }, /unit 10 out of range .*linear.*0\.\.9/],
          [digit, { layer: 6, channel: 1, row: 2 }, /outputs a vector/],
          [digit, { layer: 0, channel: 0 }, /outputs maps \[8, 28, 28\]: give the unit's "row" and "col"/],
          [digit, { channel: 0 }, /give the unit's "layer"/],
          [digit, { layer: 0, channel: 0, row: 1.5, col: 0 }, /"row" must be a whole number, got 1\.5/],
          [digit, { layer: '0', channel: 0, row: 0, col: 0 }, /"layer" must be a whole number, got "0" \(a string\)/],
          [digit, { layer: 0, chanel: 1, row: 0, col: 0 }, /unknown option "chanel" \(valid: layer, channel, row, col, topK\)/],
          [digit, { layer: 6, channel: 0, topK: -1 }, /topK must be 0 or more, got -1/],
          [digit, 3, /expected an object like \{layer, channel, row, col\}, got 3/],
          [digit.subarray(1), { layer: 6, channel: 0 }, /the input has 783 values, but one sample of shape \[1, 28, 28\] has 784/],
          [Float32Array.from(digit, (v, i) => (i === 100 ? NaN : v)), { layer: 6, channel: 0 }, /input value 100 is NaN/],
          [Float32Array.from(digit, (v, i) => (i === 5 ? Infinity : v)), { layer: 6, channel: 0 }, /input value 5 is infinite/],
          ['digit', { layer: 6, channel: 0 }, /the input must be a Float32Array/],
        ];
        for (const [input, unit, message] of cases) {
          assert.throws(() => model.explainUnit(input, unit), message, JSON.stringify(unit));
        }
        assert.throws(() => model.networkFlow(digit, { edges: -1 }), /edges must be 0 or more, got -1/);
        assert.throws(() => model.networkFlow(digit, { edge: 3 }), /unknown option "edge" \(valid: edges, edgesPerNode, mapLimit\)/);
        assert.throws(() => model.networkFlow(digit, { mapLimit: 'all' }), /"mapLimit" must be a whole number/);
        assert.throws(() => model.networkFlow(digit.subarray(0, 10)), /the input has 10 values/);
        // The model still works after every error.
        assert.equal(model.explainUnit(digit, { layer: 6, channel: 0 }).kind, 'linear');
      } finally {
        model.dispose();
      }
    });

    test('explaining, drawing the flow and refused requests leave the engine heap where it was', () => {
      const model = engine.model('cnn');
      try {
        const round = () => {
          model.explainUnit(digit, { layer: 3, channel: 2, row: 5, col: 9 });
          model.explainUnit(digit, { layer: 6, channel: 4, topK: 3 });
          model.networkFlow(digit, { edges: 16, edgesPerNode: 1 });
          assert.throws(() => model.explainUnit(digit, { layer: 0, channel: 99, row: 0, col: 0 }));
          assert.throws(() => model.networkFlow(digit.subarray(2)));
        };
        for (let i = 0; i < 10; i++) round();  // warm-up: buffer pool
        const outsidePool = ({ mallocBytes, cachedBytes }) => mallocBytes - cachedBytes;
        const before = engine.memoryStats();
        for (let i = 0; i < 200; i++) round();
        const after = engine.memoryStats();
        assert.ok(outsidePool(after) - outsidePool(before) <= 256, JSON.stringify({ before, after }));
        assert.equal(after.liveBytes, before.liveBytes, 'tensor storage still in use');
      } finally {
        model.dispose();
      }
    });

    const COLUMNS = {
      mlp: ['input', 'linear1 + relu1', 'linear2'],
      cnn: ['input', 'conv1 + relu1', 'maxpool1', 'conv2 + relu2', 'maxpool2', 'linear1'],
      lenet5: ['input', 'conv1 + relu1', 'maxpool1', 'conv2 + relu2', 'maxpool2 + flatten1', 'linear1 + relu3', 'linear2'],
      'two-input MLP': ['input', 'linear1 + tanh1', 'linear2'],
    };
    for (const [name, columns] of Object.entries(COLUMNS)) {
      test(`networkFlow on ${name}: columns, node values and edges that add up to the pre-activations`, () => {
        const model = engine.model(name === 'two-input MLP' ? TWO_INPUT_MLP : name);
        try {
          const input = name === 'two-input MLP' ? Float32Array.of(0.3, -0.8) : digit;
          const flow = model.networkFlow(input, { edges: 1e6 });
          assert.deepEqual(flow.columns.map((c) => c.name), columns);
          const activations = model.activations(input);
          const params = Object.fromEntries(model.parameters().map((p) => [p.name, p.data]));
          for (const column of flow.columns.slice(1)) {
            const last = activations[column.layers.at(-1)];
            const first = activations[column.layers[0]];
            assert.equal(column.values.length, column.nodes);
            if (column.shape.length === 1) assert.deepEqual([...column.values], [...last.data]);
            const { incoming } = column;
            const previous = flow.columns[column.index - 1];
            assert.equal(incoming.possible, incoming.kind === 'weighted' ? previous.nodes * column.nodes : column.nodes);
            assert.equal(incoming.value.length, incoming.possible);  // edges: 1e6 keeps every one
            if (incoming.kind !== 'weighted') continue;
            // Sum over sources + bias = the pre-activation (its mean over positions for a conv map).
            const sums = new Float64Array(column.nodes);
            incoming.target.forEach((t, e) => { sums[t] += incoming.value[e]; });
            const bias = params[`${first.name}.bias`];
            const plane = first.shape.length === 3 ? first.shape[1] * first.shape[2] : 1;
            for (let k = 0; k < column.nodes; k++) {
              let mean = 0;
              for (let i = 0; i < plane; i++) mean += first.data[k * plane + i];
              mean /= plane;
              assert.ok(Math.abs(sums[k] + bias[k] - mean) < 1e-4, `${column.name} node ${k}: ${sums[k] + bias[k]} vs ${mean}`);
            }
          }
        } finally {
          model.dispose();
        }
      });
    }

    test('networkFlow keeps the strongest edges, per column pair and per node, and small maps only', () => {
      const model = engine.model('lenet5');
      try {
        const flow = model.networkFlow(digit, { edges: 20, edgesPerNode: 1, mapLimit: 14 * 14 });
        for (const column of flow.columns.slice(1)) {
          const { value, target } = column.incoming;
          const magnitudes = [...value].map(Math.abs);
          assert.deepEqual(magnitudes, [...magnitudes].sort((a, b) => b - a), column.name);
          assert.equal(new Set(target).size, column.nodes, `${column.name}: every node has its strongest edge`);
          assert.ok(value.length <= 20 + column.nodes);
        }
        const maps = flow.columns.map((c) => (c.maps ? c.maps.length : null));
        // input and conv1 + relu1 are 28x28 (over the limit); maxpool1 14x14, conv2 14x14, maxpool2 7x7; units have none.
        assert.deepEqual(maps, [null, null, 20 * 14 * 14, 50 * 14 * 14, 50 * 7 * 7, null, null]);
        const defaults = model.networkFlow(digit);
        assert.equal(defaults.columns[5].incoming.value.length, 64);  // default edges
        assert.equal(defaults.columns[0].maps.length, 784);           // default mapLimit 4096
      } finally {
        model.dispose();
      }
    });
  });
}
