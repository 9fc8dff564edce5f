// The package as users get it: `npm pack` in this repository (its prepack step builds what it
// ships), then everything else in a temporary folder outside the repository whose PATH has node,
// npm and npx but no emcc or cmake (toolchain-free.mjs):
//   - the tarball holds the two builds, their JS and pthread worker script, the JS API and its
//     types, the CLI, the digits and the demos, and no C++ sources, tests or benchmarks; every
//     relative import and asset URL in it resolves inside it;
//   - Node: `npm install ./wasmgrad-<version>.tgz` into an empty project (offline: the tarball
//     needs nothing else), README's Node example runs as pasted with threads and no flag, and
//     `npx wasmgrad train --model mlp --data digits --epochs 1` trains;
//   - a bundler: tests/package/page/ (a page whose Worker imports 'wasmgrad') built by Vite, then
//     trained in headless Chromium with the project's strict CSP (no eval), cross-origin isolated
//     (threaded build) and not (single-thread build), with every engine file, the pthread worker
//     script and the digits served from the bundle's own hashed assets;
//   - a static host: the same page, no bundler, served from the installed package's files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../browser/static-server.mjs';
import { toolchainFreeFolder, runIn, toolsFound, ABSENT } from './toolchain-free.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE = path.join(ROOT, 'tests/package/page');
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
const SHOTS = path.join(ROOT, 'build/screenshots');
const PKG = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
const run = promisify(execFile);

let user;        // {dir, env}: the toolchain-free folder
let project;     // the user's project folder inside it
let tarball;     // {file, size, entryCount, files: [path]}
let browser;

/** Packs this repository with `npm pack` (prepack included) into `dir`. */
async function pack(dir) {
  const { stdout, stderr } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 1_800_000 });
  // prepack's own lines come first: the JSON report is the array at the end.
  const [report] = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1));
  return { file: path.join(dir, report.filename), size: report.size, entryCount: report.entryCount,
    files: report.files.map((f) => f.path), npmWarnings: stderr.split('\n').filter((line) => /^npm warn/i.test(line)) };
}

before(async () => {
  user = await toolchainFreeFolder();
  tarball = await pack(user.dir);
  project = path.join(user.dir, 'course-project');
  await fs.mkdir(project);
  await runIn(project, user.env, 'npm', ['init', '-y']);
  await runIn(project, user.env, 'npm', ['install', '--offline', '--no-audit', '--no-fund', tarball.file]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
});

after(async () => {
  await browser?.close();
  if (user) await fs.rm(user.dir, { recursive: true, force: true });
});

test('the user folder is outside the repository and its PATH has no emcc, cmake or compiler', async () => {
  assert.ok(path.relative(ROOT, user.dir).startsWith('..'), `${user.dir} is outside the repository`);
  assert.deepEqual(await toolsFound(user.env), [], `none of ${ABSENT.join(', ')} on PATH`);
  const { stdout } = await runIn(project, user.env, 'node', ['--version']);
  assert.match(stdout, /^v(\d+)\./);
  assert.ok(Number(stdout.match(/^v(\d+)/)[1]) >= 20, 'Node >= 20');
});

test('package.json is publishable and names only files that are in the tarball', () => {
  assert.equal(PKG.private, undefined, 'no "private"');
  for (const field of ['name', 'version', 'description', 'license', 'repository', 'files', 'exports', 'types', 'bin']) {
    assert.ok(PKG[field], `package.json has "${field}"`);
  }
  assert.equal(path.basename(tarball.file), `${PKG.name}-${PKG.version}.tgz`);
  assert.deepEqual(PKG.dependencies ?? {}, {}, 'no runtime dependencies: the tarball is self-contained');
  const shipped = new Set(tarball.files);
  const named = [PKG.types, ...Object.values(PKG.bin), ...Object.values(PKG.exports['.']), PKG.exports['./package.json']];
  for (const file of named) assert.ok(shipped.has(path.posix.normalize(file)), `${file} is in the tarball`);
  for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) assert.ok(shipped.has(file), `${file} is in the tarball`);
});

test('the tarball holds both builds, the API, the CLI, the digits and the demos, and no sources, tests or benchmarks', async (t) => {
  const shipped = new Set(tarball.files);
  const required = [
    'bindings/wasmgrad.js', 'bindings/wasmgrad.browser.js', 'bindings/wasmgrad.d.ts', 'bindings/js/engine.js', 'bindings/js/assets.js',
    'bin/wasmgrad.mjs', 'build/package.json',
    ...['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd'].flatMap((b) =>
      [`build/engine/wasmgrad-${b}.js`, `build/engine/wasmgrad-${b}.mjs`, `build/engine/wasmgrad-${b}.wasm`]),
    'build/engine/wasmgrad-simd-threads.worker.js', 'build/engine/wasmgrad-simd-relaxed-threads.worker.js',
    ...['train', 'test'].flatMap((p) => [`build/data/digits-${p}-images-idx3-ubyte.gz`, `build/data/digits-${p}-labels-idx1-ubyte.gz`]),
    'demos/wasmgrad-demo.js', 'demos/embed.html', 'demos/lenet-worker.js',
  ];
  for (const file of required) assert.ok(shipped.has(file), `${file} is in the tarball`);
  const forbidden = tarball.files.filter((f) => /\.(cpp|h|hpp|cc|py|sh)$/.test(f) ||
    /^(engine|tests|bench|fuzz|scripts|examples|docs|\.ci)\//.test(f) || /(^|\/)node_modules\//.test(f));
  assert.deepEqual(forbidden, [], 'no C++ sources, tests, benchmarks or build scripts');
  t.diagnostic(`${path.basename(tarball.file)}: ${tarball.size} bytes (${(tarball.size / 1e6).toFixed(2)} MB), ${tarball.entryCount} files`);
});

test('npm warns about nothing in this repository (no unknown project config, no deprecated field)', () => {
  assert.deepEqual(tarball.npmWarnings, []);
});

test('README states the tarball\'s name, size and file count as npm pack reports them', async () => {
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const stated = readme.match(/The tarball,\s+(\S+\.tgz), is ([\d.]+) MB and holds (\d+) files/);
  assert.ok(stated, 'README has "The tarball, <name>.tgz, is <size> MB and holds <count> files"');
  assert.equal(stated[1], path.basename(tarball.file));
  assert.equal(Number(stated[3]), tarball.entryCount, 'file count');
  // npm pack prints the size in MB (10^6 bytes) with one decimal: the README says the same figure.
  const megabytes = tarball.size / 1e6;
  assert.equal(stated[2], megabytes.toFixed(1), `README says ${stated[2]} MB; npm pack: ${megabytes.toFixed(2)} MB`);
});

test('every relative import and asset URL in the packed JavaScript resolves to a packed file', async () => {
  const unpacked = path.join(project, 'node_modules', PKG.name);
  const shipped = new Set(tarball.files);
  const missing = [];
  for (const file of tarball.files.filter((f) => /\.(m?js|html)$/.test(f) && !f.startsWith('build/engine/'))) {
    const source = await fs.readFile(path.join(unpacked, file), 'utf8');
    const specifiers = [
      ...source.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g), ...source.matchAll(/\bimport\('(\.{1,2}\/[^'$]+)'\)/g),
      ...source.matchAll(/new URL\('(\.{1,2}\/[^']+)', import\.meta\.url\)/g), ...source.matchAll(/\bsrc="(\.{0,2}\/?[\w./-]+\.js)"/g),
    ].map((m) => m[1].split('?')[0]);
    for (const specifier of specifiers) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      if (target.endsWith('/')) continue;  // a folder (engineUrl/dataUrl options): its files are checked by name above
      if (!shipped.has(target)) missing.push(`${file} -> ${specifier}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('Node: README\'s example runs as pasted in the installed project, with threads and no Node flag', async () => {
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const example = readme.match(/Save this as `train\.mjs`[\s\S]*?```js\n([\s\S]*?)```/);
  assert.ok(example, 'README has the train.mjs example');
  assert.match(example[1], /from 'wasmgrad'/);
  await fs.writeFile(path.join(project, 'train.mjs'), example[1]);
  const { stdout } = await runIn(project, user.env, 'node', ['train.mjs'], { timeout: 900_000 });
  const lines = stdout.trim().split('\n');
  const [build, threads] = lines[0].split(' ');
  assert.equal(build, 'simd-threads', lines[0]);
  assert.ok(Number(threads) >= 2, `threads: ${lines[0]}`);
  const epochs = lines.filter((l) => l.startsWith('epoch '));
  assert.equal(epochs.length, 3, stdout);
  assert.ok(Number(epochs.at(-1).split(' ').at(-1)) > 0.9, `test accuracy after 3 epochs: ${epochs.at(-1)}`);
  assert.match(lines.at(-1), /^first test digit read as \d - its label is \d$/);
  assert.ok((await fs.stat(path.join(project, 'digits-cnn.wgm'))).size > 1000, 'the model file was written');
});

test('Node: npx wasmgrad train --model mlp --data digits --epochs 1', async () => {
  const { stdout } = await runIn(project, user.env, 'npx', ['wasmgrad', 'train', '--model', 'mlp', '--data', 'digits', '--epochs', '1']);
  const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
  const start = events.find((e) => e.event === 'start');
  assert.equal(start?.build, 'simd-threads', JSON.stringify(start));
  const result = events.find((e) => e.event === 'result');
  assert.ok(result, stdout);
  assert.equal(result.epochs, 1);
  assert.ok(result.testAccuracy > 0.85, `test accuracy after one epoch: ${JSON.stringify(result)}`);
  assert.equal(result.out, path.join(project, 'model.wgm'));
  assert.ok((await fs.stat(result.out)).size > 1000);
});

/** Serves `root` (isolated or not, with the project's CSP) and trains in the page; returns what it shows. */
async function trainInPage(root, { isolated, shot, faults = {}, beforeClose = async () => {} }) {
  const server = await startServer(0, { root, isolated, csp: true, faults });
  const context = await browser.newContext();
  // Every text the status shows, in order (a restart's notice is replaced by the result).
  await context.addInitScript(() => addEventListener('DOMContentLoaded', () => {
    const status = document.querySelector('[role="status"]');
    self.statusTexts = [];
    new MutationObserver(() => self.statusTexts.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  }));
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const workers = [];  // the page's own workers (worker.js), each with whether it has ended
  page.on('worker', (w) => {
    w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console: ${m.text()}`); });
    if (!w.url().endsWith('/worker.js')) return;
    const seen = { ended: false };
    seen.closed = new Promise((resolve) => w.on('close', () => {
      seen.ended = true;
      resolve();
    }));
    workers.push(seen);
  });
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const status = page.getByRole('status', { name: 'training' });
    await status.filter({ hasText: /losses|error/ }).waitFor({ timeout: 180_000 });
    const text = await status.textContent();
    await fs.mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `package-${shot}-${isolated ? 'isolated' : 'plain'}.png`) });
    await beforeClose(workers);  // closing the page ends its workers
    return { text, problems, requests, workers: workers.map((w) => ({ ...w })), statusTexts: await page.evaluate(() => self.statusTexts),
      isolated: await page.evaluate(() => self.crossOriginIsolated) };
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

function assertTrained({ text, problems, isolated }, expect) {
  assert.deepEqual(problems, []);
  assert.equal(isolated, expect.isolated);
  const shown = text.match(/^(\S+) on (\d+) thread\(s\), (.+); (\d+) digits; losses ((?:[\d.]+ ?){5})$/);
  assert.ok(shown, `the page shows a trained run: ${text}`);
  const [, build, threads, reason, digits, losses] = shown;
  // A page in Chromium gets the relaxed-SIMD twin of the build (load() picks it where it validates).
  assert.equal(build.replace('simd-relaxed', 'simd'), expect.build, text);
  if (expect.build === 'simd-threads') assert.ok(Number(threads) >= 2, text);
  else assert.equal(Number(threads), 1, text);
  assert.match(reason, expect.reason);
  assert.equal(Number(digits), 8000);
  const values = losses.trim().split(' ').map(Number);
  assert.ok(values.every(Number.isFinite) && values[0] > 0, text);
}

async function viteBuild(workerFormat) {
  const app = path.join(project, `vite-${workerFormat}`);
  await fs.cp(PAGE, app, { recursive: true });
  // No import from 'vite' here: the config is plain data, so it loads from outside vite's install.
  await fs.writeFile(path.join(app, 'vite.config.mjs'), `export default { worker: { format: '${workerFormat}' }, logLevel: 'warn' };\n`);
  const { stdout, stderr } = await runIn(app, user.env, 'node', [VITE, 'build']);
  return { dist: path.join(app, 'dist'), output: stdout + stderr };
}

for (const workerFormat of ['iife', 'es']) {
  test(`bundler: Vite (worker format ${workerFormat}) builds the page; Chromium trains with threads when isolated, one thread otherwise`, async () => {
    const { dist, output } = await viteBuild(workerFormat);
    assert.doesNotMatch(output, /externalized for browser compatibility|error/i, output);
    const assets = await fs.readdir(path.join(dist, 'assets'));
    for (const file of ['wasmgrad-simd-threads.wasm', 'wasmgrad-simd.wasm', 'wasmgrad-simd-threads.worker.js', 'wasmgrad-simd-threads.mjs',
      'wasmgrad-simd.mjs', 'wasmgrad-simd-threads.js', 'digits-train-images-idx3-ubyte.gz', 'digits-test-labels-idx1-ubyte.gz']) {
      const [stem, ...ext] = file.split('.');
      assert.ok(assets.some((a) => a.startsWith(`${stem}.`) || (a.startsWith(`${stem}-`) && a.endsWith(`.${ext.at(-1)}`))),
        `Vite emitted ${file} as an asset: ${assets.join(', ')}`);
    }
    for (const isolated of [true, false]) {
      const shown = await trainInPage(dist, { isolated, shot: `vite-${workerFormat}` });
      assertTrained(shown, isolated ? { isolated, build: 'simd-threads', reason: /cross-origin isolated/ }
        : { isolated, build: 'simd', reason: /not cross-origin isolated/ });
      const build = `wasmgrad-${shown.text.split(' ')[0]}`;
      const engineRequests = shown.requests.filter((p) => /wasmgrad-|digits-/.test(p));
      assert.ok(engineRequests.length > 0 && engineRequests.every((p) => p.startsWith('/assets/')),
        `engine files come from the bundle's assets: ${engineRequests.join(', ')}`);
      assert.ok(engineRequests.some((p) => p.startsWith(`/assets/${build}-`) && p.endsWith('.wasm')), engineRequests.join(', '));
      if (isolated) assert.ok(engineRequests.some((p) => /wasmgrad-simd(-relaxed)?-threads\.worker-.*\.js$/.test(p)), 'pthread workers started');
      assert.ok(engineRequests.some((p) => p.includes('digits-train-images')), 'digits fetched');
    }
  });
}

/** The page as a static host serves it, beside the installed package (made once). */
async function staticSite() {
  const site = path.join(project, 'static-site');
  if (await fs.stat(site).then(() => true, () => false)) return site;
  await fs.cp(PAGE, site, { recursive: true });
  await fs.symlink(path.join(project, 'node_modules'), path.join(site, 'node_modules'));
  // Browsers resolve no bare specifiers in workers (import maps do not reach them): a path instead, in the page too.
  for (const name of ['main.js', 'worker.js']) {
    const file = path.join(site, name);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace("from 'wasmgrad'", "from './node_modules/wasmgrad/bindings/wasmgrad.js'"));
  }
  return site;
}

test('static host: the same page with no bundler, from the installed package\'s files', async () => {
  const site = await staticSite();
  for (const isolated of [true, false]) {
    const shown = await trainInPage(site, { isolated, shot: 'static' });
    assertTrained(shown, isolated ? { isolated, build: 'simd-threads', reason: /cross-origin isolated/ }
      : { isolated, build: 'simd', reason: /not cross-origin isolated/ });
    assert.ok(shown.requests.some((p) => p === `/node_modules/wasmgrad/build/engine/wasmgrad-${shown.text.split(' ')[0]}.wasm`));
  }
});

// Firefox ESR on a busy machine now and then never returns from starting the engine's threads,
// which blocks the worker for good. This worker script does the same after the package has answered
// the page's first pings (one a second); the page's startWorker() must end it and start the real one.
const BLOCKED_WORKER = { times: 1, type: 'text/javascript', body: "import './node_modules/wasmgrad/bindings/wasmgrad.js';\n" +
  "self.postMessage({ type: 'ready' });\nsetTimeout(() => { for (;;) {} }, 2500);  // blocked, as in a new Worker() that never returns\n" };

test('static host: a worker that stops answering while it starts is ended and replaced by startWorker(), and the page trains', async () => {
  // Playwright can tell of a worker's end a while after the page moved on: waited for, up to a minute.
  const ended = (worker) => Promise.race([worker.closed, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  const shown = await trainInPage(await staticSite(), { isolated: true, shot: 'static-replaced', faults: { '/worker.js': BLOCKED_WORKER },
    beforeClose: async (workers) => { if (workers[0]) await ended(workers[0]); } });
  assertTrained(shown, { isolated: true, build: 'simd-threads', reason: /cross-origin isolated/ });
  assert.equal(shown.workers.length, 2, 'a second worker was started');
  assert.equal(shown.workers[0].ended, true, 'the blocked worker was ended');
  assert.equal(shown.workers[1].ended, false);
  assert.ok(shown.statusTexts.some((text) => /^restarting: the engine worker stopped answering while it started \(no answer for \d+ s\): started a new one \(attempt 2 of 3\)$/.test(text)),
    `the page said why it started another worker: ${JSON.stringify(shown.statusTexts)}`);
});

test('static host: the lecture demos run from the installed package\'s files', async () => {
  const server = await startServer(0, { root: project, isolated: false, csp: true });
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    for (const name of ['conv', 'lenet']) {
      await page.goto(`http://127.0.0.1:${server.address().port}/node_modules/wasmgrad/demos/embed.html?name=${name}`);
      await page.locator('wasmgrad-demo[data-ready="true"]').waitFor({ timeout: 120_000 });
      if (name === 'lenet') {  // its own Worker loads the engine and the digits
        await page.locator('[data-role="worker-build"]', { hasText: /wasmgrad/ }).waitFor({ timeout: 120_000 });
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
