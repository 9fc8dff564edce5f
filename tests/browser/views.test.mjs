// Browser tests of the playground views inside the real web/index.html (headless Chromium via
// playwright-core): every view renders realistic worker data, the draw pad's preprocessing is
// MNIST-like, confusion cells dispatch events, the URL state round-trips and rejects markup.
// Screenshots go to build/screenshots/ (desktop 1400x900, phone 390x844).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, nextFrames, openPlayground } from './lib.mjs';
import { startServer } from './static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'build/screenshots');
let server, browser, base;

before(async () => {
  server = await startServer(0);
  base = `http://127.0.0.1:${server.address().port}/web/index.html`;
  browser = await launch();
  await fs.mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Open the page; collect console errors, page errors and dialogs (an injected alert would show up). */
async function open(viewport = { width: 1400, height: 900 }, hash = '') {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(`${base}?engine=off${hash}`); // views only: this file renders the data itself
  await page.waitForFunction(() => document.querySelector('#probabilities-view .prob-row'));
  return { page, problems };
}

/** Render realistic worker messages into every view of the page (seeded, so screenshots are stable). */
async function renderAll(page) {
  await page.evaluate(async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    const v = window.wasmgradApp.views;

    v.badge.render({ build: 'simd-threads', threads: 4, reason: 'cross-origin isolated: SharedArrayBuffer available' });

    // Three epochs of 50 chunks: loss falls, validation lags a little (a visible gap).
    const chunks = 50;
    const points = [];
    const epochs = [];
    for (let epoch = 1; epoch <= 3; epoch++) {
      for (let chunk = 1; chunk <= chunks; chunk++) {
        const x = epoch - 1 + (chunk - 0.5) / chunks;
        const loss = 2.3 * Math.exp(-1.8 * x) + 0.08 + 0.12 * random();
        points.push({ x, loss, accuracy: Math.min(1, 1 - loss / 2.6) });
      }
      epochs.push({ epoch, trainLoss: 2.3 * Math.exp(-1.8 * epoch) + 0.1, trainAccuracy: 0.9 + 0.03 * epoch,
        validationLoss: 2.3 * Math.exp(-1.6 * epoch) + 0.16, validationAccuracy: 0.88 + 0.025 * epoch, seconds: 12.5 });
    }
    v.curves.render({ points, epochs }, 5);
    v.progress.render({ epoch: 4, epochs: 5, batch: 18, batches: 50, samplesPerSecond: 4123.4, loss: 0.1234,
      accuracy: 0.962, learningRate: 0.001, etaSeconds: 95 });

    // 8 random 5x5 first-layer filters: smooth oriented edges plus noise.
    const filters = new Float32Array(8 * 25);
    for (let k = 0; k < 8; k++) {
      const angle = (k * Math.PI) / 8;
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) {
        filters[k * 25 + y * 5 + x] = 0.4 * Math.tanh(((x - 2) * Math.cos(angle) + (y - 2) * Math.sin(angle)) * 1.2) + 0.08 * normal();
      }
    }
    v.filters.render({ layer: 'conv1', shape: [8, 1, 5, 5], data: filters });

    // A digit-like input (a ring: a zero) and its activations.
    const image = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const r = Math.hypot((x - 13.5) / 0.75, y - 13.5);
      image[y * 28 + x] = Math.max(0, 1 - Math.abs(r - 7) / 2);
    }
    const conv = new Float32Array(8 * 28 * 28);
    for (let c = 0; c < 8; c++) for (let i = 0; i < 784; i++) {
      const y = Math.floor(i / 28), x = i % 28;
      let s = 0;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28) s += image[yy * 28 + xx] * filters[c * 25 + (dy + 2) * 5 + dx + 2];
      }
      conv[c * 784 + i] = Math.max(0, s);
    }
    const pooled = new Float32Array(8 * 14 * 14);
    for (let c = 0; c < 8; c++) for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) {
      const at = (yy, xx) => conv[c * 784 + yy * 28 + xx];
      pooled[c * 196 + y * 14 + x] = Math.max(at(2 * y, 2 * x), at(2 * y + 1, 2 * x), at(2 * y, 2 * x + 1), at(2 * y + 1, 2 * x + 1));
    }
    const logits = Float32Array.from({ length: 10 }, (_, i) => (i === 0 ? 6 : i === 6 ? 3.5 : normal()));
    v.activations.render([
      { layer: 0, name: 'conv1', shape: [8, 28, 28], data: conv },
      { layer: 2, name: 'pool1', shape: [8, 14, 14], data: pooled },
      { layer: 5, name: 'fc', shape: [10], data: logits },
    ]);

    const summary = [
      { name: 'conv1', type: 'conv', outputShape: [8, 28, 28], parameters: 208, multiplyAdds: 156800, receptiveField: { size: 5, jump: 1, start: -2 }, detail: '5×5, pad 2' },
      { name: 'relu1', type: 'relu', outputShape: [8, 28, 28], parameters: 0, multiplyAdds: 0, receptiveField: { size: 5, jump: 1, start: -2 }, detail: '' },
      { name: 'pool1', type: 'maxpool', outputShape: [8, 14, 14], parameters: 0, multiplyAdds: 0, receptiveField: { size: 6, jump: 2, start: -2 }, detail: '2×2' },
      { name: 'conv2', type: 'conv', outputShape: [16, 14, 14], parameters: 3216, multiplyAdds: 627200, receptiveField: { size: 14, jump: 2, start: -6 }, detail: '5×5, pad 2' },
      { name: 'relu2', type: 'relu', outputShape: [16, 14, 14], parameters: 0, multiplyAdds: 0, receptiveField: { size: 14, jump: 2, start: -6 }, detail: '' },
      { name: 'pool2', type: 'maxpool', outputShape: [16, 7, 7], parameters: 0, multiplyAdds: 0, receptiveField: { size: 16, jump: 4, start: -6 }, detail: '2×2' },
      { name: 'flatten', type: 'flatten', outputShape: [784], parameters: 0, multiplyAdds: 0, receptiveField: null, detail: '' },
      { name: 'fc', type: 'linear', outputShape: [10], parameters: 7850, multiplyAdds: 7840, receptiveField: null, detail: '784 → 10' },
    ];
    v.layerTable.render(summary);

    const erf = new Float32Array(784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) erf[y * 28 + x] = Math.exp(-((x - 4) ** 2 + (y - 4) ** 2) / 12) * (image[y * 28 + x] + 0.3);
    v.receptiveField.render({ image: { data: image, shape: [28, 28] }, summary, layer: 'conv2', unit: { row: 1, col: 1 } });
    v.receptiveField.render({ map: { kind: 'effectiveReceptiveField', shape: [28, 28], data: erf } });

    // Saliency of the ring for class 0: strongest on the stroke. Class images: a blurred ring per class.
    const saliency = Float32Array.from(image, (p, i) => p * (0.5 + 0.5 * Math.abs(Math.sin(i))));
    v.saliency.render({ image: { data: image, shape: [28, 28] }, source: 'the drawn input' });
    v.saliency.render({ map: { shape: [28, 28], data: saliency, classIndex: 0, score: 6.5 } });
    v.classImages.start(10, 100);
    for (let k = 0; k < 10; k++) {
      const data = new Float32Array(784);
      for (let i = 0; i < 784; i++) {
        const y = Math.floor(i / 28), x = i % 28;
        data[i] = Math.max(0, 1 - Math.abs(Math.hypot(x - 14, (y - 14) * (1 + k / 10)) - 3 - k / 2) / 2.5);
      }
      v.classImages.render({ classIndex: k, shape: [1, 28, 28], data, scores: [0, 5 + k] });
    }

    const matrix = new Int32Array(100);
    for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) {
      matrix[t * 10 + p] = t === p ? 900 + Math.floor(80 * random()) : (random() < 0.3 ? Math.floor(25 * random()) : 0);
    }
    matrix[4 * 10 + 9] = 61; // the classic 4 -> 9 confusion
    v.confusion.render({ classes: 10, matrix });

    const histogram = (name, kind, spread) => {
      const counts = new Array(30).fill(0);
      for (let i = 0; i < 3000; i++) {
        const bin = Math.floor(15 + normal() * spread);
        if (bin >= 0 && bin < 30) counts[bin] += 1;
      }
      return { layer: 0, name, kind, min: kind === 'weight' ? -0.5 : -0.02, max: kind === 'weight' ? 0.5 : 0.02, counts };
    };
    v.histograms.render([histogram('conv1', 'weight', 5), histogram('conv1', 'gradient', 2.5),
      histogram('fc', 'weight', 4), histogram('fc', 'gradient', 3)]);

    const softmax = Array.from(logits, Math.exp);
    const total = softmax.reduce((a, b) => a + b, 0);
    v.probabilities.render({ probabilities: Float32Array.from(softmax, (e) => e / total) });

    // 16 gallery digits: shifted, stretched rings and bars.
    const images = new Float32Array(16 * 784);
    const labels = [];
    for (let n = 0; n < 16; n++) {
      const label = n % 2 === 0 ? 0 : 1;
      labels.push(label);
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
        const value = label === 0
          ? Math.max(0, 1 - Math.abs(Math.hypot((x - 13.5 - (n % 3)) / 0.7, y - 14) - 7) / 1.8)
          : Math.max(0, 1 - Math.abs(x - 14 - (y - 14) * 0.2 * ((n % 5) - 2)) / 1.6) * (y > 4 && y < 24 ? 1 : 0);
        images[n * 784 + y * 28 + x] = value;
      }
    }
    v.gallery.render({ images, labels });
    v.confusionExamples.render({ images: images.subarray(0, 4 * 784), labels: [4, 4, 4, 4], predictions: [9, 9, 4, 9],
      title: 'True 4, predicted 9' });
  });
  await nextFrames(page);  // curves draw on the next animation frame
}

test('page loads without errors; engine buttons wait for the engine', async () => {
  const { page, problems } = await open();
  const engineButtons = await page.$$eval('[data-engine], #run-bar button', (nodes) => nodes.map((n) => ({ id: n.id, disabled: n.disabled })));
  assert.ok(engineButtons.length >= 9);
  for (const b of engineButtons) assert.equal(b.disabled, true, b.id);
  assert.equal(await page.textContent('#run-status'), 'Loading the engine…');
  // every form control has an accessible name
  const unnamed = await page.$$eval('input:not([type=hidden]):not([hidden]), select, textarea, button', (nodes) =>
    nodes.filter((n) => !(n.labels?.length || n.getAttribute('aria-label') || n.textContent.trim())).map((n) => n.id || n.outerHTML));
  assert.deepEqual(unnamed, []);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every view renders realistic data (desktop and phone screenshots)', async () => {
  for (const [name, viewport] of [['desktop', { width: 1400, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { page, problems } = await open(viewport);
    await renderAll(page);
    assert.equal(await page.$$eval('#filters-view canvas', (c) => c.length), 8);
    assert.deepEqual(await page.$eval('#filters-view canvas', (c) => [c.width, c.height]), [5, 5]);
    assert.equal(await page.$$eval('#activations-view figure', (f) => f.length), 3);
    assert.match(await page.textContent('#curves-view .chart-summary'), /Epoch 3: train accuracy 99\.0%, validation 95\.5% \(gap 3\.5 points\)/);
    assert.match(await page.textContent('#layer-table-view tfoot'), /11,274/);
    assert.match(await page.textContent('#receptive-field-view .view-caption'), /rows -4…9, columns -4…9: 14×14 pixels, of which 96 lie in the zero padding/);
    assert.match(await page.textContent('#probabilities-view .prob-verdict'), /Prediction: 0/);
    assert.equal(await page.$$eval('#probabilities-view .prob-row.top', (r) => r.length), 1);
    assert.match(await page.textContent('#progress-view'), /Epoch 4\/5 · batch 18\/50.*4,123 samples\/s · 1:35 left/);
    assert.equal(await page.$$eval('#gallery-view canvas', (c) => c.length), 16);
    assert.match(await page.textContent('#saliency-view .view-caption'), /^Saliency of the drawn input, for class 0 \(predicted\), score 6\.50/);
    assert.equal(await page.$$eval('#class-images-view canvas', (c) => c.length), 10);
    assert.match(await page.textContent('#class-images-view'), /9 · 14\.0/);
    assert.equal(await page.$$eval('#confusion-examples li.wrong', (c) => c.length), 3);
    // canvases are not blank, and each chart's legend lists what it draws
    assert.deepEqual(await page.$$eval('#curves-view .u-legend .u-label', (l) => l.map((x) => x.textContent)).then((l) => l.length), 8);
    const blank = await page.$$eval('#curves-view canvas', (canvases) => canvases.filter((c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return !data.some((v, i) => i % 4 === 3 && v > 0);
    }).length);
    assert.equal(blank, 0);
    await page.screenshot({ path: path.join(SHOTS, `playground-${name}.png`), fullPage: true });
    await page.screenshot({ path: path.join(SHOTS, `playground-${name}-top.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('drawing a stroke gives an MNIST-like centred digit', async () => {
  const { page, problems } = await open();
  await page.evaluate(() => {
    window.digits = [];
    document.getElementById('draw-pad-view').addEventListener('digit', (e) => window.digits.push(e.detail));
  });
  const box = await page.locator('.draw-canvas').boundingBox();
  // An off-centre "7": a top bar then a slanted stroke, all in the upper-left part of the pad.
  const points = [[0.15, 0.12], [0.55, 0.12], [0.5, 0.3], [0.42, 0.5], [0.35, 0.7]];
  await page.mouse.move(box.x + points[0][0] * box.width, box.y + points[0][1] * box.height);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 12 });
  await page.mouse.up();
  await page.waitForFunction(() => window.digits.length > 0);
  const result = await page.evaluate(() => {
    const { pixels, empty } = window.digits.at(-1);
    let total = 0, sx = 0, sy = 0, minX = 28, minY = 28, maxX = -1, maxY = -1;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      total += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
      if (v > 0.05) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
    }
    return { empty, length: pixels.length, cx: sx / total, cy: sy / total, w: maxX - minX + 1, h: maxY - minY + 1,
      inRange: pixels.every((v) => v >= 0 && v <= 1), events: window.digits.length };
  });
  assert.equal(result.empty, false);
  assert.equal(result.length, 784);
  assert.ok(result.inRange);
  assert.ok(Math.abs(result.cx - 14) <= 1 && Math.abs(result.cy - 14) <= 1, JSON.stringify(result));
  assert.equal(Math.max(result.w, result.h), 20, JSON.stringify(result));
  await page.locator('#draw-pad-view').screenshot({ path: path.join(SHOTS, 'draw-pad.png') });

  await page.getByRole('button', { name: 'Clear' }).click();
  assert.equal(await page.evaluate(() => window.digits.at(-1).empty), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking a confusion cell dispatches cellselect', async () => {
  const { page, problems } = await open();
  await renderAll(page);
  await page.evaluate(() => {
    window.selected = [];
    document.getElementById('confusion-view').addEventListener('cellselect', (e) => window.selected.push(e.detail));
  });
  await page.getByRole('button', { name: 'true 4, predicted 9: 61 examples' }).click();
  assert.deepEqual(await page.evaluate(() => window.selected), [{ trueClass: 4, predictedClass: 9 }]);
  // keyboard: focus another cell and press Enter
  await page.getByRole('button', { name: /^true 2, predicted 2:/ }).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => window.selected.at(-1)), { trueClass: 2, predictedClass: 2 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the receptive-field view says a dense unit sees the whole image, and draws its map', async () => {
  const { page, problems } = await open();
  await renderAll(page);
  await page.evaluate(() => {
    const erf = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i / 40) ** 2);
    window.wasmgradApp.views.receptiveField.render({ layer: 'fc', unit: { row: 0, col: 0 }, channel: 3,
      map: { kind: 'effectiveReceptiveField', shape: [28, 28], data: erf } });
  });
  assert.equal(await page.textContent('#receptive-field-view .view-caption'), 'Unit 4 of 10 in fc is connected to every input ' +
    'pixel: its receptive field is the whole 28×28 image. The heat map shows how much each pixel moves it for this input.');
  assert.equal(await page.locator('#receptive-field-view canvas[aria-label^="Effective receptive field"]').getAttribute('aria-label'),
    'Effective receptive field heat map');
  await page.locator('#receptive-field-view').screenshot({ path: path.join(SHOTS, 'receptive-field-dense-unit.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

// With the engine: the Optimizer menu and the layer list's syntax come from its catalog.
test('state round-trips through the URL hash and the form', async () => {
  const { page, problems } = await openPlayground(browser, server);
  await page.getByLabel('Optimizer').selectOption('momentum');
  await page.getByLabel('Batch size').fill('128');
  await page.getByLabel('Batch size').press('Tab');
  await page.getByLabel('rotate').check();
  await page.getByLabel('Learning rate (log scale)').fill('-2');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /opt=momentum/);
  assert.match(hash, /batch=128/);
  assert.match(hash, /aug=rotate/);
  assert.match(hash, /lr=0\.01(&|$)/);
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.01');

  const second = await openPlayground(browser, server, { hash: `${hash}&hide=seed` });
  assert.equal(await second.page.getByLabel('Optimizer').inputValue(), 'momentum');
  assert.equal(await second.page.getByLabel('Batch size').inputValue(), '128');
  assert.equal(await second.page.getByLabel('rotate').isChecked(), true);
  assert.equal(await second.page.isVisible('#seed'), false);
  // an invalid custom layer list shows an inline error and is not taken
  await second.page.getByLabel('Layer list').fill('conv.8.5.1.2_relu_warp.9');
  assert.match(await second.page.textContent('#layers-error'), /^Layer 3: "warp" is not a layer type/);
  await second.page.getByLabel('Layer list').press('Tab');
  assert.doesNotMatch(await second.page.evaluate(() => location.hash), /warp/);
  await second.page.getByLabel('Layer list').fill('conv.4.3.1.1_relu_flatten_linear.10');
  await second.page.getByLabel('Layer list').press('Tab');
  assert.match(await second.page.evaluate(() => location.hash), /model=custom&layers=conv\.4\.3\.1\.1_relu_flatten_linear\.10/);
  assert.deepEqual([...problems, ...second.problems], []);
  await page.close();
  await second.page.close();
});

test('markup in the URL is rejected, never injected', async () => {
  const hostile = '#lr=<img src=x onerror=alert(1)>&data=<svg/onload=alert(2)>&layers=<b>x</b>&model=custom&x=<script>alert(3)</script>';
  const { page, problems } = await open({ width: 1400, height: 900 }, hostile);
  await page.waitForTimeout(200);
  assert.equal(await page.$$eval('img, svg, script:not([src]), b', (n) => n.length), 0);
  assert.equal(await page.evaluate(() => window.alerted), undefined);
  const message = await page.textContent('#app-messages .message[data-key="link"]');
  assert.match(message, /Not taken from the link: Dataset \(data=….*Learning rate \(lr=…/);
  // the form shows defaults, and the rewritten hash holds no markup
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.001');
  assert.doesNotMatch(decodeURIComponent(await page.evaluate(() => location.hash)), /[<>]/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the decision-boundary view paints the predicted classes under the points; 2-D data hides the image views', async () => {
  for (const [name, viewport] of [['desktop', { width: 1400, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { page, problems } = await open(viewport, '#data=circles');
    assert.equal(await page.isVisible('#boundary-panel'), true);
    for (const id of ['#draw-pad-view', '#filters-view', '#activations-view', '#insight-panel', '#receptive-field-view', '#gallery-view']) {
      assert.equal(await page.isVisible(id), false, `${name}: ${id} shows for 2-D points`);
    }
    const result = await page.evaluate(async () => {
      const { views } = window.wasmgradApp;
      // Two rings of points (class 0 inside) and a model that predicts "inside radius 0.75".
      const n = 200;
      const x = new Float32Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const r = i % 2 === 0 ? 0.5 : 1, a = (i * 2.399) % (2 * Math.PI);
        x[2 * i] = r * Math.cos(a);
        x[2 * i + 1] = r * Math.sin(a);
        labels[i] = i % 2;
      }
      const extent = { xMin: -1.2, xMax: 1.2, yMin: -1.2, yMax: 1.2 };
      views.boundary.setPoints({ x, labels, classes: 2, classNames: ['inner', 'outer'], extent, name: 'circles' });
      const g = 40;
      const predicted = new Uint8Array(g * g);
      const confidence = new Float32Array(g * g);
      for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) {
        const px = -1.2 + ((c + 0.5) / g) * 2.4, py = 1.2 - ((r + 0.5) / g) * 2.4;
        const d = Math.hypot(px, py) - 0.75;
        predicted[r * g + c] = d < 0 ? 0 : 1;
        confidence[r * g + c] = 0.5 + 0.5 * Math.tanh(Math.abs(d) * 6);
      }
      views.boundary.render({ extent, resolution: g, predicted, confidence, classes: 2, epoch: 12, batch: 25, accuracy: 0.975 });
      views.boundary.highlight({ x: x.subarray(0, 4), title: 'true inner → predicted outer: 2 validation points' });
      const canvas = document.querySelector('#boundary-view canvas');
      const context = canvas.getContext('2d');
      const at = (fx, fy) => Array.from(context.getImageData(Math.floor(fx * canvas.width), Math.floor(fy * canvas.height), 1, 1).data);
      return { centre: at(0.5, 0.45), corner: at(0.04, 0.96), label: canvas.getAttribute('aria-label'),
        caption: document.querySelector('#boundary-view .view-caption').textContent,
        legend: [...document.querySelectorAll('#boundary-view .boundary-legend li')].map((li) => li.textContent),
        ringed: document.querySelector('#boundary-view .view-note').textContent };
    });
    const [r0, , b0] = result.centre;
    const [r1, , b1] = result.corner;
    assert.ok(r0 > b0 + 40, `inside the circle: orange (class inner), got ${result.centre}`);
    assert.ok(b1 > r1 + 40, `the corner: blue (class outer), got ${result.corner}`);
    assert.match(result.label, /inner \d+%, outer \d+%/);
    assert.equal(result.caption, 'After epoch 12: training accuracy 97.5%.');
    assert.deepEqual(result.legend, ['inner (100 points)', 'outer (100 points)']);
    assert.equal(result.ringed, 'Ringed: true inner → predicted outer: 2 validation points');
    await page.locator('#boundary-panel').screenshot({ path: path.join(SHOTS, `boundary-view-${name}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});
