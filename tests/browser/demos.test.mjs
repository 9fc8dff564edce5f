// The lecture demos (demos/) as a course site embeds them: a host page that is NOT cross-origin
// isolated (this test's own server sends no COOP/COEP headers) holds each demo in an iframe
// (demos/embed.html?name=...) and as a <wasmgrad-demo> element. Each demo must load the real
// engine (single-thread build), say which build runs, and answer one interaction. Screenshots
// go to build/screenshots/demo-<name>.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'build/screenshots');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };

const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A plain static server: no COOP/COEP, like a typical course web site (or where the demos are hosted). */
function plainServer() {
  const server = http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url, 'http://localhost');
      if (url.pathname === '/favicon.ico') {  // browsers ask for it whatever the page says
        response.writeHead(204);
        response.end();
        return;
      }
      if (url.pathname === '/host.html') {  // the "course page": an iframe of one demo
        const src = url.searchParams.get('src');
        // ?resize=1: the page also holds the resize script copied from the gallery (pastedScript).
        const width = Number(url.searchParams.get('width') ?? 860);
        const height = Number(url.searchParams.get('height') ?? 900);
        const script = url.searchParams.get('resize') === '1' ? pastedScript : '';
        response.writeHead(200, { 'Content-Type': TYPES['.html'] });
        response.end(`<!doctype html><meta charset="utf-8"><title>course page</title><h1>Lecture 3</h1>` +
          `<link rel="icon" href="data:,"><iframe id="frame" src="${escapeAttribute(src)}" width="${width}" height="${height}"></iframe>${script}`);
        return;
      }
      if (url.pathname === '/narrow.html') {  // every demo as an element in a 360 px column
        const names = url.searchParams.get('names').split(',').map((n) => n.replace(/[^-\w]/g, ''));
        response.writeHead(200, { 'Content-Type': TYPES['.html'] });
        response.end(`<!doctype html><meta charset="utf-8"><title>narrow column</title><link rel="icon" href="data:,">` +
          `<script type="module" src="/demos/wasmgrad-demo.js"></script>` +
          names.map((n) => `<div style="width: 360px; margin-bottom: 12px"><wasmgrad-demo name="${n}"></wasmgrad-demo></div>`).join(''));
        return;
      }
      if (url.pathname === '/frames.html') {  // iframes as pasted from the gallery: [{src, height}] in ?frames=
        const frames = JSON.parse(url.searchParams.get('frames'));
        const width = Number(url.searchParams.get('width'));
        response.writeHead(200, { 'Content-Type': TYPES['.html'] });
        response.end(`<!doctype html><meta charset="utf-8"><title>course page</title><link rel="icon" href="data:,">` +
          `<div style="width: ${width}px">${frames.map((f) => `<iframe src="${escapeAttribute(f.src)}" width="100%" ` +
          `height="${Number(f.height)}" style="border:0; display:block"></iframe>`).join('')}</div>`);
        return;
      }
      if (url.pathname === '/element.html') {  // the "course page" with the custom element snippet
        const name = url.searchParams.get('name').replace(/[^-\w]/g, '');
        response.writeHead(200, { 'Content-Type': TYPES['.html'] });
        response.end(`<!doctype html><meta charset="utf-8"><title>course page</title>` +
          `<link rel="icon" href="data:,"><script type="module" src="/demos/wasmgrad-demo.js"></script>` +
          `<div style="width: 700px"><wasmgrad-demo name="${name}" bogus="1"></wasmgrad-demo></div>`);
        return;
      }
      const file = path.resolve(ROOT, `.${decodeURIComponent(url.pathname)}`);
      if (!file.startsWith(ROOT + path.sep)) throw new Error('outside root');
      const body = await fs.readFile(file);
      // Access-Control-Allow-Origin as static hosts like GitHub Pages send it: a course site on
      // another origin may then load the element's module scripts (see the cross-origin test).
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Access-Control-Allow-Origin': '*' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server, browser, origin;
let pastedScript = '';  // the gallery's iframe-resize snippet, as a lecturer pastes it (set by the sizing test)
before(async () => {
  server = await plainServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
  await fs.mkdir(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens the host page with demos/embed.html?query in an iframe (or hostUrl); returns {page, frame, demo, problems}. */
async function openEmbedded(query, hostUrl = null) {
  const page = await browser.newPage({ viewport: { width: 900, height: 960 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} ${m.location().url}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(origin + (hostUrl ?? `/host.html?src=${encodeURIComponent(`/demos/embed.html?${query}`)}`));
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false, 'the host page must not be isolated');
  const frame = page.frameLocator('#frame');
  const demo = frame.locator('wasmgrad-demo[data-ready="true"]');
  await demo.waitFor({ timeout: 60_000 });
  return { page, frame, demo, problems };
}

async function badge(demo) {
  return demo.locator('.badge').textContent();
}

test('conv: engine arithmetic, stride that does not fit, pooling of the lectures\' example', async () => {
  const { page, demo, problems } = await openEmbedded('name=conv&size=7&kernel=3&stride=1');
  assert.match(await badge(demo), /wasmgrad simd(-relaxed)? \(1 thread/);
  assert.match(await demo.locator('[data-role=formula]').textContent(), /= 5$/);
  const pooling = await demo.locator('[data-role=pooling] table').allTextContents();
  assert.match(pooling[1], /6\s*8\s*3\s*4/);           // max pooling -> [[6,8],[3,4]]
  assert.match(pooling[2], /3\.25\s*5\.25\s*2\s*2/);  // average pooling -> [[3.25,5.25],[2,2]]
  // Interaction: the lecture's "stride 3" preset; the formula and the verdict change.
  await demo.locator('button', { hasText: 'stride 3' }).click();
  assert.match(await demo.locator('[data-role=formula]').textContent(), /= 2\.333$/);
  assert.match(await demo.locator('[data-role=fit]').textContent(), /does not fit/);
  // The lectures' 10 filters 5x5 pad 2 on 3x32x32: 760 parameters, 768,000 multiply-adds.
  await demo.locator('button', { hasText: '3×32×32' }).click();
  assert.equal(await demo.locator('[data-role=parameters]').textContent(), '760');
  assert.equal(await demo.locator('[data-role=macs]').textContent(), '768,000');
  await demo.locator('button', { hasText: 'pad 1' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'demo-conv.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bad attribute value is ignored visibly; an unknown demo name is reported as text', async () => {
  const { page, demo, problems } = await openEmbedded('name=conv&kernel=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&stride=9');
  const notes = await demo.locator('.problem').allTextContents();
  assert.ok(notes.some((n) => /kernel="<img src=x onerror=alert\(1\)>" ignored/.test(n)), notes.join('\n'));
  assert.ok(notes.some((n) => /stride="9" ignored: 9 is above the maximum 4/.test(n)));
  assert.equal(await demo.locator('img').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();

  const page2 = await browser.newPage();
  await page2.goto(`${origin}/host.html?src=${encodeURIComponent('/demos/embed.html?name=%3Cb%3Enope')}`);
  const text = page2.frameLocator('#frame').locator('#demo-slot');
  await text.locator('p').waitFor();
  assert.match(await text.textContent(), /Unknown demo "<b>nope"/);
  assert.equal(await text.locator('b').count(), 0);
  await page2.close();
});

test('the custom element snippet works on a non-isolated page and takes its container\'s width', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}/element.html?name=conv`);
  const demo = page.locator('wasmgrad-demo[data-ready="true"]');
  await demo.waitFor({ timeout: 60_000 });
  const box = await demo.boundingBox();
  assert.ok(Math.abs(box.width - 700) < 2, `width ${box.width}`);
  assert.match(await demo.locator('.share').getAttribute('href'), /\/demos\/embed\.html\?name=conv$/);
  await demo.locator('button', { hasText: 'pad 1' }).click();
  assert.match(await demo.locator('.share').getAttribute('href'), /name=conv&pad=1$/);
  assert.equal(await demo.getAttribute('pad'), '1');  // state mirrored into the attributes
  assert.deepEqual(problems, []);
  await page.close();
});

test('perceptron: the engine\'s rule learns NAND step by step; XOR fails visibly; a hidden layer fixes it', async () => {
  const { page, demo, problems } = await openEmbedded('name=perceptron&gate=nand');
  const status = demo.locator('[data-role=status]');
  const weights = demo.locator('[data-role=weights]');
  assert.match(await status.textContent(), /after 0 steps/);
  assert.match(await weights.textContent(), /^w1 = 0, w2 = 0, b = 0/);
  // The engine's perceptron starts at w = 0, b = 0 and sign(0) = -1: (0, 0) -> 1 is a mistake, w += x, b += 1.
  await demo.locator('button[data-action=step]').click();
  assert.match(await status.textContent(), /after 1 step \(0 epochs\)/);
  assert.match(await demo.locator('[data-role=last-step]').textContent(),
    /^sample \(0, 0\), target 1: predicted 0, a mistake: w ← w \+ 1·\(0, 0\), b ← b \+ 1$/);
  assert.match(await weights.textContent(), /^w1 = 0, w2 = 0, b = 1 /);
  await demo.locator('button[data-action=step]').click();  // (0, 1) -> 1: right now, no change
  assert.match(await demo.locator('[data-role=last-step]').textContent(), /target 1: predicted 1, right: no change/);
  await demo.locator('button[data-action=converge]').click();
  assert.match(await status.textContent(), /converged: a whole epoch without a mistake, all 4 inputs right/);
  assert.match(await demo.locator('[data-role=history]').textContent(), /mistakes per epoch: .*, 0$/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-perceptron-nand.png'), fullPage: true });
  // SEEDS: the lecture's NAND threshold unit w1 = w2 = -0.2, b = 0.3 gets all four right.
  await demo.locator('button[data-action=lecture]').click();
  assert.match(await weights.textContent(), /^w1 = -0\.2, w2 = -0\.2, b = 0\.3 /);
  assert.match(await status.textContent(), /all 4 inputs right/);

  await demo.locator('select[aria-label=gate]').selectOption('xor');
  await demo.locator('button[data-action=converge]').click();
  assert.match(await status.textContent(), /after 80 steps \(20 epochs\): no convergence after 20 epochs.*XOR is not linearly separable/);
  assert.match(await status.getAttribute('class'), /\bbad\b/);
  assert.doesNotMatch(await demo.locator('[data-role=history]').textContent(), /\b0\b/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-perceptron-xor.png'), fullPage: true });
  await demo.locator('button[data-action=hidden]').click();
  await page.waitForFunction(() => /hidden layer: all 4 inputs of XOR right/.test(
    document.querySelector('#frame').contentDocument.querySelector('wasmgrad-demo').shadowRoot.querySelector('[data-role=status]').textContent),
  null, { timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'demo-perceptron-hidden.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('backprop: the ReLU example forward, then backward to the gradients, checked by finite differences', async () => {
  const { page, demo, problems } = await openEmbedded('name=backprop&example=tiny_relu_net');
  const node = (name) => demo.locator(`g[data-node="${name}"]`);
  assert.equal(await node('L').locator('[data-role=value]').textContent(), 'value ?');
  // x = 2, w1 = 0.5, b1 = -0.5, w2 = 3, b2 = 1, t = 4: h = 0.5, y = 2.5, L = 2.25.
  for (let i = 0; i < 7; i++) await demo.locator('button[data-action=forward]').click();
  assert.equal(await node('h').locator('[data-role=value]').textContent(), 'value 0.5');
  assert.equal(await node('L').locator('[data-role=value]').textContent(), 'value 2.25');
  assert.match(await demo.locator('[data-role=explain]').textContent(), /^L = d\^2\s+with d = -1\.5\s+→\s+L = 2\.25$/);
  assert.ok(await demo.locator('button[data-action=forward]').isDisabled());
  assert.equal(await demo.locator('tr[data-input=w1] [data-role=backprop]').textContent(), '?');
  // Backward: L, d, y, b2, v, w2, h, z, b1, a, x, w1.
  for (let i = 0; i < 12; i++) await demo.locator('button[data-action=backward]').click();
  assert.equal(await node('w1').locator('[data-role=grad]').textContent(), '∂L/∂w1 -18');
  assert.match(await demo.locator('[data-role=explain]').textContent(), /^∂L\/∂w1 = ∂L\/∂a · x = \(-9\) · 2 = -18$/);
  assert.equal(await node('t').locator('[data-role=grad]').textContent(), 'constant');
  const expected = { x: -4.5, w1: -18, b1: -9, w2: -1.5, b2: -3 };
  for (const [name, grad] of Object.entries(expected)) {
    const row = demo.locator(`tr[data-input=${name}]`);
    assert.equal(Number(await row.locator('[data-role=backprop]').textContent()), grad, name);
    assert.ok(Math.abs(Number(await row.locator('[data-role=numerical]').textContent()) - grad) < 1e-2 * Math.abs(grad), name);
    assert.match(await row.locator('[data-role=verdict]').textContent(), /✓$/, name);
  }
  assert.match(await demo.locator('.share').getAttribute('href'), /name=backprop&example=tiny_relu_net&step=19$/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-backprop-relu.png'), fullPage: true });

  // The lectures' J = cos(sin(x^2) + 3x^2) at x = 1: t feeds two nodes, its gradient sums both paths.
  await demo.locator('select[aria-label=example]').selectOption('cos_sin_square');
  const x = demo.locator('input[data-input=x]');
  await x.fill('1');
  await x.dispatchEvent('change');
  await demo.locator('button[data-action=all]').click();
  assert.equal(await node('J').locator('[data-role=value]').textContent(), `value ${Number(Math.cos(Math.sin(1) + 3).toPrecision(4))}`);
  await demo.locator('button[data-action=undo]').click();  // back one step, to dJ/dt (the last is dJ/dx)
  assert.match(await demo.locator('[data-role=explain]').textContent(), /^∂J\/∂t = ∂J\/∂u1 · cos t \+ ∂J\/∂u2 · 3 = .* \(t feeds 2 nodes/);
  const dJdx = -Math.sin(Math.sin(1) + 3) * (Math.cos(1) + 3) * 2;
  assert.ok(Math.abs(Number(await demo.locator('tr[data-input=x] [data-role=numerical]').textContent()) - dJdx) < 1e-3);
  // A bad input is refused with a message naming it; the graph keeps the last good value.
  await x.fill('99');
  await x.dispatchEvent('change');
  assert.match(await demo.locator('[data-role=problem]').textContent(), /x = "99" ignored: 99 is above the maximum 10; x stays 1/);
  assert.match(await demo.locator('.share').getAttribute('href'), /x=1&step=10$/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-backprop-cos.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the gallery lists every demo with its snippets and shows one live', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}/demos/index.html`);
  const listed = ['iframe-height', 'perceptron', 'backprop', 'approximation', 'autoencoder', 'activations', 'optimizers', 'conv',
    'receptive-field', 'lenet', 'why-residual'];
  await page.locator(`section#${listed.at(-1)}`).waitFor();  // the gallery adds its sections in order, each after its demo's module loads
  const ids = await page.locator('section').evaluateAll((sections) => sections.map((s) => s.id));
  assert.deepEqual(ids, listed);
  assert.equal(await page.locator('.missing').count(), 0, 'every demo is available');
  assert.match(await page.locator('section#backprop pre').first().textContent(), /<wasmgrad-demo name="backprop" example="cos_sin_square" x="2"/);
  assert.match(await page.locator('section#backprop pre').nth(1).textContent(),
    /<iframe src="http:\/\/127\.0\.0\.1:\d+\/demos\/embed\.html\?name=backprop"\n  title="Backpropagation on a computation graph"\n  width="100%" height="800"/);
  assert.match(await page.locator('section#iframe-height pre').textContent(),
    /^<script src="http:\/\/127\.0\.0\.1:\d+\/demos\/embed-resize\.js" defer><\/script>$/);
  const snippet = await page.locator('section#conv pre').first().textContent();
  assert.match(snippet, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/demos\/wasmgrad-demo\.js"><\/script>/);
  assert.match(snippet, /<wasmgrad-demo name="conv" size="7" kernel="3"/);
  await page.locator('section#conv button').click();
  await page.locator('section#conv wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS, 'demo-gallery.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('optimizers: six engine optimizers race on one surface; a step moves every path', async () => {
  const { page, demo, problems } = await openEmbedded('name=optimizers&steps=60');
  const adam = demo.locator('[data-optimizer=adam]');
  assert.match(await adam.textContent(), /loss –/);
  await demo.locator('button[data-action=step]').click();
  assert.match(await demo.locator('[data-role=steps]').textContent(), /step 1 of 60/);
  assert.match(await adam.textContent(), /loss \d/);
  await demo.locator('button[data-action=run]').click();
  await page.waitForFunction(() => /step 60 of 60/.test(document.querySelector('#frame').contentDocument
    .querySelector('wasmgrad-demo').shadowRoot.querySelector('[data-role=steps]').textContent), null, { timeout: 30_000 });
  const losses = await demo.locator('[data-optimizer]').allTextContents();
  assert.equal(losses.length, 6);
  const momentum = Number(/loss ([\d.e-]+)/.exec(losses[1])[1]);
  const sgd = Number(/loss ([\d.e-]+)/.exec(losses[0])[1]);
  assert.ok(momentum < sgd, `momentum (${momentum}) should beat plain SGD (${sgd}) in a ravine`);
  await page.screenshot({ path: path.join(SHOTS, 'demo-optimizers.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('approximation: a ReLU layer fits the curve with linear pieces; more units, more pieces', async () => {
  const { page, demo, problems } = await openEmbedded('name=approximation&curve=abs&hidden=2');
  const status = demo.locator('[data-role=status]');
  await page.waitForFunction(() => /epoch 600/.test(document.querySelector('#frame').contentDocument
    .querySelector('wasmgrad-demo').shadowRoot.querySelector('[data-role=status]').textContent), null, { timeout: 60_000 });
  const loss = Number(/loss ([\d.e-]+)/.exec(await status.textContent())[1]);
  assert.ok(loss < 0.01, `|x| with 2 ReLUs should fit well, loss ${loss}`);
  assert.match(await demo.locator('[data-role=pieces]').textContent(), /2 hidden units: [0-2] kinks?/);
  // Interaction: more hidden units on sin; the piece count follows the units.
  await demo.locator('select').selectOption('sin');
  const range = demo.locator('input[type=range]');
  await range.fill('24');
  await range.dispatchEvent('change');
  // The 24-unit run's own end: its unit count with its last epoch (the 2-unit run also ended at 600).
  await page.waitForFunction(() => {
    const root = document.querySelector('#frame').contentDocument.querySelector('wasmgrad-demo').shadowRoot;
    return /^24 hidden units/.test(root.querySelector('[data-role=pieces]').textContent) &&
      /epoch 600/.test(root.querySelector('[data-role=status]').textContent);
  }, null, { timeout: 60_000 });
  const pieces = Number(/so (\d+) linear/.exec(await demo.locator('[data-role=pieces]').textContent())[1]);
  assert.ok(pieces >= 4 && pieces <= 25, `24 units on sin: ${pieces} pieces`);
  // After it has trained by itself, Train goes on training (it used to do nothing visible).
  assert.match(await status.textContent(), /Train goes on for 600 more epochs/);
  await demo.locator('button[data-action=run]').click();
  await page.waitForFunction(() => /epoch 1200/.test(document.querySelector('#frame').contentDocument
    .querySelector('wasmgrad-demo').shadowRoot.querySelector('[data-role=status]').textContent), null, { timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS, 'demo-approximation.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('receptive field: the engine\'s summary; conv 5 then pool 2 sees 6x6; adding a layer grows it', async () => {
  const { page, demo, problems } = await openEmbedded('name=receptive-field&layers=c5,p2');
  const rf = demo.locator('[data-role=rf]');
  assert.match(await rf.textContent(), /maxpool1: its centre unit sees 6×6 input pixels/);  // P + K - 1 = 6
  await demo.locator('button[data-action=add-c3]').click();
  assert.match(await rf.textContent(), /conv2: its centre unit sees 10×10/);               // 6 + (3 - 1) * 2
  await demo.locator('tr[data-layer=conv1]').click();
  assert.match(await rf.textContent(), /conv1: its centre unit sees 5×5/);
  assert.match(await demo.locator('.share').getAttribute('href'), /layers=c5%2Cp2%2Cc3/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-receptive-field.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('activations and losses: engine curves; the lectures\' hinge example; a score slider changes the losses', async () => {
  const { page, demo, problems } = await openEmbedded('name=activations');
  assert.match(await demo.locator('[data-role=activation-value]').textContent(), /f\(0\.00\) = 0\.5,\s+f′\(0\.00\) ≈ 0\.25/);
  assert.equal(await demo.locator('[data-loss=hinge]').textContent(), '2.9');   // cat 3.2, car 5.1, frog -1.7
  const before = await demo.locator('[data-loss=cross_entropy]').textContent();
  const s1 = demo.locator('input[aria-label="score s1"]');
  await s1.fill('0');
  assert.notEqual(await demo.locator('[data-loss=cross_entropy]').textContent(), before);
  assert.equal(await demo.locator('[data-loss=hinge]').textContent(), '0');  // margins all met now
  await demo.locator('select[aria-label=activation]').selectOption('relu');
  await demo.locator('input[aria-label=x]').fill('2');
  assert.match(await demo.locator('[data-role=activation-value]').textContent(), /f\(2\.00\) = 2,\s+f′\(2\.00\) ≈ 1/);
  // The curves are a uPlot chart whose legend is drawn from its series.
  assert.deepEqual(await demo.locator('.u-legend .u-label').allTextContents(),
    ['f(x), from the engine', 'f′(x), central difference of the engine\'s f', 'f at the slider\'s x']);
  await page.screenshot({ path: path.join(SHOTS, 'demo-activations.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('lenet: trains in a worker; filters change; a drawn digit gets probabilities', async () => {
  const { page, frame, demo, problems } = await openEmbedded('name=lenet&model=cnn');
  await demo.locator('button[data-action=train]:not([disabled])').waitFor({ timeout: 60_000 });
  assert.match(await demo.locator('[data-role=worker-build]').textContent(), /worker engine: wasmgrad simd(-relaxed)?, 1 thread \((no SharedArrayBuffer|not cross-origin isolated)/);
  const filtersBefore = await demo.locator('[data-role=filters] canvas').first().evaluate((c) => c.toDataURL());
  await demo.locator('button[data-action=train]').click();
  await page.waitForFunction(() => Number(document.querySelector('#frame').contentDocument.querySelector('wasmgrad-demo')
    .shadowRoot.querySelector('[data-role=status]').dataset.batches ?? 0) >= 30, null, { timeout: 60_000 });
  await demo.locator('button[data-action=train]').click();  // pause
  const filtersAfter = await demo.locator('[data-role=filters] canvas').first().evaluate((c) => c.toDataURL());
  assert.notEqual(filtersAfter, filtersBefore, 'training changes the first-layer filters');
  // Draw a "1": a vertical stroke in the middle of the pad.
  const box = await demo.locator('canvas.draw-canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * i));
  await page.mouse.up();
  // ProbabilitiesView, the playground's: ten rows, the most probable one marked, and its verdict.
  await demo.locator('[data-role=probabilities] .prob-row.top').waitFor();
  assert.equal(await demo.locator('[data-role=probabilities] .prob-row').count(), 10);
  assert.match(await demo.locator('[data-role=probabilities] .prob-verdict').textContent(), /^Prediction: \d \(\d+\.\d%\)$/);
  await page.screenshot({ path: path.join(SHOTS, 'demo-lenet.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('sized to the container: every demo fits a 360 px column', async () => {
  const names = ['perceptron', 'backprop', 'approximation', 'autoencoder', 'activations', 'optimizers', 'conv', 'receptive-field', 'lenet',
    'why-residual'];
  const page = await browser.newPage({ viewport: { width: 480, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}/narrow.html?names=${names.join(',')}`);
  await page.waitForFunction((n) => document.querySelectorAll('wasmgrad-demo[data-ready="true"]').length === n, names.length,
    { timeout: 60_000 });
  const overflows = await page.evaluate(() => [...document.querySelectorAll('wasmgrad-demo')].flatMap((demo) => {
    const box = demo.getBoundingClientRect();
    const wide = [...demo.shadowRoot.querySelectorAll('*')].filter((n) => n.getBoundingClientRect().right > box.right + 0.5);
    return [`${demo.getAttribute('name')} ${box.width}px`, ...wide.map((n) => `${demo.getAttribute('name')}: <${n.tagName}> sticks out`)];
  }));
  assert.deepEqual(overflows, names.map((n) => `${n} 360px`));
  await page.screenshot({ path: path.join(SHOTS, 'demos-360px.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the gallery\'s iframe snippets are tall enough for their demo at 800 px, without the resize script', async () => {
  const gallery = await browser.newPage();
  await gallery.goto(`${origin}/demos/index.html`);
  await gallery.waitForFunction(() => [...document.querySelectorAll('section pre')].filter((p) => p.textContent.includes('<iframe')).length >= 10);
  const frames = (await gallery.locator('section pre').allTextContents()).flatMap((text) => {
    const match = /<iframe src="[^"]*(\/demos\/embed\.html\?name=[-\w]+)"[\s\S]*?height="(\d+)"/.exec(text);
    return match ? [{ src: match[1], height: Number(match[2]) }] : [];
  });
  await gallery.close();
  assert.equal(frames.length, 10, 'one iframe snippet per demo');
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${origin}/frames.html?width=800&frames=${encodeURIComponent(JSON.stringify(frames))}`);
  await page.waitForFunction((n) => [...document.querySelectorAll('iframe')].filter((f) =>
    f.contentDocument?.querySelector('wasmgrad-demo[data-ready="true"]')).length === n, frames.length, { timeout: 90_000 });
  await page.waitForTimeout(1500);  // demos that train by themselves (approximation) settle their text
  const cut = await page.evaluate(() => [...document.querySelectorAll('iframe')].flatMap((f) => {
    const content = Math.ceil(f.contentDocument.body.getBoundingClientRect().height);
    return content > f.clientHeight ? [`${new URL(f.src).searchParams.get('name')}: ${content} px of content in a ${f.clientHeight} px frame`] : [];
  }));
  assert.deepEqual(cut, []);
  await page.close();
});

test('an iframe takes its demo\'s height with the script pasted from the gallery, also at 360 px', async () => {
  const gallery = await browser.newPage();
  await gallery.goto(`${origin}/demos/index.html`);
  pastedScript = await gallery.locator('section#iframe-height pre').textContent();
  await gallery.close();
  const src = '/demos/embed.html?name=backprop&example=tiny_relu_net';
  const { page, frame, demo, problems } = await openEmbedded(null,
    `/host.html?resize=1&width=360&height=150&src=${encodeURIComponent(src)}`);
  const sizes = () => page.evaluate(() => {
    const iframe = document.querySelector('#frame');
    const inner = iframe.contentDocument;
    return { frame: iframe.clientHeight, content: Math.ceil(inner.body.getBoundingClientRect().height),
      scrollWidth: inner.documentElement.scrollWidth, clientWidth: inner.documentElement.clientWidth };
  });
  await page.waitForFunction(() => document.querySelector('#frame').clientHeight > 150);
  let size = await sizes();
  assert.ok(size.content > 900, `the ReLU graph stacks tall at 360 px: ${size.content}`);
  assert.equal(size.frame, size.content);
  assert.ok(size.scrollWidth <= size.clientWidth, `no sideways scrolling: ${size.scrollWidth} > ${size.clientWidth}`);
  // The content grows (the explanation of the last backward step is long): the frame follows.
  await demo.locator('button[data-action=all]').click();
  await page.waitForFunction(async () => {
    const iframe = document.querySelector('#frame');
    return iframe.clientHeight === Math.ceil(iframe.contentDocument.body.getBoundingClientRect().height);
  });
  size = await sizes();
  assert.equal(size.frame, size.content);
  assert.ok(await frame.locator('body').isVisible());
  await page.screenshot({ path: path.join(SHOTS, 'demo-backprop-iframe-360px.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the element on a course site of another origin: every demo starts, LeNet\'s worker included', async () => {
  // The course page is served from a second server (another origin); the demos from the first.
  const names = ['perceptron', 'backprop', 'lenet'];
  const course = http.createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': TYPES['.html'] });
    response.end(`<!doctype html><meta charset="utf-8"><title>course site</title><link rel="icon" href="data:,">` +
      `<script type="module" src="${origin}/demos/wasmgrad-demo.js"></script>` +
      names.map((n) => `<div style="width: 700px"><wasmgrad-demo name="${n}"></wasmgrad-demo></div>`).join(''));
  });
  await new Promise((resolve) => course.listen(0, '127.0.0.2', resolve));
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  try {
    await page.goto(`http://127.0.0.2:${course.address().port}/`);
    assert.notEqual(new URL(page.url()).origin, origin);
    await page.waitForFunction((n) => document.querySelectorAll('wasmgrad-demo[data-ready="true"]').length === n, names.length,
      { timeout: 60_000 });
    await page.locator('wasmgrad-demo[name=lenet] button[data-action=train]:not([disabled])').waitFor({ timeout: 60_000 });
    await page.locator('wasmgrad-demo[name=backprop] button[data-action=forward]').click();
    assert.match(await page.locator('wasmgrad-demo[name=backprop] [data-role=explain]').textContent(), /^t = x\^2\s+with x = 2\s+→\s+t = 4$/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await new Promise((resolve) => course.close(resolve));
  }
});
