// Browser tests of "Playground 2" (issue 12): one test per defect found by walking the page as a
// user, each of which failed on the page before the redesign. Embedding from another origin,
// settings out of range, history kept by Load and Restore, the layer editor offering only valid
// edits, a dataset menu that says what is in use, any example inspected, feedback that is easy to
// see, and a phone and a pace. Controls are found by role and label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createServer } from '../../scripts/serve.mjs';
import {
  SHOTS, TMP, startBrowser, openPlayground, playgroundUrl, watch, startRun, waitForRunEnd, waitForStatus, typeInto, button, startButton,
  makeIdx, nextFrames,
} from './lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: true }));
});
after(() => close?.());

const open = (hash = '', options = {}) => openPlayground(options.context ?? browser, server, { hash, ...options });

test('1. a demo embedded from another origin renders, served by the npm start server', async () => {
  // The npm start server (scripts/serve.mjs) on one port; a course page on another origin.
  const demos = createServer();
  await new Promise((resolve) => demos.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${demos.address().port}`;
  const gallery = await browser.newPage();
  await gallery.goto(`${origin}/demos/`);
  // The gallery's own snippet for the conv demo, exactly as shown.
  const snippet = await gallery.locator('section#conv pre').first().textContent();
  assert.match(snippet, /^<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/demos\/wasmgrad-demo\.js"><\/script>\n<wasmgrad-demo name="conv"/);
  await gallery.close();
  const course = http.createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><meta charset="utf-8"><title>a course page</title><link rel="icon" href="data:,">\n${snippet}`);
  });
  await new Promise((resolve) => course.listen(0, '127.0.0.2', resolve));
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const problems = watch(page);
  try {
    await page.goto(`http://127.0.0.2:${course.address().port}/`);
    await page.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('wasmgrad-demo h2').textContent(), /Convolution arithmetic/);
    assert.deepEqual(problems, [], 'no CORS error, nothing blocked');
    await page.screenshot({ path: path.join(SHOTS, 'embed-other-origin.png') });
    // The playground on the same server keeps its isolation and its policy.
    const playground = await browser.newPage();
    const response = await playground.goto(`${origin}/web/`);
    assert.equal(response.headers()['cross-origin-opener-policy'], 'same-origin');
    assert.equal(response.headers()['cross-origin-resource-policy'], 'same-origin');
    assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(await playground.evaluate(() => crossOriginIsolated), true);
    await playground.close();
  } finally {
    await page.close();
    await new Promise((resolve) => course.close(resolve));
    await new Promise((resolve) => demos.close(resolve));
  }
});

test('2. a setting out of range is shown beside its field, and Start waits until it is fixed', async () => {
  const { page, problems } = await open('#model=mlp');
  const batch = page.getByLabel('Batch size');
  assert.equal(await page.textContent('#batch-size-help'), 'A whole number from 1 to 1024.');
  for (const [value, message] of [['0', 'Batch size 0 is below the minimum 1.'], ['5000', 'Batch size 5000 is above the maximum 1024.']]) {
    await typeInto(batch, value);
    assert.equal(await batch.inputValue(), value, 'the field keeps what was typed');
    assert.equal(await page.textContent('#batch-size-error'), message);
    assert.equal(await batch.getAttribute('aria-invalid'), 'true');
    assert.equal(await startButton(page).isDisabled(), true);
    assert.match(await page.textContent('#run-blocked'), new RegExp(`Start waits for: ${message.slice(0, -1)}`));
  }
  await typeInto(page.getByLabel('Epochs'), '5000');
  assert.equal(await page.textContent('#epochs-error'), 'Epochs 5000 is above the maximum 1000.');
  // A layer of 100,000 units in the editor: the engine's limit, beside that field; the help states the limits.
  await page.getByLabel('Architecture', { exact: true }).selectOption('custom');
  await typeInto(page.getByLabel('Layer 1 units'), '100000');
  await page.waitForFunction(() => /units: must be between 1 and 65536, got 100000/.test(document.querySelector('#layer-editor').textContent));
  assert.equal(await page.getByLabel('Layer 1 units').getAttribute('aria-invalid'), 'true');
  assert.match(await page.textContent('#layer-editor .layer-limits'), /linear units 1 to 65,536/);
  await page.screenshot({ path: path.join(SHOTS, 'honest-bad-settings.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });
  // Fixed: training runs with exactly what the fields show.
  await typeInto(page.getByLabel('Layer 1 units'), '32');
  await typeInto(batch, '100');
  await typeInto(page.getByLabel('Epochs'), '1');
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  const run = await startRun(page);
  await page.waitForFunction(() => window.wasmgradApp.log.length > 0);
  const progress = await page.evaluate(() => window.wasmgradApp.store.get().run.progress);
  assert.equal(progress.batches, 80, '8,000 digits in batches of 100');
  assert.equal(progress.epochs, 1);
  await waitForRunEnd(page, run, 120_000);
  assert.match(await page.textContent('#layer-table-view tbody'), /784 -> 32/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('3. Load and Restore bring back the training history; continuing counts on; Start mid-run asks', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const { page, problems } = await open('#data=xor&n=200&epochs=4&pace=max', { context });
  await waitForRunEnd(page, await startRun(page));
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Save model').click()]);
  const file = path.join(TMP, 'xor-4-epochs.wgm');
  await download.saveAs(file);
  // Another page, the same settings: load the file.
  const { page: second, problems: secondProblems } = await open('#data=xor&n=200&epochs=4&pace=max', { context });
  await second.getByLabel('Model file to load').setInputFiles(file);
  await second.waitForFunction(() => /trained for 4 epochs/.test(document.querySelector('#app-messages').textContent));
  assert.deepEqual((await second.evaluate(() => window.wasmgradApp.epochs)).map((e) => e.epoch), [1, 2, 3, 4]);
  assert.match(await second.textContent('#curves-view .chart-summary'), /^Epoch 4: /);
  assert.match(await second.textContent('#run-status'), /Trained 4 epochs: set Epochs above 4 to continue it/);
  // Six epochs: Continue trains epochs 5 and 6 and counts on from the file.
  await typeInto(second.getByLabel('Epochs'), '6');
  await second.waitForFunction(() => /Resume continues with epoch 5 of 6/.test(document.querySelector('#run-status').textContent));
  await button(second, 'Continue').click();
  await second.waitForFunction(() => window.wasmgradApp.status === 'finished' && window.wasmgradApp.epochs.length === 6, null, { timeout: 60_000 });
  assert.deepEqual((await second.evaluate(() => window.wasmgradApp.epochs)).map((e) => e.epoch), [1, 2, 3, 4, 5, 6]);
  // Restore after a reload (the autosave) keeps the six.
  await second.waitForFunction(() => window.wasmgradApp.supervisor.stored?.metadata.position.epoch === 6);
  await second.reload();
  await second.getByRole('button', { name: 'Restore it' }).click({ timeout: 60_000 });
  await second.waitForFunction(() => /Model restored: .* trained for 6 epochs/.test(document.querySelector('#app-messages').textContent));
  assert.equal((await second.evaluate(() => window.wasmgradApp.epochs)).length, 6);
  // Start while a run trains asks first; keeping the run keeps it going.
  await second.getByLabel('Pace').selectOption('2');
  await typeInto(second.getByLabel('Epochs'), '40');
  const run = await startRun(second, { confirm: true });  // the restored run counts as in progress: Start asks
  await second.waitForFunction(() => window.wasmgradApp.epochs.length >= 1);
  await startButton(second).click();
  const dialog = second.getByRole('dialog', { name: 'Start a new run?' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /The current run has trained \d+ epochs?/);
  await second.screenshot({ path: path.join(SHOTS, 'honest-start-asks.png') });
  await second.getByRole('button', { name: 'Keep the current run' }).click();
  assert.equal(await second.evaluate(() => window.wasmgradApp.run), run);
  assert.equal(await second.evaluate(() => window.wasmgradApp.status), 'training');
  await button(second, 'Pause').click();
  await waitForStatus(second, 'paused');
  assert.deepEqual([...problems, ...secondProblems], []);
  await context.close();
});

test('4. the layer editor offers only edits that work and says at once why one does not', async () => {
  const { page, problems } = await open('#model=mlp');
  // A conv layer added to an MLP goes where an image still flows: before the first linear layer.
  await page.getByLabel('Type of the layer to add').selectOption('conv2d');
  assert.match(await page.textContent('#layer-editor .layer-editor-add + .help'), /Adds it as layer 1, before linear/);
  await button(page, 'Add layer').click();
  await page.waitForFunction(() => /^conv1/.test(document.querySelector('#layer-table-view tbody th .layer-name')?.textContent));
  assert.equal(await page.isVisible('#layer-table-view .inline-error'), false);
  assert.match(await page.evaluate(() => location.hash), /layers=conv2d\.8\.3\.1\.1_linear\.128_relu_linear\.10/);
  // After a vector layer, image layers are not offered.
  assert.equal(await page.locator('select[aria-label="Layer 3 type"] option[value="maxpool"]').isDisabled(), true);
  // Three outputs for ten classes: flagged at once, on that layer and field, and Start waits.
  await typeInto(page.getByLabel('Layer list'), 'linear.64_relu_linear.3');
  await page.waitForFunction(() => /Layer 3 \(linear\), units: gives 3 outputs but the data have 10 classes/.test(document.querySelector('#layer-editor').textContent));
  assert.equal(await startButton(page).isDisabled(), true);
  assert.match(await page.textContent('#run-blocked'), /the layer list: Layer 3 \(linear\), units: gives 3 outputs/);
  // An invalid list in the box: Start does not train the last valid model.
  await typeInto(page.getByLabel('Layer list'), 'linear.64_relu_warp.10');
  assert.match(await page.textContent('#layers-error'), /^Layer 3: "warp" is not a layer type/);
  assert.equal(await startButton(page).isDisabled(), true);
  assert.deepEqual(problems, []);
  await page.close();
  // On 2-D points there is no image: no conv anywhere.
  const points = await open('#data=moons');
  assert.equal(await points.page.locator('select[aria-label="Type of the layer to add"] option[value="conv2d"]').isDisabled(), true);
  assert.equal(await points.page.locator('select[aria-label="Layer 1 type"] option[value="conv2d"]').isDisabled(), true);
  await points.page.close();
});

test('4b. an edit made the moment the page opens is read by the engine once it is ready, with its message', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = watch(page);
  await page.goto(playgroundUrl(server, '#model=mlp'));
  await page.getByLabel('Layer list').waitFor();
  await typeInto(page.getByLabel('Layer list'), 'linear.3');  // before (or while) the engine loads
  await page.waitForFunction(() => /gives 3 outputs but the data have 10 classes/.test(document.querySelector('#layers-error').textContent),
    null, { timeout: 90_000 });
  assert.equal(await page.getByLabel('Layer list').getAttribute('aria-invalid'), 'true');
  // A valid edit right after: the red goes, the model is built.
  await typeInto(page.getByLabel('Layer list'), 'linear.10');
  await page.waitForFunction(() => document.querySelector('#layers-error').hidden && /^Total \(1 layers\)7,850/.test(document.querySelector('#layer-table-view tfoot').textContent));
  assert.equal(await page.getByLabel('Layer list').getAttribute('aria-invalid'), 'false');
  assert.deepEqual(problems, []);
  await page.close();
});

test('5. the dataset menu says what is in use; Fashion-MNIST waits for its files, then names its classes everywhere', async () => {
  const { page, problems } = await open('#model=perceptron&epochs=1');
  await page.getByLabel('Dataset').selectOption('fashion-mnist');
  await page.waitForFunction(() => /^Fashion-MNIST: no data yet\./.test(document.querySelector('#data-status').textContent));
  assert.doesNotMatch(await page.textContent('#data-status'), /MNIST digits/);
  assert.equal(await startButton(page).isDisabled(), true);
  assert.match(await page.textContent('#run-blocked'), /Fashion-MNIST is not bundled: choose or drop its four IDX files/);
  assert.equal(await page.locator('#app-messages .message.error').count(), 0, 'no red banner: the panel says it');
  // Its four files (small stand-ins with Fashion-MNIST's names).
  const train = makeIdx(300);
  const test = makeIdx(60);
  await page.getByLabel('IDX files (.gz or plain)').setInputFiles([
    { name: 'train-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(train.images) },
    { name: 'train-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(train.labels) },
    { name: 't10k-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.images) },
    { name: 't10k-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: zlib.gzipSync(test.labels) },
  ]);
  await page.waitForFunction(() => /^In use: .*T-shirt\/top, Trouser, Pullover, Dress, …/.test(document.querySelector('#data-status').textContent));
  assert.equal(await page.getByLabel('Dataset').inputValue(), 'fashion-mnist');
  assert.equal(await page.textContent('#draw-heading'), 'Try it: draw a piece of clothing');
  await waitForRunEnd(page, await startRun(page));
  await page.waitForFunction(() => /Ankle boot/.test(document.querySelector('#confusion-view').textContent));
  assert.match(await page.textContent('#probabilities-view'), /T-shirt\/top.*Ankle boot/s);
  assert.match(await page.textContent('#gallery-view'), /T-shirt\/top/);
  assert.match(await page.locator('#saliency-class').textContent(), /Sandal/);
  await page.screenshot({ path: path.join(SHOTS, 'honest-fashion-classes.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('6. any example can be inspected: a training tile or a confusion example loads into the views', async () => {
  const { page, problems } = await open('#model=cnn&epochs=1');
  await waitForRunEnd(page, await startRun(page), 120_000);
  const tile = page.getByRole('button', { name: /^Inspect train example 3: label \d$/ });
  const label = /label (\d)$/.exec(await tile.getAttribute('aria-label'))[1];
  await tile.click();
  await page.waitForFunction((l) => new RegExp(`^Showing training example 3, label ${l}\\.`).test(document.querySelector('#input-source').textContent), label);
  await page.waitForFunction((l) => new RegExp(`^Saliency of training example 3, label ${l}, for class`).test(document.querySelector('#saliency-view .view-caption').textContent), label);
  // The example is what the activations and the receptive field see: the first map differs from the first example's.
  await page.getByRole('button', { name: /^true 4, predicted 4:/ }).click();
  const example = page.locator('#confusion-examples').getByRole('button', { name: /^Inspect validation example \d+: label 4/ }).first();
  await example.click();
  await page.waitForFunction(() => /^Showing validation example \d+, label 4\./.test(document.querySelector('#input-source').textContent));
  await page.waitForFunction(() => /^Prediction: 4/.test(document.querySelector('#probabilities-view .prob-verdict').textContent));
  // The receptive-field note sits under the map, not over it.
  const [map, note] = await Promise.all([page.locator('#receptive-field-view canvas').nth(1).boundingBox(),
    page.locator('#receptive-field-view .rf-map-note').boundingBox()]);
  assert.ok(!note || note.y >= map.y + map.height - 1, 'the note does not overlap the map');
  await page.screenshot({ path: path.join(SHOTS, 'honest-inspect-example.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('7. feedback: Paused is said, the legend is what is drawn, one message per subject, link problems at the top', async () => {
  // LeNet-5, whose epoch takes seconds: the run is still in epoch 1 when Pause arrives, however
  // fast the machine (the MLP's two epochs could end before it, and 'paused' never came).
  const { page, problems } = await open('#model=lenet5&epochs=2');
  const run = await startRun(page);
  await page.waitForFunction(() => window.wasmgradApp.log.length >= 2);
  await button(page, 'Pause').click();
  await waitForStatus(page, 'paused');
  assert.match(await page.getByRole('status').filter({ hasText: /^Paused at epoch 1 of 2, batch/ }).textContent(), /Paused/);
  // Each legend entry is drawn like its line (uPlot builds both from one series).
  const legend = await page.$$eval('#curves-view .chart-holder:first-child .u-legend .u-series', (rows) => rows.map((r) => {
    const style = getComputedStyle(r.querySelector('.u-marker'));
    return { label: r.textContent.trim(), width: style.borderTopWidth, dash: style.borderTopStyle };
  }));
  assert.deepEqual(legend.map((l) => [l.label, l.width, l.dash]), [
    ['training loss, per chunk of batches', '1px', 'solid'], ['training loss, smoothed (centred mean of 9 chunks)', '2px', 'solid'],
    ['training loss, epoch mean (mid-epoch)', '2px', 'solid'], ['validation loss, after each epoch', '2px', 'dashed']]);
  await button(page, 'Resume').click();
  await waitForRunEnd(page, run, 300_000);
  // The epoch means sit mid-epoch; the smoothing is centred, so it does not trail the data.
  const xs = await page.evaluate(() => window.wasmgradApp.views.curves.loss.data[0]);
  assert.ok(xs.includes(0.5) && xs.includes(1.5), `epoch means at 0.5 and 1.5: ${xs.slice(0, 5)}`);
  // The same error five times: one message.
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('IDX files (.gz or plain)').setInputFiles([{ name: 'x-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from('nope') },
      { name: 'x-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from('nope') }]);
    await page.waitForFunction(() => /^Not loaded/.test(document.querySelector('#data-status').textContent));
    await page.getByLabel('Dataset').selectOption('digits');
  }
  assert.equal(await page.locator('#app-messages .message.error').count(), 1);
  await page.close();
  // What a link gets wrong is said at the top of the page; one bad item of hide= keeps the good ones.
  const { page: linked } = await open('#batch=5000&lr=abc&hide=seed,bogus,loss,model,layers');
  const message = linked.locator('#app-messages .message[data-key="link"]');
  assert.match(await message.textContent(), /Learning rate \(lr=…: "abc" is not a number\).*Batch size \(batch=…: 5000 is above the maximum 1024\).*Hidden controls \(hide=…: "bogus" is not one of/);
  assert.ok((await message.boundingBox()).y < 300, 'the message is on the first screen');
  for (const hidden of ['#seed', '#loss', '#model', '#layers', '#layer-editor']) assert.equal(await linked.isVisible(hidden), false, hidden);
  assert.deepEqual(problems, []);
  await linked.close();
});

test('8. on a phone Start is on the first screen; the pace slows 2-D runs; the demos are a link away', async () => {
  const { page, problems } = await open('#data=xor&epochs=10&pace=5', { viewport: { width: 390, height: 844 } });
  const start = await startButton(page).boundingBox();
  assert.ok(start.y + start.height <= 844, `Start at y=${start.y}`);
  await page.screenshot({ path: path.join(SHOTS, 'honest-phone-390.png') });
  // 10 epochs at 5 a second: at least 9 gaps of 200 ms (the machine can only make it slower).
  const began = Date.now();
  await waitForRunEnd(page, await startRun(page));
  assert.ok(Date.now() - began >= 1800, `10 epochs at pace 5 took ${Date.now() - began} ms`);
  // It stays at the top while the page scrolls.
  await page.mouse.wheel(0, 2000);
  await page.waitForFunction(() => window.scrollY > 0);  // the wheel scrolls asynchronously
  await nextFrames(page);
  const after = await startButton(page).boundingBox();
  assert.ok(after.y >= 0 && after.y < 100, `Start after scrolling at y=${after.y}`);
  await page.getByRole('link', { name: 'Lecture demos' }).click();
  await page.waitForURL(/\/demos\/$/);
  await page.getByRole('heading', { name: /Perceptron/ }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
