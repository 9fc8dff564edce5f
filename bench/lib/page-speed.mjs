// Page speed: how long a student waits, in headless Debian Chromium, from opening the playground
// (web/index.html as scripts/serve.mjs serves it: cross-origin isolated, so the threaded engine)
// to the first finished epoch of the default model (the CNN on the digits, the playground's own
// default settings). The clock starts before the navigation; the page is fresh each run (no cache).
// Three marks per run, read from the page's store (window.wasmgradApp, web/README.md):
//   ready      Start is enabled (engine loaded, digits decoded, model built);
//   firstEpoch the first epochEnd of the run that Start began (wasmgradApp.epochs[0]);
// then the same with the seconds of training the page reports (samples/s of the epoch).
// The median of `runs` runs is reported.
import { existsSync } from 'node:fs';
import { createServer } from '../../scripts/serve.mjs';
import { median } from './protocol.mjs';

const CHROMIUM = '/usr/bin/chromium';

async function oneRun(browser, url, timeoutMs, screenshot) {
  const context = await browser.newContext();  // fresh: no HTTP cache, no IndexedDB autosave
  const page = await context.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  try {
    const start = Date.now();
    await page.goto(url);
    const startButton = page.getByRole('button', { name: 'Start', exact: true });
    await startButton.and(page.locator(':enabled')).waitFor({ timeout: timeoutMs });
    const ready = (Date.now() - start) / 1000;
    const before = await page.evaluate(() => window.wasmgradApp.runsStarted);
    await startButton.click();
    await page.waitForFunction((n) => window.wasmgradApp.run === n && window.wasmgradApp.epochs.length >= 1, before + 1,
      { timeout: timeoutMs, polling: 'raf' });
    const firstEpoch = (Date.now() - start) / 1000;
    const info = await page.evaluate(() => {
      const app = window.wasmgradApp;
      const s = app.store.get();
      return { build: s.engine.build, threads: s.engine.threads, model: s.settings.model, batchSize: s.settings.batchSize,
        validationAccuracy: app.epochs[0].validationAccuracy, samplesPerSecond: s.run.progress?.samplesPerSecond ?? null };
    });
    if (problems.length) throw new Error(`page error: ${problems[0]}`);
    if (screenshot) await page.screenshot({ path: screenshot });
    return { ready, firstEpoch, ...info };
  } finally {
    await context.close();
  }
}

/**
 * { status: 'ok', runs: [...], median: {ready, firstEpoch}, ... } or { status, error }.
 * screenshot: a PNG path for the page as the first run's first epoch ends (to look at).
 */
export async function measurePageSpeed({ runs = 3, timeoutSeconds = 120, screenshot = null } = {}) {
  if (!existsSync(CHROMIUM)) return { status: 'not-available', error: `no ${CHROMIUM} (apt-get install chromium)` };
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { status: 'not-available', error: 'playwright-core is not installed (npm install)' };
  }
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const url = `http://127.0.0.1:${server.address().port}/web/index.html`;
    const results = [];
    for (let r = 0; r < runs; ++r) results.push(await oneRun(browser, url, timeoutSeconds * 1000, r === 0 ? screenshot : null));
    return {
      status: 'ok',
      url: '/web/index.html (defaults)',
      screenshot,
      runs: results,
      median: { ready: median(results.map((x) => x.ready)), firstEpoch: median(results.map((x) => x.firstEpoch)) },
    };
  } catch (e) {
    return { status: 'error', error: String(e.message ?? e).split('\n')[0] };
  } finally {
    await browser.close();
    server.close();
  }
}
