// Inside one unit (issue 15): the unit inspector and the network view in the playground, with the
// real engine in headless Chromium. A unit is clicked in the activation maps (or the network view)
// as a user would; the numbers the inspector shows are read from the page and checked against the
// activation map the page drew (web/views/activations.js, from model.activations in the worker:
// another call than explainUnit) and against their own arithmetic. Screenshots go to
// build/screenshots/unit-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, startBrowser, openPlayground, startRun, waitForRunEnd, drawOne } from './lib.mjs';
import { elementShot } from './inside-lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: true }));
});
after(() => close?.());

const open = (hash) => openPlayground(browser, server, { hash });
const unitView = (page) => page.locator('#unit-view');
const number = async (locator) => Number(await locator.textContent());

/** Waits until the activation maps show `layer` (a new model or input has been drawn). */
async function activationsShown(page, layer) {
  await page.getByRole('button', { name: new RegExp(`^${layer}( channel 1|: \\d+ units)`) }).first().waitFor({ timeout: 60_000 });
}

/** Clicks the unit (row, col) of a channel's map in the activation maps; returns the map's value there as drawn. */
async function clickMapUnit(page, layer, channel, row, col) {
  const canvas = page.getByRole('button', { name: `${layer} channel ${channel}`, exact: true });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const size = await canvas.evaluate((c) => [c.height, c.width]);
  await page.mouse.click(box.x + ((col + 0.5) / size[1]) * box.width, box.y + ((row + 0.5) / size[0]) * box.height);
}

/** The inspector's title once it shows the given unit. */
async function inspected(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#unit-view .unit-title')?.textContent ?? ''),
    pattern.source, { timeout: 30_000 });
  return unitView(page).locator('.unit-title').textContent();
}

const mapValue = (page, unit) => page.evaluate((u) => window.wasmgradApp.views.activations.valueAt(u), unit);

/** Shown numbers are rounded to 4 significant digits (formatValue): allow that much. */
const close4 = (a, b, scale = Math.abs(b)) => Math.abs(a - b) <= 6e-4 * Math.max(scale, 1e-3) + 1e-6;

/** The unit (row, col) of a layer's channel (1-based) with the largest value in the map the page drew: a unit that sees ink. */
const strongestUnit = (page, layer, channel) => page.evaluate(([name, c]) => {
  const entry = window.wasmgradApp.views.activations.list.find((e) => e.name === name);
  const [, h, w] = entry.shape;
  let best = 0;
  for (let i = 1; i < h * w; i++) if (entry.data[(c - 1) * h * w + i] > entry.data[(c - 1) * h * w + best]) best = i;
  return { row: Math.floor(best / w), col: best % w };
}, [layer, channel]);

/** The three grids of a conv channel block: input patch, kernel weights, products (each cell's full value is its title; padding 0). */
async function convGrids(view) {
  const grids = view.locator('.unit-channel').first().locator('table.unit-grid');
  const cells = async (i) => grids.nth(i).locator('td').evaluateAll((tds) => tds.map((td) => (td.classList.contains('pad') ? 0 : Number(td.title))));
  return { values: await cells(0), weights: await cells(1), products: await cells(2) };
}

test('a conv unit: per-channel products and their sum, + bias, ReLU, equal to the maps; on the border, padding', async () => {
  const { page, problems } = await open('#model=cnn');
  await activationsShown(page, 'conv1');
  const view = unitView(page);
  // A unit that sees the digit: the strongest of relu1's channel 3.
  const { row, col } = await strongestUnit(page, 'relu1', 3);
  await clickMapUnit(page, 'conv1', 3, row, col);
  assert.match(await inspected(page, new RegExp(`^conv1 .*channel 3 of 8, row ${row}, column ${col}:`)), /conv2d \+ relu/);
  const { values, weights, products } = await convGrids(view);
  assert.equal(products.length, 25);
  assert.ok(products.some((p) => p !== 0), 'the unit reads ink');
  products.forEach((p, i) => assert.ok(Math.abs(values[i] * weights[i] - p) <= 1e-6 * Math.abs(p) + 1e-12, `tap ${i}: ${values[i]} × ${weights[i]} = ${p}`));
  const channelTerm = await number(view.locator('[data-role=channel-term]').first());
  assert.ok(close4(products.reduce((a, b) => a + b, 0), channelTerm, products.reduce((a, b) => a + Math.abs(b), 0)));
  const bias = Number(/\+ bias (-?[\d.e-]+) = pre-activation/.exec(await view.textContent())[1]);
  // The engine's pre-activation and ReLU result against the maps the page drew for conv1 and relu1.
  const pre = await number(view.locator('[data-pre-activation]'));
  assert.ok(close4(channelTerm + bias, pre, Math.abs(channelTerm) + Math.abs(bias)), 'channel sum + bias = pre-activation');
  const result = await number(view.locator('[data-role=unit-result]'));
  assert.ok(Math.abs(pre - await mapValue(page, { layer: 'conv1', channel: 2, row, col })) < 1e-5, 'pre-activation = conv1 map');
  assert.ok(Math.abs(result - await mapValue(page, { layer: 'relu1', channel: 2, row, col })) < 1e-5, 'result = relu1 map');
  assert.ok(result > 0);
  assert.equal(result, Math.max(0, pre));
  await elementShot(page, view, path.join(SHOTS, 'unit-conv.png'));

  // The corner: 16 of the 5x5 taps fall in the zero padding (pad 2); the sum is the bias alone.
  await clickMapUnit(page, 'conv1', 3, 0, 0);
  await inspected(page, /^conv1 .*channel 3 of 8, row 0, column 0:/);
  const patch = view.locator('.unit-channel').first().locator('table.unit-grid').first();
  assert.equal(await patch.locator('td.pad').count(), 16);
  assert.equal(await patch.locator('td').count(), 25);
  assert.match(await view.textContent(), /16 taps fall in the zero padding \(pad 2, hatched, read as 0\)/);
  const corner = await number(view.locator('[data-pre-activation]'));
  assert.ok(Math.abs(corner - await mapValue(page, { layer: 'conv1', channel: 2, row: 0, col: 0 })) < 1e-5);
  await elementShot(page, view, path.join(SHOTS, 'unit-conv-padded.png'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('stride 2 and dilation 2: the taps are two apart, the sum over channels + bias is the map value', async () => {
  // conv1: 4 filters 3x3, stride 2, pad 2, dilation 2 -> 4x14x14; conv2 reads its 4 channels.
  const { page, problems } = await open('#model=custom&layers=conv2d.4.3.2.2.2_relu_conv2d.6.3.1.1_flatten_linear.10');
  await activationsShown(page, 'conv2');
  const view = unitView(page);
  const unit = await strongestUnit(page, 'relu1', 2);
  await clickMapUnit(page, 'conv1', 2, unit.row, unit.col);
  await inspected(page, new RegExp(`^conv1 .*channel 2 of 4, row ${unit.row}, column ${unit.col}:`));
  assert.match(await view.textContent(), /dilation 2: its taps are 2 pixels apart/);
  assert.match(await view.textContent(), /stride 2: the next unit's window \(dashed\) starts 2 pixels further/);
  const [top, left] = [unit.row * 2 - 2, unit.col * 2 - 2];  // 3 taps 2 apart: 5 rows and columns
  assert.match(await view.textContent(), new RegExp(`rows ${top}…${top + 4}, columns ${left}…${left + 4}`));
  const pre = await number(view.locator('[data-pre-activation]'));
  assert.ok(Math.abs(pre - await mapValue(page, { layer: 'conv1', channel: 1, ...unit })) < 1e-5);
  await elementShot(page, view, path.join(SHOTS, 'unit-conv-stride-dilation.png'));

  // conv2 sums over conv1's 4 channels: the shown terms add up to the shown sum, + bias = the map.
  const second = await strongestUnit(page, 'conv2', 5);
  await clickMapUnit(page, 'conv2', 5, second.row, second.col);
  await inspected(page, new RegExp(`^conv2 .*channel 5 of 6, row ${second.row}, column ${second.col}:`));
  const terms = (await view.locator('[data-role=channel-sum-term]').allTextContents()).map((t) => Number(t.replace(/[()]/g, '')));
  assert.equal(terms.length, 4);
  const channelSum = await number(view.locator('[data-role=channel-sum]'));
  assert.ok(close4(terms.reduce((a, b) => a + b, 0), channelSum, terms.reduce((a, b) => a + Math.abs(b), 0)));
  const conv2 = await number(view.locator('[data-pre-activation]'));
  assert.ok(Math.abs(conv2 - await mapValue(page, { layer: 'conv2', channel: 4, ...second })) < 1e-5);
  assert.equal(await view.locator('.unit-channel').count(), 4, 'every input channel in full (4 or fewer)');
  await elementShot(page, view, path.join(SHOTS, 'unit-conv-sum-over-channels.png'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a max-pool unit shows its window and the winner; a dense unit its largest terms, the rest summed', async () => {
  const { page, problems } = await open('#model=cnn');
  await activationsShown(page, 'maxpool1');
  await clickMapUnit(page, 'maxpool1', 4, 7, 6);
  await inspected(page, /^maxpool1 .*channel 4 of 8, row 7, column 6/);
  // The chosen unit is outlined in its map (maxpool1 is 8x14x14), which is the pressed button.
  const markers = () => page.locator('#activations-view .unit-marker')
    .evaluateAll((nodes) => nodes.map((n) => ['--x', '--y', '--w'].map((k) => Number(n.style.getPropertyValue(k)))));
  await page.getByRole('button', { name: 'maxpool1 channel 4', pressed: true }).waitFor();
  assert.deepEqual(await markers(), [[6 / 14, 7 / 14, 1 / 14]]);
  await elementShot(page, page.locator('#activations-view figure', { hasText: 'maxpool1' }), path.join(SHOTS, 'unit-marked-in-map.png'));
  const view = unitView(page);
  // Each cell's title holds its full value: the window's largest is the winner, is the result, is the map's value.
  const window = await view.locator('table.unit-grid td').evaluateAll((tds) => tds.map((td) => Number(td.title)));
  assert.equal(window.length, 4);
  const result = await number(view.locator('[data-role=unit-result]'));
  const map = await mapValue(page, { layer: 'maxpool1', channel: 3, row: 7, col: 6 });
  assert.equal(Math.max(...window), map);
  assert.equal(Number(await view.locator('table.unit-grid td.winner').getAttribute('title')), map);
  assert.ok(Math.abs(result - map) <= 1e-6 * Math.abs(map), `${result} shown (7 digits), ${map} in the map`);
  await elementShot(page, view, path.join(SHOTS, 'unit-maxpool.png'));

  // The output layer: a strip of 10 units; click the 8th (class 7).
  const strip = page.getByRole('button', { name: /^linear1: 10 units/ });
  await strip.scrollIntoViewIfNeeded();
  const box = await strip.boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  await inspected(page, /^linear1 .*unit 8 of 10 \(class 7\)/);
  await page.getByRole('button', { name: /^linear1: 10 units/, pressed: true }).waitFor();
  assert.deepEqual(await markers(), [[7 / 10, 0, 1 / 10]], 'one outline, on the dense unit');
  const products = (await view.locator('[data-role=product]').allTextContents()).map(Number);
  assert.equal(products.length, 12);
  for (let i = 1; i < products.length; i++) assert.ok(Math.abs(products[i]) <= Math.abs(products[i - 1]) + 1e-9, 'largest first');
  assert.match(await view.textContent(), /the other 772 add up to/);  // 16*7*7 = 784 terms
  const dense = await number(view.locator('[data-role=unit-result]'));
  assert.ok(Math.abs(dense - await mapValue(page, { layer: 'linear1', channel: 7 })) < 1e-5);
  await elementShot(page, view, path.join(SHOTS, 'unit-dense.png'));
  // The receptive-field view follows the chosen unit: a dense unit has no window, it sees the whole image.
  await page.waitForFunction(() => /^Unit 8 of 10 in linear1 is connected to every input pixel: its receptive field is the whole 28×28 image\./
    .test(document.querySelector('#receptive-field-view .view-caption').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the inspector follows the drawn input and the training: new numbers after each epoch, still equal to the maps', async () => {
  const { page, problems } = await open('#model=mlp&epochs=1&lr=0.002');
  await activationsShown(page, 'linear1');
  const strip = page.getByRole('button', { name: /^linear1: 128 units/ });
  await strip.scrollIntoViewIfNeeded();
  const box = await strip.boundingBox();
  await page.mouse.click(box.x + box.width * (40.5 / 128), box.y + box.height / 2);
  await inspected(page, /^linear1 .*unit 41 of 128/);
  const view = unitView(page);
  const before = await number(view.locator('[data-role=unit-result]'));
  // The MLP reads the image through a flatten: its terms are drawn as a 28x28 contribution map.
  assert.equal(await view.getByRole('img', { name: /^weight × input of channel 1, summing to/ }).count(), 1);

  await drawOne(page);
  await page.waitForFunction(() => /drawn/.test(document.querySelector('#input-source').textContent));
  await page.waitForFunction((b) => Number(document.querySelector('#unit-view [data-role=unit-result]')?.textContent) !== b, before);
  const drawn = await number(view.locator('[data-role=unit-result]'));
  await page.waitForFunction(() => /Prediction/.test(document.querySelector('#probabilities-view').textContent));

  const run = await startRun(page);
  await waitForRunEnd(page, run, 120_000);
  await page.waitForFunction((b) => Number(document.querySelector('#unit-view [data-role=unit-result]')?.textContent) !== b, drawn,
    { timeout: 30_000 });
  // The activation maps and the inspector both redraw after the run: wait until they agree on the trained weights.
  await page.waitForFunction(() => {
    const shown = Number(document.querySelector('#unit-view [data-role=unit-result]').textContent);
    const map = window.wasmgradApp.views.activations.valueAt({ layer: 'relu1', channel: 40 });
    return Math.abs(shown - map) < 1e-5;
  }, null, { timeout: 30_000 });
  assert.match(await unitView(page).locator('.unit-title').textContent(), /linear \+ relu/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every kind of layer: the value the steps arrive at is the one in the activation maps', async () => {
  // conv, batch norm, sigmoid, padded average pool, instance norm, local contrast norm, L2 pool,
  // layer norm, tanh, dropout, flatten, linear: one unit of each, the strongest of its first map.
  const layers = 'conv2d.4.3.1.1_batchnorm_sigmoid_avgpool.2.2.1_conv2d.4.3.1.1_instancenorm_lcn.3_l2pool.2_layernorm_tanh_' +
    'dropout.0.3_flatten_linear.10';
  const { page, problems } = await open(`#model=custom&layers=${layers}`);
  await activationsShown(page, 'linear1');
  const view = unitView(page);
  const entries = await page.evaluate(() => window.wasmgradApp.views.activations.list.map((e) => ({ name: e.name, type: e.type, shape: e.shape })));
  assert.equal(entries.length, 13);
  const seen = new Set();
  for (const entry of entries) {
    let title;
    if (entry.shape.length === 3) {
      const { row, col } = await strongestUnit(page, entry.name, 1);
      await clickMapUnit(page, entry.name, 1, row, col);
      title = await inspected(page, new RegExp(`^${entry.name} .*channel 1 of ${entry.shape[0]}, row ${row}, column ${col}:`));
    } else {
      const strip = page.getByRole('button', { name: new RegExp(`^${entry.name}: ${entry.shape[0]} units`) });
      await strip.scrollIntoViewIfNeeded();
      const box = await strip.boundingBox();
      const unit = Math.floor(entry.shape[0] / 3);
      await page.mouse.click(box.x + box.width * ((unit + 0.5) / entry.shape[0]), box.y + box.height / 2);
      title = await inspected(page, new RegExp(`^${entry.name} .*unit ${unit + 1} of ${entry.shape[0]}`));
    }
    // The last line of the check names the map the final value belongs to (this layer's, or the activation's after it).
    const last = await view.locator('[data-role=unit-check] p').last().textContent();
    const layer = /the activation map of (\w+) holds/.exec(last)[1];
    const unit = await page.evaluate(() => window.wasmgradApp.store.get().inspect.unit);
    const shown = await number(view.locator('[data-role=unit-result]'));
    const map = await mapValue(page, { ...unit, layer });
    assert.ok(Math.abs(shown - map) <= 2e-6 * Math.max(1, Math.abs(map)), `${entry.name} (${title}): shown ${shown}, ${layer}'s map ${map}`);
    seen.add(/\((\w+)/.exec(title)[1]);
  }
  assert.deepEqual([...seen].sort(), ['activation', 'avgpool', 'batchnorm', 'conv2d', 'dropout', 'flatten', 'instancenorm', 'l2pool',
    'layernorm', 'lcn', 'linear']);
  await elementShot(page, view, path.join(SHOTS, 'unit-linear-after-flatten.png'));
  assert.deepEqual(problems, []);
  await page.close();
});
