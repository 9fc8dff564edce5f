// Hardening, end to end in headless Chromium (playwright-core):
// - the playground and the demos under scripts/serve.mjs's strict Content-Security-Policy (no
//   'unsafe-eval', no inline script): they load the engine and train, and no page or worker
//   reports a violation (the server collects the browser's CSP reports);
// - the static dist/ build under its <meta> policy, with the COOP/COEP service worker;
// - hostile links, model files and stored records: markup arrives as text or is rejected;
// - a killed and a crashed engine worker: message, Restart, weights restored exactly;
// - bit equality: the same seeded training in Node and in Chromium gives identical weights.
// Needs scripts/build.sh all. Screenshots: build/screenshots/reliability-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from './lib.mjs';
import { createServer as createProjectServer } from '../../scripts/serve.mjs';
import { startServer } from './static-server.mjs';
import { load } from '../../bindings/wasmgrad.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'build/screenshots');
const TMP = path.join(ROOT, 'build/test-tmp');
const REPORT_PATH = '/__csp-report';
let browser, server, origin;
const reports = [];  // CSP violation reports the browser POSTed (pages and workers)

/** scripts/serve.mjs as it is, plus an endpoint that collects CSP reports. */
async function startProjectServer() {
  const project = createProjectServer({ reportUri: REPORT_PATH });
  const handle = project.listeners('request')[0];
  const wrapper = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url === REPORT_PATH) {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        try {
          reports.push(JSON.parse(body)['csp-report']);
        } catch {
          reports.push({ unparsed: body });
        }
        response.writeHead(204).end();
      });
      return;
    }
    handle(request, response);
  });
  await new Promise((resolve) => wrapper.listen(0, '127.0.0.1', resolve));
  return wrapper;
}

before(async () => {
  server = await startProjectServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
  await fs.mkdir(SHOTS, { recursive: true });
  await fs.mkdir(TMP, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** A new page that records console errors, page errors, dialogs and CSP violation events. */
async function newPage(context = browser) {
  const page = await context.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return { page, problems };
}

async function openPlayground(hash = '', context = browser) {
  const { page, problems } = await newPage(context);
  await page.goto(`${origin}/web/index.html${hash}`);
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('#layer-table-view tbody tr'), null, { timeout: 30_000 });
  return { page, problems };
}

/**
 * Injects an inline script, which the policy must block, and waits for its report: proves that
 * the CSP is on and that violations do get reported. The control's own console lines are taken
 * out of `problems` (it must have produced the violation event).
 */
async function cspControl(page, problems, { waitForReport = true } = {}) {
  const before = reports.length;
  const problemsBefore = problems.length;
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineScriptRan = true';
    document.head.append(script);
    return window.inlineScriptRan === true;
  });
  assert.equal(ran, false, 'an inline script ran: no CSP in force');
  // The violation event comes asynchronously: wait for it (a busy machine may take a while).
  const seen = () => problems.slice(problemsBefore).some((p) => /CSP violation: script-src-elem blocked inline/.test(p));
  for (const deadline = Date.now() + 30_000; !seen() && Date.now() < deadline;) await page.waitForTimeout(50);
  const added = problems.splice(problemsBefore);
  assert.ok(added.some((p) => /CSP violation: script-src-elem blocked inline/.test(p)), `no violation event: ${added.join('\n')}`);
  problems.push(...added.filter((p) => !/CSP violation: script-src-elem blocked inline|Executing inline script violates/.test(p)));
  if (!waitForReport) return;
  const deadline = Date.now() + 10_000;
  while (!reports.slice(before).some((r) => r['blocked-uri'] === 'inline') && Date.now() < deadline) await page.waitForTimeout(100);
  assert.ok(reports.slice(before).some((r) => r['blocked-uri'] === 'inline'), 'no report of the blocked inline script');
}

const realReports = () => reports.filter((r) => r['blocked-uri'] !== 'inline');

// ---- Content-Security-Policy -------------------------------------------------------------------

test('CSP: the playground loads the threaded engine and trains under scripts/serve.mjs, with no violation', async () => {
  const { page, problems } = await openPlayground('#model=mlp');
  const policy = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.match(await page.textContent('#build-badge'), /^simd(-relaxed)?-threads · [2-4] threads/);
  await page.click('#step');
  await page.waitForFunction(() => window.wasmgradApp.log.length === 1);
  // Draw pad prediction and the filters: more engine calls from the worker.
  assert.ok(await page.$$eval('#filters-view canvas', (c) => c.length) > 0);
  await cspControl(page, problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(realReports(), []);
  await page.close();
});

test('CSP: the demos (gallery, an engine demo, the LeNet worker demo) run under the same policy', async () => {
  for (const target of ['/demos/index.html', '/demos/embed.html?name=conv', '/demos/embed.html?name=lenet']) {
    const { page, problems } = await newPage();
    await page.goto(`${origin}${target}`);
    if (target === '/demos/index.html') await page.click('#gallery section .actions button');  // "Show it here"
    await page.waitForSelector('wasmgrad-demo[data-ready="true"]', { timeout: 60_000 });
    if (target.endsWith('lenet')) {
      // Its own worker loads the engine (and the digits): wait until it says which build runs.
      await page.locator('[data-role="worker-build"]', { hasText: /wasmgrad/ }).waitFor({ timeout: 60_000 });
    }
    await page.waitForTimeout(500);
    assert.deepEqual(problems, [], target);
    await page.close();
  }
  assert.deepEqual(realReports(), []);
});

test('CSP: the engine scripts contain no eval or new Function (linked with -sDYNAMIC_EXECUTION=0)', async () => {
  for (const name of ['simd', 'simd-threads', 'simd-relaxed', 'simd-relaxed-threads'].flatMap((b) => [`wasmgrad-${b}.js`, `wasmgrad-${b}.mjs`])) {
    const source = await fs.readFile(path.join(ROOT, 'build/engine', name), 'utf8');
    assert.doesNotMatch(source, /new Function|\bFunction\(|new_\(Function/, name);
    assert.doesNotMatch(source, /[^.\w]eval\(/, name);
  }
});

test('CSP: the static dist/ build enforces its <meta> policy and still gets threads through its service worker', async () => {
  const out = path.join(TMP, 'dist-csp');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-dist.mjs'), out], { stdio: 'pipe' });
  const html = await fs.readFile(path.join(out, 'web/index.html'), 'utf8');
  assert.match(html, /<meta charset="utf-8">\n {2}<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(await fs.readFile(path.join(out, '_headers'), 'utf8'), /Content-Security-Policy: default-src 'self'/);
  const host = await startServer(0, { isolated: false, csp: false, root: out });  // a host that sends no headers at all
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const { page, problems } = await newPage(context);
    await page.goto(`http://127.0.0.1:${host.address().port}/`);
    await page.waitForFunction(() => document.querySelector('#start') && !document.querySelector('#start').disabled, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match(await page.textContent('#build-badge'), /^simd(-relaxed)?-threads · [2-4] threads · cross-origin isolated$/);
    await page.click('#step');
    await page.waitForFunction(() => window.wasmgradApp.log.length === 1, null, { timeout: 30_000 });
    await cspControl(page, problems, { waitForReport: false });  // a <meta> policy cannot report: the event is enough
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await new Promise((resolve) => host.close(resolve));
  }
});

// ---- hostile input -----------------------------------------------------------------------------

const injected = (page) => page.evaluate(() => ({
  pwned: window.pwned ?? null,
  elements: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src])').length,
}));

test('a hostile link: markup in the settings is shown as text or rejected, never inserted', async () => {
  const hash = '#' + new URLSearchParams({
    data: '<img src=x onerror=window.pwned=1>',
    model: 'custom',
    layers: 'conv.8.5.1.2_<img src=x onerror=window.pwned=2>',
    opt: '"><svg onload=window.pwned=3>',
    lr: '<script>window.pwned=4</script>',
    hide: 'seed,<b>x</b>',
  }).toString();
  const { page, problems } = await openPlayground(hash);
  const errors = await page.textContent('#app-messages .message[data-key="link"]');
  assert.match(errors, /^Not taken from the link: /);
  assert.match(errors, /Layers \(layers=…: holds characters a layer list does not use\)/);
  assert.match(errors, /Dataset \(data=…: "<img src=x onerror=w" is not one of /);  // the markup, as text
  assert.match(errors, /Optimizer \(opt=…: ".*" is not a name\)/);
  assert.match(errors, /Learning rate \(lr=…: "<script>window\.pwned" is not a number\)/);
  assert.match(errors, /Hidden controls \(hide=…: "<b>x<\/b>" is not one of /);
  assert.equal(await page.$$eval('#app-messages .message-text *', (n) => n.length), 0, 'no element inside the message');
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  // The defaults took over (the valid part of hide= too), and the engine built them.
  assert.equal(await page.inputValue('#dataset'), 'digits');
  assert.equal(await page.inputValue('#optimizer'), 'adam');
  assert.equal(await page.isVisible('#seed'), false, 'hide=seed still hides the seed');
  await page.locator('#app-messages').screenshot({ path: path.join(SHOTS, 'reliability-hostile-link.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a model file and a stored record carrying markup: shown as text, settings validated', async () => {
  const engine = await load({ threads: false });
  const model = engine.model({ input: [1, 28, 28], layers: [{ type: 'linear', units: 10 }], seed: 3 });
  const file = model.save({ note: '<svg onload=window.pwned=6>',
    training: { epochsDone: '<img src=x onerror=window.pwned=5>', history: [{ epoch: '<b>1</b>' }] },
    page: { optimizer: 'sgd', layers: '<img src=x onerror=window.pwned=7>', learningRate: '<b>1</b>' } });
  model.dispose();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const { page, problems } = await openPlayground('#model=perceptron', context);
  await page.setInputFiles('#load-model-file', { name: '<img src=x onerror=window.pwned=8>.wgm', mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
  await page.waitForFunction(() => /Model loaded: 7,850 parameters\./.test(document.querySelector('#app-messages').textContent));
  assert.doesNotMatch(await page.textContent('#app-messages'), /trained for/, 'a history that is not numbers is not shown');
  assert.equal(await page.inputValue('#optimizer'), 'sgd', 'the valid setting from the file was taken');
  assert.match(await page.textContent('#app-messages'), /Settings in the file that were not taken: Learning rate \("<b>1<\/b>" is not a number\)\./);
  // A stored "saved model" record whose name and date are hostile (storage is input too).
  await page.evaluate((bytes) => new Promise((resolve, reject) => {
    const open = indexedDB.open('wasmgrad-playground');  // the version the page made (2 since webcam captures)
    open.onupgradeneeded = () => open.result.createObjectStore('models');
    open.onsuccess = () => {
      const tx = open.result.transaction('models', 'readwrite');
      tx.objectStore('models').put({ bytes: new Uint8Array(bytes).buffer, name: '<img src=x onerror=window.pwned=9>',
        savedAt: '<script>window.pwned=10</script>' }, 'last');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), Array.from(file));
  await page.reload();
  await page.waitForSelector('#restore-offer:not([hidden])', { timeout: 60_000 });
  assert.match(await page.textContent('#restore-offer'), /\(<img src=x onerror=window\.pwned=9>\)/);
  await page.click('#restore-model');
  await page.waitForFunction(() => /Model restored/.test(document.querySelector('#app-messages').textContent));
  assert.doesNotMatch(await page.evaluate(() => location.hash), /img|%3C/i, 'the hostile values were not taken');
  assert.deepEqual(await injected(page), { pwned: null, elements: 0 });
  assert.deepEqual(problems, []);
  await context.close();
});

// ---- nothing lost: a killed or crashed worker --------------------------------------------------

/** The supervisor's in-memory checkpoint as bytes (Node Buffer), once it reflects `predicate`. */
async function checkpointBytes(page) {
  const base64 = await page.evaluate(() => {
    const bytes = new Uint8Array(window.wasmgradApp.supervisor.checkpoint.bytes);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

function parametersOf(engine, bytes) {
  const model = engine.loadModel(new Uint8Array(bytes));
  try {
    return model.parameters().map((p) => ({ name: p.name, data: Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength) }));
  } finally {
    model.dispose();
  }
}

test('a killed worker is noticed, the page says so, and Restart brings back the autosaved weights', async () => {
  const engine = await load({ threads: false });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Ten epochs: however fast the machine trains, the run is still going when Pause arrives.
  const { page, problems } = await openPlayground('#model=mlp&epochs=10&lr=0.002', context);
  await page.click('#start');
  await page.waitForFunction(() => window.wasmgradApp.log.length >= 5);
  await page.click('#pause');
  await page.waitForFunction(() => window.wasmgradApp.status === 'paused');
  // Pausing autosaves: wait for the checkpoint of where the run stopped, in memory and in
  // IndexedDB. The pause may land mid-epoch ({epoch, batch}) or at an epoch's end ({epoch}: how
  // fast the machine trains decides which), as files.js checkpoint() writes it.
  await page.waitForFunction(() => {
    const c = window.wasmgradApp.supervisor.checkpoint?.metadata?.position;
    const p = window.wasmgradApp.store.get().run.progress;
    if (!c || !p) return false;
    return c.epoch === p.epoch && (p.batch < p.batches ? c.batch === p.batch : c.batch === undefined);
  });
  const position = await page.evaluate(() => window.wasmgradApp.supervisor.checkpoint.metadata.position);
  const saved = await checkpointBytes(page);
  await page.waitForFunction(async (length) => {
    const record = await new Promise((resolve) => {
      const open = indexedDB.open('wasmgrad-playground');  // the version the page made (2 since webcam captures)
      open.onsuccess = () => {
        const request = open.result.transaction('models').objectStore('models').get('autosave');
        request.onsuccess = () => { open.result.close(); resolve(request.result); };
      };
    });
    return record?.bytes?.byteLength === length;
  }, saved.length);
  const trained = parametersOf(engine, saved);
  // {epoch} alone is after that epoch (a whole epoch trained); mid-epoch, at least the 5 logged batches.
  assert.ok(!Number.isInteger(position.batch) || position.epoch > 1 || position.batch >= 5,
    `the checkpoint is of a trained model: ${JSON.stringify(position)}`);

  // Kill the worker: no event reaches the page; the heartbeat finds out.
  const timeoutMs = await page.evaluate(() => {
    const { supervisor } = window.wasmgradApp;
    const usual = supervisor.timeoutMs;
    supervisor.timeoutMs = 4000;  // instead of 20 s: two heartbeats
    window.wasmgradApp.worker.terminate();
    return usual;
  });
  await page.waitForSelector('#engine-crash:not([hidden])');
  await page.evaluate((ms) => { window.wasmgradApp.supervisor.timeoutMs = ms; }, timeoutMs);
  const message = await page.textContent('#engine-crash .crash-text');
  const where = Number.isInteger(position.batch) ? `epoch ${position.epoch}, batch ${position.batch}` : `after epoch ${position.epoch}`;
  assert.match(message, /^The engine is not responding: no answer for \d+ s\. Restart continues from the last autosave \(saved .+, (epoch \d+, batch \d+|after epoch \d+)\)\.$/);
  assert.ok(message.endsWith(`${where}).`), `the message names where the autosave stands (${where}): ${message}`);
  assert.equal(await page.isDisabled('#start'), true, 'engine buttons are off while it is down');
  assert.equal(await page.getAttribute('#engine-crash', 'role'), 'alert');
  await page.screenshot({ path: path.join(SHOTS, 'reliability-worker-killed.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });

  await page.click('#engine-restart');
  await page.waitForFunction(() => /Model restored: 101,770 parameters/.test(document.querySelector('#app-messages').textContent), null, { timeout: 60_000 });
  assert.equal(await page.isHidden('#engine-crash'), true);
  await page.waitForFunction(() => window.wasmgradApp.status === 'paused' && !document.querySelector('#resume').disabled);
  // The restarted worker's model holds exactly the autosaved weights.
  await page.evaluate(() => {
    window.wasmgradApp.supervisor.checkpoint = null;
    window.wasmgradApp.supervisor.requestCheckpoint();
  });
  await page.waitForFunction(() => window.wasmgradApp.supervisor.checkpoint);
  const restored = parametersOf(engine, await checkpointBytes(page));
  assert.deepEqual(restored.map((p) => p.name), trained.map((p) => p.name));
  for (let i = 0; i < trained.length; i++) assert.ok(restored[i].data.equals(trained[i].data), `${trained[i].name} differs after restart`);
  // Resume continues training the restored model with its optimizer state.
  const logged = await page.evaluate(() => window.wasmgradApp.log.length);
  await page.click('#resume');
  await page.waitForFunction((n) => window.wasmgradApp.log.length > n + 2, logged);
  await page.click('#pause');
  assert.doesNotMatch(await page.textContent('#app-messages'), /fresh optimizer state/);

  // A crash (the worker's error event) is reported at once, and Restart works again.
  await page.evaluate(() => window.wasmgradApp.worker.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RuntimeError: simulated crash' })));
  await page.waitForSelector('#engine-crash:not([hidden])');
  assert.match(await page.textContent('#engine-crash .crash-text'), /^The engine stopped with an error: Uncaught RuntimeError: simulated crash\. Restart continues from the last autosave/);
  await page.click('#engine-restart');
  await page.waitForFunction(() => !document.querySelector('#start').disabled && window.wasmgradApp.status === 'paused', null, { timeout: 60_000 });
  const steps = await page.evaluate(() => window.wasmgradApp.log.length);
  await page.click('#step');
  await page.waitForFunction((n) => window.wasmgradApp.log.length > n, steps);
  await page.screenshot({ path: path.join(SHOTS, 'reliability-after-restart.png'), clip: { x: 0, y: 0, width: 1400, height: 900 } });
  assert.deepEqual(problems, []);
  await context.close();
});

// ---- bit equality: Node and Chromium -----------------------------------------------------------

const TRAININGS = [
  ['mlp', { input: [1, 28, 28], layers: [{ type: 'linear', units: 64 }, { type: 'relu' }, { type: 'linear', units: 10 }], seed: 11 }],
  ['cnn', { input: [1, 28, 28], layers: [{ type: 'conv2d', filters: 4, kernel: 5, pad: 2 }, { type: 'relu' }, { type: 'maxpool', kernel: 2 },
    { type: 'linear', units: 10 }], seed: 11 }],
];
const SETTINGS = { optimizer: 'adam', learningRate: 2e-3, batchSize: 32, epochs: 1, seed: 5 };
const STEPS = 20;

/**
 * 20 seeded steps; the losses and a SHA-256 of the weights. Self-contained, so that the same
 * function runs in Node and, passed to page.evaluate, in the page (crypto.subtle in both).
 */
async function seededRun({ moduleUrl, threads, spec, settings, steps }) {
  const { load } = await import(moduleUrl);
  // Plain SIMD128 builds by name: Chromium would take a relaxed-SIMD one, whose FMA rounds differently.
  const engine = await load({ build: threads ? 'simd-threads' : 'simd' });
  const { train } = await engine.digits();
  const model = engine.model(spec);
  const trainer = engine.trainer(model, settings);
  trainer.setData(train);
  const losses = [];
  for (let i = 0; i < steps; i++) losses.push(trainer.step(1).lastBatchLoss);
  const parts = model.parameters().map((p) => new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((b) => b.toString(16).padStart(2, '0')).join('');
  trainer.dispose();
  model.dispose();
  train.dispose();
  return { losses, digest, build: engine.build, threads: engine.threads };
}

test('bit equality: 20 seeded training steps give identical losses and weights in Node and in Chromium', async () => {
  const { page, problems } = await newPage();
  await page.goto(`${origin}/web/index.html?engine=off`);
  const nodeModule = new URL('../../bindings/wasmgrad.js', import.meta.url).href;
  for (const [name, spec] of TRAININGS) {
    const job = { spec, settings: SETTINGS, steps: STEPS };
    const inNode = await seededRun({ ...job, moduleUrl: nodeModule, threads: false });
    const inNodeThreads = await seededRun({ ...job, moduleUrl: nodeModule, threads: true });
    const inChromium = await page.evaluate(seededRun, { ...job, moduleUrl: '/bindings/wasmgrad.js', threads: false });
    assert.equal(inNode.build, 'simd');
    assert.equal(inChromium.build, 'simd');
    assert.equal(inNode.losses.length, STEPS);
    assert.ok(inNode.losses.every(Number.isFinite));
    assert.ok(inNode.losses.at(-1) < inNode.losses[0], `${name}: the loss went down`);
    assert.deepEqual(inChromium.losses, inNode.losses, `${name}: loss sequence Node vs Chromium`);
    assert.equal(inChromium.digest, inNode.digest, `${name}: weights Node vs Chromium`);
    // And the threaded build, on 2 or more threads, matches the single-thread one bit for bit.
    assert.equal(inNodeThreads.build, 'simd-threads');
    assert.ok(inNodeThreads.threads >= 2, `threads: ${inNodeThreads.threads}`);
    assert.equal(inNodeThreads.digest, inNode.digest, `${name}: weights simd-threads vs simd`);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(realReports(), []);
  await page.close();
});
