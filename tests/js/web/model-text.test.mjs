// Tests for web/playground/model-text.js's block notation (residual(...), concat(...|...)): it reads
// into the engine's spec, the engine builds what it reads, the engine's normalised spec writes back
// to the same text and reads again to the same model, and syntax errors inside a block are located
// with a path like the engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layersFromText as readText, textFromLayers } from '../../../web/playground/model-text.js';
import { load } from '../../../bindings/wasmgrad.js';

const engine = await load({ threads: false });
const catalog = engine.catalog.layerTypes;
const layersFromText = (text) => readText(text, catalog);

test('a residual block reads as the engine\'s spec: layers, and a shortcut after "|"', () => {
  assert.deepEqual(layersFromText('conv2d.8.3.1.1_residual(conv2d.8.3.1.1_relu)_globalavgpool_linear.10').layers, [
    { type: 'conv2d', filters: 8, kernel: 3, stride: 1, pad: 1 },
    { type: 'residual', layers: [{ type: 'conv2d', filters: 8, kernel: 3, stride: 1, pad: 1 }, { type: 'relu' }] },
    { type: 'globalavgpool' }, { type: 'linear', units: 10 }]);
  assert.deepEqual(layersFromText('residual(conv2d.16.3.2.1_leaky_relu.0.1|conv2d.16.1.2)').layers, [
    { type: 'residual', layers: [{ type: 'conv2d', filters: 16, kernel: 3, stride: 2, pad: 1 }, { type: 'leaky_relu', slope: 0.1 }],
      shortcut: [{ type: 'conv2d', filters: 16, kernel: 1, stride: 2 }] }]);
  assert.deepEqual(layersFromText('concat(conv2d.4.1|maxpool.3.1.1|)').layers, [
    { type: 'concat', branches: [[{ type: 'conv2d', filters: 4, kernel: 1 }], [{ type: 'maxpool', kernel: 3, stride: 1, pad: 1 }], []] }]);
});

test('residual and concat specs (and the presets built of them) write to text and read back to the same model', () => {
  const specs = [
    { input: [1, 12, 12], layers: layersFromText('conv2d.8.3.1.1_relu_residual(conv2d.8.3.1.1_batchnorm_relu_conv2d.8.3.1.1)_relu_flatten_linear.4').layers },
    { input: [1, 12, 12], layers: layersFromText('conv2d.4.3_residual(conv2d.8.3.2.1_relu|conv2d.8.1.2)_globalavgpool_linear.3').layers },
    { input: [2, 8, 8], layers: layersFromText('concat(conv2d.4.1_relu|conv2d.2.1_relu_conv2d.4.3.1.1|maxpool.3.1.1|)_residual(concat(conv2d.6.1|conv2d.6.3.1.1))_flatten_linear.2').layers },
  ];
  for (const spec of specs) {
    const model = engine.model(spec);
    const { text, reason } = textFromLayers(model.spec.layers, catalog);
    assert.equal(reason, null, JSON.stringify(spec.layers));
    assert.match(text, /(residual|concat)\(/);
    const again = engine.model({ input: spec.input, layers: layersFromText(text).layers });
    assert.deepEqual(again.spec.layers, model.spec.layers, text);
    assert.equal(textFromLayers(again.spec.layers, catalog).text, text);
    model.dispose();
    again.dispose();
  }
  // The identity shortcut is left out of the text; an empty concat branch stays.
  const written = textFromLayers(engine.model(specs[0]).spec.layers, catalog).text;
  assert.match(written, /residual\(conv2d\.8\.3\.1\.1_batchnorm_relu_conv2d\.8\.3\.1\.1\)/);
  assert.match(textFromLayers(engine.model(specs[2]).spec.layers, catalog).text, /\|maxpool\.3\.1\.1\|\)/);
});

test('syntax errors inside a block are located by its path; unbalanced parentheses are named', () => {
  assert.deepEqual(layersFromText('relu_residual(conv2d.8.3_relu.2)').error,
    { layer: 1, field: '', problem: 'relu takes no values, got 1', path: 'layers › 1' });
  assert.deepEqual(layersFromText('concat(relu|conv2d.x)').error,
    { layer: 0, field: 'filters', problem: '"x" is not a number', path: 'branches › 1 › 0' });
  assert.deepEqual(layersFromText('residual(residual(relu_warp))').error.path, 'layers › 0 › layers › 1');
  assert.match(layersFromText('residual(relu').error.problem, /^the "\(" at character 9 is never closed: add a "\)"$/);
  assert.match(layersFromText('residual(concat(relu|relu').error.problem, /^2 "\(" are never closed \(the first at character 9\): add 2 "\)"$/);
  assert.match(layersFromText('relu)').error.problem, /"\)" at character 5 closes nothing/);
  assert.match(layersFromText('residual').error.problem, /a block: write residual\(…\)/);
  assert.match(layersFromText('relu(relu)').error.problem, /"relu\(…\)" is not a block/);
  assert.match(layersFromText('residual(relu|relu|relu)').error.problem, /residual holds at most 2 lists \(layers \| shortcut\), got 3/);
  assert.equal(layersFromText('residual()').error.path, 'layers');
  // Old links (no blocks) read as before.
  assert.deepEqual(layersFromText('conv.8.5_leaky_relu.0.2_linear.10').layers,
    [{ type: 'conv2d', filters: 8, kernel: 5 }, { type: 'leaky_relu', slope: 0.2 }, { type: 'linear', units: 10 }]);
});
