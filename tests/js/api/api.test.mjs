// The public JS API end to end, as a user imports it: models, datasets, trainers,
// checkpoints, errors and memory, in both WebAssembly builds.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { load } from '../../../bindings/wasmgrad.js';

function idxImages(count, rows, cols, fill = (i) => i % 256) {
  const bytes = new Uint8Array(16 + count * rows * cols);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x803);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  for (let i = 16; i < bytes.length; i++) bytes[i] = fill(i);
  return bytes;
}
function idxLabels(labels) {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x801);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}

for (const threads of [true, false]) {
  describe(`JS API (${threads ? 'simd-threads' : 'simd'} build)`, () => {
    let engine;
    before(async () => { engine = await load({ threads }); });

    test('an MLP with one hidden layer learns XOR', () => {
      const data = engine.toyDataset('xor', { n: 4, noise: 0, seed: 1 });
      const model = engine.model({ input: [2], layers: [{ type: 'linear', units: 4 }, { type: 'tanh' },
        { type: 'linear', units: 2 }], seed: 3 });
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 300 });
      trainer.setData(data);
      while (!trainer.finished) trainer.trainEpoch();
      const result = trainer.evaluate(data);
      assert.equal(result.accuracy, 1);
      assert.deepEqual(Array.from(model.classify(data.inputs())), Array.from(data.labels()));
      for (const x of [trainer, model, data]) x.dispose();
    });

    test('the bundled digits train an MLP past 85% in one epoch, with progress and confusion', async () => {
      const { train, test: testSet } = await engine.digits();
      assert.equal(train.size, 8000);
      assert.equal(testSet.size, 2000);
      assert.deepEqual(train.sampleShape, [1, 28, 28]);
      const model = engine.model('mlp');
      assert.equal(model.parameterCount, 784 * 128 + 128 + 128 * 10 + 10);
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 1e-3, batchSize: 64, epochs: 1 });
      const { train: fit, validation } = train.split(0.1, 1);
      trainer.setData(fit, validation);
      const progress = trainer.step(10);
      assert.equal(progress.batch, 10);
      assert.equal(progress.stepBatches, 10);
      assert.equal(progress.batches, Math.ceil(7200 / 64));
      assert.equal(progress.epochEnd, null);
      assert.ok(progress.samplesPerSecond > 0);
      const epoch = trainer.trainEpoch();
      assert.equal(epoch.epoch, 1);
      assert.deepEqual(trainer.history.map((e) => e.epoch), [1]);
      assert.ok(epoch.validation.accuracy > 0.85, `validation accuracy ${epoch.validation.accuracy}`);
      const evaluation = trainer.evaluate(testSet);
      assert.ok(evaluation.accuracy > 0.85, `test accuracy ${evaluation.accuracy}`);
      assert.equal(evaluation.confusion.length, 100);
      assert.equal(evaluation.confusion.reduce((a, b) => a + b, 0), 2000);
      const probabilities = model.predict(testSet.inputs(0, 3));
      assert.equal(probabilities.length, 30);
      assert.ok(Math.abs(probabilities.slice(0, 10).reduce((a, b) => a + b, 0) - 1) < 1e-5);
      for (const x of [trainer, model, train, testSet, fit, validation]) x.dispose();
    });

    test('a checkpoint reloads bit-exactly and training resumes identically', () => {
      const data = engine.toyDataset('spirals', { n: 128, noise: 0.05, seed: 2 });
      const spec = { input: [2], layers: [{ type: 'linear', units: 16 }, { type: 'relu' }, { type: 'linear', units: 2 }] };
      const settings = { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 10, seed: 4 };
      const model = engine.model(spec);
      const trainer = engine.trainer(model, settings);
      trainer.setData(data);
      trainer.trainEpoch();
      const file = trainer.save({ epoch: 1, note: 'checkpoint' });
      const loaded = engine.loadModel(file);
      const { training, ...mine } = loaded.metadata;
      assert.deepEqual(mine, { epoch: 1, note: 'checkpoint' });
      assert.equal(training.epochsDone, 1);
      assert.deepEqual(training.history.map((e) => e.epoch), [1]);
      assert.ok(loaded.hasOptimizerState);
      assert.deepEqual(Array.from(loaded.outputs(data.inputs())), Array.from(model.outputs(data.inputs())));
      // the same next batch on both: identical weights after the step
      const batch = data.inputs(0, 16);
      const labels = data.labels().slice(0, 16);
      const resumed = engine.trainer(loaded, settings);
      resumed.restoreOptimizerState(loaded);
      trainer.trainBatch(batch, labels);
      resumed.trainBatch(batch, labels);
      assert.deepEqual(loaded.parameters().map((p) => Array.from(p.data)), model.parameters().map((p) => Array.from(p.data)));
      for (const x of [trainer, resumed, model, loaded, data]) x.dispose();
    });

    test('IDX files load plain or gzipped; corrupt ones are refused with the reason', async () => {
      const images = idxImages(3, 4, 4);
      const labels = idxLabels([0, 1, 2]);
      const plain = await engine.idxDataset(images, labels, { name: 'tiny' });
      const zipped = await engine.idxDataset(gzipSync(images), gzipSync(labels));
      assert.equal(plain.size, 3);
      assert.deepEqual(Array.from(zipped.inputs()), Array.from(plain.inputs()));
      await assert.rejects(engine.idxDataset(images.slice(0, 30), labels), /images.*(truncated|short|ends|byte)/i);
      await assert.rejects(engine.idxDataset(labels, images), /magic|swapped/i);
      await assert.rejects(engine.idxDataset(images, idxLabels([0, 1])), /3.*2|2.*3|count/i);
      await assert.rejects(engine.idxDataset(new Uint8Array(0), labels), /empty|byte/i);
      const corruptGzip = gzipSync(images).slice(0, 20);
      await assert.rejects(engine.idxDataset(corruptGzip, labels), /gzip/i);
      plain.dispose();
      zipped.dispose();
    });

    test('bad input gets an Error that names what was wrong', () => {
      assert.throws(() => engine.model({ input: [1, 5, 5], layers: [{ type: 'conv2d', filters: 2, kernel: 7 }] }),
        /kernel 7 larger than input 5x5 at layer 0 \(conv2d\)/);
      assert.throws(() => engine.model('resnet152'), /resnet152.*(mlp|cnn)/);
      assert.throws(() => engine.model('{"input": [2], "layers": ['), /line 1/);
      assert.throws(() => engine.model(42), TypeError);
      const model = engine.model('mlp');
      assert.throws(() => engine.trainer(model, { learningRate: -1 }), /learningRate/);
      assert.throws(() => engine.trainer(model, { optimiser: 'adam' }), /optimiser/);
      const trainer = engine.trainer(model, {});
      const xor = engine.toyDataset('xor', { n: 4, noise: 0, seed: 1 });
      assert.throws(() => trainer.setData(xor), /\[2\].*\[1, 28, 28\]/);
      assert.throws(() => trainer.trainBatch(new Float32Array(784), [12]), /label 12/);
      assert.throws(() => trainer.trainBatch(new Float32Array(10), [1]), /10 values|shape/);
      assert.throws(() => model.predict(new Float32Array(700)), /700/);
      assert.throws(() => engine.loadModel(new Uint8Array([1, 2, 3])), /model file/);
      assert.throws(() => engine.toyDataset('moons2'), /moons2/);
      model.dispose();
      assert.throws(() => model.parameterCount, /disposed/);
      trainer.dispose();
      xor.dispose();
    });

    test('labels come as an array or any typed array, with the same result; a bad one is named by its index', () => {
      const images = Float32Array.from({ length: 4 * 784 }, (_, i) => ((i * 7919) % 255) / 255);
      const classes = [3, 0, 9, 3];
      const losses = [classes, Int32Array.from(classes), Uint8Array.from(classes), Float64Array.from(classes)].map((labels) => {
        const model = engine.model('mlp');
        model.reinitialize(5);
        const trainer = engine.trainer(model, { seed: 1 });
        const { loss } = trainer.trainBatch(images, labels);
        const weights = Array.from(model.parameters()[0].data.subarray(0, 50));
        trainer.dispose();
        model.dispose();
        return { loss, weights };
      });
      for (const other of losses.slice(1)) assert.deepEqual(other, losses[0]);
      const model = engine.model('mlp');
      const trainer = engine.trainer(model, {});
      assert.throws(() => trainer.trainBatch(images, [3, 0, 1.5, 3]), /label 1\.5 at index 2/);
      assert.throws(() => trainer.trainBatch(images, [3, 0, 9, -1]), /label -1 at index 3/);
      assert.throws(() => trainer.trainBatch(images, [3, 'x', 9, 3]), /label nan at index 1/i);
      assert.throws(() => trainer.trainBatch(images, [3, 0, 9]), /3 samples|2352/);
      assert.throws(() => trainer.trainBatch(images, 3), /labels: expected an array or a typed array of numbers, got number/);
      assert.throws(() => trainer.trainBatch(images, new DataView(new ArrayBuffer(4))), /labels: expected an array.*, got DataView$/);
      assert.throws(() => trainer.trainBatch(images, null), /labels: expected an array or a typed array of numbers, got null$/);
      assert.throws(() => trainer.trainBatch(images), /labels: expected an array or a typed array of numbers, got undefined$/);
      assert.throws(() => trainer.trainBatch(Float64Array.from(images), classes), /expected a Float32Array of input samples, got Float64Array$/);
      assert.throws(() => trainer.trainBatch(null, classes), /expected a Float32Array of input samples, got null$/);
      assert.throws(() => trainer.trainBatch(images, new Uint8Array(65537)), /65537 labels; a batch holds at most 65536/);
      const data = engine.arrayDataset(images, [1, 28, 28], Uint8Array.from(classes), { classes: 10 });
      assert.deepEqual(Array.from(data.labels()), classes);
      assert.deepEqual(Array.from(data.subset(Int32Array.from([3, 1])).labels()), [3, 0]);
      assert.throws(() => data.subset([0, 4]), /index 4 at position 1 is outside \[0, 4\)/);
      assert.throws(() => engine.arrayDataset(images, [1, 28, 28], [3, 0, 10, 3], { classes: 10 }), /label 10 at index 2/);
      for (const x of [trainer, model, data]) x.dispose();
    });

    test('trainBatchAt trains on samples of the training set by index: the same bits as trainBatch on a copy of them', () => {
      const images = Float32Array.from({ length: 6 * 784 }, (_, i) => ((i * 7919) % 255) / 255);
      const classes = [3, 0, 9, 3, 1, 7];
      const data = engine.arrayDataset(images, [1, 28, 28], Uint8Array.from(classes), { classes: 10 });
      const rows = [4, 1, 5, 1];
      const run = (step) => {
        const model = engine.model('mlp');
        model.reinitialize(5);
        const trainer = engine.trainer(model, { seed: 1 });
        trainer.setData(data);
        const results = [step(trainer), step(trainer)];
        const weights = model.parameters().map((p) => Array.from(p.data));
        return { trainer, model, results, weights };
      };
      const chosen = data.subset(rows);
      const copied = run((t) => t.trainBatch(chosen.inputs(), chosen.labels()));
      const indexed = run((t) => t.trainBatchAt(Int32Array.from(rows)));
      assert.deepEqual(indexed.results, copied.results);
      assert.deepEqual(indexed.weights, copied.weights);
      const trainer = indexed.trainer;
      assert.throws(() => trainer.trainBatchAt([0, 6]), /index 6 at position 1 is outside the training set's 6 samples/);
      assert.throws(() => trainer.trainBatchAt([0, -1]), /index -1 at position 1 is not a sample index/);
      assert.throws(() => trainer.trainBatchAt([]), /0 indices/);
      const unset = engine.trainer(indexed.model, {});
      assert.throws(() => unset.trainBatchAt([0]), /no data; call set_data first/);
      for (const x of [unset, copied.trainer, indexed.trainer, copied.model, indexed.model, chosen, data]) x.dispose();
    });

    test('creating and disposing many models and trainers does not grow memory', () => {
      const make = () => {
        const model = engine.model('cnn');
        const trainer = engine.trainer(model, {});
        trainer.dispose();
        model.dispose();
      };
      for (let i = 0; i < 20; i++) make();
      const before = engine.memoryStats().liveBytes;
      for (let i = 0; i < 200; i++) make();
      assert.equal(engine.memoryStats().liveBytes, before);
    });
  });
}

test('threaded and single-threaded builds give the same numbers', async () => {
  const results = [];
  for (const threads of [true, false]) {
    const engine = await load({ threads });
    const { train } = await engine.digits();
    const subset = train.subset(Array.from({ length: 256 }, (_, i) => i));
    const model = engine.model('cnn');
    const trainer = engine.trainer(model, { batchSize: 64, epochs: 1, seed: 5 });
    trainer.setData(subset);
    const epoch = trainer.trainEpoch();
    results.push({ loss: epoch.trainLoss, weights: Array.from(model.parameters()[0].data) });
    for (const x of [trainer, model, subset, train]) x.dispose();
  }
  assert.equal(results[0].loss, results[1].loss);
  assert.deepEqual(results[0].weights, results[1].weights);
});
