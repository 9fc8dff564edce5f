// ONNX export (model.exportONNX): for every preset (the block presets resnet-mini and
// inception-mini too), a spec holding every layer type and one small spec per block form, the file
// passes onnx.checker (Debian's python3-onnx) and onnxruntime-node's logits agree with the engine's
// to 1e-5 relative; the graph has the documented interface, blocks as Add / Concat / GlobalAveragePool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { load } from '../../../bindings/wasmgrad.js';
import {
  assertInformative, BLOCK_SPECS, CHECK_SCRIPT, python, relativeError, seededInputs, specsUnderTest, trainedModel, trainedOnSeeded,
} from './export-fixtures.mjs';

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

/** max |a - b|. */
const maxAbsDifference = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('each block form alone: onnxruntime logits equal the engine\'s (1e-5 relative)', async () => {
  const COUNT = 5;
  for (const [name, spec] of Object.entries(BLOCK_SPECS)) {
    const model = trainedOnSeeded(engine, spec);
    const bytes = model.exportONNX();
    const file = join(dir, `block ${name.replace(/\W+/g, '_')}.onnx`);
    await writeFile(file, bytes);
    written.push(file);
    const inputs = seededInputs(COUNT, spec.input, 42);
    const expected = model.outputs(inputs, COUNT);
    assertInformative(expected, name);
    const session = await ort.InferenceSession.create(bytes);
    const { logits } = await session.run({ input: new ort.Tensor('float32', inputs, [COUNT, ...spec.input]) });
    assert.deepEqual(logits.dims, [COUNT, ...model.outputShape], name);
    const error = relativeError(logits.data, expected);
    assert.ok(error <= 1e-5, `${name}: relative error ${error}, max |difference| ${maxAbsDifference(logits.data, expected)}`);
    await session.release();
    model.dispose();
  }
});

test('onnx.checker.check_model (full check, Debian python3-onnx) passes on every exported file', async () => {
  assert.ok(written.length >= 5 + Object.keys(BLOCK_SPECS).length, 'the previous tests wrote the files');
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

test('blocks in the graph: residual -> its layers and Add (shortcut or input), concat -> Concat on axis 1, GAP -> GlobalAveragePool + Flatten; nested initializer names', async () => {
  const { fromBinary, ModelProtoSchema } = await import('../../../build/vendor/export-deps.mjs');
  const graphOf = (spec) => {
    const model = engine.model(spec);
    const proto = fromBinary(ModelProtoSchema, model.exportONNX());
    model.dispose();
    return { nodes: Object.fromEntries(proto.graph.node.map((n) => [n.name, n])), initializers: proto.graph.initializer.map((t) => t.name) };
  };
  const attribute = (node, key) => node.attribute.find((a) => a.name === key);

  const identity = graphOf(BLOCK_SPECS['residual, identity shortcut']);
  assert.equal(identity.nodes.residual1.opType, 'Add');
  assert.deepEqual(identity.nodes.residual1.input, ['residual1.layers.3', 'conv1'], 'the inner layers\' output plus the block\'s input');
  assert.deepEqual(identity.nodes['residual1.layers.0'].input[0], 'conv1');
  assert.ok(identity.initializers.includes('residual1.layers.1.running_var'));

  const projection = graphOf(BLOCK_SPECS['residual, projection shortcut']);
  assert.deepEqual(projection.nodes.residual1.input, ['residual1.layers.1', 'residual1.shortcut.1']);
  assert.equal(projection.nodes['residual1.shortcut.0'].opType, 'Conv');
  assert.deepEqual(projection.nodes['residual1.shortcut.0'].input, ['input', 'residual1.shortcut.0.weight'], 'no bias');
  assert.deepEqual(attribute(projection.nodes['residual1.shortcut.0'], 'strides').ints, [2n, 2n]);
  assert.equal(projection.nodes['residual1.shortcut.1'].opType, 'BatchNormalization');

  const branches = graphOf(BLOCK_SPECS['concat of branches (one empty)']);
  assert.equal(branches.nodes.concat1.opType, 'Concat');
  assert.equal(attribute(branches.nodes.concat1, 'axis').i, 1n);
  assert.deepEqual(branches.nodes.concat1.input, ['concat1.branches.0.0', 'concat1.branches.1.1', 'concat1.branches.2.0', 'input'],
    'each branch\'s last output; the empty branch is the input itself');
  assert.deepEqual(branches.initializers.filter((n) => n.startsWith('concat1.')),
    ['concat1.branches.0.0.weight', 'concat1.branches.0.0.bias', 'concat1.branches.1.0.weight', 'concat1.branches.1.0.bias']);

  const pooled = graphOf(BLOCK_SPECS['global average pooling']);
  assert.equal(pooled.nodes['globalavgpool1/pooled'].opType, 'GlobalAveragePool');
  assert.equal(pooled.nodes.globalavgpool1.opType, 'Flatten');
  assert.deepEqual(pooled.nodes.globalavgpool1.input, ['globalavgpool1/pooled']);
  assert.deepEqual(pooled.nodes.linear1.input[0], 'globalavgpool1', 'the linear layer after it needs no Flatten of its own');
});
