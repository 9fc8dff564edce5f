// The Chromium rows of the training benchmark: wasmgrad in headless Debian Chromium (driven by
// playwright-core), once on a cross-origin isolated page (COOP/COEP headers: the threaded build,
// 2 threads, and 1 thread) and once on a plain page (no isolation: the single-thread SIMD build), each running
// bench/browser/ with the same protocol, data and trainer adapter as the Node rows.
import http from 'node:http';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.gz': 'application/gzip' };
// Only what the benchmark page needs is served.
const PUBLIC = ['bench/browser/', 'bench/lib/', 'bench/peers/', 'bindings/', 'build/engine/', 'build/data/', 'build/vendor/'];  // vendor: Comlink

export const BROWSER_VARIANTS = {
  // build: the plain SIMD128 rows name theirs (load() would take the relaxed build in Chromium).
  'chromium-threads': { isolated: true, threads: 2, build: 'simd-threads', label: 'wasmgrad Chromium threads (COOP/COEP), 2 threads' },
  'chromium-simd': { isolated: false, threads: 1, build: 'simd', label: 'wasmgrad Chromium no isolation, 1 thread' },
  // The threaded build on one thread: its per-thread cost apart from how it scales (as in Node).
  'chromium-threads-1': { isolated: true, threads: 1, build: 'simd-threads', label: 'wasmgrad Chromium threads (COOP/COEP), 1 thread' },
  // What load() picks in Chromium: the relaxed-SIMD builds (FMA kernels).
  'chromium-relaxed': { isolated: false, threads: 1, build: 'simd-relaxed', label: 'wasmgrad Chromium relaxed SIMD, 1 thread' },
  'chromium-relaxed-threads': { isolated: true, threads: 2, build: 'simd-relaxed-threads', label: 'wasmgrad Chromium relaxed SIMD threads (COOP/COEP), 2 threads' },
  'chromium-relaxed-threads-1': { isolated: true, threads: 1, build: 'simd-relaxed-threads', label: 'wasmgrad Chromium relaxed SIMD threads (COOP/COEP), 1 thread' },
};

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

// Runs one (variant, model) row; resolves to a result object like the Node peers' (status 'ok' or not).
export async function runBrowserRow(root, variantId, model, protocol, timeoutSeconds) {
  const variant = BROWSER_VARIANTS[variantId];
  const base = { framework: variant.label };
  if (!existsSync(CHROMIUM)) return { ...base, status: 'not-available', error: `no ${CHROMIUM} (apt-get install chromium)` };
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { ...base, status: 'not-available', error: 'playwright-core is not installed (npm install)' };
  }
  const started = Date.now();
  const server = await serve(root, variant.isolated);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const query = new URLSearchParams({ model, threads: String(variant.threads), build: variant.build, protocol: JSON.stringify(protocol) });
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/browser/index.html?${query}`);
    const handle = await page.waitForFunction(() => window.benchResult, null, { timeout: timeoutSeconds * 1000, polling: 250 });
    const result = await handle.jsonValue();
    return { ...base, ...result, framework: result.framework ?? variant.label, wallSeconds: (Date.now() - started) / 1000 };
  } catch (e) {
    const error = /Timeout/.test(e.message) ? `timed out after ${timeoutSeconds} s` : String(e.message).split('\n')[0];
    return { ...base, status: 'error', error, wallSeconds: (Date.now() - started) / 1000 };
  } finally {
    await browser.close();
    server.close();
  }
}
