// Debian's Chromium through playwright-core (the Chrome DevTools Protocol), with the flags this
// machine needs (tests/browser/lib.mjs). Elements are Playwright locators; roles and names are
// Chromium's own accessibility tree (getByRole).
import fs from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { callExpression, dragWithMouse, shotPath } from './common.mjs';

export async function launch({ viewport = { width: 1400, height: 900 } } = {}) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-sync'],
  });
  const problems = [];
  let context, page;
  try {
    context = await browser.newContext({ viewport, acceptDownloads: true });
    page = await context.newPage();
  } catch (error) {
    await browser.close();
    throw error;
  }
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console: ${m.text()}`); }));

  return {
    engine: 'chromium',
    version: browser.version(),
    async open(url) {
      await page.goto(url, { waitUntil: 'load', timeout: 90_000 });
    },
    async find(role, name, { timeout = 60_000, hidden = false } = {}) {
      const locator = role === 'file' ? page.getByLabel(name, { exact: true }) : page.getByRole(role, { name, exact: true });
      await locator.waitFor({ state: hidden ? 'attached' : 'visible', timeout });
      return locator;
    },
    click: (locator) => locator.click(),
    async type(locator, text) {
      await locator.fill(text);
      await locator.press('Enter');
    },
    setFiles: (locator, paths) => locator.setInputFiles(paths),
    async drag(locator, points) {
      await locator.scrollIntoViewIfNeeded();
      await dragWithMouse(page.mouse, await locator.boundingBox(), points);
    },
    evaluate: (fn, ...args) => page.evaluate(callExpression(fn, args)),
    async download(action) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), action()]);
      return { name: download.suggestedFilename(), bytes: await fs.readFile(await download.path()) };
    },
    async screenshot(name) {
      const file = await shotPath(name);
      await page.screenshot({ path: file });
      return file;
    },
    problems: async () => problems.splice(0),
    close: () => browser.close(),
  };
}
