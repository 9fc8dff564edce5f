// ONNX export (model.exportONNX): for every preset and a spec holding every layer type, the file
// passes onnx.checker (Debian's python3-onnx) and onnxruntime-node's logits on real digits agree
// with the engine's to 1e-5 relative; the graph has the documented interface.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { load } from '../../../bindings/wasmgrad.js';
import { CHECK_SCRIPT, python, relativeError, specsUnderTest, trainedModel } from './export-fixtures.mjs';

const SAMPLES = 64;
let engine;
let digits;
let dir;
const written = [];

before(async () => {
  engine = await load();
  digits = await engine.digits();
  dir = await mkdtemp(join(tmpdir(), 'wasmgrad-onnx-'));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('every preset and every layer type: onnxruntime logits equal the engine\'s to 1e-5 relative', async () => {
  const inputs = digits.test.inputs(0, SAMPLES);
  for (const [name, spec] of specsUnderTest(engine)) {
    const model = trainedModel(engine, spec, digits.train);
    const bytes = model.exportONNX();
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    const file = join(dir, `${name.replace(/\W+/g, '_')}.onnx`);
    await writeFile(file, bytes);
    written.push(file);

    const session = await ort.InferenceSession.create(bytes);
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['logits']);
    // The batch is dynamic: two different batch sizes run.
    for (const count of [SAMPLES, 3]) {
      const batch = inputs.subarray(0, count * 784);
      const { logits } = await session.run({ input: new ort.Tensor('float32', batch, [count, ...model.inputShape]) });
      assert.deepEqual(logits.dims, [count, ...model.outputShape], name);
      const expected = model.outputs(batch, count);
      const error = relativeError(logits.data, expected);
      assert.ok(error <= 1e-5, `${name}, batch ${count}: relative error ${error}`);
    }
    await session.release();
    model.dispose();
  }
});

test('onnx.checker.check_model (full check, Debian python3-onnx) passes on every exported file', async () => {
  assert.ok(written.length >= 5, 'the previous test wrote the files');
  const out = await python([CHECK_SCRIPT, 'onnx', ...written]);
  for (const file of written) assert.match(out, new RegExp(`ok ${file} ir_version=8 opset=17`));
});

test('the graph: opset 17, named layers, inference-form batch norm, dropout as Identity, LCN as standard ops', async () => {
  const { create, fromBinary, ModelProtoSchema } = await import('../../../build/vendor/export-deps.mjs');
  assert.equal(typeof create, 'function');
  const model = engine.model({ input: [1, 8, 8], layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'batchnorm' },
    { type: 'dropout' }, { type: 'lcn', size: 3 }, { type: 'linear', units: 3 }] });
  const proto = fromBinary(ModelProtoSchema, model.exportONNX());
  assert.equal(proto.irVersion, 8n);
  assert.deepEqual(proto.opsetImport.map((o) => [o.domain, o.version]), [['', 17n]]);
  assert.equal(proto.producerName, 'wasmgrad');
  const nodes = proto.graph.node;
  const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
  assert.equal(byName.conv1.opType, 'Conv');
  assert.equal(byName.bn1.opType, 'BatchNormalization');
  assert.deepEqual(byName.bn1.input.slice(1), ['bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var']);
  assert.equal(byName.dropout1.opType, 'Identity');
  const lcnOps = nodes.filter((n) => n.name.startsWith('lcn1')).map((n) => n.opType);
  assert.ok(lcnOps.includes('Sqrt') && lcnOps.includes('Max') && lcnOps.includes('Div'), lcnOps.join(' '));
  assert.equal(nodes.at(-1).output[0], 'logits');
  const input = proto.graph.input[0];
  assert.equal(input.name, 'input');
  const dims = input.type.value.value.shape.dim.map((d) => d.value);
  assert.deepEqual(dims[0], { case: 'dimParam', value: 'N' });
  assert.deepEqual(dims.slice(1).map((d) => d.value), [1n, 8n, 8n]);
  assert.deepEqual(proto.graph.initializer.filter((t) => !t.name.includes('/')).map((t) => t.name),
    ['conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'linear1.weight', 'linear1.bias']);
  model.dispose();
});
