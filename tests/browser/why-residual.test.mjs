// The "why residual connections" demo (demos/why-residual.js) as a course page embeds it (no
// COOP/COEP: the single-thread build in the demo's Worker). Before training, the table shows the
// nets as built (batch 0). It trains both nets from the keyboard for a few batches and reads, from the page's own table of gradient norms, that the plain net's first layer gets a
// gradient far smaller against its classifier's than the residual net's first layer does; then the
// depth control rebuilds both nets and reaches the share link. Screenshot:
// build/screenshots/demo-why-residual.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, startBrowser, watch } from './lib.mjs';

let server, browser, close;
before(async () => {
  ({ server, browser, close } = await startBrowser({ isolated: false }));
});
after(() => close?.());

/** Batches trained so far, from the status line's data-batches (0 before the first). */
const batchesTrained = (page) => page.evaluate(() => Number(document.querySelector('wasmgrad-demo').shadowRoot
  .querySelector('[data-role=status]').dataset.batches ?? 0));

/** Each net's gradient norms in layer order, read from the numbers the table shows. */
async function shownNorms(demo, net) {
  const texts = await demo.locator(`[data-role=grad-norms] td[data-net=${net}] .grad-value`).allTextContents();
  return texts.map(Number);
}

test('why-residual: the plain net\'s first-layer gradient vanishes against its classifier\'s, the residual net\'s does not', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 1300 } });
  const problems = watch(page, { workers: true });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  await page.goto(`http://127.0.0.1:${server.address().port}/demos/embed.html?name=why-residual`);
  const demo = page.locator('wasmgrad-demo[data-ready="true"]');
  await demo.waitFor({ timeout: 60_000 });
  const train = demo.getByRole('button', { name: 'Start' });
  await demo.locator('button[data-action=train]:not([disabled])').waitFor({ timeout: 90_000 });
  assert.match(await demo.locator('[data-role=worker-build]').textContent(), /worker engine: wasmgrad simd(-relaxed)?, 1 thread/);
  assert.match(await demo.locator('[data-role=status]').textContent(), /Two nets of 20 weight layers/);
  // Before any update the table already shows the nets as built (batch 0).
  await demo.locator('[data-role=grad-norms] caption', { hasText: 'at initialisation' }).waitFor();
  const atStart = await shownNorms(demo, 'plain');
  assert.equal(atStart.length, 20);
  assert.ok(atStart[19] / atStart[0] > 1e4, `at initialisation the plain net's gradient already vanishes: ${atStart}`);
  await train.focus();  // from the keyboard, as a lecturer at a projector might
  await page.keyboard.press('Enter');
  // The page's own count of batches, which only this run's steps raise (init cleared it).
  await page.waitForFunction(() => Number(document.querySelector('wasmgrad-demo').shadowRoot
    .querySelector('[data-role=status]').dataset.batches ?? 0) >= 5, null, { timeout: 120_000 });
  await demo.getByRole('button', { name: 'Pause' }).click();
  assert.ok(await batchesTrained(page) >= 5);

  // The table's numbers: 20 weight layers per net, first layer (input side) to classifier.
  const plain = await shownNorms(demo, 'plain');
  const residual = await shownNorms(demo, 'residual');
  assert.equal(plain.length, 20);
  assert.equal(residual.length, 20);
  for (const v of [...plain, ...residual]) assert.ok(Number.isFinite(v) && v >= 0, `a shown norm: ${v}`);
  const plainRatio = plain[19] / plain[0];
  const residualRatio = residual[19] / residual[0];
  console.log(`plain: first ${plain[0]}, classifier ${plain[19]} (x${plainRatio.toExponential(1)}); ` +
    `residual: first ${residual[0]}, classifier ${residual[19]} (x${residualRatio.toExponential(1)})`);
  assert.ok(plainRatio > 100 * residualRatio,
    `the plain net's classifier/first-layer gradient ratio ${plainRatio} is not 100x the residual net's ${residualRatio}`);
  // The same reading in words, and the bars' text equivalents are in the table's caption and cells.
  assert.match(await demo.locator('[data-role=ratios] [data-net=plain]').textContent(), /^Plain: first layer's gradient \S+ times smaller than the classifier's/);
  assert.match(await demo.locator('[data-role=grad-norms] caption').textContent(), /after batch \d+; bars on a log scale from 1e-?\d+ to 1e-?\d+/);
  assert.match(await demo.locator('figure.line-chart').getAttribute('aria-label'), /^Training loss per batch\. Plain net: loss \d\.\d{3} at batch \d+; Residual net: loss/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-why-residual.png'), fullPage: true });

  // Depth: both nets rebuilt with 8 layers; the attribute and the share link carry it.
  await demo.getByLabel('Depth (weight layers)').selectOption('8');
  await page.waitForFunction(() => /Two nets of 8 weight layers/.test(document.querySelector('wasmgrad-demo').shadowRoot
    .querySelector('[data-role=status]').textContent));
  assert.equal(await page.locator('wasmgrad-demo').getAttribute('depth'), '8');
  assert.match(await demo.locator('.share').getAttribute('href'), /name=why-residual&depth=8$/);
  // The new nets' table: 8 layers at initialisation (step 0 only: its rows, not the old nets').
  await demo.locator('[data-role=grad-norms] caption', { hasText: 'at initialisation' }).waitFor();
  assert.equal(await demo.locator('[data-role=grad-norms] tbody tr').count(), 8);
  assert.deepEqual(problems, []);
  await page.close();
});

test('why-residual with reduced motion: autostart waits for Start, and says so', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 900, height: 1300 } });
  const page = await context.newPage();
  const problems = watch(page, { workers: true });
  await page.goto(`http://127.0.0.1:${server.address().port}/demos/embed.html?name=why-residual&depth=8&autostart=true`);
  const demo = page.locator('wasmgrad-demo[data-ready="true"]');
  // The button is enabled in the same task that would have started training: its label then is the answer.
  await demo.locator('button[data-action=train]:not([disabled])').waitFor({ timeout: 90_000 });
  assert.equal(await demo.locator('button[data-action=train]').textContent(), 'Start');
  assert.match(await demo.locator('[data-role=status]').textContent(), /Reduced motion is on: press Start to train\.$/);
  assert.equal(await batchesTrained(page), 0);
  await demo.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction(() => Number(document.querySelector('wasmgrad-demo').shadowRoot
    .querySelector('[data-role=status]').dataset.batches ?? 0) >= 1, null, { timeout: 60_000 });
  assert.deepEqual(problems, []);
  await context.close();
});
