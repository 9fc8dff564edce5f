// docs/embedding.md, as a lecturer follows it: each site kind's snippets are copied from the doc
// (every ```lang title="path"``` block of its section) into a new site, `https://your-host` replaced
// by the demos' server; the site is built with its real generator (none, VitePress, MkDocs), served
// from a second origin that sends no special headers, and opened in Chromium:
//   - the element starts (its data-ready), and the generator kept it (VitePress drops it without
//     isCustomElement);
//   - the iframe takes its demo's height while it is still below the fold (never scrolled into
//     view), and never less than it needs;
//   - no error on the course page (a Vue hydration mismatch included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer } from '../../scripts/serve.mjs';
import { startServer } from './static-server.mjs';
import { ROOT, SHOTS, launch } from './lib.mjs';

const run = promisify(execFile);
const DOC = await fs.readFile(path.join(ROOT, 'docs/embedding.md'), 'utf8');
const PLACEHOLDER = 'https://your-host';

/** The ```lang title="path"``` blocks of the doc's section `heading`: [{title, code}]. */
function snippets(heading) {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `docs/embedding.md has a "## ${heading}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```\w+ title="([^"]+)"\n([\s\S]*?)```/g)].map(([, title, code]) => ({ title, code }));
  assert.ok(blocks.length > 0, `the "${heading}" section has snippets with a title`);
  return blocks;
}

const SITES = [
  { heading: 'A plain HTML page', page: 'course-page.html', build: async () => '.' },
  {
    heading: 'VitePress', page: 'index.html',
    build: async (dir) => {
      await fs.symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      await run(process.execPath, [path.join(ROOT, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs'],
        { cwd: dir, timeout: 300_000 });
      return 'docs/.vitepress/dist';
    },
  },
  {
    heading: 'MkDocs', page: 'index.html',
    // MkDocs' default theme loads highlight.js from cdnjs, which this offline machine cannot reach.
    offline: [/^page error: hljs is not defined$/],
    build: async (dir) => {
      await run('mkdocs', ['build', '--quiet', '--site-dir', 'site'], { cwd: dir, timeout: 300_000 });
      return 'site';
    },
  },
];

let demos;      // the demos' host (scripts/serve.mjs: CORS for scripts, as GitHub Pages sends)
let demosOrigin;
let browser;
const servers = [];
const dirs = [];

before(async () => {
  demos = createServer();
  await new Promise((resolve) => demos.listen(0, '127.0.0.1', resolve));
  demosOrigin = `http://127.0.0.1:${demos.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const server of [demos, ...servers]) await new Promise((resolve) => server?.close(resolve));
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

for (const site of SITES) {
  test(`docs/embedding.md, ${site.heading}: built as documented, the element starts and the iframe fits before it is scrolled to`, async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-embed-'));
    dirs.push(dir);
    for (const { title, code } of snippets(site.heading)) {
      await fs.mkdir(path.dirname(path.join(dir, title)), { recursive: true });
      await fs.writeFile(path.join(dir, title), code.replaceAll(PLACEHOLDER, demosOrigin));
    }
    const out = path.join(dir, await site.build(dir));
    const html = await fs.readFile(path.join(out, site.page), 'utf8');
    assert.match(html, /<wasmgrad-demo name="backprop" example="tiny_relu_net">/, 'the generator kept the element');
    assert.match(html, new RegExp(`<script[^>]* src="${demosOrigin}/demos/embed-resize\\.js"`), 'and the resize script');

    const course = await startServer(0, { isolated: false, csp: false, root: out });
    servers.push(course);
    const courseUrl = `http://127.0.0.1:${course.address().port}/${site.page}`;
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const problems = [];
    const offline = [];
    // The test machine is offline: a theme's files from a CDN are refused here, and said so.
    await page.route((url) => url.hostname !== '127.0.0.1', (route) => {
      offline.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/hydration/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(courseUrl);
    await page.locator('wasmgrad-demo[name="backprop"][data-ready="true"]').waitFor({ timeout: 90_000 });

    const iframe = page.locator('iframe[src*="/demos/embed.html"]');
    const frame = page.frames().find((f) => f.url().includes('/demos/embed.html'));
    assert.ok(frame, 'the iframe loaded the demo page');
    await frame.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 90_000 });
    // The frame's content height, read by layout inside it; the frame must take it without being scrolled to.
    const content = () => frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    await page.waitForFunction(async (expected) => {
      const box = document.querySelector('iframe[src*="/demos/embed.html"]');
      return box.clientHeight === expected;
    }, await content(), { timeout: 30_000 });
    const box = await iframe.boundingBox();
    const scrolled = await page.evaluate(() => scrollY);
    assert.equal(scrolled, 0, 'the test never scrolled the course page');
    assert.ok(box.y > 700, `the iframe is below the fold (top at ${Math.round(box.y)} px of a 700 px viewport)`);
    assert.equal(box.height, await content(), 'the iframe is as tall as its demo');
    assert.ok(box.height > 400, `the conv demo is more than a strip: ${box.height} px`);
    // Scrolled to (so Chromium paints it, for the screenshot), it keeps that height.
    await iframe.scrollIntoViewIfNeeded();
    await frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.equal((await iframe.boundingBox()).height, box.height, 'the same height once in view');
    await page.screenshot({ path: path.join(SHOTS, `embed-${site.heading.toLowerCase().replace(/\W+/g, '-')}.png`), fullPage: true });
    if (offline.length) t.diagnostic(`not loaded (offline): ${offline.join(', ')}`);
    assert.deepEqual(problems.filter((p) => !(offline.length && site.offline?.some((known) => known.test(p)))), []);
    await page.close();
  });
}
