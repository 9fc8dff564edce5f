// The network view (issue 15): one input through the whole network, in the playground with the
// real engine in headless Chromium. It renders for each preset (columns as the engine folds them),
// changes when the drawing changes, highlights what feeds a hovered node, opens the unit inspector
// on a click, follows the pointer on a 2-D decision boundary, and draws a picture for the pen's
// digit events; how fast it keeps up with the pen (the time from each 'digit' event of the pad to
// the end of drawing the network for it, a performance measure the page records in
// web/playground/unit-panel.js) is printed per preset, not asserted.
// Screenshots go to build/screenshots/network-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, startBrowser, openPlayground } from './lib.mjs';
import { FLOW_MEASURE, elementShot } from './inside-lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: true }));
});
after(() => close?.());

const networkCanvas = (page) => page.getByRole('application', { name: /^Network view: input/ });
const pixels = (page) => networkCanvas(page).evaluate((c) => c.toDataURL());
const measures = (page) => page.evaluate((name) => performance.getEntriesByName(name).map((m) => m.duration), FLOW_MEASURE);

/** Draws a long stroke, pen-like: many small moves, so the pad sends a 'digit' event every 100 ms. */
async function drawLong(page, moves = 60) {
  const pad = page.getByRole('img', { name: /Drawing area/ });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.25);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) {
    const t = i / moves;
    await page.mouse.move(box.x + box.width * (0.3 + 0.4 * Math.sin(Math.PI * t)), box.y + box.height * (0.25 + 0.5 * t));
    await page.waitForTimeout(16);  // a pen reports about 60 times a second
  }
  await page.mouse.up();
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

const PRESETS = {
  mlp: ['input', 'linear1 + relu1', 'linear2'],
  cnn: ['input', 'conv1 + relu1', 'maxpool1', 'conv2 + relu2', 'maxpool2', 'linear1'],
  lenet5: ['input', 'conv1 + relu1', 'maxpool1', 'conv2 + relu2', 'maxpool2 + flatten1', 'linear1 + relu3', 'linear2'],
};

for (const [preset, columns] of Object.entries(PRESETS)) {
  test(`${preset}: the network view renders its columns, changes with the drawing, and prints how it keeps up with the pen (slow: 60 pen moves)`, async (t) => {
    const { page, problems } = await openPlayground(browser, server, { hash: `#model=${preset}` });
    const canvas = networkCanvas(page);
    await canvas.waitFor({ timeout: 60_000 });
    const label = await canvas.getAttribute('aria-label');
    assert.deepEqual(label.replace('Network view: ', '').split(', then ').map((c) => c.replace(/ \([\d×]+\)$/, '')), columns);
    assert.match(await page.locator('#network-input').textContent(), /Showing the input being inspected/);
    const first = await pixels(page);

    await drawLong(page);
    await page.waitForFunction(([name, n]) => performance.getEntriesByName(name).length >= n, [FLOW_MEASURE, 3], { timeout: 30_000 });
    await page.waitForTimeout(300);  // the stroke's last event
    const after = await pixels(page);
    assert.notEqual(after, first, 'the drawing changed the picture');
    const times = await measures(page);
    const summary = `${preset}: ${times.length} digit events, digit -> network drawn: median ${percentile(times, 0.5).toFixed(1)} ms, ` +
      `90th percentile ${percentile(times, 0.9).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`;
    t.diagnostic(summary);
    console.log(summary);
    // The pad sends a digit event at most every 100 ms, and the page asks for one picture at a time
    // (the newest input wins), so a slow machine shows fewer pictures, never an old one late. How
    // fast is printed above, not asserted (lenet5's median was 58-180 ms here at load average 8-10
    // on 2 cores; bench/explain-unit.mjs measures the engine's part).
    assert.ok(times.length >= 3 && times.every((ms) => Number.isFinite(ms) && ms >= 0), summary);

    // Hover a node of the second column: the caption says what feeds it; a click opens the inspector there.
    await canvas.scrollIntoViewIfNeeded();
    const node = await page.evaluate(() => {
      const view = window.wasmgradApp.views.network;
      const p = view.geometry.placed[1];
      const n = p.nodes[Math.min(2, p.nodes.length - 1)];
      return { x: n.x + n.w / 2, y: n.y + n.h / 2, column: view.flow.columns[1].name };
    });
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + node.x, box.y + node.y);
    await page.waitForFunction(() => /Fed most by input/.test(document.querySelector('#network-view .flow-caption').textContent));
    const hovered = await pixels(page);
    assert.notEqual(hovered, after, 'hovering highlights');
    await elementShot(page, page.locator('#network-panel'), path.join(SHOTS, `network-${preset}.png`));
    await page.mouse.click(box.x + node.x, box.y + node.y);
    const layer = node.column.split(' + ')[0];
    await page.waitForFunction((name) => document.querySelector('#unit-view .unit-title')?.textContent.startsWith(name), layer);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the edge menu sets how many edges are drawn; the keyboard reaches and opens a node', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#model=lenet5' });
  await networkCanvas(page).waitFor({ timeout: 60_000 });
  const summary = page.locator('#network-view .flow-summary');
  await page.waitForFunction(() => /edges drawn/.test(document.querySelector('#network-view .flow-summary').textContent));
  const count = async () => Number((await summary.textContent()).match(/^([\d,]+) edges drawn/)[1].replace(/,/g, ''));
  const before = await count();
  await page.getByLabel('Edges drawn between two layers').selectOption('8');
  await page.waitForFunction(() => /the strongest 8 between/.test(document.querySelector('#network-view .flow-summary').textContent));
  const fewer = await count();
  assert.ok(fewer < before, `${fewer} < ${before}`);
  await page.getByLabel('Edges drawn between two layers').selectOption('256');
  await page.waitForFunction(() => /the strongest 256 between/.test(document.querySelector('#network-view .flow-summary').textContent));
  assert.ok(await count() > before);
  await elementShot(page, page.locator('#network-panel'), path.join(SHOTS, 'network-lenet5-256-edges.png'));
  // By keyboard: into the view, one column right (conv1 + relu1), down to its third map, Enter opens it.
  await networkCanvas(page).focus();
  for (const key of ['ArrowRight', 'ArrowDown', 'ArrowDown', 'Enter']) await page.keyboard.press(key);
  await page.waitForFunction(() => /^conv1 .*channel 3 of 20/.test(document.querySelector('#unit-view .unit-title')?.textContent ?? ''));
  assert.match(await page.locator('#network-view .flow-caption').textContent(), /^conv1 \+ relu1, map 3: mean/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('2-D points: the input is the point under the pointer on the decision boundary; a click keeps it', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#data=xor&model=custom&layers=linear.8_tanh_linear.8_tanh_linear.2' });
  const canvas = networkCanvas(page);
  await canvas.waitFor({ timeout: 60_000 });
  const columns = (await canvas.getAttribute('aria-label')).replace('Network view: ', '').split(', then ');
  assert.deepEqual(columns, ['input (2)', 'linear1 + tanh1 (8)', 'linear2 + tanh2 (8)', 'linear3 (2)']);
  await page.waitForFunction(() => /the first training point/.test(document.querySelector('#network-input').textContent));
  // Playground-style units: each drawn as its value over the plane.
  await page.waitForFunction(() => /Each unit is drawn as its value over the whole plane/.test(document.querySelector('#network-view .flow-summary').textContent));
  const before = await pixels(page);
  const boundary = page.getByRole('img', { name: /^Decision boundary/ });
  await boundary.scrollIntoViewIfNeeded();
  const box = await boundary.boundingBox();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2);
  await page.waitForFunction(() => /the point under the pointer, \(/.test(document.querySelector('#network-input').textContent));
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.mouse.move(0, 0);
  await page.waitForFunction(() => /the point you clicked, \(-/.test(document.querySelector('#network-input').textContent));
  const text = await page.locator('#network-input').textContent();
  const [x, y] = /\((-?[\d.]+), (-?[\d.]+)\)/.exec(text).slice(1).map(Number);
  assert.ok(x < 0 && y < 0, text);
  await canvas.scrollIntoViewIfNeeded();
  assert.notEqual(await pixels(page), before);
  // The unit inspector follows the same point: the output unit the model predicts, and its input (x, y).
  await page.waitForFunction(() => /^Input: \(-[\d.]+, -[\d.]+\)$/.test(document.querySelector('#unit-view .unit-input')?.textContent));
  await elementShot(page, page.locator('#network-panel'), path.join(SHOTS, 'network-points.png'));
  await elementShot(page, page.locator('#unit-panel'), path.join(SHOTS, 'unit-points.png'));
  assert.deepEqual(problems, []);
  await page.close();
});
