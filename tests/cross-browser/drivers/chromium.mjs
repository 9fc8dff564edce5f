// Debian's Chromium through playwright-core (the Chrome DevTools Protocol), launched and watched
// by the browser suites' fixture (tests/browser/lib.mjs). Elements are Playwright locators; roles
// and names are Chromium's own accessibility tree (getByRole).
import fs from 'node:fs/promises';
import { launchChromium, watch } from '../../browser/lib.mjs';
import { callExpression, dragWithMouse, shotPath } from './common.mjs';

export async function launch({ viewport = { width: 1400, height: 900 } } = {}) {
  const browser = await launchChromium();
  let problems, context, page;
  try {
    context = await browser.newContext({ viewport, acceptDownloads: true });
    page = await context.newPage();
  } catch (error) {
    await browser.close();
    throw error;
  }
  problems = watch(page, { workers: true });

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
