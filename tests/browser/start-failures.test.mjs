// A page that never hangs in silence (issue 24): every way start-up can fail shows a message that
// names what failed and what to try, and none leaves "loading…" forever. Each case is served by
// the test's own server with one file answered differently (static-server.mjs `faults`):
// a browser language that Intl refuses ("C", as WebKitGTK reports under LANG=C), a library that
// throws when its module loads, the engine's .wasm answering 404, a module file missing, an
// engine worker that blocks while it starts (replaced: the playground's and a demo's), and an engine file that never arrives
// (the watchdog).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watch, SHOTS } from './lib.mjs';
import { startServer } from './static-server.mjs';
import path from 'node:path';

let browser;
const servers = [];
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(options) {
  const server = await startServer(0, options);
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}

const bootMessage = (page) => page.locator('.boot-message[data-key="failed"]');
// A module that links (it has the default export line-chart.js imports) and throws when it runs.
const THROWING_UPLOT = { status: 200, body: "throw new Error('uPlot broke for this test');\nexport default function uPlot() {}\n",
  type: 'text/javascript' };
const DEMOS_WITH_CHARTS = ['approximation', 'autoencoder', 'activations', 'optimizers'];

test('navigator.language "C" (WebKitGTK under LANG=C): the playground and the demos with charts start, with no error', async () => {
  const origin = await serve();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'language', { get: () => 'C', configurable: true }));
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${origin}/web/index.html#model=mlp`);
  assert.equal(await page.evaluate(() => navigator.language), 'C');
  assert.equal(await page.evaluate(() => { try { new Intl.NumberFormat(navigator.language); return 'accepted'; } catch (e) { return e.name; } }),
    'RangeError', 'this browser refuses the tag "C", as WebKit does');
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: 90_000 });
  await page.locator('#curves-view .uplot').first().waitFor();
  assert.equal(await bootMessage(page).count(), 0);
  for (const name of DEMOS_WITH_CHARTS) {
    await page.goto(`${origin}/demos/embed.html?name=${name}`);
    await page.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 60_000 });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a library that throws when its module loads: the playground says the page did not start, naming the file', async () => {
  const origin = await serve({ faults: { '/build/vendor/uPlot.esm.js': THROWING_UPLOT } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${origin}/web/index.html`);
  await bootMessage(page).waitFor({ timeout: 30_000 });
  const text = await bootMessage(page).textContent();
  assert.match(text, /^The page did not start: its code stopped with ".*uPlot broke for this test" \(uPlot\.esm\.js, line 1\)\. Reload the page/);
  assert.equal(await bootMessage(page).getAttribute('role'), 'alert');
  assert.equal(await page.textContent('#build-badge'), 'did not start');
  await page.screenshot({ path: path.join(SHOTS, 'start-failure-vendor-throws.png') });
  await page.close();
});

test('a library that throws when its module loads: the gallery lists every demo, each chart demo says it could not load', async () => {
  const origin = await serve({ faults: { '/build/vendor/uPlot.esm.js': THROWING_UPLOT } });
  const page = await browser.newPage();
  await page.goto(`${origin}/demos/index.html`);
  await page.locator('#receptive-field pre').first().waitFor();  // the last demo's section: the gallery went on
  for (const name of DEMOS_WITH_CHARTS) {
    assert.match(await page.locator(`#${name} .problem`).textContent(), /This demo could not load: .*uPlot broke for this test/, name);
  }
  assert.equal(await page.locator('#conv pre').count(), 2, 'a demo without charts keeps its snippets');
  // Alone in its iframe page, the demo says so too.
  await page.goto(`${origin}/demos/embed.html?name=approximation`);
  await bootMessage(page).waitFor({ timeout: 30_000 });
  assert.match(await bootMessage(page).textContent(), /uPlot broke for this test/);
  await page.close();
});

/** The same fault for every build's .wasm: load() picks the relaxed builds where the browser has relaxed SIMD. */
const everyWasm = (fault) => Object.fromEntries(['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd']
  .map((build) => [`/build/engine/wasmgrad-${build}.wasm`, fault]));

test('the engine\'s .wasm answers 404: the playground and a demo say the engine did not start, and what to try', async () => {
  const missing = { status: 404, body: 'not found', type: 'text/plain' };
  const origin = await serve({ faults: everyWasm(missing) });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${origin}/web/index.html`);
  const error = page.locator('#app-messages .message.error[data-key="engine"]');
  await error.waitFor({ timeout: 60_000 });
  assert.match(await error.textContent(), /^The engine did not start: .*wasmgrad-simd(-relaxed)?-threads\.wasm.*404.*A file is missing on this site/);
  assert.equal(await page.textContent('#build-badge'), 'engine failed to load');
  assert.equal(await bootMessage(page).count(), 0, 'one message, the page\'s own');
  await page.screenshot({ path: path.join(SHOTS, 'start-failure-wasm-404.png') });
  await page.goto(`${origin}/demos/embed.html?name=conv`);
  const problem = page.locator('wasmgrad-demo .problem[role="alert"]');
  await problem.waitFor({ timeout: 60_000 });
  assert.match(await problem.textContent(), /^This demo could not start: .*wasmgrad-simd(-relaxed)?\.wasm.*404.*A file is missing on this site/);
  await page.close();
});

test('a module file of the page is missing: the message names the page\'s script and says what to try', async () => {
  const origin = await serve({ faults: { '/web/playground/store.js': { status: 404, body: 'not found', type: 'text/plain' } } });
  const page = await browser.newPage();
  await page.goto(`${origin}/web/index.html`);
  await bootMessage(page).waitFor({ timeout: 30_000 });
  assert.match(await bootMessage(page).textContent(),
    /^The page did not start: app\.js or a file it imports could not be loaded \(http:.*\/web\/playground\/app\.js\)\. A file of the page is missing/);
  await page.close();
});

// Firefox ESR's engine worker, now and then on a busy machine, never returns from the `new Worker()`
// that starts a thread: blocked for good after it said it was ready. This worker script does the same.
const BLOCKED_WORKER = { times: 1, type: 'text/javascript',
  body: "'use strict';\nself.postMessage({ type: 'wasmgrad-worker-ready' });\nfor (;;) {}  // blocked, as in a new Worker() that never returns\n" };

test('an engine worker that stops answering while it starts: the page ends it, starts another, says so, and is ready', async () => {
  const origin = await serve({ faults: { '/web/playground/worker/main.js': BLOCKED_WORKER } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = watch(page);
  const engineWorkers = [];
  page.on('worker', (worker) => {
    if (!worker.url().endsWith('/web/playground/worker/main.js')) return;
    const seen = { closed: false };
    seen.ended = new Promise((resolve) => worker.on('close', () => { seen.closed = true; resolve(); }));
    engineWorkers.push(seen);
  });
  await page.goto(`${origin}/web/index.html#model=mlp`);
  const notice = page.locator('#app-messages .message', { hasText: 'The engine did not start at first' });
  await notice.waitFor({ timeout: 90_000 });
  assert.match(await notice.locator('.message-text').textContent(), /^The engine did not start at first: the engine worker stopped answering while it started \(no answer for 1[5-9] s\): started a new one \(attempt 2 of 3\)\.$/);
  await page.getByRole('button', { name: 'Start', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: 90_000 });
  assert.match(await page.locator('#build-badge').textContent(), /^simd(-relaxed)?-threads · [2-4] threads · cross-origin isolated$/);
  assert.equal(engineWorkers.length, 2, 'a second engine worker was started');
  const ended = await Promise.race([engineWorkers[0].ended.then(() => true), new Promise((r) => setTimeout(r, 60_000, false).unref())]);
  assert.ok(ended, 'the silent worker was ended');  // its 'close' can come after the new one is ready
  assert.equal(engineWorkers[1].closed, false, 'the new one runs');
  assert.equal(await bootMessage(page).count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'start-silent-worker-replaced.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

// The demo's worker (a lecture's LeNet-5) blocked the same way: it answers pings, then, while its
// init loads the engine, never again.
const BLOCKED_DEMO_WORKER = { times: 1, type: 'text/javascript', body: "importScripts('/build/vendor/comlink.js');\n" +
  "self.Comlink.expose({ ping() { return true; }, init() { setTimeout(() => { for (;;) {} }, 2500); return new Promise(() => {}); } });\n" };

test('a demo\'s engine worker that stops answering while it starts: the demo ends it, starts another, says so, and can train', async () => {
  const origin = await serve({ faults: { '/demos/lenet-worker.js': BLOCKED_DEMO_WORKER } });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = watch(page);
  const demoWorkers = [];
  page.on('worker', (worker) => {
    if (!worker.url().endsWith('/demos/lenet-worker.js')) return;
    const seen = { closed: false };
    seen.ended = new Promise((resolve) => worker.on('close', () => { seen.closed = true; resolve(); }));
    demoWorkers.push(seen);
  });
  await page.goto(`${origin}/demos/embed.html?name=lenet&model=cnn`);
  const demo = page.locator('wasmgrad-demo');
  // Every text the status line shows until Train is enabled (the notice lasts only while the new worker loads).
  const texts = [];
  const shown = () => page.evaluate(() => {
    const root = document.querySelector('wasmgrad-demo')?.shadowRoot;
    return { status: root?.querySelector('[data-role=status]')?.textContent ?? null,
      ready: root?.querySelector('button[data-action=train]')?.disabled === false };
  });
  for (const deadline = Date.now() + 150_000; ;) {
    const { status, ready } = await shown();
    if (status !== null && status !== texts.at(-1)) texts.push(status);
    if (ready) break;
    assert.ok(Date.now() < deadline, `Train enabled within 150 s; the status said ${JSON.stringify(texts)}; ${demoWorkers.length} demo workers started`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(texts.some((text) => /^The engine did not start at first: the engine worker stopped answering while it started \(no answer for \d+ s\): started a new one \(attempt 2 of 3\)\.$/.test(text)),
    `the demo said why it started another worker: ${JSON.stringify(texts)}`);
  assert.match(await demo.locator('[data-role=worker-build]').textContent(), /^worker engine: wasmgrad simd(-relaxed)?-threads, [2-4] threads \(cross-origin isolated(; relaxed SIMD \(FMA\))?\)$/);
  assert.equal(demoWorkers.length, 2, 'a second demo worker was started');
  const ended = await Promise.race([demoWorkers[0].ended.then(() => true), new Promise((r) => setTimeout(r, 60_000, false).unref())]);
  assert.ok(ended, 'the silent worker was ended');
  assert.equal(demoWorkers[1].closed, false, 'the new one runs');
  await demo.locator('button[data-action=train]').click();
  await demo.locator('[data-role=status]', { hasText: /^epoch 1, batch \d+/ }).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS, 'start-silent-demo-worker-replaced.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('an engine file that never arrives: the watchdog says the page is still not ready, and what to try', async () => {
  const origin = await serve({ faults: everyWasm({ hang: true }) });
  const page = await browser.newPage();
  await page.goto(`${origin}/web/index.html?watchdog=2`);
  const notice = page.locator('.boot-message[data-key="watchdog"]');
  await notice.waitFor({ timeout: 30_000 });
  assert.match(await notice.textContent(), /^Still not ready after 2 s \(starting the engine\)\. A slow network or a busy computer/);
  assert.equal(await notice.getAttribute('role'), 'status');
  await page.close();
});
