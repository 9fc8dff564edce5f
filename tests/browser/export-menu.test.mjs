// The playground's Export menu and "Import PyTorch weights" (issue 13, the page): a model trained
// in the tab leaves as ONNX (run here in onnxruntime-node against the engine's own outputs), as a
// PyTorch folder (.zip) whose train.py continues with the page's settings, and as safetensors,
// which comes back in through the import with the same accuracy; bad weights are refused naming
// what does not fit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import * as ort from 'onnxruntime-node';
import { TMP, SHOTS, startBrowser, openPlayground, startRun, waitForRunEnd, button } from './lib.mjs';
import { load } from '../../bindings/wasmgrad.js';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: true }));
});
after(() => close?.());

async function exportAs(page, label) {
  await page.getByText('Export model').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
  const file = path.join(TMP, download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: await fs.readFile(file), file };
}

test('a model trained in the tab leaves as ONNX, PyTorch and safetensors, and its weights come back (slow: trains, runs python3)', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const { page, problems } = await openPlayground(context, server, { hash: '#model=cnn&epochs=1&lr=0.002' });
  await waitForRunEnd(page, await startRun(page), 120_000);
  const trained = (await page.evaluate(() => window.wasmgradApp.epochs))[0].validationAccuracy;
  const [saved] = await Promise.all([page.waitForEvent('download'), button(page, 'Save model').click()]);
  const modelFile = path.join(TMP, 'export-menu.wgm');
  await saved.saveAs(modelFile);

  // ONNX: onnxruntime gives the engine's logits for the same weights.
  const onnx = await exportAs(page, 'ONNX (.onnx, opset 17)');
  assert.equal(onnx.name, 'wasmgrad-cnn.onnx');
  const engine = await load({ threads: false });
  const model = engine.loadModel(await fs.readFile(modelFile));
  const { test: digits } = await engine.digits();
  const inputs = digits.inputs(0, 8);
  const expected = model.outputs(inputs);
  const session = await ort.InferenceSession.create(onnx.bytes);
  const { logits } = await session.run({ input: new ort.Tensor('float32', inputs, [8, 1, 28, 28]) });
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(logits.data[i] - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])), `logit ${i}: ${logits.data[i]} vs ${expected[i]}`);
  }

  // PyTorch: one folder in a zip, and train.py continues with the page's settings from epoch 1.
  const pytorch = await exportAs(page, 'PyTorch (.zip: model.py, train.py, weights)');
  const files = unzipSync(new Uint8Array(pytorch.bytes));
  assert.deepEqual(Object.keys(files).sort(), ['wasmgrad-pytorch/README.md', 'wasmgrad-pytorch/model.py', 'wasmgrad-pytorch/spec.json',
    'wasmgrad-pytorch/train.py', 'wasmgrad-pytorch/weights.safetensors']);
  const trainPy = strFromU8(files['wasmgrad-pytorch/train.py']);
  assert.match(trainPy, /adam/);
  assert.match(trainPy, /0\.002/);
  assert.match(strFromU8(files['wasmgrad-pytorch/model.py']), /conv1/);

  // safetensors alone, and back in: the same accuracy.
  const weights = await exportAs(page, 'safetensors (weights only)');
  await button(page, 'Reset').click();
  await page.getByLabel(/safetensors weights/).setInputFiles(weights.file);
  await page.waitForFunction(() => /Imported weights on the validation set: accuracy/.test(document.querySelector('#app-messages').textContent));
  const back = Number(/Imported weights on the validation set: accuracy ([\d.]+)%/.exec(await page.textContent('#app-messages'))[1]) / 100;
  assert.ok(Math.abs(back - trained) < 0.0006, `imported ${back} vs trained ${trained}`);

  // Weights that do not fit are refused, naming the tensor and the shapes; a cut file says so.
  const other = engine.model({ input: [1, 28, 28], layers: [{ type: 'conv2d', filters: 4, kernel: 5, pad: 2 }, { type: 'linear', units: 10 }] });
  await page.getByLabel(/safetensors weights/).setInputFiles({ name: 'other.safetensors', mimeType: 'application/octet-stream',
    buffer: Buffer.from(other.exportSafetensors()) });
  await page.waitForFunction(() => /Import PyTorch weights \(other\.safetensors\):/.test(document.querySelector('#app-messages').textContent));
  assert.match(await page.textContent('#app-messages'), /"conv1\.weight".*\[8, 1, 5, 5\].*\[4, 1, 5, 5\]/);
  await page.getByLabel(/safetensors weights/).setInputFiles({ name: 'cut.safetensors', mimeType: 'application/octet-stream',
    buffer: weights.bytes.subarray(0, 100) });
  await page.waitForFunction(() => /Import PyTorch weights \(cut\.safetensors\):/.test(document.querySelector('#app-messages').textContent));
  await page.screenshot({ path: path.join(SHOTS, 'export-menu.png') });
  assert.deepEqual(problems, []);
  for (const x of [model, digits, other]) x.dispose();
  await context.close();
});
