// The one browser fixture of the test suites (tests/browser/ and tests/cross-browser/): Debian's
// Chromium through playwright-core with this machine's flags, a page's problems as they happen,
// the repository served (static-server.mjs), the playground opened like a user would, and waits
// on events of the test's own run (a run is numbered by the page, one per Start; a wait never
// accepts what an earlier run left behind).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './static-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(ROOT, 'build/screenshots');
export const TMP = path.join(ROOT, 'build/test-tmp');

/**
 * How long a wait without a timeout of its own may take: twice Playwright's 30 s. Every wait is on
 * an event of the test's own run, so a longer limit only makes a slow machine pass, never a stale
 * state; a wait that needs more (training to an accuracy) says so where it waits.
 */
export const WAIT_MS = 60_000;

/** Headless Debian Chromium with the flags this machine needs (no background networking): the cross-browser driver's too. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-sync', ...extraArgs],
  });
}

/** launchChromium with WAIT_MS waits, and the screenshot and scratch folders made. */
export async function launch(extraArgs = []) {
  await fs.mkdir(SHOTS, { recursive: true });
  await fs.mkdir(TMP, { recursive: true });
  return withWaits(await launchChromium(extraArgs));
}

/**
 * A suite's browser and server: the repository served (static-server.mjs options: isolated, ...)
 * and Chromium launched. {server, browser, close()}; close ends both.
 */
export async function startBrowser(serverOptions = {}) {
  const server = await startServer(0, serverOptions);
  try {
    const browser = await launch();
    const close = async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    };
    return { server, browser, close };
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
}

/** "http://127.0.0.1:PORT" of a started server. */
export const serverOrigin = (server) => `http://127.0.0.1:${server.address().port}`;

/** Gives every page and context `browser` opens WAIT_MS as its default timeout. */
export function withWaits(browser) {
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(WAIT_MS);
    return context;
  };
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.context().setDefaultTimeout(WAIT_MS);
    return page;
  };
  return browser;
}

export const playgroundUrl = (server, hash = '', query = '') => `${serverOrigin(server)}/web/index.html${query}${hash}`;

/**
 * The playground with its engine loaded and the model built (Start enabled); `problems` collects
 * console errors and page errors.
 */
export async function openPlayground(browserOrContext, server, { hash = '', query = '', viewport = { width: 1400, height: 900 } } = {}) {
  const page = await browserOrContext.newPage({ viewport, acceptDownloads: true });
  const problems = watch(page);
  await page.goto(playgroundUrl(server, hash, query));
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: 90_000 });
  await page.locator('#layer-table-view tbody tr').first().waitFor({ timeout: 30_000 });
  return { page, problems };
}

/** Console errors and page errors of a page (and of its workers: `workers`), as they happen. */
export function watch(page, { workers = false } = {}) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (workers) page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console: ${m.text()}`); }));
  return problems;
}

export const startButton = (page) => page.getByRole('button', { name: 'Start', exact: true });
export const button = (page, name) => page.getByRole('button', { name, exact: true });

/**
 * Presses Start and waits until the worker reports the new run: every later wait is on this run's
 * own events. `confirm`: answer the "Start a new run?" question (a run was in progress).
 */
export async function startRun(page, { confirm = false } = {}) {
  const before = await page.evaluate(() => window.wasmgradApp.runsStarted);
  await startButton(page).click();
  if (confirm) await page.getByRole('button', { name: 'Start a new run' }).click();
  await page.waitForFunction((n) => window.wasmgradApp.run === n, before + 1, { timeout: 60_000 });
  return before + 1;
}

/** Waits for run `run` (from startRun) to finish. */
export async function waitForRunEnd(page, run, timeout = 90_000) {
  await page.waitForFunction((r) => window.wasmgradApp.run === r && window.wasmgradApp.status === 'finished', run, { timeout });
}

export async function waitForStatus(page, status, timeout = 60_000) {
  await page.waitForFunction((s) => window.wasmgradApp.status === s, status, { timeout });
}

/** Resolves after the page has drawn two more frames (what a change asked to draw is on screen). */
export const nextFrames = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** Types into a field the way a user does (select all, type, leave the field). */
export async function typeInto(locator, text) {
  await locator.fill(text);
  await locator.press('Tab');
}

export const messages = (page) => page.$$eval('#app-messages .message', (nodes) => nodes.map((n) => `${n.className}: ${n.textContent}`));

/** What a canvas holds: {width, height, distinct: distinct colours, painted: non-white share}. */
export function canvasStats(page, selector, index = 0) {
  return page.$$eval(selector, (canvases, i) => {
    const c = canvases[i];
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let painted = 0;
    for (let p = 0; p < data.length; p += 4) {
      colours.add((data[p] << 16) | (data[p + 1] << 8) | data[p + 2]);
      if (data[p + 3] > 0 && (data[p] < 245 || data[p + 1] < 245 || data[p + 2] < 245)) painted += 1;
    }
    return { width: c.width, height: c.height, distinct: colours.size, painted: painted / (data.length / 4) };
  }, index);
}

/** An IDX image file of n 28x28 images (a bright square whose position encodes the label) and its labels. */
export function makeIdx(n) {
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

/** Draws a vertical stroke (a "1") on the draw pad. */
export async function drawOne(page) {
  const pad = page.getByRole('img', { name: /Drawing area/ });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.52 - i * 0.003), box.y + box.height * (0.15 + i * 0.058));
  await page.mouse.up();
}
