// Minimal static server for local testing of the web views: serves the repository root on
// 127.0.0.1 with (or without) the COOP/COEP headers threads need. Not the project's real server.
// Usage: node tests/browser/static-server.mjs [port] [--no-isolation] [--root DIR]   (port 0 picks a free one)
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.gz': 'application/gzip',
};

/**
 * Serve `root` (default: the repository) on 127.0.0.1. isolated: send COOP/COEP (threads) or not
 * (a host without the headers: the single-thread build runs). csp: send the project's
 * Content-Security-Policy (scripts/serve.mjs: WebAssembly yes, eval and inline script no), or
 * not (a static host that sends none: dist/ then relies on its <meta> policy). faults:
 * {'/path': {status, body, type} | {hang: true}} answers those paths instead of their files (a
 * missing file, a script that throws at load, a file that never arrives); with `times: n` only the
 * first n requests of the path get the fault, later ones the file.
 */
export function startServer(port = 0, { isolated = true, root = ROOT, csp = true, faults = {} } = {}) {
  const base = path.resolve(root);
  const faulted = new Map();  // path -> requests answered with its fault so far
  const server = http.createServer(async (request, response) => {
    const headers = {
      ...(isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
      ...(csp ? { 'Content-Security-Policy': CSP } : {}),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    try {
      const url = new URL(request.url, 'http://localhost');
      const count = faulted.get(url.pathname) ?? 0;
      const fault = count < (faults[url.pathname]?.times ?? Infinity) ? faults[url.pathname] : undefined;
      if (fault) faulted.set(url.pathname, count + 1);
      if (fault?.hang) return;  // never answered (closeAllConnections() ends it)
      if (fault) {
        response.writeHead(fault.status ?? 200, { ...headers, 'Content-Type': fault.type ?? TYPES[path.extname(url.pathname)] ?? 'text/plain' });
        response.end(fault.body ?? '');
        return;
      }
      let file = path.resolve(base, `.${decodeURIComponent(url.pathname)}`);
      if (!file.startsWith(base + path.sep) && file !== base) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf('--root');
  const server = await startServer(Number(args.find((a) => /^\d+$/.test(a)) ?? 8080),
    { isolated: !args.includes('--no-isolation'), root: rootIndex >= 0 ? args[rootIndex + 1] : ROOT });
  console.log(`serving ${ROOT} at http://127.0.0.1:${server.address().port}/web/`);
}
