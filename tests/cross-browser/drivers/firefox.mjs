// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi: headless, in a fresh profile
// that puppeteer makes and removes. Elements are puppeteer ElementHandles; roles and names are
// Firefox's own accessibility tree (the ::-p-aria selector). Console messages of the page and of
// its workers arrive as events. Downloads are saved to a temporary folder (BiDi's download
// behaviour), where download() waits for the file.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { callExpression, dragWithMouse, newFileIn, shotPath } from './common.mjs';
import { findByRole } from './in-page.mjs';

/** An ARIA selector's quoted value (names with quotes or backslashes stay literal). */
const quoted = (text) => `"${text.replace(/["\\]/g, '\\$&')}"`;

export async function launch({ viewport = { width: 1400, height: 900 } } = {}) {
  const downloads = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-firefox-downloads-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: true,
      protocol: 'webDriverBiDi',
      downloadBehavior: { policy: 'allow', downloadPath: downloads },
      defaultViewport: viewport,
      timeout: 90_000,
    });
  } catch (error) {
    await fs.rm(downloads, { recursive: true, force: true });
    throw error;
  }
  const problems = [];
  let page;
  try {
    page = (await browser.pages())[0] ?? await browser.newPage();
    await page.setViewport(viewport);
  } catch (error) {
    await browser.close();
    await fs.rm(downloads, { recursive: true, force: true });
    throw error;
  }
  page.setDefaultTimeout(60_000);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

  return {
    engine: 'firefox',
    version: await browser.version(),
    async open(url) {
      // Through about:blank: from a page holding iframes to a cross-origin isolated page (another
      // browsing context group), puppeteer's goto over BiDi never sees the load event here, though
      // the page loads (seen with demos/embed.html frames, then the package page).
      if (url !== 'about:blank') await page.goto('about:blank', { waitUntil: 'load', timeout: 90_000 });
      await page.goto(url, { waitUntil: 'load', timeout: 90_000 });
    },
    async find(role, name, { timeout = 60_000, hidden = false } = {}) {
      if (role === 'file' || hidden) {  // not in the accessibility tree: found by its label, as the page names it
        const handle = await page.waitForFunction(callExpression(findByRole, [role, name, true]), { timeout, polling: 100 });
        return handle.asElement();
      }
      const firefoxRole = { img: 'image' }[role] ?? role;  // Firefox's accessibility tree says "image" (ARIA 1.3)
      return page.waitForSelector(`::-p-aria([name=${quoted(name)}][role=${quoted(firefoxRole)}])`, { visible: true, timeout });
    },
    click: (handle) => handle.click(),
    async type(handle, text) {
      await handle.click();
      await handle.evaluate((element) => element.select());
      await handle.type(text);
      await page.keyboard.press('Enter');
    },
    setFiles: (handle, paths) => handle.uploadFile(...paths),
    async drag(handle, points) {
      await handle.scrollIntoView();
      await dragWithMouse(page.mouse, await handle.boundingBox(), points);
    },
    evaluate: (fn, ...args) => page.evaluate(callExpression(fn, args)),
    async download(action) {
      const before = new Set(await fs.readdir(downloads));
      await action();
      return newFileIn(downloads, before);
    },
    async screenshot(name) {
      const file = await shotPath(name);
      await page.screenshot({ path: file });
      return file;
    },
    problems: async () => problems.splice(0),
    async close() {
      try {
        await browser.close();
      } finally {
        await fs.rm(downloads, { recursive: true, force: true });
      }
    },
  };
}
