// Residual and concat blocks through the JS API: building and training a model of blocks, its
// summary's inner rows, located spec errors inside blocks, and the big architectures described
// by their shapes without weights, in both WebAssembly builds.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../../bindings/wasmgrad.js';

for (const threads of [true, false]) {
  describe(`composite layers (${threads ? 'simd-threads' : 'simd'} build)`, () => {
    let engine;
    before(async () => { engine = await load({ threads }); });

    test('the catalog lists residual, concat and globalavgpool with their list fields', () => {
      const types = Object.fromEntries(engine.layerTypes.map((t) => [t.type, t]));
      assert.deepEqual(types.residual.fields.map((f) => [f.name, f.kind, f.required]),
        [['layers', 'layers', true], ['shortcut', 'layers', false]]);
      assert.deepEqual(types.concat.fields.map((f) => f.kind), ['branches']);
      assert.equal(types.globalavgpool.needsImage, true);
    });

    test('a resnet-mini fitted to small images trains, and its summary lists the blocks\' layers', () => {
      const spec = engine.presetSpec('resnet-mini', { input: [1, 8, 8], classes: 2 });
      const model = engine.model(spec);
      try {
        const rows = model.summary;
        const block = rows.find((r) => r.type === 'residual' && r.detail.includes('projection'));
        assert.ok(block.inner.length > 0);
        assert.equal(block.inner[0].branch, 'layers');
        assert.equal(block.inner.at(-1).branch, 'shortcut');
        assert.equal(block.parameters, block.inner.reduce((sum, r) => sum + r.parameters, 0));
        assert.equal(rows.reduce((sum, r) => sum + r.parameters, 0), model.parameterCount);
        assert.equal(rows[0].inner, undefined, 'a plain row has no inner rows');
        assert.ok(model.parameters().some((p) => p.name === 'residual3.shortcut.0.weight'));

        const n = 64;
        const inputs = new Float32Array(n * 64);
        const labels = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          labels[i] = i % 2;
          for (let j = 0; j < 64; j++) inputs[i * 64 + j] = labels[i] ? (j % 8 < 4 ? 1 : 0) : (j < 32 ? 1 : 0);
        }
        const data = engine.arrayDataset(inputs, [1, 8, 8], labels, { classes: 2 });
        const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 8 });
        try {
          trainer.setData(data);
          while (!trainer.finished) trainer.trainEpoch();
          assert.equal(trainer.evaluate(data).accuracy, 1);
          const reloaded = engine.loadModel(model.save());
          assert.deepEqual(Array.from(reloaded.outputs(inputs.subarray(0, 64))), Array.from(model.outputs(inputs.subarray(0, 64))));
          reloaded.dispose();
        } finally {
          trainer.dispose();
          data.dispose();
        }
      } finally {
        model.dispose();
      }
    });

    test('an error inside a block names its path and stays on the block\'s row', () => {
      const spec = { input: [1, 5, 5], layers: [{ type: 'relu' },
        { type: 'residual', layers: [{ type: 'relu' }, { type: 'conv2d', filters: 2, kernel: 7 }] }] };
      assert.throws(() => engine.model(spec), (error) => {
        assert.equal(error.message, 'layer 1 (residual) › layers › 1 (conv2d): kernel 7 larger than input 5x5');
        assert.equal(error.layer, 1);
        assert.equal(error.layerType, 'residual');
        assert.equal(error.field, 'layers');
        assert.equal(error.path, 'layers › 1 (conv2d)');
        assert.equal(error.problem, '1 (conv2d): kernel 7 larger than input 5x5');
        return true;
      });
    });

    test('the big architectures are described by their shapes, without weights', () => {
      const counts = Object.fromEntries(engine.architectures.map((a) => [a.name, a.parameters]));
      assert.deepEqual(counts, { alexnet: 61100840, vgg16: 138357544, googlenet: 6624904, resnet18: 11689512 });
      for (const name of Object.keys(counts)) {
        const d = engine.describe(name);
        assert.equal(d.parameters, counts[name], name);
        assert.deepEqual(d.outputShape, [1000]);
      }
      const vgg = engine.describe('vgg16');
      assert.ok(vgg.multiplyAdds > 15e9);
      assert.throws(() => engine.model(engine.describe('vgg16') && 'vgg16'), /preset/);
      const lenet = engine.describe('lenet5');
      assert.equal(lenet.parameters, 520 + 25050 + 1225500 + 5010);
      assert.equal(engine.describe({ input: [3, 8, 8], layers: [{ type: 'globalavgpool' }] }).outputShape[0], 3);
    });
  });
}
