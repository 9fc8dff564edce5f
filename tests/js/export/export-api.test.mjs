// The export/import JS API's own contract: safetensors round trips exactly (ArrayBuffer or
// Uint8Array), metadata lands in the file, a refused import leaves no model behind, and wrong
// argument types are TypeErrors naming the argument.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { load, zipFolder } from '../../../bindings/wasmgrad.js';
import { BLOCK_SPECS, EVERY_LAYER_SPEC, seededInputs, specsUnderTest, trainedModel, trainedOnSeeded } from './export-fixtures.mjs';

let engine;
let digits;
before(async () => {
  engine = await load();
  digits = await engine.digits();
});

function header(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

test('exportSafetensors -> importSafetensors gives the same outputs bit for bit, batch-norm statistics included', () => {
  const model = trainedModel(engine, EVERY_LAYER_SPEC, digits.train);
  const bytes = model.exportSafetensors({ note: 'from the test' });
  const meta = header(bytes).__metadata__;
  assert.equal(meta.format, 'pt');
  assert.equal(meta.note, 'from the test');
  assert.deepEqual(JSON.parse(meta['wasmgrad.spec']), model.spec);
  assert.deepEqual(header(bytes)['bn1.running_var'].shape, [4]);
  const back = engine.importSafetensors(EVERY_LAYER_SPEC, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const inputs = digits.test.inputs(0, 16);
  assert.deepEqual(back.outputs(inputs, 16), model.outputs(inputs, 16));
  back.dispose();
  model.dispose();
});

test('every preset (the block presets too) and each block form: safetensors out and back in gives the same outputs bit for bit', () => {
  const inputs = digits.test.inputs(0, 8);
  for (const [name, spec] of specsUnderTest(engine)) {
    const model = trainedModel(engine, spec, digits.train);
    const back = engine.importSafetensors(spec, model.exportSafetensors());
    assert.deepEqual(back.outputs(inputs, 8), model.outputs(inputs, 8), name);
    back.dispose();
    model.dispose();
  }
  for (const [name, spec] of Object.entries(BLOCK_SPECS)) {
    const model = trainedOnSeeded(engine, spec);
    const back = engine.importSafetensors(spec, model.exportSafetensors());
    const seeded = seededInputs(4, spec.input, 1);
    assert.deepEqual(back.outputs(seeded, 4), model.outputs(seeded, 4), name);
    back.dispose();
    model.dispose();
  }
});

test('a refused import frees its model; wrong argument types are named', () => {
  const bytes = engine.model('mlp').exportSafetensors();
  engine.trimMemory();
  const before = engine.memoryStats().liveBytes;
  for (let i = 0; i < 5; i++) assert.throws(() => engine.importSafetensors('cnn', bytes), /the spec needs tensor "conv1\.weight"/);
  assert.equal(engine.memoryStats().liveBytes, before, 'no model is left behind');
  assert.throws(() => engine.importSafetensors('mlp', 'weights.safetensors'), /the weights must be a Uint8Array or ArrayBuffer, got string/);
  assert.throws(() => engine.importSafetensors('mlp', new Uint8Array(3)), /safetensors: truncated: 3 bytes/);
  const model = engine.model('mlp');
  assert.throws(() => model.exportSafetensors('note'), /metadata must be an object of strings/);
  assert.throws(() => model.exportSafetensors({ n: 1 }), /safetensors metadata: "n" must be a string, got number/);
  assert.throws(() => model.exportSafetensors({ format: 'tf' }), /metadata key "format" is reserved/);
  assert.throws(() => model.exportPyTorch(null), /options must be an object/);
  model.dispose();
});

test('zipFolder puts every file in one folder of a zip archive', () => {
  const zip = zipFolder({ 'a.txt': 'hello', 'b.bin': new Uint8Array([1, 2, 3]) }, 'folder');
  const text = new TextDecoder('latin1').decode(zip);
  assert.deepEqual(Array.from(zip.subarray(0, 4)), [0x50, 0x4b, 0x03, 0x04]);
  assert.ok(text.includes('folder/a.txt') && text.includes('folder/b.bin'));
});
