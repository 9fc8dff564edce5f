// The page rows of the training benchmark: wasmgrad's bench page (bench/browser/: the engine in a
// Worker, as in the playground, running the same protocol, data and trainer adapter as the Node
// rows) in each browser the cross-browser suite drives, through its drivers
// (tests/cross-browser/drivers/index.mjs: Chromium by playwright-core, Firefox ESR by
// puppeteer-core over WebDriver BiDi, WebKitGTK by WebKitWebDriver on its own Xvfb). The page is
// served with COOP/COEP (cross-origin isolated: threads where the browser has SharedArrayBuffer)
// or without (the single-thread build a course site without headers gets).
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BROWSERS, missing, withBrowser } from '../../tests/cross-browser/drivers/index.mjs';
import { waitFor } from '../../tests/cross-browser/drivers/common.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.gz': 'application/gzip' };
// Only what the benchmark page needs is served.
const PUBLIC = ['bench/browser/', 'bench/lib/', 'bench/peers/', 'bindings/', 'build/engine/', 'build/data/', 'build/vendor/'];  // vendor: Comlink

// browser: a key of the drivers' BROWSERS. build: a build by name; without it the row runs what
// load() picks in that browser (relaxed SIMD where WebAssembly.validate accepts it), and the row
// prints which and why. threads: what the row asks for; a browser that cannot give that many
// threads makes the row say why (status 'cannot-train') instead of running fewer.
export const BROWSER_VARIANTS = {
  // build: the plain SIMD128 rows name theirs (load() would take the relaxed build in Chromium).
  'chromium-threads': { browser: 'chromium', isolated: true, threads: 2, build: 'simd-threads', label: 'wasmgrad Chromium threads (COOP/COEP), 2 threads' },
  'chromium-simd': { browser: 'chromium', isolated: false, threads: 1, build: 'simd', label: 'wasmgrad Chromium no isolation, 1 thread' },
  // The threaded build on one thread: its per-thread cost apart from how it scales (as in Node).
  'chromium-threads-1': { browser: 'chromium', isolated: true, threads: 1, build: 'simd-threads', label: 'wasmgrad Chromium threads (COOP/COEP), 1 thread' },
  // What load() picks in Chromium: the relaxed-SIMD builds (FMA kernels).
  'chromium-relaxed': { browser: 'chromium', isolated: false, threads: 1, build: 'simd-relaxed', label: 'wasmgrad Chromium relaxed SIMD, 1 thread' },
  'chromium-relaxed-threads': { browser: 'chromium', isolated: true, threads: 2, build: 'simd-relaxed-threads', label: 'wasmgrad Chromium relaxed SIMD threads (COOP/COEP), 2 threads' },
  'chromium-relaxed-threads-1': { browser: 'chromium', isolated: true, threads: 1, build: 'simd-relaxed-threads', label: 'wasmgrad Chromium relaxed SIMD threads (COOP/COEP), 1 thread' },
  // Firefox ESR and WebKitGTK: what load() picks on the isolated page, as a user of the playground
  // gets it, on 1 and 2 threads. WebKitGTK has no SharedArrayBuffer even there: its 2-thread row
  // says so (from the page: load()'s reason).
  'firefox-1': { browser: 'firefox', isolated: true, threads: 1, label: 'wasmgrad Firefox ESR (COOP/COEP), load(), 1 thread' },
  'firefox-2': { browser: 'firefox', isolated: true, threads: 2, label: 'wasmgrad Firefox ESR (COOP/COEP), load(), 2 threads' },
  'webkit-1': { browser: 'webkit', isolated: true, threads: 1, label: 'wasmgrad WebKitGTK (COOP/COEP), load(), 1 thread' },
  'webkit-2': { browser: 'webkit', isolated: true, threads: 2, label: 'wasmgrad WebKitGTK (COOP/COEP), load(), 2 threads' },
};

export const BROWSER_NAMES = Object.keys(BROWSERS);

/**
 * The value of --browsers (a comma list, or undefined: every browser) -> the browsers whose rows
 * run. Unknown names are an error; a named browser that is not installed still gets its rows,
 * which say what is missing and how to install it.
 */
export function parseBrowsers(value) {
  if (value === undefined) return [...BROWSER_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !BROWSER_NAMES.includes(n));
  if (unknown.length || !names.length) throw new Error(`--browsers: unknown '${unknown.join(', ')}' (known: ${BROWSER_NAMES.join(', ')})`);
  return names;
}

/** Which of the requested browsers run here, and why the others cannot: { run: [key], missing: [{key, why}] }. */
export function availableBrowsers(requested, isMissing = missing) {
  const out = { run: [], missing: [] };
  for (const key of requested) {
    const why = isMissing(key);
    if (why) out.missing.push({ key, why });
    else out.run.push(key);
  }
  return out;
}

/** The page's query for a row: the page and its worker read model, threads, build, browser and protocol. */
export function pageQuery(variantId, model, protocol) {
  const variant = BROWSER_VARIANTS[variantId];
  return new URLSearchParams({ model, threads: String(variant.threads), build: variant.build ?? '',
    browser: BROWSERS[variant.browser].title, protocol: JSON.stringify(protocol) });
}

function serve(root, isolated) {
  const server = http.createServer(async (request, response) => {
    const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    try {
      const relative = decodeURIComponent(new URL(request.url, 'http://localhost').pathname).slice(1);
      const file = path.resolve(root, relative);
      if (!PUBLIC.some((dir) => file.startsWith(path.join(root, dir)))) throw new Error('not public');
      const body = await fs.readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, headers);
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// In the page: its result once the worker has one, else null.
const pageResult = () => window.benchResult ?? null;
// In the page: what it shows (the worker's last progress message) and what it has loaded, for a timeout's message.
const pageStatus = () => ({ status: document.getElementById('status')?.textContent ?? null, isolated: self.crossOriginIsolated,
  loaded: performance.getEntriesByType('resource').map((e) => e.name.replace(/^.*\//, '').replace(/\?.*$/, '')) });

/** Opens the bench page with `query` in its own browser (launched for it, closed after it) and resolves to the page's result. */
async function resultOfPage(root, variant, query, timeoutSeconds) {
  const server = await serve(root, variant.isolated);
  try {
    const url = `http://127.0.0.1:${server.address().port}/bench/browser/index.html?${query}`;
    return await withBrowser(variant.browser, async (driver, { deadline }) => {
      await driver.open(url);
      const r = await waitFor(driver, pageResult, [], { timeout: Math.max(1, Math.floor((deadline - Date.now()) / 1000) - 3) * 1000, every: 500,
        what: 'the bench page\'s result', explain: pageStatus });
      return { ...r, version: driver.version };
    }, { timeout: timeoutSeconds * 1000 });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * Runs one (variant, model) row in its own browser, launched for it and closed after it, all
 * within timeoutSeconds; resolves to a result object like the Node peers' (status 'ok' or not).
 */
export async function runBrowserRow(root, variantId, model, protocol, timeoutSeconds) {
  const variant = BROWSER_VARIANTS[variantId];
  const base = { framework: variant.label, browser: variant.browser };
  const why = missing(variant.browser);
  if (why) return { ...base, status: 'not-available', error: why };
  const started = Date.now();
  try {
    const result = await resultOfPage(root, variant, pageQuery(variantId, model, protocol), timeoutSeconds);
    return { ...base, ...result, framework: result.framework ?? variant.label, wallSeconds: (Date.now() - started) / 1000 };
  } catch (e) {
    return { ...base, status: 'error', error: String(e.message).split('\n')[0], wallSeconds: (Date.now() - started) / 1000 };
  }
}

/**
 * Two variants of one browser, page and build that differ in threads only (the busy-machine
 * section's 1 and 2 threads), as an interleaved pair on one page: two workers, warmed up one
 * after the other, their timed runs alternating (`rounds` each). Resolves to {one, two, ratios}
 * (one and two: results like runBrowserRow's) or {error}.
 */
export async function runBrowserPair(root, [oneId, twoId], model, protocol, rounds, timeoutSeconds) {
  const [one, two] = [oneId, twoId].map((id) => BROWSER_VARIANTS[id]);
  if (one.browser !== two.browser || one.isolated !== two.isolated || one.build !== two.build) {
    throw new Error(`runBrowserPair: ${oneId} and ${twoId} differ in more than their threads`);
  }
  const why = missing(one.browser);
  if (why) return { error: why };
  const query = pageQuery(oneId, model, protocol);
  query.set('pair', `${one.threads},${two.threads}`);
  query.set('rounds', String(rounds));
  try {
    const result = await resultOfPage(root, one, query, timeoutSeconds);
    if (result.status !== 'ok') return { error: result.error ?? result.status };
    const label = (variant, side) => ({ ...side, browser: variant.browser, framework: side.framework ?? variant.label, version: result.version });
    return { one: label(one, result.one), two: label(two, result.two), ratios: result.ratios };
  } catch (e) {
    return { error: String(e.message).split('\n')[0] };
  }
}
