// The page rows in every browser (bench/lib/browser.mjs, bench/lib/options.mjs): the variant
// table, --browsers, which rows run when a browser is missing, the page's query, the drivers'
// install check and the step table's peak for a row that runs what load() picks. Pure: no browser
// is started.   node --test tests/bench/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROWSER_VARIANTS, BROWSER_NAMES, parseBrowsers, availableBrowsers, pageQuery } from '../../bench/lib/browser.mjs';
import { PEERS, parseArgs, selectedPeers } from '../../bench/lib/options.mjs';
import { ROW_HARDWARE, rowHardware, stepEfficiency } from '../../bench/lib/report.mjs';
import { BROWSERS, INSTALL, missing } from '../../tests/cross-browser/drivers/index.mjs';

const rowsOf = (browser) => Object.entries(BROWSER_VARIANTS).filter(([, v]) => v.browser === browser);

test('variants: every browser of the drivers has rows, on 1 and on 2 threads', () => {
  assert.deepEqual(BROWSER_NAMES, ['chromium', 'firefox', 'webkit']);
  for (const browser of BROWSER_NAMES) {
    const threads = new Set(rowsOf(browser).map(([, v]) => v.threads));
    assert.deepEqual([...threads].sort(), [1, 2], browser);
  }
  for (const [id, v] of Object.entries(BROWSER_VARIANTS)) {
    assert.ok(BROWSERS[v.browser], `${id}: unknown browser ${v.browser}`);
    assert.ok(ROW_HARDWARE[id], `${id}: no entry in report.mjs's ROW_HARDWARE (threads, peak)`);
    assert.equal(ROW_HARDWARE[id].threads, v.threads, `${id}: threads differ from ROW_HARDWARE`);
    assert.match(v.label, new RegExp(`${v.threads} threads?$`), `${id}: the label names its threads`);
  }
  const labels = Object.values(BROWSER_VARIANTS).map((v) => v.label);
  assert.equal(new Set(labels).size, labels.length, 'labels are unique');
});

test('variants: Firefox and WebKit run what load() picks, on the cross-origin isolated page', () => {
  for (const browser of ['firefox', 'webkit']) {
    for (const [id, v] of rowsOf(browser)) {
      assert.equal(v.build, undefined, `${id} names no build: the row prints what load() picks`);
      assert.equal(v.isolated, true, `${id} is served with COOP/COEP`);
    }
  }
  // The 2-thread WebKit row exists (it says why it cannot run) rather than being left out.
  assert.ok(BROWSER_VARIANTS['webkit-2']);
});

test('page query: an unnamed build travels as empty (load() picks), the browser by its title', () => {
  const q = pageQuery('firefox-2', 'cnn', { runs: 2 });
  assert.equal(q.get('model'), 'cnn');
  assert.equal(q.get('threads'), '2');
  assert.equal(q.get('build'), '');
  assert.equal(q.get('browser'), 'Firefox ESR');
  assert.deepEqual(JSON.parse(q.get('protocol')), { runs: 2 });
  assert.equal(pageQuery('chromium-simd', 'mlp', {}).get('build'), 'simd');
});

test('--browsers: a comma list of known browsers; unknown or empty is an error; default all', () => {
  assert.deepEqual(parseBrowsers(undefined), ['chromium', 'firefox', 'webkit']);
  assert.deepEqual(parseBrowsers('webkit, firefox'), ['webkit', 'firefox']);
  assert.throws(() => parseBrowsers('chromium,safari'), /unknown 'safari'.*known: chromium, firefox, webkit/);
  assert.throws(() => parseBrowsers(','), /--browsers/);
});

test('options: --browsers is parsed and marked as named; other options unchanged', () => {
  const root = '/repo';
  const plain = parseArgs(['--quick', '--models', 'mlp,cnn'], root);
  assert.deepEqual(plain.browsers, ['chromium', 'firefox', 'webkit']);
  assert.equal(plain.browsersNamed, false);
  assert.equal(plain.quick, true);
  assert.deepEqual(plain.models, ['mlp', 'cnn']);
  assert.equal(plain.out, '/repo/build/bench/results.json');
  const named = parseArgs(['--browsers', 'firefox'], root);
  assert.deepEqual(named.browsers, ['firefox']);
  assert.equal(named.browsersNamed, true);
  assert.throws(() => parseArgs(['--browsers'], root), /--browsers needs a value/);
  assert.throws(() => parseArgs(['--browsers', 'opera'], root), /unknown 'opera'/);
  assert.throws(() => parseArgs(['--peers', 'firefox-3'], root), /unknown peer 'firefox-3'/);
  assert.throws(() => parseArgs(['--timeout', 'soon'], root), /--timeout/);
});

test('rows: --browsers keeps only those browsers\' page rows, in table order, Node rows untouched', () => {
  const args = parseArgs(['--browsers', 'firefox,webkit'], '/repo');
  const ids = selectedPeers(args).map((p) => p.id);
  assert.ok(ids.includes('wasmgrad-wasm-1') && ids.includes('torch-1'));
  assert.deepEqual(ids.filter((id) => BROWSER_VARIANTS[id]), ['firefox-1', 'firefox-2', 'webkit-1', 'webkit-2']);
  // --peers still narrows: one Firefox row.
  const one = parseArgs(['--peers', 'wasmgrad-wasm-1,firefox-2,chromium-threads'], '/repo');
  assert.deepEqual(selectedPeers({ ...one, browsers: ['firefox'], browsersNamed: true }).map((p) => p.id), ['wasmgrad-wasm-1', 'firefox-2']);
  // Chromium's rows come first and each browser's rows sit together.
  const order = PEERS.filter((p) => p.kind === 'browser').map((p) => p.browser);
  assert.deepEqual(order, [...order].sort((a, b) => BROWSER_NAMES.indexOf(a) - BROWSER_NAMES.indexOf(b)));
});

test('rows: a missing browser is left out by default, kept (to say so) when named', () => {
  const byDefault = parseArgs([], '/repo');
  const ids = selectedPeers(byDefault, ['webkit']).map((p) => p.id);
  assert.ok(ids.includes('firefox-2') && !ids.includes('webkit-1') && !ids.includes('webkit-2'));
  const named = parseArgs(['--browsers', 'webkit'], '/repo');
  assert.deepEqual(selectedPeers(named, ['webkit']).filter((p) => p.kind === 'browser').map((p) => p.id), ['webkit-1', 'webkit-2']);
});

test('install check: a missing browser is named with what is missing and the install command', () => {
  const none = () => false;
  assert.equal(INSTALL, 'scripts/setup.sh test');
  assert.match(missing('firefox', none), /^Firefox ESR is not installed \(no \/usr\/bin\/firefox-esr\): scripts\/setup\.sh test$/);
  assert.match(missing('webkit', (f) => f !== '/usr/bin/Xvfb'), /WebKitGTK is not installed \(no \/usr\/bin\/Xvfb\)/);
  assert.equal(missing('chromium', () => true), null);
  assert.throws(() => missing('safari'), /unknown browser 'safari'/);
  const split = availableBrowsers(['chromium', 'firefox', 'webkit'], (key) => (key === 'firefox' ? 'gone' : null));
  assert.deepEqual(split, { run: ['chromium', 'webkit'], missing: [{ key: 'firefox', why: 'gone' }] });
});

test('step table: a load() row is held against the WASM peak only when it ran a plain SIMD128 build', () => {
  const peaks = { wasm: 10, native: 40 };
  const row = (build) => ({ status: 'ok', median: 1000, build });
  assert.equal(rowHardware('firefox-2', row('simd-threads')).peak, 'wasm');
  assert.equal(rowHardware('firefox-2', row('simd-relaxed-threads')).peak, null);
  // 1000 samples/s x 10 MFLOP = 10 GFLOP/s, on 2 threads of a 10 GFLOP/s peak: 50%.
  assert.equal(stepEfficiency('firefox-2', row('simd-threads'), 10e6, peaks).percent, 50);
  assert.equal(stepEfficiency('firefox-2', row('simd-relaxed-threads'), 10e6, peaks).percent, undefined);
  assert.equal(rowHardware('chromium-relaxed', row('simd-relaxed')).peak, 'relaxedChromium');
});
