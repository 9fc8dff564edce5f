// What an exporter does with a layer it cannot write: it stops with an error naming the layer as
// the engine names a layer in its spec errors (message "... at layer 0 (residual) › shortcut › 0
// (conv2d) ...", error.layer, error.layerType, error.path), never a file with the layer left out.
// The cases are made by handing the format writers (onnx.js, pytorch-model.js) a real model's parts
// with one part wrong: a type no exporter knows, a tensor missing, a block whose lists disagree.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../../bindings/wasmgrad.js';
import { buildOnnx } from '../../../bindings/js/export/onnx.js';
import { modelPy } from '../../../bindings/js/export/pytorch-model.js';
import { BLOCK_SPECS } from './export-fixtures.mjs';

let engine;
let parts;
before(async () => {
  engine = await load();
  const model = engine.model(BLOCK_SPECS['residual, projection shortcut']);
  parts = { spec: model.spec, layers: model.summary };
  model.dispose();
});

/** The parts with the inner row at residual1's `branch` index `i` changed to type `type`. */
function withInnerType(branch, i, type) {
  const layers = structuredClone(parts.layers);
  const rows = layers[0].inner.filter((row) => row.branch === branch);
  rows[i].type = type;
  return { spec: parts.spec, layers };
}

const located = (path, message) => (error) => {
  assert.match(error.message, message);
  assert.equal(error.layer, 0);
  assert.equal(error.layerType, 'residual');
  assert.equal(error.path, path);
  return true;
};

test('a layer type with no ONNX or PyTorch form, inside a block, is refused with its path', () => {
  const bad = withInnerType('layers', 0, 'hypernet');
  assert.throws(() => buildOnnx({ ...bad, tensors: [] }),
    located('layers › 0 (hypernet)',
      /^wasmgrad: exportONNX: no ONNX form for layer type "hypernet" at layer 0 \(residual\) › layers › 0 \(hypernet\) "residual1\.layers\.0"$/));
  assert.throws(() => modelPy({ ...bad, title: 'x' }),
    located('layers › 0 (hypernet)',
      /^wasmgrad: exportPyTorch: no PyTorch form for layer type "hypernet" at layer 0 \(residual\) › layers › 0 \(hypernet\) "residual1\.layers\.0"$/));
});

test('ONNX: a tensor the model lacks is named with the layer that needs it', () => {
  assert.throws(() => buildOnnx({ ...parts, tensors: [] }),
    located('layers › 0 (conv2d)', /^wasmgrad: exportONNX: the model has no tensor "residual1\.layers\.0\.weight" at layer 0 \(residual\) › layers › 0 \(conv2d\)/));
});

test('a block whose spec and summary disagree is refused, naming the block and the list', () => {
  const spec = structuredClone(parts.spec);
  spec.layers[0].shortcut.push({ type: 'relu' });
  for (const write of [() => buildOnnx({ spec, layers: parts.layers, tensors: [] }), () => modelPy({ spec, layers: parts.layers, title: 'x' })]) {
    assert.throws(write, (error) => {
      assert.match(error.message, /its shortcut list has 3 layers in the spec but 2 in the model at layer 0 \(residual\) "residual1"$/);
      assert.equal(error.layer, 0);
      assert.equal(error.path, '');
      return true;
    });
  }
});

test('a top-level layer is located as the engine locates it: path ""', () => {
  const model = engine.model({ input: [4], layers: [{ type: 'relu' }, { type: 'linear', units: 3 }] });
  const layers = structuredClone(model.summary);
  layers[0].type = 'swish';
  assert.throws(() => buildOnnx({ spec: model.spec, layers, tensors: [] }), (error) => {
    assert.match(error.message, /no ONNX form for layer type "swish" at layer 0 \(swish\) "relu1"$/);
    assert.deepEqual([error.layer, error.layerType, error.path], [0, 'swish', '']);
    return true;
  });
  model.dispose();
});
