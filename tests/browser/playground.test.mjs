// End-to-end tests of the playground with the real engine (headless Chromium via playwright-core):
// which build runs with and without cross-origin isolation, training the MLP preset to >= 90% on
// the bundled test split while the page stays responsive, the draw pad's live prediction, the
// receptive-field view, the model editor's engine errors, saving / restoring / loading a model,
// and IDX uploads (plain, gzipped, corrupt). Needs scripts/build.sh all (build/engine, build/data).
// Screenshots go to build/screenshots/playground-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'build/screenshots');
const TMP = path.join(ROOT, 'build/test-tmp');
let isolatedServer, plainServer, browser;

before(async () => {
  isolatedServer = await startServer(0, { isolated: true });
  plainServer = await startServer(0, { isolated: false });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  await fs.mkdir(SHOTS, { recursive: true });
  await fs.mkdir(TMP, { recursive: true });
});

after(async () => {
  await browser?.close();
  await Promise.all([isolatedServer, plainServer].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve()))));
});

const url = (server, hash = '') => `http://127.0.0.1:${server.address().port}/web/index.html${hash}`;

/** A page with the engine loaded (Start enabled); problems collects console errors and page errors. */
async function open({ server = isolatedServer, hash = '', context = null, viewport = { width: 1400, height: 900 } } = {}) {
  const page = await (context ?? browser).newPage({ viewport, acceptDownloads: true });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url(server, hash));
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('#layer-table-view tbody tr'), null, { timeout: 30_000 });
  return { page, problems };
}

const messages = (page) => page.$$eval('#app-messages .message', (nodes) => nodes.map((n) => `${n.className}: ${n.textContent}`));

async function waitForStatus(page, status, timeout = 60_000) {
  await page.waitForFunction((s) => window.wasmgradApp.status === s, status, { timeout });
}

test('with COOP/COEP the threaded build runs, and the badge says so', async () => {
  const { page, problems } = await open();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const badge = await page.textContent('#build-badge');
  assert.match(badge, /^simd-threads · [2-4] threads · cross-origin isolated$/);
  assert.equal(await page.getAttribute('#build-badge', 'class'), 'badge fast');
  assert.deepEqual(problems, []);
  await page.close();
});

test('without COOP/COEP the single-thread SIMD build runs, and the badge says why', async () => {
  const { page, problems } = await open({ server: plainServer, hash: '#model=mlp' });
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(await page.textContent('#build-badge'), 'simd · 1 thread · not cross-origin isolated');
  assert.match(await page.getAttribute('#build-badge', 'title'), /COOP\/COEP/);
  // It still trains: one step gives a progress line.
  await page.click('#step');
  await page.waitForFunction(() => window.wasmgradApp.log.length === 1);
  assert.match(await page.textContent('#progress-view'), /Epoch 1\/3 · batch 1\/250/);
  await page.screenshot({ path: path.join(SHOTS, 'playground-single-thread.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the MLP preset trains to >= 90% on the bundled test split; the page stays responsive', async () => {
  const { page, problems } = await open({ hash: '#model=mlp&epochs=2&lr=0.002&batch=32' });
  assert.match(await page.textContent('#layer-table-view tfoot'), /101,770/);  // 784*128+128 + 128*10+10
  await page.click('#start');
  await page.waitForFunction(() => window.wasmgradApp.log.length >= 3);
  // The UI thread answers quickly while the worker trains, and a click is handled mid-run.
  const started = Date.now();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  assert.ok(Date.now() - started < 500, `a frame took ${Date.now() - started} ms during training`);
  await page.click('#pause');
  await waitForStatus(page, 'paused', 2000);
  const pausedAt = await page.evaluate(() => window.wasmgradApp.log.length);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.wasmgradApp.log.length), pausedAt, 'no progress while paused');
  assert.equal(await page.isDisabled('#resume'), false);
  // A live learning-rate change reaches the trainer.
  await page.evaluate(() => {
    const slider = document.querySelector('#learning-rate');
    slider.value = String(Math.log10(0.001));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.click('#resume');
  await page.waitForFunction(() => window.wasmgradApp.log.some((p) => Math.abs(p.learningRate - 0.001) < 1e-9), null, { timeout: 30_000 });
  await waitForStatus(page, 'finished', 120_000);
  const epochs = await page.evaluate(() => window.wasmgradApp.epochs);
  assert.equal(epochs.length, 2);
  assert.ok(epochs[1].validationAccuracy >= 0.9, `test accuracy ${epochs[1].validationAccuracy}`);
  assert.match(await page.textContent('#confusion-view'), /Overall accuracy/);
  assert.match(await page.textContent('#curves-view .chart-summary'), /Epoch 2/);
  assert.equal(await page.$$eval('#filters-view canvas', (c) => c.length), 32);  // hidden units as 28x28 images
  assert.ok(await page.$$eval('#histogram-view canvas', (c) => c.length) >= 2);

  // A confusion cell asks the worker for its examples.
  await page.click('#confusion-view button.cell.diagonal');
  await page.waitForFunction(() => document.querySelector('#confusion-examples canvas'));
  assert.match(await page.textContent('#confusion-examples'), /true 0 → predicted 0: 24 examples \(first\)/);

  // The training log exports as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  const csv = await fs.readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'kind,epoch,batch,batches,loss,accuracy,learning_rate,samples_per_second,validation_loss,validation_accuracy,seconds');
  assert.equal(lines.filter((l) => l.startsWith('epoch,')).length, 2);

  // Draw a digit: a vertical stroke, a "1".
  const pad = await page.$('#draw-pad-view canvas.draw-canvas');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.52 - i * 0.003), box.y + box.height * (0.15 + i * 0.058));
  await page.mouse.up();
  await page.waitForFunction(() => /Prediction: \d/.test(document.querySelector('#probabilities-view .prob-verdict').textContent));
  const verdict = await page.textContent('#probabilities-view .prob-verdict');
  assert.match(verdict, /Prediction: 1 \(/, verdict);
  await page.screenshot({ path: path.join(SHOTS, 'playground-trained-mlp.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('receptive fields: picking a layer and a unit of the small CNN outlines its input region', async () => {
  const { page, problems } = await open({ hash: '#model=small-cnn' });
  // The engine's summary reaches the view in the protocol's geometry (top-left start).
  const rows = await page.$$eval('#receptive-field-view tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.deepEqual(rows.slice(0, 3), ['conv18×28×285×51-2', 'relu18×28×285×51-2', 'maxpool18×14×146×62-2']);
  await page.click('#receptive-field-view tbody tr:nth-child(6) button');  // maxpool2: 16x16, jump 4
  const canvas = await page.$('#receptive-field-view canvas.rf-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
  const caption = await page.textContent('#receptive-field-view .view-caption');
  assert.match(caption, /^Unit \(\d, \d\) of maxpool2 sees input rows -?\d+…\d+, columns -?\d+…\d+: 16×16 pixels/);
  const introspection = await page.evaluate(() => window.wasmgradApp.build.introspection);
  if (introspection) {  // the effective receptive field arrives from the engine
    await page.waitForFunction(() => /heat map/.test(document.querySelectorAll('#receptive-field-view canvas')[1].getAttribute('aria-label')));
  }
  await (await page.$('#receptive-field-view')).screenshot({ path: path.join(SHOTS, 'playground-receptive-field.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the model editor shows per-layer shapes and the engine error for an invalid model', async () => {
  const { page, problems } = await open({ hash: '#model=small-cnn' });
  const facts = () => page.$$eval('#layer-editor .layer-editor-facts', (n) => n.map((x) => x.textContent));
  assert.equal((await facts())[0], 'conv1 → 8×28×28 · 208 params · 156,800 MACs');
  // 28 -> conv 11 -> 18 -> pool -> 9: a second 11x11 kernel does not fit; the engine says so, inline.
  await page.fill('#layers', 'conv.8.11.1.0_maxpool.2.2_conv.8.11.1.0_flatten_linear.10');
  await page.waitForFunction(() => !document.querySelector('#layer-table-view .inline-error').hidden);
  const error = await page.textContent('#layer-table-view .inline-error');
  assert.match(error, /larger than .*input 9x9/, error);
  assert.equal(await page.textContent('#layer-editor .inline-error'), error);
  assert.match(await page.evaluate(() => location.hash), /model=custom/);
  await page.screenshot({ path: path.join(SHOTS, 'playground-editor-error.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });
  // Fixed in the editor: kernel 5 for layer 3.
  const kernel = page.locator('#layer-editor input[aria-label="Layer 3 kernel"]');
  await kernel.fill('5');
  await kernel.press('Tab');
  await page.waitForFunction(() => document.querySelector('#layer-table-view .inline-error').hidden);
  assert.match((await facts())[2], /^conv2 → 8×5×5 · 1,608 params/);
  assert.match(await page.evaluate(() => location.hash), /layers=conv\.8\.11\.1\.0_maxpool\.2\.2_conv\.8\.5\.1\.0_flatten_linear\.10/);
  // Remove the flatten (linear flattens by itself), add a relu, move it up.
  await page.click('#layer-editor button[aria-label="Remove layer 4"]');
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody tr').length === 4);
  assert.match((await facts()).at(-1), /linear1 → 10 · 2,010 params/);  // 8*5*5*10 + 10
  await page.selectOption('#layer-editor .layer-editor-add select', 'relu');
  await page.click('#layer-editor .layer-editor-add button');  // goes before the classifier
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody tr').length === 5);
  for (const n of [4, 3]) await page.click(`#layer-editor button[aria-label="Move up layer ${n}"]`);
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody th')[1].textContent === 'relu1');
  assert.match(await page.evaluate(() => location.hash), /layers=conv\.8\.11\.1\.0_relu_maxpool\.2\.2_conv\.8\.5\.1\.0_linear\.10/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a saved model downloads, is offered after a reload, restores, and loads from a file', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const { page, problems } = await open({ context, hash: '#model=mlp&epochs=1' });
  await page.click('#start');
  await waitForStatus(page, 'finished', 120_000);
  const trained = await page.evaluate(() => window.wasmgradApp.epochs[0].validationAccuracy);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-model')]);
  assert.match(download.suggestedFilename(), /^wasmgrad-mlp-.*\.wgm$/);
  const file = path.join(TMP, 'saved.wgm');
  await download.saveAs(file);
  const bytes = await fs.readFile(file);
  assert.equal(bytes.subarray(0, 7).toString('latin1'), 'WGMODEL');
  await page.waitForFunction(() => /in this browser/.test(document.querySelector('#app-messages').textContent));

  // After a reload (a fresh, untrained model) the page offers the stored one.
  await page.reload();
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  await page.waitForSelector('#restore-offer:not([hidden])');
  assert.match(await page.textContent('#restore-offer'), /wasmgrad-mlp-.*\.wgm/);
  await page.click('#restore-model');
  await page.waitForFunction(() => /Model evaluated/.test(document.querySelector('#app-messages').textContent));
  const restored = Number(/accuracy ([\d.]+)%/.exec(await page.textContent('#app-messages'))[1]) / 100;
  assert.ok(Math.abs(restored - trained) < 0.001, `restored ${restored} vs trained ${trained}`);

  // Loading from a file; a corrupt file is refused with the engine's message.
  await page.click('#reset');
  await page.setInputFiles('#load-model-file', file);
  await page.waitForFunction(() => document.querySelectorAll('#app-messages .message').length >= 2 &&
    /Model loaded: 101,770 parameters/.test(document.querySelector('#app-messages').textContent));
  const corrupt = Buffer.from(bytes);
  corrupt[corrupt.length - 100] ^= 0xff;
  await page.setInputFiles('#load-model-file', { name: 'corrupt.wgm', mimeType: 'application/octet-stream', buffer: corrupt });
  await page.waitForSelector('#app-messages .message.error');
  assert.match(await page.textContent('#app-messages .message.error'), /model file: .*(CRC|corrupt)/i);
  assert.deepEqual(problems, []);
  await context.close();
});

/** An IDX image file of n 28x28 images (a bright square whose position encodes the label) and its labels. */
function makeIdx(n) {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[8 + i] = label;
    for (let y = 4; y < 10; y++) for (let x = 2 + label * 2; x < 6 + label * 2; x++) images[16 + i * 784 + y * 28 + x] = 255;
  }
  return { images, labels };
}

test('IDX uploads: plain and gzipped files load, a corrupt one shows the engine message', async () => {
  const { page, problems } = await open({ hash: '#model=linear' });
  const { images, labels } = makeIdx(200);
  // Plain pair
  await page.setInputFiles('#idx-files', [
    { name: 'squares-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
    { name: 'squares-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForFunction(() => /squares-images-idx3-ubyte \(170 train, 30 validation\)/.test(document.querySelector('#data-status').textContent));
  assert.equal(await page.$$eval('#gallery-view canvas', (c) => c.length), 32);
  // Gzipped train + test pairs
  const test = makeIdx(50);
  await page.setInputFiles('#idx-files', [
    { name: 'train-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(images) },
    { name: 'train-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(labels) },
    { name: 't10k-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.images) },
    { name: 't10k-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.labels) },
  ]);
  await page.waitForFunction(() => /\(200 train\) \+ t10k-images-idx3-ubyte\.gz \(50 test\)/.test(document.querySelector('#data-status').textContent));
  await page.click('#start');
  await waitForStatus(page, 'finished', 60_000);
  // Corrupt: the image file is cut short.
  await page.setInputFiles('#idx-files', [
    { name: 'cut-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images.subarray(0, 5000) },
    { name: 'cut-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForSelector('#app-messages .message.error');
  const error = await page.textContent('#app-messages .message.error');
  assert.match(error, /^IDX files: cut-images-idx3-ubyte \+ cut-labels-idx1-ubyte: .+/);
  assert.match(await page.textContent('#data-status'), /^Not loaded: /);
  await page.screenshot({ path: path.join(SHOTS, 'playground-idx-error.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the static dist/ build gets threads on a host without headers, through its service worker', async () => {
  const out = path.join(TMP, 'dist');
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-dist.mjs'), out], { stdio: 'pipe' });
  const server = await startServer(0, { isolated: false, root: out });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);  // dist/index.html -> web/
    await page.waitForFunction(() => document.querySelector('#start') && !document.querySelector('#start').disabled, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match(await page.textContent('#build-badge'), /^simd-threads · [2-4] threads · cross-origin isolated$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
