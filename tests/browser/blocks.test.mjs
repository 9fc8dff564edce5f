// Blocks in the playground (issue 27): the presets built of residual and concat blocks train on the
// digits; the model summary shows a block as one row with its totals and its inner rows on demand;
// the layer-list text and the editor write and read blocks (wrap layers in a residual block; a
// problem inside a block shown at its inner layer); the unit inspector explains an Add unit (its two
// terms add up to the engine's activation) and a Concat unit; the big architectures' tables.
// Real engine, headless Chromium; screenshots go to build/screenshots/blocks-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, startBrowser, openPlayground, startRun, waitForRunEnd, typeInto } from './lib.mjs';
import { elementShot } from './inside-lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: true }));
});
after(() => close?.());

const open = (hash) => openPlayground(browser, server, { hash });
const summary = () => window.wasmgradApp.store.get().model.summary;
const number = (text) => Number(String(text).replace(/,/g, ''));

/** The summary the page holds once its model is `type` at layer `index`. */
async function modelWith(page, index, type) {
  await page.waitForFunction(([i, t]) => window.wasmgradApp.store.get().model.summary?.[i]?.type === t, [index, type]);
  return page.evaluate(summary);
}

test('resnet-mini: one row per block with its totals, inner rows on demand; it trains on the digits', async () => {
  const { page, problems } = await open('#model=resnet-mini&epochs=1');
  const model = page.getByRole('combobox', { name: 'Architecture', exact: true });
  assert.ok((await model.locator('option').allTextContents()).some((t) => /ResNet in miniature/.test(t)));
  assert.ok((await model.locator('option').allTextContents()).some((t) => /Inception in miniature/.test(t)));
  const layers = await modelWith(page, 3, 'residual');
  const blocks = layers.filter((l) => l.type === 'residual');
  assert.equal(blocks.length, 6, 'three stages of two blocks');
  const table = page.locator('#layer-table-view table');
  // A block's row holds the totals of its inner rows; the inner rows are hidden until asked for.
  const first = blocks[0];
  const innerRows = table.locator(`tr.inner-row`);
  assert.equal(await innerRows.and(page.locator(':visible')).count(), 0);
  const toggle = page.getByRole('button', { name: `Layers inside ${first.name} (${first.inner.length})` });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const shown = table.locator('tr.inner-row:visible');
  assert.equal(await shown.count(), first.inner.length);
  const cells = await shown.evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.match(cells[0][0], /^\d+\.1$/);
  assert.match(cells[0][1], /^residual\d\.layers\.0layers · conv2d/);
  const blockRow = await table.locator(`tr[data-layer="${first.name}"]`).evaluate((r) => [...r.children].map((c) => c.textContent));
  assert.equal(number(blockRow[3]), cells.reduce((sum, c) => sum + number(c[3]), 0), 'params: the block row is its inner rows\' sum');
  assert.equal(number(blockRow[4]), cells.reduce((sum, c) => sum + number(c[4]), 0), 'MACs: the block row is its inner rows\' sum');
  const projected = blocks.find((b) => b.inner.some((r) => r.branch === 'shortcut'));
  assert.ok(projected, 'a stage that changes the shape has a projection shortcut');
  await page.getByRole('button', { name: `Layers inside ${projected.name} (${projected.inner.length})` }).click();
  assert.ok(await table.locator('tr.inner-row:visible .layer-type', { hasText: /^shortcut · conv2d/ }).count() >= 1);
  await elementShot(page, page.locator('#layer-table-view'), path.join(SHOTS, 'blocks-summary.png'));
  // The editor lists the block's inner layers by path.
  const firstRow = layers.findIndex((l) => l.type === 'residual') + 1;
  assert.equal(await page.getByRole('list', { name: `residual ${firstRow}: layers` }).locator('li').count(), first.inner.length);

  const run = await startRun(page);
  await waitForRunEnd(page, run, 900_000);
  const [epoch] = await page.evaluate(() => window.wasmgradApp.epochs);
  console.log(`resnet-mini, 1 epoch on the digits: validation accuracy ${(epoch.validationAccuracy * 100).toFixed(2)}%`);
  assert.ok(epoch.validationAccuracy >= 0.85, `validation accuracy ${epoch.validationAccuracy}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the text form writes and reads a residual block; the editor wraps layers in one and shows a problem inside it', async () => {
  const { page, problems } = await open('#model=custom&layers=conv2d.8.3.1.1_relu_conv2d.8.3.1.1_relu_maxpool.2_linear.10');
  await modelWith(page, 5, 'linear');
  // Wrap layers 3 and 4 (conv2d, relu: the shape stays) in a residual block.
  await page.getByRole('checkbox', { name: 'Select layer 3' }).check();
  await page.getByRole('checkbox', { name: 'Select layer 4' }).check();
  await page.getByRole('button', { name: 'Wrap selected in a residual block' }).click();
  await modelWith(page, 2, 'residual');
  const text = page.getByRole('textbox', { name: 'Layer list' });
  assert.equal(await text.inputValue(), 'conv2d.8.3.1.1_relu_residual(conv2d.8.3.1.1_relu)_maxpool.2_linear.10');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('layers=conv2d.8.3.1.1_relu_residual(conv2d.8.3.1.1_relu)_maxpool.2'));
  // The link reads back to the same model.
  const hash = await page.evaluate(() => location.hash);
  const again = await openPlayground(browser, server, { hash });
  const reread = await modelWith(again.page, 2, 'residual');
  assert.deepEqual(reread.map((l) => [l.name, l.outputShape, l.parameters]), (await page.evaluate(summary)).map((l) => [l.name, l.outputShape, l.parameters]));
  assert.equal(await again.page.getByRole('textbox', { name: 'Layer list' }).inputValue(), await text.inputValue());
  await again.page.close();
  // Wrapping a layer that halves the size gets a 1x1 projection shortcut.
  await page.getByRole('checkbox', { name: 'Select layer 4' }).check();  // maxpool.2
  await page.getByRole('button', { name: 'Wrap selected in a residual block' }).click();
  await page.waitForFunction(() => /residual\(maxpool\.2\|conv2d\.8\.1\.2\)/.test(document.querySelector('#layers').value));
  await modelWith(page, 3, 'residual');
  // A problem inside a block: at the inner layer, with the way in.
  await typeInto(text, 'conv2d.8.3.1.1_relu_residual(conv2d.8.3.1.1_conv2d.8.40)_maxpool.2_linear.10');
  const faulty = page.locator('#layer-editor .layer-editor-inner-row.has-error');
  await faulty.waitFor();
  assert.match(await faulty.textContent(), /^2\. conv2d.*kernel 40 larger than/);
  assert.match(await page.locator('#layers-error').textContent(), /^Layer 3 \(residual\) › layers › 1 \(conv2d\): kernel 40 larger than/);
  await elementShot(page, page.locator('#layer-editor'), path.join(SHOTS, 'blocks-editor-error.png'));
  // Unwrap: the block's layers in its place.
  await typeInto(text, 'conv2d.8.3.1.1_relu_residual(conv2d.8.3.1.1_relu)_maxpool.2_linear.10');
  await modelWith(page, 2, 'residual');
  await page.getByRole('button', { name: 'Unwrap layer 3' }).click();
  await page.waitForFunction(() => document.querySelector('#layers').value === 'conv2d.8.3.1.1_relu_conv2d.8.3.1.1_relu_maxpool.2_linear.10');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the unit inspector: an Add unit is layers(x) + shortcut(x), a Concat unit names its branch and channel', async () => {
  const { page, problems } = await open('#model=custom&layers=conv2d.4.3.1.1_relu_residual(conv2d.4.3.1.1_relu)_concat(conv2d.3.1|maxpool.3.1.1)_relu_maxpool.2_linear.10');
  await modelWith(page, 3, 'concat');
  const view = page.locator('#unit-view');
  const canvas = page.getByRole('button', { name: 'residual1 channel 2', exact: true });
  await canvas.waitFor();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + box.width * (14.5 / 28), box.y + box.height * (12.5 / 28));
  await page.waitForFunction(() => /^residual1 \(residual\), channel 2 of 4, row 12, column 14:/.test(document.querySelector('#unit-view .unit-title')?.textContent ?? ''));
  const read = async (role) => Number(await view.locator(`[data-role=${role}]`).first().getAttribute('title') ?? await view.locator(`[data-role=${role}]`).first().textContent());
  const layersTerm = await read('layers-term');
  const shortcutTerm = await read('shortcut-term');
  const sum = await read('residual-sum');
  const result = Number(await view.locator('[data-role=unit-result]').textContent());
  const map = await page.evaluate(() => window.wasmgradApp.views.activations.valueAt({ layer: 'residual1', channel: 1, row: 12, col: 14 }));
  const relu = await page.evaluate(() => window.wasmgradApp.views.activations.valueAt({ layer: 'relu1', channel: 1, row: 12, col: 14 }));
  const close4 = (a, b, scale) => Math.abs(a - b) <= 6e-4 * Math.max(scale, 1e-3) + 1e-6;
  assert.ok(close4(layersTerm + shortcutTerm, sum, Math.abs(layersTerm) + Math.abs(shortcutTerm)), `${layersTerm} + ${shortcutTerm} = ${sum}`);
  assert.ok(Math.abs(result - map) <= 1e-5 * (Math.abs(map) + 1), `the result ${result} is the residual1 map ${map}`);
  assert.ok(close4(shortcutTerm, relu, Math.abs(relu)), `the identity's term ${shortcutTerm} is x, the relu1 map ${relu}`);
  assert.match(await view.textContent(), /The shortcut is the identity: x itself, the output of relu1/);
  await elementShot(page, view, path.join(SHOTS, 'blocks-unit-residual.png'));

  const concat = page.getByRole('button', { name: 'concat1 channel 6', exact: true });
  await concat.scrollIntoViewIfNeeded();
  const cbox = await concat.boundingBox();
  await page.mouse.click(cbox.x + cbox.width * (3.5 / 28), cbox.y + cbox.height * (5.5 / 28));
  await page.waitForFunction(() => /^concat1 \(concat \+ relu\), channel 6 of 7, row 5, column 3:/.test(document.querySelector('#unit-view .unit-title')?.textContent ?? ''));
  assert.equal(await view.locator('[data-role=concat-branch]').textContent(), 'branch 2');
  assert.equal(await view.locator('[data-role=concat-channel]').textContent(), '3');
  assert.match(await view.textContent(), /branch 1 gives channels 1…3, branch 2 gives channels 4…7/);
  const joined = Number(await view.locator('[data-role=unit-result]').textContent());
  const concatMap = await page.evaluate(() => window.wasmgradApp.views.activations.valueAt({ layer: 'concat1', channel: 5, row: 5, col: 3 }));
  assert.ok(Math.abs(joined - concatMap) <= 1e-5 * (Math.abs(concatMap) + 1));
  await elementShot(page, view, path.join(SHOTS, 'blocks-unit-concat.png'));
  // The activation maps list the block's inner maps, per path.
  await page.getByText('Inside residual1: 2 layers on 2 paths').click();
  await page.getByRole('img', { name: 'residual1.layers.0 channel 1' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the big architectures by their shapes: ResNet-18\'s table and totals, without building it', async () => {
  const { page, problems } = await open('#model=cnn');
  await page.getByText('Big architectures, by their shapes').click();
  const pick = page.getByRole('combobox', { name: 'Big architecture' });
  await pick.selectOption('resnet18');
  await page.waitForFunction(() => /11,689,512 parameters/.test(document.querySelector('#architecture-totals').textContent));
  assert.match(await page.locator('#architecture-totals').textContent(), /^ResNet-18 \(He et al\., 2015\) on a 3×224×224 input/);
  const rows = page.locator('#architecture-table tbody tr:not(.inner-row)');
  assert.ok(await rows.count() >= 8);
  assert.equal(number(await page.locator('#architecture-table tfoot td').first().textContent()), 11_689_512);
  await pick.selectOption('alexnet');
  await page.waitForFunction(() => /61,100,840 parameters/.test(document.querySelector('#architecture-totals').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});
