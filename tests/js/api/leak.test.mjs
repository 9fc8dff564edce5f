// Engine memory through the public JS API, in both WebAssembly builds: creating, training,
// saving, loading and disposing models and trainers hundreds of times must leave the C++ heap
// where it was, and so must refused input (bad specs, bad settings, corrupt model files).
// engine.memoryStats().mallocBytes is malloc's count of bytes in use, cachedBytes the part the
// engine's buffer pool keeps for reuse. The long version with
// figures is bench/soak.mjs (docs/reliability.md).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../../bindings/wasmgrad.js';

const CYCLES = 200;
// Bytes malloc holds beyond the buffer pool's cache. The pool may keep a few more free buffers
// when threads finish in another order (a cache: reused, capped); the rest must come back.
const outsidePool = (before, after) => (after.mallocBytes - after.cachedBytes) - (before.mallocBytes - before.cachedBytes);
const SPEC = { input: [1, 28, 28], layers: [{ type: 'conv2d', filters: 4, kernel: 3, pad: 1 }, { type: 'relu' },
  { type: 'maxpool', kernel: 2 }, { type: 'linear', units: 10 }] };

for (const threads of [true, false]) {
  describe(`create/destroy (${threads ? 'simd-threads' : 'simd'} build)`, () => {
    let engine, train, goodFile;
    before(async () => {
      engine = await load({ threads });
      ({ train } = await engine.digits());
      const model = engine.model(SPEC);
      goodFile = model.save();
      model.dispose();
    });

    const heap = () => engine.memoryStats().mallocBytes;

    function cycle(i) {
      const model = engine.model({ ...SPEC, seed: i });
      const trainer = engine.trainer(model, { optimizer: i % 2 ? 'adam' : 'momentum', batchSize: 16, epochs: 1, seed: i });
      trainer.setData(train);
      trainer.step(1);
      const checkpoint = trainer.save({ cycle: i });
      const loaded = engine.loadModel(checkpoint);
      loaded.predict(train.inputs(0, 2));
      for (const x of [loaded, trainer, model]) x.dispose();
    }

    test(`${CYCLES} models + trainers: train a step, save, load, dispose: nothing left behind`, (t) => {
      for (let i = 0; i < 10; i++) cycle(i);  // warm-up: buffer pool, thread pool
      const before = engine.memoryStats();
      for (let i = 0; i < CYCLES; i++) cycle(i);
      const after = engine.memoryStats();
      const rest = outsidePool(before, after);
      t.diagnostic(`malloc ${after.mallocBytes - before.mallocBytes} B, pool cache ${after.cachedBytes - before.cachedBytes} B, ` +
        `the rest ${rest} B after ${CYCLES} cycles`);
      assert.ok(rest <= 256, `${rest} bytes outside the pool's cache still allocated: ${JSON.stringify({ before, after })}`);
      assert.equal(after.liveBytes, before.liveBytes, 'tensor storage still in use');
      assert.ok(after.cachedBytes < 4 * 1024 * 1024, `pool cache ${after.cachedBytes} B`);
    });

    test('trimMemory returns the buffer pool\'s cache to malloc', () => {
      cycle(1);
      const before = engine.memoryStats();
      assert.ok(before.cachedBytes > 0, 'the pool keeps buffers after a cycle');
      engine.trimMemory();
      const after = engine.memoryStats();
      assert.equal(after.cachedBytes, 0);
      assert.ok(after.mallocBytes <= before.mallocBytes - before.cachedBytes, JSON.stringify({ before, after }));
      assert.equal(after.liveBytes, before.liveBytes);
      cycle(2);  // and the engine still trains
    });

    test('a model disposed before its trainer is freed with the trainer', () => {
      const modelFirst = () => {
        const model = engine.model(SPEC);
        const trainer = engine.trainer(model, { batchSize: 8 });
        model.dispose();
        trainer.setData(train);
        trainer.step(1);  // the trainer still has the model
        trainer.dispose();
      };
      modelFirst();  // warm-up: the buffer pool keeps this batch size's buffers
      const before = engine.memoryStats();
      for (let i = 0; i < 20; i++) modelFirst();
      const after = engine.memoryStats();
      assert.ok(outsidePool(before, after) <= 256, JSON.stringify({ before, after }));
      assert.equal(after.liveBytes, before.liveBytes);
    });

    // Refused input: before the factories (Model.create, Trainer.create) a refused trainer
    // setting kept its whole model alive in the threads build (5 MB per LeNet-5). What is left:
    // when a call fails, Embind does not free the copy of its string arguments (a JS exception
    // skips the cleanup), about twice the string's length. The budget allows that and no more.
    const refused = [
      ['bad spec', (model) => engine.model({ input: [1, 28, 28], layers: [{ type: 'conv3d' }] }), /unknown layer type "conv3d"/],
      ['bad settings', (model) => engine.trainer(model, { optimizer: 'nope' }), /unknown type 'nope'/],
      ['corrupt model file', () => engine.loadModel(goodFile.subarray(0, goodFile.length - 9)), /model file: /],
      ['bad predict input', (model) => model.predict(new Float32Array(5)), /not a whole number of samples/],
    ];
    for (const [name, call, message] of refused) {
      test(`${CYCLES} refused calls (${name}): a clear error each time, at most 256 bytes kept per call`, (t) => {
        const model = engine.model('lenet5');
        try {
          assert.throws(() => call(model), message);
          const before = heap();
          for (let i = 0; i < CYCLES; i++) assert.throws(() => call(model), message);
          const perCall = (heap() - before) / CYCLES;
          t.diagnostic(`${perCall} bytes kept per refused call`);
          assert.ok(perCall <= 256, `${perCall} bytes kept per refused call`);
        } finally {
          model.dispose();
        }
      });
    }
  });
}
