// WCAG 2.1 AA, checked by axe-core (npm) in headless Chromium on every page and the states a student
// meets: the playground when it starts, on a phone, with its dialog open, and after training with a
// confusion-matrix cell's examples shown; the demo gallery with every demo running as an element;
// every demo's iframe page at 800 and 360 px. Then a keyboard-only path: Tab to Start, train, Tab to
// a training example and read the prediction, with focus always visible. And the draw panel shows the
// input its prediction is for, in the pad and in its 28x28 preview, from the first moment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startServer } from './static-server.mjs';
import { ROOT, SHOTS, launch, openPlayground, startRun, waitForRunEnd, waitForStatus, button, canvasStats } from './lib.mjs';

const AXE = await fs.readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DEMO_NAMES = ['perceptron', 'backprop', 'approximation', 'autoencoder', 'activations', 'optimizers', 'conv',
  'receptive-field', 'lenet', 'why-residual'];

/** axe-core's WCAG 2.1 A/AA violations on the page (or frame), one line each with where and why. */
async function violations(target) {
  // Evaluated, not added as a <script>: the pages' Content-Security-Policy allows no inline script.
  if (!(await target.evaluate(() => Boolean(window.axe)))) await target.evaluate(AXE);
  const result = await target.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.flatMap((v) => v.nodes.map((n) =>
    `${v.id} (${v.impact}): ${n.target.join(' ')}: ${(n.any[0]?.message ?? n.failureSummary ?? '').slice(0, 160)}`));
}

let server;
let browser;
before(async () => {
  server = await startServer(0, { isolated: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});
const origin = () => `http://127.0.0.1:${server.address().port}`;

test('playground: no WCAG 2.1 AA violation when it starts, on a phone, and with its dialog open', async () => {
  for (const viewport of [{ width: 1400, height: 900 }, { width: 390, height: 844 }]) {
    const { page, problems } = await openPlayground(browser, server, { hash: '#model=cnn&epochs=50', viewport });
    assert.deepEqual(await violations(page), [], `at ${viewport.width} px`);
    if (viewport.width > 1000) {
      // A run in progress, then Start again: the "Start a new run?" dialog.
      const run = await startRun(page);
      await waitForStatus(page, 'training');
      await button(page, 'Start').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.deepEqual(await violations(page), [], 'with the dialog open');
      await page.screenshot({ path: path.join(SHOTS, 'a11y-playground-dialog.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await button(page, 'Pause').click();
      await page.waitForFunction((r) => window.wasmgradApp.run === r && window.wasmgradApp.status === 'paused', run);
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('playground: no WCAG 2.1 AA violation after training, with a confusion cell\'s examples shown', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#model=mlp&epochs=1' });
  const run = await startRun(page);
  await waitForRunEnd(page, run, 180_000);
  // A cell of the confusion matrix (a button) shows its examples; its row is then selected.
  const cell = page.locator('#confusion-view button').first();
  await cell.waitFor();
  await cell.click();
  await page.locator('#confusion-examples button').first().waitFor();
  assert.deepEqual(await violations(page), []);
  await page.screenshot({ path: path.join(SHOTS, 'a11y-playground-trained.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('demo gallery: no WCAG 2.1 AA violation with every demo running as an element', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${origin()}/demos/index.html`);
  for (const name of DEMO_NAMES) {
    await page.locator(`section#${name}`).getByRole('button', { name: 'Show it here' }).click();
    await page.locator(`section#${name} wasmgrad-demo[data-ready="true"]`).waitFor({ timeout: 90_000 });
  }
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('every demo\'s iframe page: no WCAG 2.1 AA violation at 800 and 360 px', async () => {
  for (const width of [800, 360]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const name of DEMO_NAMES) {
      await page.goto(`${origin()}/demos/embed.html?name=${name}`);
      await page.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 90_000 });
      assert.deepEqual(await violations(page), [], `${name} at ${width} px`);
    }
    await page.close();
  }
});

test('why-residual: no WCAG 2.1 AA violation with its gradient bars and loss curves drawn', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 1300 } });
  await page.goto(`${origin()}/demos/embed.html?name=why-residual&depth=8`);
  const demo = page.locator('wasmgrad-demo[data-ready="true"]');
  await demo.locator('button[data-action=train]:not([disabled])').waitFor({ timeout: 90_000 });
  await demo.getByRole('button', { name: 'Start' }).click();
  await demo.locator('[data-role=grad-norms] tbody tr').nth(7).waitFor({ timeout: 60_000 });  // all 8 layers' bars
  await demo.getByRole('button', { name: 'Pause' }).click();
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('keyboard only: Tab to Start, train, Tab to a training example, read its prediction; focus always visible', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#model=mlp&epochs=1' });
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return { tag: e.tagName, name: e.getAttribute('aria-label') ?? e.textContent.trim(), outline: style.outlineStyle,
      width: parseFloat(style.outlineWidth) };
  });
  /** Presses Tab until the focused element's name matches `name`; every stop must show its focus ring. */
  async function tabTo(name, limit = 300) {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const now = await focused();
      assert.ok(now.outline !== 'none' && now.width >= 2, `focus is visible on <${now.tag}> "${now.name}"`);
      if (name.test(now.name)) return now;
    }
    assert.fail(`${name} not reached with ${limit} Tab presses`);
  }
  await tabTo(/^Start$/);
  const before = await page.evaluate(() => window.wasmgradApp.runsStarted);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => window.wasmgradApp.run === n, before + 1);
  await waitForRunEnd(page, before + 1, 180_000);
  await tabTo(/^Inspect .* example 1: label \d$/);
  await page.keyboard.press('Enter');
  const verdict = page.locator('.prob-verdict');
  await page.waitForFunction(() => /^Prediction: \d \(\d+\.\d%\)$/.test(document.querySelector('.prob-verdict')?.textContent ?? ''));
  assert.match(await verdict.textContent(), /^Prediction: \d/);
  await page.screenshot({ path: path.join(SHOTS, 'a11y-keyboard-prediction.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the draw panel shows the input its prediction is for: the first example in the pad and the preview', async () => {
  const { page, problems } = await openPlayground(browser, server, { hash: '#model=mlp' });
  await page.waitForFunction(() => /^Showing the first training example/.test(document.querySelector('#input-source')?.textContent ?? ''));
  await page.waitForFunction(() => /^Prediction: /.test(document.querySelector('.prob-verdict')?.textContent ?? ''));
  const pad = await canvasStats(page, '#draw-pad-view canvas', 0);
  const preview = await canvasStats(page, '#draw-pad-view canvas', 1);
  assert.ok(pad.painted > 0.03, `the pad shows the example: ${(pad.painted * 100).toFixed(1)}% inked`);
  assert.ok(preview.painted > 0.03, `the preview shows it: ${(preview.painted * 100).toFixed(1)}% inked`);
  await page.locator('#draw-pad-view').screenshot({ path: path.join(SHOTS, 'draw-panel-first-example.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('reduced motion: no transitions in the playground, and the conv demo\'s window waits for Play', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1200, height: 900 } });
  const { page, problems } = await openPlayground(context, server, { hash: '#model=mlp' });
  await page.locator('.prob-fill').first().waitFor({ state: 'attached' });
  assert.equal(await page.locator('.prob-fill').first().evaluate((e) => getComputedStyle(e).transitionDuration), '0s');
  const demo = await context.newPage();
  await demo.goto(`${origin()}/demos/embed.html?name=conv`);
  await demo.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 90_000 });
  const play = demo.locator('wasmgrad-demo').getByRole('button', { name: 'Play', exact: true });
  await play.waitFor();
  const windowText = () => demo.locator('wasmgrad-demo').getByText(/^output \(\d+, \d+\) sees/).textContent();
  const first = await windowText();
  await demo.waitForTimeout(1600);  // two steps' worth of the animation's 700 ms: it must not have moved
  assert.equal(await windowText(), first, 'the window stays where it is until Play');
  await play.click();
  await demo.waitForFunction((text) => ![...document.querySelector('wasmgrad-demo').shadowRoot.querySelectorAll('*')]
    .some((e) => e.children.length === 0 && e.textContent === text), first);
  assert.deepEqual(problems, []);
  await context.close();
});

test('200% zoom (a 1280 px screen is 640 CSS px wide): no page scrolls sideways', async () => {
  const page = await browser.newPage({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto(`${origin()}/web/index.html#model=cnn`);
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: 90_000 });
  assert.equal(await sideways(), 0, 'playground');
  await page.screenshot({ path: path.join(SHOTS, 'a11y-playground-200-percent.png') });
  await page.goto(`${origin()}/demos/index.html`);
  await page.locator('section#lenet').waitFor();
  assert.equal(await sideways(), 0, 'gallery');
  for (const name of DEMO_NAMES) {
    await page.goto(`${origin()}/demos/embed.html?name=${name}`);
    await page.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 90_000 });
    assert.equal(await sideways(), 0, name);
  }
  await page.close();
});
