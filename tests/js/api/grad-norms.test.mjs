// Model.gradNorms through the JS API, in both WebAssembly builds: [] before a step; after one, a
// linear softmax model's norms against the gradient worked out by hand here (dL/dW = (p - y)^T x / N,
// dL/db = sum of (p - y) / N), and a model of residual blocks whose nested names come out as the
// engine names its parameters and whose norms make up the step's global gradient norm.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../../bindings/wasmgrad.js';

const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.abs(expected) + 1e-7, `${what}: ${actual} vs ${expected}`);

for (const threads of [true, false]) {
  describe(`Model.gradNorms (${threads ? 'simd-threads' : 'simd'} build)`, () => {
    let engine;
    before(async () => { engine = await load({ threads }); });

    test('a linear softmax layer: the norms of the hand-computed cross-entropy gradient', () => {
      const model = engine.model({ input: [3], layers: [{ type: 'linear', units: 2 }], seed: 4 });
      const trainer = engine.trainer(model, { optimizer: 'sgd', learningRate: 0.1, batchSize: 2 });
      try {
        assert.deepEqual(model.gradNorms(), []);
        const [weight, bias] = model.parameters().map((p) => Array.from(p.data));  // before the step changes them
        const x = [[1, 2, 3], [-1, 0.5, 2]];
        const y = [0, 1];
        const gW = [0, 0, 0, 0, 0, 0];
        const gb = [0, 0];
        for (let n = 0; n < 2; n++) {
          const logits = [0, 1].map((k) => bias[k] + x[n].reduce((s, v, i) => s + weight[k * 3 + i] * v, 0));
          const top = Math.max(...logits);
          const e = logits.map((l) => Math.exp(l - top));
          const p = e.map((v) => v / (e[0] + e[1]));
          for (let k = 0; k < 2; k++) {
            const g = (p[k] - (y[n] === k ? 1 : 0)) / 2;
            gb[k] += g;
            for (let i = 0; i < 3; i++) gW[k * 3 + i] += g * x[n][i];
          }
        }
        trainer.trainBatch(new Float32Array(x.flat()), y);
        const norms = model.gradNorms();
        assert.deepEqual(norms.map((g) => [g.layer, g.layerName, g.name]), [[0, 'linear1', 'linear1.weight'], [0, 'linear1', 'linear1.bias']]);
        close(norms[0].norm, Math.hypot(...gW), 'weight');
        close(norms[1].norm, Math.hypot(...gb), 'bias');
      } finally {
        trainer.dispose();
        model.dispose();
      }
    });

    test('residual blocks: nested names, and the norms make up the step\'s global norm (Progress.gradNorm)', () => {
      const conv = { type: 'conv2d', filters: 2, kernel: 3, pad: 1 };
      const model = engine.model({ input: [1, 6, 6], seed: 2, layers: [conv, { type: 'relu' },
        { type: 'residual', layers: [conv, { type: 'relu' }, conv] }, { type: 'globalavgpool' }, { type: 'linear', units: 2 }] });
      const inputs = new Float32Array(8 * 36).map((_, i) => ((i * 7919) % 13) / 13);
      const data = engine.arrayDataset(inputs, [1, 6, 6], Int32Array.from({ length: 8 }, (_, i) => i % 2), { classes: 2 });
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 8 });
      try {
        trainer.setData(data);
        const progress = trainer.step(1);
        const norms = model.gradNorms();
        assert.deepEqual(norms.map((g) => g.name), ['conv1.weight', 'conv1.bias', 'residual1.layers.0.weight', 'residual1.layers.0.bias',
          'residual1.layers.2.weight', 'residual1.layers.2.bias', 'linear1.weight', 'linear1.bias']);
        assert.deepEqual(norms.map((g) => g.layer), [0, 0, 2, 2, 2, 2, 4, 4]);
        assert.ok(norms.every((g) => g.norm > 0));
        close(Math.hypot(...norms.map((g) => g.norm)), progress.gradNorm, 'global norm');
      } finally {
        trainer.dispose();
        data.dispose();
        model.dispose();
      }
    });
  });
}
