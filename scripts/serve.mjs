// Serves the repository on http://127.0.0.1:PORT/ for the playground, with the two headers
// that make the page cross-origin isolated (so the threaded engine can use SharedArrayBuffer).
//   node scripts/serve.mjs [port]     (default 8080; PORT in the environment works too)
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.gz': 'application/gzip', '.map': 'application/json',
};

const server = http.createServer(async (request, response) => {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-cache' };
  const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  if (urlPath === '/') {
    response.writeHead(302, { ...headers, Location: '/web/' }).end();
    return;
  }
  let file = path.join(root, urlPath);
  if (!file.startsWith(root) || /(^|\/)\./.test(path.relative(root, file))) {  // no .git, no escaping root
    response.writeHead(403, headers).end('forbidden');
    return;
  }
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const info = await stat(file);
    response.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size });
    createReadStream(file).pipe(response);
  } catch {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${urlPath}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`wasmgrad playground: http://127.0.0.1:${server.address().port}/  (Ctrl+C stops)`);
});
