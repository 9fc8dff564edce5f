// Serves the playground (web/) and the course demos (demos/) on http://127.0.0.1:PORT/ with the
// headers a safe deployment should send: COOP/COEP (cross-origin isolation, so the threaded engine
// gets SharedArrayBuffer) and a strict Content-Security-Policy (no inline script, no eval; only
// 'wasm-unsafe-eval' for compiling the engine).
//   node scripts/serve.mjs [port] [--host ADDRESS]   (default 8080 on 127.0.0.1; PORT, HOST work too)
//
// Only the files a page needs are public (PUBLIC below): the rest of the repository (.git,
// node_modules, engine sources, tests, build trees) answers 404, and any path that tries to climb
// out (.., encoded or not), names a dotfile or carries a backslash or NUL answers 403.
// tests/js/web/serve.test.mjs tries the attacks.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The page policy. 'wasm-unsafe-eval' lets WebAssembly.instantiate run without allowing eval();
 * the engine is linked with -sDYNAMIC_EXECUTION=0 so Embind needs no `new Function`. blob:
 * workers: the engine worker starts its pthreads from a blob (bindings/wasmgrad.js, pthreadsFromBlob).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The API reference's policy: TypeDoc's own scripts add a <style> element (the member filters) and
 * inline SVG styles, so its pages allow inline style; script stays 'self' only. Pages with
 * nothing to protect (static documentation, no user data, no engine).
 */
export const API_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
});

/** Public files: [URL prefix, allowed extensions, folder it maps to (default: the prefix)]. Nothing else is served. */
const PUBLIC = [
  ['web/', ['.html', '.js', '.mjs', '.css', '.svg', '.png', '.json']],
  ['demos/', ['.html', '.js', '.mjs', '.css', '.svg', '.png', '.json']],
  ['bindings/', ['.js', '.mjs']],    // the loader and bindings/js/*.js; not the C++ facade
  ['build/engine/', ['.js', '.mjs', '.wasm']],  // .mjs: the factories' ES-module forms (browsers)
  ['build/data/', ['.gz']],          // the bundled digits, gzipped IDX
  ['build/vendor/', ['.js', '.mjs', '.css']],  // Comlink and uPlot (scripts/vendor.mjs)
  ['api/', ['.html', '.js', '.css', '.svg'], 'build/api/'],  // the API reference (scripts/api-docs.mjs)
];

/**
 * Headers every response carries. reportUri: where browsers report policy violations (tests).
 * Pages (HTML) are isolated (COOP/COEP) and stay same-origin resources. Every other file (scripts,
 * WebAssembly, styles, the digits) may be used by a page of another origin: a course site that
 * embeds a demo with the README's snippet loads wasmgrad-demo.js as a module script, which needs
 * CORS, and a cross-origin isolated course page needs Cross-Origin-Resource-Policy: cross-origin.
 * That opens nothing private (the server publishes only PUBLIC files) and does not change the
 * playground's own isolation, which its page's COOP/COEP headers give it.
 */
export function baseHeaders({ isolated = true, reportUri = null, page = true, policy = CSP } = {}) {
  return {
    ...(isolated ? {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    } : {}),
    ...(page ? { 'Cross-Origin-Resource-Policy': 'same-origin' }
      : { 'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*' }),
    'Content-Security-Policy': reportUri ? `${policy}; report-uri ${reportUri}` : policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/**
 * The URL's path -> {status: 200, file: repository-relative path} or {status: 3xx/4xx, ...}.
 * Decodes exactly once: "%252e" stays the literal name "%2e", never "..".
 */
export function resolvePublicPath(rawPath) {
  if (typeof rawPath !== 'string' || !rawPath.startsWith('/')) return { status: 400, reason: 'bad request path' };
  // Backslashes and NULs have no place in a URL path here: refuse them raw or encoded.
  if (/[\\\0]|%5c|%00/i.test(rawPath)) return { status: 403, reason: 'backslash or NUL in path' };
  let decoded;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (/[\\\0]/.test(decoded)) return { status: 403, reason: 'backslash or NUL in path' };
  if (decoded === '/') return { status: 302, location: '/web/' };
  const segments = decoded.slice(1).split('/');
  // No "..", ".", empty segments in the middle ("//"), dotfiles or dot-directories (.git).
  if (segments.some((s, i) => s.startsWith('.') || (s === '' && i < segments.length - 1))) {
    return { status: 403, reason: 'dot segment, dotfile or empty segment' };
  }
  let relative = segments.join('/');
  if (relative === 'web' || relative === 'demos' || relative === 'api') return { status: 301, location: `/${relative}/` };
  if (relative.endsWith('/') || relative === '') relative += 'index.html';
  const rule = PUBLIC.find(([prefix]) => relative.startsWith(prefix));
  if (!rule || !rule[1].includes(path.posix.extname(relative))) return { status: 404, reason: 'not a public file' };
  const [prefix, , folder = prefix] = rule;
  return { status: 200, file: folder + relative.slice(prefix.length) };
}

/** An http.Server for `root` (default: this repository). Call .listen(port, host) yourself. */
export function createServer({ root = REPO, isolated = true, reportUri = null } = {}) {
  const base = path.resolve(root);
  return http.createServer(async (request, response) => {
    const headers = baseHeaders({ isolated, reportUri });
    const fail = (status, text) => {
      response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : `${status} ${text}\n`);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      fail(405, 'method not allowed');
      return;
    }
    // request.url is the raw request target: a proxy-style absolute URL or "*" is refused here.
    const rawPath = (request.url ?? '').split('?')[0].split('#')[0];
    const resolved = resolvePublicPath(rawPath);
    if (resolved.status === 301 || resolved.status === 302) {
      response.writeHead(resolved.status, { ...headers, Location: resolved.location }).end();
      return;
    }
    if (resolved.status !== 200) {
      fail(resolved.status, resolved.status === 404 ? 'not found' : 'forbidden');
      return;
    }
    try {
      const file = path.join(base, ...resolved.file.split('/'));
      // The real path must stay inside the root too (a symlink must not lead out of it).
      const real = await fs.realpath(file);
      const realBase = await fs.realpath(base);
      if (!real.startsWith(realBase + path.sep)) {
        fail(403, 'forbidden');
        return;
      }
      const info = await fs.stat(real);
      if (!info.isFile()) {
        fail(404, 'not found');
        return;
      }
      const page = path.extname(real) === '.html';
      const policy = resolved.file.startsWith('build/api/') ? API_CSP : CSP;
      response.writeHead(200, { ...baseHeaders({ isolated, reportUri, page, policy }),
        'Content-Type': MIME_TYPES[path.extname(real)] ?? 'application/octet-stream', 'Content-Length': info.size });
      if (request.method === 'HEAD') response.end();
      else createReadStream(real).pipe(response);
    } catch {
      fail(404, 'not found');
    }
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const hostIndex = args.indexOf('--host');
  const host = hostIndex >= 0 ? args[hostIndex + 1] : (process.env.HOST ?? '127.0.0.1');
  const port = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--host') ?? process.env.PORT ?? 8080);
  const server = createServer();
  server.listen(port, host, () => {
    const shown = host.includes(':') ? `[${host}]` : host;
    console.log(`wasmgrad playground: http://${shown}:${server.address().port}/  (demos: /demos/, API reference: /api/; Ctrl+C stops)`);
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      console.log(`note: listening on ${host}, reachable from other machines; without https or localhost browsers give no threads`);
    }
  });
}
