// A model saved by wasmgrad 0.1.0 (model file format version 1) must keep loading, to the same
// weights and the same predictions, in every later version: tests/fixtures/model-format-v1/ holds
// the file as that version wrote it (model.wgm) and what it must load to (expected.json; how both
// were made: make-fixture.mjs there). Never regenerate them to make this test pass: a failure here
// means saved models of users would stop loading. Both WebAssembly builds are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { load } from '../../../bindings/wasmgrad.js';

const FIXTURE = new URL('../../fixtures/model-format-v1/', import.meta.url);
const bytes = new Uint8Array(await fs.readFile(new URL('model.wgm', FIXTURE)));
const expected = JSON.parse(await fs.readFile(new URL('expected.json', FIXTURE), 'utf8'));
const floats = (base64) => {
  const raw = Buffer.from(base64, 'base64');
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
};
const base64 = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

test('the fixture is a version-1 model file of the recorded size', () => {
  assert.equal(bytes.length, expected.bytes);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'WGMODEL\0');
  assert.equal(new DataView(bytes.buffer).getUint32(8, true), expected.formatVersion);
});

for (const options of [{}, { threads: false }]) {
  test(`${options.threads === false ? 'simd' : 'simd-threads'}: the version-1 file loads to the same spec, metadata and weights`, async () => {
    const engine = await load(options);
    const model = engine.loadModel(bytes);
    try {
      assert.deepEqual(model.spec, expected.spec);
      assert.deepEqual(model.metadata, expected.metadata);
      assert.equal(model.hasOptimizerState, expected.hasOptimizerState);
      const parameters = model.parameters();
      assert.deepEqual(parameters.map((p) => [p.name, p.shape]), expected.parameters.map((p) => [p.name, p.shape]));
      parameters.forEach((p, i) => assert.equal(base64(p.data), expected.parameters[i].float32, `${p.name}: bit for bit`));
    } finally {
      model.dispose();
    }
  });

  test(`${options.threads === false ? 'simd' : 'simd-threads'}: the version-1 file predicts as it did, and training continues from it`, async () => {
    const engine = await load(options);
    const model = engine.loadModel(bytes);
    try {
      const probe = floats(expected.probe.float32);
      const outputs = model.outputs(probe, expected.probe.count);
      const want = floats(expected.outputs.float32);
      assert.equal(outputs.length, want.length);
      // Weights are bit-identical (above); outputs may differ in the last float bits only if a
      // kernel's summation order changes, never more.
      outputs.forEach((value, i) => assert.ok(Math.abs(value - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
        `output ${i}: ${value} vs ${want[i]}`));
      assert.deepEqual(Array.from(model.classify(probe, expected.probe.count)), expected.classes);
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 4, epochs: 1 });
      try {
        trainer.restoreOptimizerState(model);  // the file's Adam moments (its extra tensors)
        const labels = Int32Array.from(expected.classes.slice(0, 4));
        const step = trainer.trainBatch(probe.subarray(0, 4 * 36), labels);
        assert.ok(Number.isFinite(step.loss) && !step.diverged, JSON.stringify(step));
      } finally {
        trainer.dispose();
      }
    } finally {
      model.dispose();
    }
  });
}
