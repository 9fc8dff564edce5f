// The user paths in every engine: Chromium (playwright-core, DevTools protocol), Firefox ESR
// (puppeteer-core, WebDriver BiDi) and WebKitGTK (WebKitWebDriver, classic WebDriver), WebKit
// twice: under this machine's default locale LANG=C.UTF-8 (navigator.language "C", not a valid
// tag for Intl) and under en_US.UTF-8. The tests are written once against the small driver
// interface of drivers/common.mjs and run per engine, in order, on one page:
//   boot the playground -> train one epoch through the UI -> draw a digit -> save the model and
//   load it into a fresh page -> every demo as an element and as an iframe -> the installed
//   package's plain-ESM page.
// Controls are found by role and accessible name; every wait is on the state of the test's own
// run or page (the page's run numbering, the epoch events of that run, a message recorded after
// the action), never on a sleep. Screenshots: build/screenshots/cross-browser-<engine>-*.png.
//
// WASMGRAD_BROWSERS=chromium,firefox,webkit-c,webkit-en picks engines (default: all four).
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFixture } from './fixture.mjs';
import { waitFor } from './drivers/common.mjs';
import { launch } from './drivers/index.mjs';

// A browser that validates relaxed SIMD (Chromium) gets the relaxed twin of each build.
const THREADED = { build: /^simd(-relaxed)?-threads · [2-4] threads · cross-origin isolated$/, package: { build: /^simd(-relaxed)?-threads$/, threads: 2, reason: /cross-origin isolated/ } };
// WebKitGTK has no global SharedArrayBuffer even on an isolated page: one thread, and the badge says why.
const ONE_THREAD = { build: /^simd(-relaxed)? · 1 thread · no SharedArrayBuffer\b/, package: { build: /^simd(-relaxed)?$/, threads: 1, reason: /no SharedArrayBuffer/ } };
const ENGINES = [
  { key: 'chromium', title: 'Chromium', launch: () => launch('chromium'), expect: THREADED },
  { key: 'firefox', title: 'Firefox ESR', launch: () => launch('firefox'), expect: THREADED },
  { key: 'webkit-c', title: 'WebKitGTK, LANG=C.UTF-8', launch: () => launch('webkit', { lang: 'C.UTF-8' }), expect: ONE_THREAD },
  { key: 'webkit-en', title: 'WebKitGTK, LANG=en_US.UTF-8', launch: () => launch('webkit', { lang: 'en_US.UTF-8' }), expect: ONE_THREAD },
];
const chosen = process.env.WASMGRAD_BROWSERS?.split(',').map((k) => k.trim()).filter(Boolean);
const unknown = (chosen ?? []).filter((k) => !ENGINES.some((e) => e.key === k));
if (unknown.length) throw new Error(`WASMGRAD_BROWSERS: unknown ${unknown.join(', ')}; known: ${ENGINES.map((e) => e.key).join(', ')}`);

const DRAW_PAD = 'Drawing area: draw a digit with the mouse, a finger or a pen';
/** A "1": a slightly slanted vertical stroke, as fractions of the pad. */
const STROKE_OF_ONE = Array.from({ length: 13 }, (_, i) => [0.52 - i * 0.003, 0.15 + i * 0.058]);

// ---- in-page readers (they run in the page: self-contained) --------------------------------------

/** What the playground shows, for a timeout's message. */
function playgroundState() {
  const text = (selector) => document.querySelector(selector)?.textContent.trim() ?? null;
  return { badge: text('#build-badge'), run: text('#run-status'), data: text('#data-status'),
    messages: [...document.querySelectorAll('#app-messages .message')].map((m) => m.textContent.trim()) };
}

/** The engine and the model are ready: Start is enabled and the layer table has the model. */
function playgroundReady() {
  return window.wasmgradApp?.build?.status === 'ready' && document.getElementById('start')?.disabled === false &&
    document.querySelectorAll('#layer-table-view tbody tr').length > 0;
}

/** Records every message the page shows from now on (notices fade after a few seconds). */
function recordMessages() {
  window.__crossBrowserMessages = [];
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node.classList?.contains('message')) window.__crossBrowserMessages.push(node.textContent.trim());
    }
  }).observe(document.getElementById('app-messages'), { childList: true });
  return true;
}

/**
 * Watches the prediction shown for the stroke about to be drawn: every verdict the page shows after
 * the stroke's pointerup. The pad asks the engine while drawing too, but the page drops any answer
 * to an earlier request once a newer one is made, and the newest is made on pointerup: a verdict
 * shown after it is the finished stroke's.
 */
function watchStroke() {
  window.__crossBrowserVerdicts = null;
  addEventListener('pointerup', () => { window.__crossBrowserVerdicts ??= []; }, { capture: true, once: true });
  const view = document.getElementById('probabilities-view');
  new MutationObserver(() => {
    window.__crossBrowserVerdicts?.push(view.querySelector('.prob-verdict')?.textContent ?? '');
  }).observe(view, { childList: true, subtree: true, characterData: true });
  return true;
}

/**
 * The prediction shown for the finished stroke (watchStroke), once the page shows it as the drawn
 * input's, with the 28x28 input it is for (grey levels 0-255).
 */
function strokePrediction() {
  const verdict = window.__crossBrowserVerdicts?.at(-1) ?? '';
  if (!/drawn/.test(document.getElementById('input-source')?.textContent ?? '') || !/^Prediction: \d/.test(verdict)) return null;
  const input = window.wasmgradApp.store.get().inspect.input;
  return { verdict, input: input?.source === 'drawn' ? Array.from(input.pixels, (v) => Math.round(v * 255)).join(',') : null };
}

/** Every demo on the page, as elements or inside same-origin iframes: what each one shows. */
function demoStates() {
  const roots = [document, ...[...document.querySelectorAll('iframe')].map((f) => f.contentDocument).filter(Boolean)];
  const demos = roots.flatMap((root) => [...root.querySelectorAll('wasmgrad-demo')]);
  const sections = document.querySelectorAll('section[data-demo]').length;
  return { sections, demos: demos.map((demo) => {
    const shadow = demo.shadowRoot;
    const q = (selector) => shadow?.querySelector(selector);
    let drawn = 0;  // canvases with something painted, and SVG drawings
    for (const canvas of shadow?.querySelectorAll('canvas') ?? []) {
      if (!canvas.width || !canvas.height) continue;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let p = 3; p < data.length; p += 4) if (data[p] > 0 && (data[p - 1] < 240 || data[p - 2] < 240 || data[p - 3] < 240)) { drawn += 1; break; }
    }
    drawn += [...(shadow?.querySelectorAll('svg') ?? [])].filter((svg) => svg.querySelector('path, line, circle, rect, polyline')).length;
    const box = demo.getBoundingClientRect();
    return {
      name: demo.getAttribute('name'),
      ready: demo.dataset.ready === 'true',
      badge: q('.badge')?.textContent ?? null,
      worker: q('[data-role=worker-build]')?.textContent ?? null,
      problems: [...(shadow?.querySelectorAll('.problem') ?? [])].map((p) => p.textContent.trim()).filter(Boolean),  // an empty one waits for a message
      loading: q('.loading')?.textContent ?? null,
      drawn,
      height: Math.round(box.height),
    };
  }) };
}

/** The demos that run the engine in their own Worker and say which build it is (their `ownEngine`). */
const WORKER_DEMOS = ['lenet', 'why-residual'];

/** All `count` demos are ready, and each Worker demo's worker has said which engine it runs. */
const demosReady = (count) => ({ demos }) =>
  demos.length === count && demos.every((d) => d.ready && (!WORKER_DEMOS.includes(d.name) || /wasmgrad/.test(d.worker ?? '')));

/** What the package page shows and has loaded, for a timeout's message. */
function packageState() {
  return { isolated: self.crossOriginIsolated, status: document.querySelector('[role="status"]')?.textContent,
    loaded: performance.getEntriesByType('resource').map((e) => `${e.name.replace(/^.*\//, '')} ${Math.round(e.duration)} ms`) };
}

/** The package page's status line, once it says what happened. */
function packageStatus() {
  const text = document.querySelector('[role="status"][aria-label="training"]')?.textContent ?? '';
  return /losses|error/.test(text) ? text : null;
}

// ---- the suite -----------------------------------------------------------------------------------

let fixture;
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-cross-browser-files-'));
before(async () => { fixture = await startFixture(); });
after(async () => {
  await fixture?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

for (const engine of ENGINES.filter((e) => !chosen || chosen.includes(e.key))) {
  describe(`${engine.title}: the user paths`, () => {
    let driver;
    const trained = {};  // what booting and training showed, for the later paths (and the loaded model) to build on
    const shot = (name) => driver.screenshot(`cross-browser-${engine.key}-${name}`);
    const wait = (fn, args, options) => waitFor(driver, fn, args, options);
    const assertNoProblems = async (where) => assert.deepEqual(await driver.problems(), [], `${engine.key}: problems ${where}`);
    const boot = async (hash, { fresh = false } = {}) => {
      if (fresh) await driver.open('about:blank');  // else a URL that differs only in its hash would not load a new page
      await driver.open(fixture.playground(hash));
      await wait(playgroundReady, [], { timeout: 180_000, what: 'the playground to be ready (Start enabled)', explain: playgroundState });
    };
    const draw = async () => {
      const pad = await driver.find('img', DRAW_PAD);
      await driver.evaluate(watchStroke);
      await driver.drag(pad, STROKE_OF_ONE);
      return wait(strokePrediction, [], { timeout: 60_000, what: 'the prediction of the drawn digit', explain: playgroundState });
    };

    before(async () => {
      driver = await engine.launch();
      console.log(`# ${engine.key}: ${driver.version}`);
    });
    after(async () => { await driver?.close(); });
    beforeEach(async () => {  // what a failed test before left behind is not this test's
      const left = driver ? await driver.problems().catch(() => []) : [];
      if (left.length) console.log(`# ${engine.key}: problems left by the test before: ${left.join(' | ')}`);
    });

    test('boot: the playground starts, Start is enabled, the badge names the build and its threads', async () => {
      await boot('#model=mlp');
      await driver.find('button', 'Start');
      const badge = await driver.evaluate(() => document.getElementById('build-badge').textContent);
      assert.match(badge, engine.expect.build);
      assert.equal(await driver.evaluate(() => self.crossOriginIsolated), true);
      await assertNoProblems('while booting');
      trained.booted = true;
    });

    test('train one epoch through the UI: Epochs 1, Start, the run\'s own epoch, the accuracy shown', async () => {
      assert.ok(trained.booted, 'needs the playground booted by the test before');
      await driver.type(await driver.find('textbox', 'Epochs'), '1');
      await wait(() => window.wasmgradApp.store.get().settings.epochs === 1, [], { what: 'Epochs to be 1', explain: playgroundState });
      const run = await driver.evaluate(() => window.wasmgradApp.runsStarted) + 1;
      await driver.click(await driver.find('button', 'Start'));
      await wait((r) => window.wasmgradApp.run === r, [run], { what: `run ${run} to start`, explain: playgroundState });
      const epoch = await wait((r) => window.wasmgradApp.status === 'finished' && window.wasmgradApp.run === r &&
        window.wasmgradApp.epochs.find((e) => e.run === r && e.epoch === 1), [run],
      { timeout: 480_000, what: `run ${run}'s first epoch to end`, explain: playgroundState });
      const summary = await wait(() => /^Epoch 1: /.test(document.querySelector('#curves-view .chart-summary')?.textContent) &&
        document.querySelector('#curves-view .chart-summary').textContent, [], { what: 'the curves\' summary of epoch 1' });
      const shown = /validation ([\d.]+)%/.exec(summary);
      assert.ok(shown, summary);
      assert.equal(shown[1], (epoch.validationAccuracy * 100).toFixed(1), 'the accuracy shown is the run\'s own');
      assert.ok(epoch.validationAccuracy >= 0.85, `validation accuracy after one epoch: ${summary}`);
      trained.accuracy = shown[1];
      console.log(`# ${engine.key}: ${summary}`);
      await driver.evaluate(() => scrollTo(0, 0));  // the badge, the curves and the message at the top
      await shot('trained');
      await assertNoProblems('while training');
    });

    test('draw a digit on the pad (pointer events): the prediction is shown', async () => {
      assert.ok(trained.accuracy, 'needs the trained model of the test before');
      const prediction = await draw();
      assert.match(prediction.verdict, /^Prediction: 1 \(\d+\.\d%\)$/, 'a vertical stroke is a 1');
      trained.prediction = prediction;
      console.log(`# ${engine.key}: drawn "1": ${prediction.verdict}`);
      await assertNoProblems('while drawing');
    });

    test('Save model downloads a .wgm; Load model brings it back into a fresh page, with its accuracy and prediction', async () => {
      assert.ok(trained.prediction, 'needs the trained model and the drawn digit of the tests before');
      const saved = await driver.download(async () => driver.click(await driver.find('button', 'Save model')));
      assert.match(saved.name, /^wasmgrad-mlp-.*\.wgm$/);
      assert.equal(saved.bytes.subarray(0, 7).toString('latin1'), 'WGMODEL');
      const file = path.join(scratch, `${engine.key}-${saved.name}`);
      await fs.writeFile(file, saved.bytes);

      await boot('#model=mlp', { fresh: true });  // a fresh page: a new, untrained model
      await driver.evaluate(recordMessages);
      await driver.setFiles(await driver.find('file', 'Model file to load', { hidden: true }), [file]);
      const messages = await wait(() => window.__crossBrowserMessages.some((m) => /^Model evaluated/.test(m)) && window.__crossBrowserMessages,
        [], { timeout: 120_000, what: 'the loaded model\'s evaluation', explain: playgroundState });
      assert.ok(messages.some((m) => /^Model loaded: 101,770 parameters, trained for 1 epoch\./.test(m)), messages.join('\n'));
      const evaluated = /accuracy ([\d.]+)%/.exec(messages.find((m) => /^Model evaluated/.test(m)));
      assert.equal(evaluated[1], trained.accuracy, 'the loaded model\'s accuracy is the trained one\'s');
      assert.match(await driver.evaluate(() => document.querySelector('#curves-view .chart-summary').textContent),
        new RegExp(`^Epoch 1: .*validation ${trained.accuracy.replace('.', '\\.')}%`), 'its history came back');
      // The same stroke: the same digit; and where the pad made the same 28x28 input of it (a busy
      // engine may deliver the pointer moves otherwise, which moves a few anti-aliased pixels), the
      // same probability.
      const second = await draw();
      const [again, before] = [second, trained.prediction].map((p) => /^Prediction: (\d) \(([\d.]+)%\)$/.exec(p.verdict));
      assert.equal(again[1], before[1], `the loaded model reads the stroke as before: ${again[0]} / ${before[0]}`);
      const sameInput = second.input !== null && second.input === trained.prediction.input;
      if (sameInput) assert.equal(again[2], before[2], 'the same input, the same probability');
      console.log(`# ${engine.key}: the loaded model: accuracy ${evaluated[1]}%, drawn "1": ${again[0]}` +
        `${sameInput ? ' (the same 28x28 input as before)' : ` (the pad made another 28x28 input this time; before: ${before[0]})`}`);
      await assertNoProblems('while saving and loading');
    });

    for (const as of ['element', 'iframe']) {
      test(`every demo as ${as === 'element' ? 'a <wasmgrad-demo> element' : 'an iframe (demos/embed.html)'} on a page without isolation`, async () => {
        await driver.open(fixture.demos(as));
        const count = await wait(() => document.querySelectorAll('section[data-demo]').length, [], { what: 'the course page' });
        try {
          await wait(demoStates, [], { until: demosReady(count), timeout: 240_000, what: `all ${count} demos to be ready`, explain: demoStates });
        } finally {  // the first demo with a uPlot chart (the ones a bad locale once left blank); a failed wait's error stays the error
          await driver.evaluate(() => document.querySelector('section[data-demo="approximation"]')?.scrollIntoView())
            .then(() => shot(`demos-${as}`)).catch((error) => console.log(`# ${engine.key}: no screenshot: ${error.message}`));
        }
        const { demos } = await driver.evaluate(demoStates);
        assert.equal(demos.length, count);
        for (const demo of demos) {
          assert.deepEqual(demo.problems, [], `${demo.name}: problems shown`);
          if (WORKER_DEMOS.includes(demo.name)) {
            assert.match(demo.worker, /worker engine: wasmgrad simd(-relaxed)?, 1 thread/, demo.name);
          } else {
            assert.match(demo.badge, /^engine: wasmgrad (simd \(1 thread, WebAssembly SIMD\)|simd-relaxed \(1 thread, WebAssembly relaxed SIMD\))$/, demo.name);
          }
          assert.ok(demo.drawn > 0, `${demo.name}: something is drawn (${JSON.stringify(demo)})`);
          assert.ok(demo.height > 150, `${demo.name}: ${demo.height} px tall`);
        }
        console.log(`# ${engine.key}: ${demos.length} demos as ${as}s: ${demos.map((d) => `${d.name} (${d.drawn} drawn)`).join(', ')}`);
        await assertNoProblems(`in the demos as ${as}s`);
      });
    }

    test('the installed package\'s plain-ESM page trains in a Worker', async () => {
      await driver.open(fixture.packagePage);
      const status = await driver.find('status', 'training');
      assert.ok(status);
      const text = await wait(packageStatus, [], { timeout: 180_000, what: 'the package page to train', explain: packageState })
        .catch(async (error) => { throw new Error(`${error.message} Problems: ${(await driver.problems()).join(' | ') || 'none'}`); });
      const shown = /^(\S+) on (\d+) thread\(s\), (.+); (\d+) digits; losses ((?:[\d.]+ ?){5})$/.exec(text);
      assert.ok(shown, `the page shows a trained run: ${text}`);
      const [, build, threads, reason, digits, losses] = shown;
      const expected = engine.expect.package;
      assert.match(build, expected.build, text);
      assert.ok(Number(threads) >= expected.threads && (expected.threads > 1 || Number(threads) === 1), text);
      assert.match(reason, expected.reason);
      assert.equal(Number(digits), 8000);
      assert.ok(losses.trim().split(' ').map(Number).every((l) => Number.isFinite(l) && l > 0), text);
      console.log(`# ${engine.key}: package page: ${text}`);
      await assertNoProblems('on the package page');
    });
  });
}
