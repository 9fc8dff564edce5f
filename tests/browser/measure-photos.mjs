// Measures the playground while its worker decodes a large folder of photos: how long until the
// images are in use, and how the page's frames fare meanwhile (requestAnimationFrame gaps, and
// what the page said when a frame took over 100 ms). Not a test (no pass or fail): a figure for
// the notes. The folder (coloured shapes, tests/js/image-fixtures.mjs) is made once and kept.
//   node tests/browser/measure-photos.mjs [images per class, default 1000]
import path from 'node:path';
import fs from 'node:fs/promises';
import { startServer } from './static-server.mjs';
import { launch, playgroundUrl, TMP } from './lib.mjs';
import { shapeEntries, writeEntries } from '../js/image-fixtures.mjs';

const perClass = Number(process.argv[2] ?? 1000);
const dir = path.join(TMP, `measure-photos-${perClass}`, 'shapes');
if (!(await fs.stat(dir).catch(() => null))) {
  const started = Date.now();
  await writeEntries(dir, await shapeEntries({ perClass, seed: 3 }));
  console.log(`made ${3 * perClass} PNGs in ${Date.now() - started} ms`);
}
const server = await startServer(0, { isolated: true });
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(playgroundUrl(server, '#data=images'));
  await page.waitForFunction(() => window.wasmgradApp?.build, null, { timeout: 90_000 });
  await page.evaluate(() => {
    window.frames = { gaps: [], long: [], change: null };
    let last = performance.now();
    const tick = (now) => {
      window.frames.gaps.push(now - last);
      if (now - last > 100) window.frames.long.push({ ms: Math.round(now - last), endedAt: Math.round(now), said: document.querySelector('#photos-status').textContent });
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    document.querySelector('#photos-folder').addEventListener('change', () => { window.frames.change = Math.round(performance.now()); }, true);
  });
  const chosen = Date.now();
  await page.getByLabel('Choose a folder of images').setInputFiles(dir);
  await page.waitForFunction(() => /^In use: shapes/.test(document.querySelector('#data-status').textContent), null, { timeout: 900_000 });
  const seconds = (Date.now() - chosen) / 1000;
  const { gaps, long, change } = await page.evaluate(() => window.frames);
  gaps.sort((a, b) => a - b);
  const at = (q) => gaps[Math.floor(q * (gaps.length - 1))].toFixed(1);
  console.log(`${3 * perClass} files chosen -> in use after ${seconds.toFixed(1)} s (${Math.round((3 * perClass) / seconds)} images/s)`);
  console.log(`page frames meanwhile: ${gaps.length}, median ${at(0.5)} ms, p99 ${at(0.99)} ms, longest ${at(1)} ms`);
  console.log(`frames over 100 ms (the input's change event fired at ${change} ms): ${JSON.stringify(long)}`);
  console.log(await page.textContent('#data-status'));
} finally {
  await browser.close();
  server.close();
}
