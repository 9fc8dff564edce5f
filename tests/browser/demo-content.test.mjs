// The lecture content added with issue 15, as a course page embeds it (demos/embed.html on a server
// without COOP/COEP, like a course web site): the 8-3-8 autoencoder (its 3-unit code becomes
// binary-like as the engine trains it) and the optimizer race's loss-per-step chart (uPlot inside
// the demo's shadow root). Screenshots go to build/screenshots/demo-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, startBrowser, watch } from './lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: false }));
});
after(() => close?.());

async function openDemo(query, viewport = { width: 900, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  const problems = watch(page);
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  await page.goto(`http://127.0.0.1:${server.address().port}/demos/embed.html?${query}`);
  const demo = page.locator('wasmgrad-demo[data-ready="true"]');
  await demo.waitFor({ timeout: 60_000 });
  return { page, demo, problems };
}

/** The numbers in a demo's readout (data-role=...). */
const readout = (demo, role) => demo.locator(`[data-role=${role}]`).textContent();

test('autoencoder 8-3-8: the engine trains it, and its 3-unit code becomes binary-like, eight different codes', async () => {
  const { page, demo, problems } = await openDemo('name=autoencoder');
  assert.match(await demo.locator('.badge').textContent(), /wasmgrad simd(-relaxed)? \(1 thread/);
  assert.match(await readout(demo, 'verdict'), /^Untrained/);
  const start = /Mean distance of the code from 0 or 1: ([\d.]+)/.exec(await readout(demo, 'binary'));
  assert.ok(Number(start[1]) > 0.2, `an untrained code is not binary: ${start[1]}`);
  await page.screenshot({ path: path.join(SHOTS, 'demo-autoencoder-untrained.png'), fullPage: true });

  await demo.getByRole('button', { name: 'Train' }).click();
  await demo.locator('[data-role=verdict][data-binary="true"]').waitFor({ timeout: 120_000 });
  const binary = await readout(demo, 'binary');
  const distance = Number(/from 0 or 1: ([\d.]+)/.exec(binary)[1]);
  assert.ok(distance < 0.1, binary);
  assert.match(binary, /8 of 8 inputs have different 3-bit codes/);
  const bits = await demo.locator('[data-role=bits]').allTextContents();
  assert.equal(new Set(bits).size, 8, `eight different codes: ${bits.join(' ')}`);
  // Every input comes back: its own output is the largest.
  assert.equal(await demo.locator('[data-role=codes] td.bad').count(), 0);
  // The chart's description: the loss fell.
  const chart = demo.getByRole('img', { name: /^Loss and the code's distance from binary, per step\. At step \d+/ });
  assert.match(await chart.getAttribute('aria-label'), /loss 0\.0\d*|loss \d\.\d+e-\d/);
  await demo.getByRole('button', { name: 'Pause' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'demo-autoencoder-binary.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('optimizers: the loss-per-step chart shows six losses falling', async () => {
  const { page, demo, problems } = await openDemo('name=optimizers&steps=60');
  const chart = demo.getByRole('img', { name: /^Loss per step/ });
  await demo.locator('button[data-action=run]').click();
  await page.waitForFunction(() => /step 60 of 60/.test(document.querySelector('wasmgrad-demo').shadowRoot
    .querySelector('[data-role=steps]').textContent), null, { timeout: 30_000 });
  const label = await chart.getAttribute('aria-label');
  const series = [...label.replace(/^Loss per step\. /, '').matchAll(/([\w. ]+): loss ([\d.e+-]+) at step 1, ([\d.e+-]+) at step 60/g)];
  assert.deepEqual(series.map((m) => m[1].trim()), ['SGD', 'momentum 0.9', 'Nesterov', 'Adagrad', 'RMSProp', 'Adam'], label);
  for (const [, name, first, last] of series) assert.ok(Number(last) < Number(first) / 2, `${name}: ${first} -> ${last}`);
  // uPlot drew it: a legend entry per optimizer, and lines on its canvas.
  const legend = await chart.locator('.u-legend .u-series').allTextContents();
  assert.deepEqual(legend.map((t) => t.trim()).filter((t) => t !== 'step'), ['SGD', 'momentum 0.9', 'Nesterov', 'Adagrad', 'RMSProp', 'Adam']);
  const painted = await chart.locator('canvas').evaluate((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0) n += 1;
    return n / (data.length / 4);
  });
  assert.ok(painted > 0.01, `the chart's canvas holds lines (${painted})`);
  // uPlot's stylesheet reached the shadow root: its cursor layer lies over the plot (position: absolute there).
  assert.equal(await chart.locator('.u-over').evaluate((n) => getComputedStyle(n).position), 'absolute');
  await demo.locator('[data-role=loss-chart]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'demo-optimizers-losses.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
