// End-to-end tests of the playground with the real engine (headless Chromium via playwright-core):
// which build runs with and without cross-origin isolation, training the MLP preset to >= 90% on
// the bundled test split while the page stays responsive, the draw pad's live prediction, the
// receptive-field view, the layer editor and the engine's located errors, saving / restoring /
// loading a model, IDX uploads (plain, gzipped, corrupt), 2-D point sets with their decision
// boundary, what a trained CNN shows (saliency, class images, effective receptive field,
// histograms, deeper filters) and the summary table at phone and projector width. Controls are
// found by role and label. Needs scripts/build.sh all (build/engine, build/data, build/vendor).
// Screenshots go to build/screenshots/playground-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from './static-server.mjs';
import {
  ROOT, SHOTS, TMP, launch, openPlayground, startRun, waitForRunEnd, waitForStatus, typeInto, button, canvasStats, makeIdx, drawOne,
} from './lib.mjs';

let isolatedServer, plainServer, browser;

before(async () => {
  isolatedServer = await startServer(0, { isolated: true });
  plainServer = await startServer(0, { isolated: false });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await Promise.all([isolatedServer, plainServer].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve()))));
});

const open = ({ server = isolatedServer, hash = '', context = null, viewport } = {}) =>
  openPlayground(context ?? browser, server, { hash, viewport });

test('with COOP/COEP the threaded build runs, and the badge says so', async () => {
  const { page, problems } = await open();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const badge = await page.textContent('#build-badge');
  assert.match(badge, /^simd(-relaxed)?-threads · [2-4] threads · cross-origin isolated$/);
  assert.equal(await page.getAttribute('#build-badge', 'class'), 'badge fast');
  assert.deepEqual(problems, []);
  await page.close();
});

test('without COOP/COEP the single-thread SIMD build runs, and the badge says why', async () => {
  const { page, problems } = await open({ server: plainServer, hash: '#model=mlp' });
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.match(await page.textContent('#build-badge'), /^simd(-relaxed)? · 1 thread · not cross-origin isolated$/);
  assert.match(await page.getAttribute('#build-badge', 'title'), /COOP\/COEP/);
  // It still trains: one step gives a progress line.
  await button(page, 'Step').click();
  await page.waitForFunction(() => window.wasmgradApp.log.length === 1);
  assert.match(await page.textContent('#progress-view'), /Epoch 1\/3 · batch 1\/250/);
  await page.screenshot({ path: path.join(SHOTS, 'playground-single-thread.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the MLP preset trains to >= 90% on the bundled test split; the page stays responsive (slow: trains)', async () => {
  // Four epochs: the MLP trains one in under a second on a fast machine, and the run must still be
  // going while the frames are counted and Pause is pressed.
  const { page, problems } = await open({ hash: '#model=mlp&epochs=4&lr=0.002&batch=32' });
  assert.match(await page.textContent('#layer-table-view tfoot'), /101,770/);  // 784*128+128 + 128*10+10
  const run = await startRun(page);
  await page.waitForFunction(() => window.wasmgradApp.log.length >= 3);
  // The UI thread keeps drawing while the worker trains, and a click is handled mid-run. (How long a
  // frame takes is the machine's business and is not asserted: it is printed for reading.)
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const times = [];
    const tick = (now) => { times.push(now); if (times.length < 5) requestAnimationFrame(tick); else resolve(times); };
    requestAnimationFrame(tick);
  }));
  assert.equal(await page.evaluate(() => window.wasmgradApp.status), 'training', 'the frames were drawn while training');
  console.log(`# frames during training: ${frames.slice(1).map((t, i) => (t - frames[i]).toFixed(0)).join(', ')} ms apart`);
  await button(page, 'Pause').click();
  await waitForStatus(page, 'paused');
  // Mid-epoch or at an epoch's end: how fast the machine trains decides which.
  assert.match(await page.getByRole('status').filter({ hasText: /^Paused (at epoch [1-4] of 4, batch \d+ of 250|after epoch [1-3]: Resume continues with epoch [2-4] of 4)\.$/ })
    .textContent(), /Paused/);
  const pausedAt = await page.evaluate(() => window.wasmgradApp.log.length);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.wasmgradApp.log.length), pausedAt, 'no progress while paused');
  assert.equal(await button(page, 'Resume').isDisabled(), false);
  // A live learning-rate change reaches the trainer.
  await page.getByLabel('Learning rate (log scale)').fill(String(Math.log10(0.001)));
  await button(page, 'Resume').click();
  await page.waitForFunction(() => window.wasmgradApp.log.some((p) => Math.abs(p.learningRate - 0.001) < 1e-9), null, { timeout: 30_000 });
  await waitForRunEnd(page, run, 120_000);
  const epochs = await page.evaluate(() => window.wasmgradApp.epochs);
  assert.equal(epochs.length, 4);
  assert.ok(epochs[3].validationAccuracy >= 0.9, `test accuracy ${epochs[3].validationAccuracy}`);
  await page.waitForFunction(() => /Overall accuracy/.test(document.querySelector('#confusion-view').textContent));
  assert.match(await page.textContent('#curves-view .chart-summary'), /Epoch 4/);
  await page.waitForFunction(() => document.querySelectorAll('#filters-view canvas').length === 32);  // hidden units as 28x28 images
  assert.ok(await page.$$eval('#histogram-view canvas', (c) => c.length) >= 2);

  // A confusion cell asks the worker for its examples.
  await page.getByRole('button', { name: /^true 0, predicted 0:/ }).click();
  await page.waitForFunction(() => document.querySelector('#confusion-examples canvas'));
  assert.match(await page.textContent('#confusion-examples'), /true 0 → predicted 0: 24 examples \(first\)/);

  // The training log exports as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Export log (CSV)').click()]);
  const csv = await fs.readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'kind,epoch,x,loss,accuracy,validation_loss,validation_accuracy,seconds');
  assert.equal(lines.filter((l) => l.startsWith('epoch,')).length, 4);

  // Draw a digit: a vertical stroke, a "1".
  await drawOne(page);
  await page.waitForFunction(() => /Prediction: \d/.test(document.querySelector('#probabilities-view .prob-verdict').textContent) &&
    /drawn/.test(document.querySelector('#input-source').textContent));
  await page.waitForFunction(() => /Prediction: 1 \(/.test(document.querySelector('#probabilities-view .prob-verdict').textContent));
  await page.screenshot({ path: path.join(SHOTS, 'playground-trained-mlp.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('receptive fields: picking a layer and a unit of the small CNN outlines its input region', async () => {
  const { page, problems } = await open({ hash: '#model=cnn' });
  // The engine's summary reaches the view in the protocol's geometry (top-left start).
  const rows = await page.$$eval('#receptive-field-view tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.deepEqual(rows.slice(0, 3), ['conv18×28×285×51-2', 'relu18×28×285×51-2', 'maxpool18×14×146×62-2']);
  // The table says which convention "start" follows (the engine's own summary gives the centre).
  assert.equal(await page.textContent('#receptive-field-view thead th:last-child'), 'Start (top-left)');
  assert.match(await page.textContent('#receptive-field-view caption'), /Start is the top-left input pixel that unit \(0, 0\) sees.*centre is start \+ \(size − 1\)\/2/);
  await page.locator('#receptive-field-view').getByRole('button', { name: 'maxpool2' }).click();  // 16x16, jump 4
  const canvas = page.getByRole('img', { name: 'Input image with receptive field' });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
  const caption = await page.textContent('#receptive-field-view .view-caption');
  assert.match(caption, /^Unit \(\d, \d\) of maxpool2 \(channel 1 of 16\) sees input rows -?\d+…\d+, columns -?\d+…\d+: 16×16 pixels/);
  // Another channel of the same unit: the caption and the heat map follow it.
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: '5 of 16' });
  await page.waitForFunction(() => /\(channel 5 of 16\)/.test(document.querySelector('#receptive-field-view .view-caption').textContent));
  await page.waitForFunction(() => /heat map/.test(document.querySelectorAll('#receptive-field-view canvas')[1].getAttribute('aria-label')));
  await (await page.$('#receptive-field-view')).screenshot({ path: path.join(SHOTS, 'playground-receptive-field.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the layer editor shows per-layer shapes and the engine\'s located error for an invalid model', async () => {
  const { page, problems } = await open({ hash: '#model=cnn' });
  const facts = () => page.$$eval('#layer-editor .layer-editor-facts', (n) => n.map((x) => x.textContent));
  assert.equal((await facts())[0], 'conv1 → 8×28×28 · 208 params · 156,800 MACs');
  // 28 -> conv 11 -> 18 -> pool -> 9: a second 11x11 kernel does not fit; the engine says so, at that layer and field.
  await typeInto(page.getByLabel('Layer list'), 'conv2d.8.11.1.0_maxpool.2.2_conv2d.8.11.1.0_flatten_linear.10');
  await page.waitForFunction(() => !document.querySelector('#layer-table-view .inline-error').hidden);
  const error = await page.textContent('#layer-table-view .inline-error');
  assert.equal(error, 'Layer 3 (conv2d), kernel: kernel 11 larger than input 9x9');
  assert.deepEqual(await page.$$eval('#layer-editor li.has-error .layer-index', (n) => n.map((x) => x.textContent)), ['3']);
  assert.equal(await page.getByLabel('Layer 3 kernel').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.textContent('#layer-editor li.has-error .layer-error'), error);
  assert.match(await page.evaluate(() => location.hash), /model=custom/);
  await page.screenshot({ path: path.join(SHOTS, 'playground-editor-error.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });
  // Fixed in the editor: kernel 5 for layer 3.
  await typeInto(page.getByLabel('Layer 3 kernel'), '5');
  await page.waitForFunction(() => document.querySelector('#layer-table-view .inline-error').hidden);
  assert.match((await facts())[2], /^conv2 → 8×5×5 · 1,608 params/);
  assert.equal(await page.$$eval('#layer-editor li.has-error', (n) => n.length), 0);
  assert.deepEqual(await page.$$eval('#layer-table-view tbody td.index', (n) => n.map((x) => x.textContent)), ['1', '2', '3', '4', '5']);
  assert.match(await page.evaluate(() => location.hash), /layers=conv2d\.8\.11_maxpool\.2_conv2d\.8\.5_flatten_linear\.10/);
  // Remove the flatten (linear flattens by itself), add a relu (it goes before the classifier), move it up.
  await button(page, 'Remove layer 4').click();
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody tr').length === 4);
  assert.match((await facts()).at(-1), /linear1 → 10 · 2,010 params/);  // 8*5*5*10 + 10
  await page.getByLabel('Type of the layer to add').selectOption('relu');
  await button(page, 'Add layer').click();
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody tr').length === 5);
  for (const n of [4, 3]) {
    await button(page, `Move up layer ${n}`).click();
    await page.waitForFunction((row) => document.querySelectorAll('#layer-editor .layer-editor-row select')[row - 2]?.value === 'relu', n);
  }
  await page.waitForFunction(() => document.querySelectorAll('#layer-table-view tbody th .layer-name')[1].textContent === 'relu1');
  assert.match(await page.evaluate(() => location.hash), /layers=conv2d\.8\.11_relu_maxpool\.2_conv2d\.8\.5_linear\.10/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a saved model downloads, is offered after a reload, restores with its history, and loads from a file', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const { page, problems } = await open({ context, hash: '#model=mlp&epochs=1' });
  await waitForRunEnd(page, await startRun(page), 120_000);
  const trained = await page.evaluate(() => window.wasmgradApp.epochs[0].validationAccuracy);
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Save model').click()]);
  assert.match(download.suggestedFilename(), /^wasmgrad-mlp-.*\.wgm$/);
  const file = path.join(TMP, 'saved.wgm');
  await download.saveAs(file);
  const bytes = await fs.readFile(file);
  assert.equal(bytes.subarray(0, 7).toString('latin1'), 'WGMODEL');
  await page.waitForFunction(() => /in this browser/.test(document.querySelector('#app-messages').textContent));

  // After a reload (a fresh, untrained model) the page offers the stored one.
  await page.reload();
  await page.getByRole('button', { name: 'Restore it' }).waitFor({ timeout: 90_000 });
  assert.match(await page.textContent('#restore-offer'), /wasmgrad-mlp-.*\.wgm/);
  await page.getByRole('button', { name: 'Restore it' }).click();
  await page.waitForFunction(() => /Model evaluated/.test(document.querySelector('#app-messages').textContent));
  const restored = Number(/accuracy ([\d.]+)%/.exec(await page.textContent('#app-messages .message[data-key="evaluation"]'))[1]) / 100;
  assert.ok(Math.abs(restored - trained) < 0.001, `restored ${restored} vs trained ${trained}`);
  assert.equal((await page.evaluate(() => window.wasmgradApp.epochs)).length, 1, 'the history came back with the model');

  // Loading from a file; a corrupt file is refused with the engine's message.
  await button(page, 'Reset').click();
  await page.getByRole('button', { name: 'Reset', exact: true }).last().click();  // "Reset the model?" (a restored run counts as in progress)
  await page.getByLabel('Model file to load').setInputFiles(file);
  await page.waitForFunction(() => /Model loaded: 101,770 parameters, trained for 1 epoch/.test(document.querySelector('#app-messages').textContent));
  const corrupt = Buffer.from(bytes);
  corrupt[corrupt.length - 100] ^= 0xff;
  await page.getByLabel('Model file to load').setInputFiles({ name: 'corrupt.wgm', mimeType: 'application/octet-stream', buffer: corrupt });
  await page.waitForSelector('#app-messages .message.error');
  assert.match(await page.textContent('#app-messages .message.error'), /model file: .*(CRC|corrupt)/i);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Restore pressed while the data are still loading: the restored weights stay (no reading of the model rebuilds it after them)', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const { page, problems } = await open({ context, hash: '#model=mlp&epochs=1' });
  await waitForRunEnd(page, await startRun(page), 120_000);
  const trained = await page.evaluate(() => window.wasmgradApp.epochs[0].validationAccuracy);
  await Promise.all([page.waitForEvent('download'), button(page, 'Save model').click()]);
  await page.waitForFunction(() => /in this browser/.test(document.querySelector('#app-messages').textContent));

  // Hold one of the digits files until Restore has been pressed: the page then asks the engine to
  // read the model for the new data while the restored model is being loaded (the order that
  // once put fresh weights over the restored ones).
  // Restore is pressed only once the held request has been made (on a busy machine the offer can
  // come before the worker asks for the digits).
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let markHeld;
  const held = new Promise((resolve) => { markHeld = resolve; });
  await context.route(/digits-test-labels-idx1-ubyte\.gz/, async (route) => {
    markHeld();
    await gate;
    await route.continue();
  });
  await page.reload();
  await page.getByRole('button', { name: 'Restore it' }).waitFor({ timeout: 90_000 });
  await held;
  assert.equal(await page.evaluate(() => window.wasmgradApp.store.get().data.status), 'loading', 'the digits are still loading');
  await page.getByRole('button', { name: 'Restore it' }).click();
  release();
  await page.waitForFunction(() => /Model evaluated/.test(document.querySelector('#app-messages').textContent));
  const restored = Number(/accuracy ([\d.]+)%/.exec(await page.textContent('#app-messages .message[data-key="evaluation"]'))[1]) / 100;
  assert.ok(Math.abs(restored - trained) < 0.001, `restored ${restored} vs trained ${trained}`);
  assert.deepEqual(problems, []);
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test('IDX uploads: plain and gzipped files load, a corrupt one is refused naming the file', async () => {
  const { page, problems } = await open({ hash: '#model=perceptron' });
  const { images, labels } = makeIdx(2000);
  const input = page.getByLabel('IDX files (.gz or plain)');
  // Plain pair
  await input.setInputFiles([
    { name: 'squares-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
    { name: 'squares-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForFunction(() => /squares-images-idx3-ubyte \(1,700 train, 300 validation\)/.test(document.querySelector('#data-status').textContent));
  assert.equal(await page.getByLabel('Dataset').inputValue(), 'idx');
  assert.equal(await page.$$eval('#gallery-view canvas', (c) => c.length), 32);
  // Gzipped train + test pairs
  const test = makeIdx(50);
  await input.setInputFiles([
    { name: 'train-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(images) },
    { name: 'train-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(labels) },
    { name: 't10k-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.images) },
    { name: 't10k-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.labels) },
  ]);
  await page.waitForFunction(() => /\(2,000 train\) \+ t10k-images-idx3-ubyte\.gz \(50 test\)/.test(document.querySelector('#data-status').textContent));
  await waitForRunEnd(page, await startRun(page));
  // Corrupt: the image file is cut short.
  await input.setInputFiles([
    { name: 'cut-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images.subarray(0, 5000) },
    { name: 'cut-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
  ]);
  await page.waitForSelector('#app-messages .message.error');
  const error = await page.textContent('#app-messages .message.error');
  assert.match(error, /^IDX files: cut-images-idx3-ubyte: corrupt IDX: header says \[2000, 28, 28\]/);
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
    await page.waitForFunction(() => document.querySelector('#start') && !document.querySelector('#start').disabled, null, { timeout: 90_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match(await page.textContent('#build-badge'), /^simd(-relaxed)?-threads · [2-4] threads · cross-origin isolated$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Share of a canvas's pixels whose hue leans to the orange class 0 and to the blue class 1. */
function classShares(page, selector) {
  return page.$eval(selector, (c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let orange = 0, blue = 0;
    for (let p = 0; p < data.length; p += 4) {
      if (data[p] > data[p + 2] + 40) orange += 1;
      else if (data[p + 2] > data[p] + 40) blue += 1;
    }
    const n = data.length / 4;
    return { orange: orange / n, blue: blue / n };
  });
}

test('2-D points: XOR trains to a visible decision boundary; image views step aside (slow: trains twice)', async () => {
  const { page, problems } = await open();
  // Choosing a 2-D set in the form: an MLP with 2 inputs and 2 outputs, settings for small data.
  await page.getByLabel('Dataset').selectOption('xor');
  await page.waitForFunction(() => /xor \(400 training and 100 validation points, noise 0.1\)/.test(document.querySelector('#data-status').textContent));
  await page.waitForFunction(() => document.querySelector('#model').value === 'mlp-2d');
  assert.deepEqual([await page.getByLabel('Epochs').inputValue(), await page.getByLabel('Learning rate', { exact: true }).inputValue(),
    await page.getByLabel('Batch size').inputValue()], ['100', '0.03', '16']);
  assert.match(await page.evaluate(() => location.hash), /data=xor&noise=0\.1&n=400&model=mlp-2d/);
  assert.match(await page.textContent('#app-messages'), /2-D points: the model and the training settings now suit this data/);
  assert.equal(await page.isVisible('#boundary-panel'), true);
  for (const hidden of ['#draw-pad-view', '#filters-view', '#activations-view', '#receptive-field-view', '#saliency-view',
    '#gallery-view', '#idx-files', 'input[name=augmentation]']) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} shows for 2-D points`);
  }
  // Image presets are not offered for points.
  const offered = await page.$$eval('#model option', (options) => options.filter((o) => !o.disabled).map((o) => o.value));
  assert.deepEqual(offered, ['perceptron', 'mlp-2d', 'hidden-4', 'custom']);

  // The lecture's XOR net: one hidden layer.
  await page.getByLabel('Architecture', { exact: true }).selectOption('hidden-4');
  await typeInto(page.getByLabel('Epochs'), '60');
  await page.getByLabel('Pace').selectOption('max');
  await page.waitForFunction(() => /^Total \(3 layers\)22/.test(document.querySelector('#layer-table-view tfoot').textContent));  // (2*4+4) + (4*2+2)
  await page.waitForSelector('#boundary-view canvas');
  await page.evaluate(() => {  // counts the boundary pictures drawn during the run
    const view = window.wasmgradApp.views.boundary;
    const draw = view.render.bind(view);
    window.boundaries = 0;
    view.render = (grid) => { window.boundaries += 1; draw(grid); };
  });
  await waitForRunEnd(page, await startRun(page));
  const epochs = await page.evaluate(() => window.wasmgradApp.epochs);
  assert.equal(epochs.length, 60);
  assert.ok(epochs.at(-1).trainAccuracy > 0.9, `XOR train accuracy ${epochs.at(-1).trainAccuracy}`);
  const boundaries = await page.evaluate(() => window.boundaries);
  assert.ok(boundaries >= 5, `the boundary updated ${boundaries} times during the run`);
  const stats = await canvasStats(page, '#boundary-view canvas');
  assert.ok(stats.width >= 200 && stats.distinct > 50, JSON.stringify(stats));
  const shares = await classShares(page, '#boundary-view canvas');
  assert.ok(shares.orange > 0.2 && shares.blue > 0.2, `both classes hold a region: ${JSON.stringify(shares)}`);
  await page.waitForFunction(() => /After epoch 60: training accuracy (9\d|100)\.\d%/.test(document.querySelector('#boundary-view .view-caption').textContent));
  await (await page.$('#boundary-panel')).screenshot({ path: path.join(SHOTS, 'playground-xor-boundary.png') });

  // A confusion cell rings its validation points on the boundary.
  await page.getByRole('button', { name: /^true 0, predicted 0:/ }).click();
  await page.waitForFunction(() => /Ringed: true 0 → predicted 0: \d+ validation points/.test(document.querySelector('#boundary-view').textContent));

  // Softmax regression cannot separate XOR (at most 3 of the 4 corners): the lecture's point.
  await page.getByLabel('Architecture', { exact: true }).selectOption('perceptron');
  await typeInto(page.getByLabel('Epochs'), '20');
  await page.waitForFunction(() => /^Total \(1 layers\)6/.test(document.querySelector('#layer-table-view tfoot').textContent));
  // The root cause of a flaky run on fresh machines: Start must not leave the last run's history
  // (or its "finished") standing for the new run, not even for a moment.
  const left = await page.evaluate(() => {
    document.querySelector('#start').click();
    return window.wasmgradApp.epochs.length;
  });
  assert.equal(left, 0, 'the history of the finished run is cleared the moment Start is pressed');
  const linearRun = await page.evaluate(() => window.wasmgradApp.runsStarted);
  await waitForRunEnd(page, linearRun);
  const linearEpochs = await page.evaluate(() => window.wasmgradApp.epochs);
  assert.deepEqual(linearEpochs.map((e) => e.epoch), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(linearEpochs.every((e) => e.run === linearRun), 'every epoch shown belongs to the run just started');
  const linear = linearEpochs.at(-1).trainAccuracy;
  assert.ok(linear < 0.8, `a linear model on XOR reached ${linear}`);

  // The link keeps the set, its noise and size; a new size makes new points.
  await typeInto(page.getByLabel('Points', { exact: true }), '200');
  await page.waitForFunction(() => /xor \(200 training and 50 validation points/.test(document.querySelector('#data-status').textContent));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /data=xor&noise=0\.1&n=200&model=perceptron/);
  const second = await open({ hash });
  assert.deepEqual([await second.page.getByLabel('Dataset').inputValue(), await second.page.getByLabel('Noise', { exact: true }).inputValue(),
    await second.page.getByLabel('Points', { exact: true }).inputValue(), await second.page.getByLabel('Architecture', { exact: true }).inputValue()],
  ['xor', '0.1', '200', 'perceptron']);
  assert.match(await second.page.textContent('#layer-table-view tbody'), /linear · 2 -> 2/);
  // An image preset in a link with 2-D data is refused visibly, and the points' default is used.
  const third = await open({ hash: '#data=spirals&model=lenet5' });
  await third.page.waitForFunction(() => /"lenet5" is not a model for 2-D points/.test(document.querySelector('#app-messages').textContent));
  await third.page.waitForFunction(() => document.querySelector('#model').value === 'mlp-2d');
  assert.deepEqual([...problems, ...second.problems, ...third.problems], []);
  await Promise.all([page.close(), second.page.close(), third.page.close()]);
});

test('a trained CNN shows saliency, class images, its effective receptive field, histograms and deeper filters (slow: trains)', async () => {
  const { page, problems } = await open({ hash: '#model=cnn&epochs=1' });
  // Filters: a menu of the conv layers, first layer by default.
  await page.waitForFunction(() => document.querySelectorAll('#filters-layer option').length === 2);
  assert.deepEqual(await page.$$eval('#filters-layer option', (o) => o.map((x) => x.textContent)), ['conv1', 'conv2']);
  assert.match(await page.textContent('#filters-view .view-caption'), /^conv1 · 8 filters of 1×5×5/);
  await waitForRunEnd(page, await startRun(page), 120_000);
  const accuracy = await page.evaluate(() => window.wasmgradApp.epochs[0].validationAccuracy);
  assert.ok(accuracy > 0.8, `small CNN after one epoch: ${accuracy}`);

  // Saliency of the first training example for its predicted class.
  await page.waitForFunction(() => /^Saliency of the first training example, label \d, for class \d \(predicted\)/.test(document.querySelector('#saliency-view .view-caption').textContent));
  const saliency = await canvasStats(page, '#saliency-view canvas', 1);
  assert.deepEqual([saliency.width, saliency.height], [28, 28]);
  assert.ok(saliency.distinct > 20 && saliency.painted > 0.05, JSON.stringify(saliency));
  // Another class: the map is recomputed for it.
  await page.getByLabel('Explain class').selectOption('3');
  await page.waitForFunction(() => /for class 3, score/.test(document.querySelector('#saliency-view .view-caption').textContent));

  // "What does class k look like": ten images by gradient ascent.
  await button(page, 'Show class images').click();
  await page.waitForFunction(() => /reflect the weights/.test(document.querySelector('#class-images-view').textContent), null, { timeout: 60_000 });
  const tiles = await page.$$eval('#class-images-view canvas', (c) => c.length);
  assert.equal(tiles, 10);
  for (let k = 0; k < 10; k++) {
    const image = await canvasStats(page, '#class-images-view canvas', k);
    assert.ok(image.distinct > 10 && image.painted > 0.05, `class ${k}: ${JSON.stringify(image)}`);
  }
  const scores = await page.$$eval('#class-images-view li span', (s) => s.map((x) => Number(x.textContent.split(' · ')[1])));
  assert.ok(scores.every((v) => v > 0), `class scores after ascent ${scores}`);

  // Effective receptive field of the selected unit, and the weight and gradient histograms.
  await page.waitForFunction(() => /heat map/.test(document.querySelectorAll('#receptive-field-view canvas')[1].getAttribute('aria-label')));
  const erf = await canvasStats(page, '#receptive-field-view canvas', 1);
  assert.ok(erf.distinct > 20, JSON.stringify(erf));
  const kinds = await page.$$eval('#histogram-view figcaption', (f) => f.map((x) => x.textContent));
  for (const name of ['conv1.weight', 'conv2.weight', 'linear1.weight']) {
    assert.ok(kinds.includes(`${name} · weights`) && kinds.includes(`${name} · gradients`), kinds.join(', '));
  }

  // Deeper filters: conv2's 16 filters over conv1's 8 channels, averaged or one tile per channel.
  await page.getByLabel('Layer', { exact: true }).selectOption({ label: 'conv2' });
  await page.waitForFunction(() => /^conv2 · 16 filters of 8×5×5\. Each tile is the mean over the 8 input channels/.test(document.querySelector('#filters-view .view-caption').textContent));
  assert.equal(await page.$$eval('#filters-view canvas', (c) => c.length), 16);
  await page.getByLabel('Input channels').selectOption('channels');
  assert.equal(await page.$$eval('#filters-view .tile-row', (r) => r.length), 16);
  assert.equal(await page.$$eval('#filters-view canvas', (c) => c.length), 16 * 8);
  await page.locator('#insight-panel').screenshot({ path: path.join(SHOTS, 'playground-saliency-class-images.png') });
  await page.locator('#filters-view').screenshot({ path: path.join(SHOTS, 'playground-filters-conv2.png') });
  // The choice survives a reset (the worker keeps posting conv2); old class images go.
  await button(page, 'Reset').click();
  await page.waitForFunction(() => /^conv2 ·/.test(document.querySelector('#filters-view .view-caption').textContent) &&
    document.querySelectorAll('#class-images-view canvas').length === 0);
  await page.screenshot({ path: path.join(SHOTS, 'playground-cnn-insight.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the filter menu offers deeper layers of LeNet-5 and the MLP\'s units as images', async () => {
  const { page, problems } = await open({ hash: '#model=lenet5' });
  await page.waitForFunction(() => document.querySelectorAll('#filters-layer option').length === 2);
  await page.getByLabel('Layer', { exact: true }).selectOption({ label: 'conv2' });
  await page.waitForFunction(() => /^conv2 · first 32 of 50 filters of 20×5×5/.test(document.querySelector('#filters-view .view-caption').textContent));
  assert.equal(await page.$$eval('#filters-view canvas', (c) => c.length), 32);
  await page.getByLabel('Architecture', { exact: true }).selectOption('mlp');
  await page.waitForFunction(() => /^linear1 · first 32 of 128 filters of 1×28×28/.test(document.querySelector('#filters-view .view-caption').textContent));
  assert.deepEqual(await page.$$eval('#filters-layer option', (o) => o.map((x) => x.textContent)), ['linear1 (units as images)']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the layer summary fits a phone (390 px) and a projector (1920 px) without scrolling', async () => {
  for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['projector', { width: 1920, height: 1080 }]]) {
    const { page, problems } = await open({ hash: '#model=lenet5', viewport });
    const overflow = await page.$$eval('.table-scroll', (nodes) => nodes.map((n) => n.scrollWidth - n.clientWidth));
    assert.deepEqual(overflow, overflow.map(() => 0), `${name}: tables wider than their box by ${overflow} px`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), viewport.width, `${name}: the page scrolls sideways`);
    const first = await page.$$eval('#layer-table-view tbody tr:first-child > *', (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(first, ['1', 'conv1conv2d · 20 filters 5x5, stride 1, pad 2', '20×28×28', '520', '392,000']);
    await page.locator('#layer-table-view').screenshot({ path: path.join(SHOTS, `playground-summary-${name}.png`) });
    await page.locator('#receptive-field-view').screenshot({ path: path.join(SHOTS, `playground-rf-table-${name}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});
