// The exporters in a browser Web Worker, as the playground will call them: headless Chromium
// (playwright-core), the project's Content-Security-Policy (no eval), a classic worker that
// imports the package, exports ONNX, a PyTorch folder and its .zip, and imports the weights back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../browser/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE_DIR = path.join(ROOT, 'build/test-tmp/export-worker');
let browser;
let server;

const WORKER = `'use strict';
const violations = [];
self.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective + ' ' + event.blockedURI));
(async () => {
  try {
    const api = await import('/bindings/wasmgrad.js');
    const engine = await api.load();
    const model = engine.model('cnn');
    const onnx = model.exportONNX();
    const files = model.exportPyTorch();
    const zip = api.zipFolder(files, 'cnn-pytorch');
    const back = engine.importSafetensors('cnn', files['weights.safetensors']);
    const input = new Float32Array(784).map((_, i) => (i % 29) / 28);
    const same = model.outputs(input, 1).every((v, i) => v === back.outputs(input, 1)[i]);
    let refused = '';
    try { engine.importSafetensors('mlp', files['weights.safetensors']); } catch (error) { refused = error.message; }
    postMessage({ build: engine.build, onnx: onnx.length, onnxIsUint8: onnx instanceof Uint8Array, names: Object.keys(files).sort(),
      zip: Array.from(zip.subarray(0, 4)), zipLength: zip.length, same, refused, violations });
  } catch (error) {
    postMessage({ error: String(error && error.stack || error), violations });
  }
})();
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>export in a worker</title><script src="page.js"></script>`;
const PAGE_SCRIPT = `window.result = new Promise((resolve) => {
  const worker = new Worker('worker.js');
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => resolve({ error: event.message });
});`;

before(async () => {
  await fs.mkdir(PAGE_DIR, { recursive: true });
  await fs.writeFile(path.join(PAGE_DIR, 'index.html'), PAGE);
  await fs.writeFile(path.join(PAGE_DIR, 'page.js'), PAGE_SCRIPT);
  await fs.writeFile(path.join(PAGE_DIR, 'worker.js'), WORKER);
  server = await startServer(0, { isolated: true, csp: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
  server?.close();
  await fs.rm(PAGE_DIR, { recursive: true, force: true });
});

test('a classic Worker under the CSP exports ONNX, PyTorch and a .zip, and imports the weights back', async () => {
  const page = await browser.newPage();
  const consoleErrors = [];
  const missing = [];
  page.on('console', (message) => { if (message.type() === 'error' && !/status of 404/.test(message.text())) consoleErrors.push(message.text()); });
  page.on('response', (response) => { if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) missing.push(response.url()); });
  await page.goto(`http://127.0.0.1:${server.address().port}/build/test-tmp/export-worker/`);
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  assert.match(result.build, /^simd(-relaxed)?-threads$/, 'the threaded build (relaxed where the browser validates it)');
  assert.ok(result.onnxIsUint8 && result.onnx > 20000, `onnx: ${result.onnx} bytes`);
  assert.deepEqual(result.names, ['README.md', 'model.py', 'spec.json', 'train.py', 'weights.safetensors']);
  assert.deepEqual(result.zip, [0x50, 0x4b, 0x03, 0x04], 'a zip file (PK\\x03\\x04)');
  assert.ok(result.same, 'the imported weights give the same outputs');
  assert.match(result.refused, /tensor "linear1\.weight": the spec expects shape \[128, 784\], the file has \[10, 784\]/);
  assert.deepEqual(result.violations, []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(missing, [], 'every file the worker needs is served');
  await page.close();
});
