// Tests for scripts/serve.mjs, the playground's server: it listens on 127.0.0.1 unless told
// otherwise, serves only the public files (web/, demos/, the JS loader, the engine builds, the
// gzipped digits) with the right MIME types and headers, and refuses every way out of them:
// "..", encoded or double-encoded dots and slashes, backslashes, absolute paths, NUL bytes,
// dotfiles (.git), node_modules, engine sources and symlinks leading out of the root.
// Requests are written on raw sockets so that no client library normalises the path first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, resolvePublicPath, CSP, API_CSP } from '../../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let repoServer, fixtureServer, fixtureRoot;

/** One raw HTTP/1.1 request; resolves {status, headers, body}. */
function rawRequest(port, target, method = 'GET') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

before(async () => {
  repoServer = createServer();
  await listen(repoServer);
  // A root with one public file of every served type, and a symlink out of the root.
  fixtureRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-serve-'));
  const files = {
    'web/index.html': '<!doctype html><title>t</title>', 'web/a.js': 'export {};', 'web/a.mjs': 'export {};',
    'web/a.css': 'body{}', 'web/a.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>', 'web/a.json': '{}',
    'web/a.png': '\x89PNG', 'build/engine/m.wasm': '\0asm', 'build/engine/m.js': '', 'build/engine/m.mjs': '', 'build/data/d.gz': '\x1f\x8b',
    'build/data/raw-idx3-ubyte': '', 'secret.txt': 'secret', 'web/.hidden.js': 'secret',
    'build/api/index.html': '<!doctype html><title>api</title>', 'build/api/assets/main.js': '', 'build/api/assets/style.css': '',
    'build/api/assets/icons.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>', 'build/api/notes.md': 'secret',
  };
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(fixtureRoot, name)), { recursive: true });
    await fs.writeFile(path.join(fixtureRoot, name), content, 'latin1');
  }
  const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-outside-'));
  await fs.writeFile(path.join(outside, 'loot.js'), 'secret');
  await fs.symlink(path.join(outside, 'loot.js'), path.join(fixtureRoot, 'web/link.js'));
  fixtureServer = createServer({ root: fixtureRoot });
  await listen(fixtureServer);
});

after(async () => {
  for (const server of [repoServer, fixtureServer]) await new Promise((resolve) => server?.close(resolve));
  if (fixtureRoot) await fs.rm(fixtureRoot, { recursive: true, force: true });
});

const port = (server) => server.address().port;

test('public files are served with their MIME types, the isolation and CSP headers, and CORS for all but pages', async () => {
  const expected = {
    '/web/index.html': 'text/html; charset=utf-8', '/web/a.js': 'text/javascript; charset=utf-8',
    '/web/a.mjs': 'text/javascript; charset=utf-8', '/web/a.css': 'text/css; charset=utf-8',
    '/web/a.svg': 'image/svg+xml', '/web/a.json': 'application/json; charset=utf-8', '/web/a.png': 'image/png',
    '/build/engine/m.wasm': 'application/wasm', '/build/engine/m.js': 'text/javascript; charset=utf-8',
    '/build/engine/m.mjs': 'text/javascript; charset=utf-8', '/build/data/d.gz': 'application/gzip', '/web/': 'text/html; charset=utf-8',
    '/api/': 'text/html; charset=utf-8', '/api/assets/main.js': 'text/javascript; charset=utf-8',
    '/api/assets/style.css': 'text/css; charset=utf-8', '/api/assets/icons.svg': 'image/svg+xml',
  };
  for (const [target, type] of Object.entries(expected)) {
    const response = await rawRequest(port(fixtureServer), target);
    assert.equal(response.status, 200, target);
    assert.equal(response.headers['content-type'], type, target);
    assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin', target);
    assert.equal(response.headers['cross-origin-embedder-policy'], 'require-corp', target);
    // Pages stay same-origin resources; every other file may serve a course site of another origin (CORS).
    const page = type.startsWith('text/html');
    assert.equal(response.headers['cross-origin-resource-policy'], page ? 'same-origin' : 'cross-origin', target);
    assert.equal(response.headers['access-control-allow-origin'], page ? undefined : '*', target);
    // The API reference (TypeDoc's pages) may use inline style; nothing else may.
    assert.equal(response.headers['content-security-policy'], target.startsWith('/api/') ? API_CSP : CSP, target);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', target);
  }
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(CSP, /unsafe-eval'(?<!wasm-unsafe-eval')|unsafe-inline/);
});

test('the repository\'s real pages and engine files are reachable', async () => {
  const targets = ['/web/index.html', '/web/playground/app.js', '/web/style.css', '/web/favicon.svg', '/bindings/wasmgrad.js',
    '/bindings/js/engine.js', '/demos/index.html', '/demos/wasmgrad-demo.js'];
  for (const name of ['wasmgrad-simd.wasm', 'wasmgrad-simd.js', 'wasmgrad-simd.mjs', 'wasmgrad-simd-threads.worker.js']) {
    try {
      await fs.access(path.join(ROOT, 'build/engine', name));
      targets.push(`/build/engine/${name}`);
    } catch { /* not built: skip */ }
  }
  for (const target of targets) {
    const response = await rawRequest(port(repoServer), target, 'HEAD');
    assert.equal(response.status, 200, target);
    if (target.endsWith('.wasm')) assert.equal(response.headers['content-type'], 'application/wasm');
  }
  const root = await rawRequest(port(repoServer), '/');
  assert.equal(root.status, 302);
  assert.equal(root.headers.location, '/web/');
  assert.equal((await rawRequest(port(repoServer), '/web')).headers.location, '/web/');
});

// [request target, allowed statuses]; every one must fail without leaking a byte of the file.
const attacks = [
  ['/../package.json', [403]],
  ['/web/../package.json', [403]],
  ['/web/../../../../etc/passwd', [403]],
  ['/%2e%2e/package.json', [403]],
  ['/web/%2e%2e/%2e%2e/etc/passwd', [403]],
  ['/web/%2E%2E%2Fpackage.json', [403]],
  ['/web%2f..%2f..%2fpackage.json', [403]],
  ['/%252e%252e/package.json', [404]],                 // double-encoded: decoded once, a literal name
  ['/web/%252e%252e%252fpackage.json', [404]],
  ['/web/..%5cpackage.json', [403]],
  ['/web/..\\..\\package.json', [403]],
  ['/web\\..\\package.json', [403]],
  ['//etc/passwd', [403]],
  ['/etc/passwd', [404]],
  ['/%2fetc%2fpasswd', [403]],
  [`/${ROOT.slice(1)}/package.json`, [404]],
  ['/web/index.html%00.png', [403]],
  ['/web/%00', [403]],
  ['/.git/config', [403]],
  ['/.git/HEAD', [403]],
  ['/web/.hidden.js', [403]],
  ['/%2egit/config', [403]],
  ['/.gitignore', [403]],
  ['/node_modules/playwright-core/package.json', [404]],
  ['/package.json', [404]],
  ['/engine/core/tensor.h', [404]],
  ['/bindings/bindings.cpp', [404]],
  ['/bindings/engine_api.h', [404]],
  ['/scripts/serve.mjs', [404]],
  ['/tests/js/web/serve.test.mjs', [404]],
  ['/CMakeLists.txt', [404]],
  ['/build/data/digits-train-images-idx3-ubyte', [404]],
  ['/build/native/wasmgrad_tests', [404]],
  ['/web/README.md', [404]],
  ['/web/%', [400]],
  ['/web/%zz', [400]],
  ['http://127.0.0.1/package.json', [400]],
  ['*', [400]],
];
for (const [target, statuses] of attacks) {
  test(`refuses ${JSON.stringify(target)}`, async () => {
    const response = await rawRequest(port(repoServer), target);
    assert.ok(statuses.includes(response.status), `${target}: status ${response.status}, expected ${statuses}`);
    assert.doesNotMatch(response.body, /"name": "wasmgrad"|root:|\[core\]|#include|cmake_minimum/);
    assert.equal(response.headers['content-security-policy'], CSP);
  });
}

test('fixture root: hidden files, files outside the public folders and symlinks out of the root are refused', async () => {
  for (const [target, status] of [['/secret.txt', 404], ['/web/.hidden.js', 403], ['/web/link.js', 403],
    ['/build/data/raw-idx3-ubyte', 404], ['/web/missing.js', 404], ['/build/api/index.html', 404], ['/api/notes.md', 404],
    ['/api/../secret.txt', 403], ['/api/%2e%2e/secret.txt', 403]]) {
    const response = await rawRequest(port(fixtureServer), target);
    assert.equal(response.status, status, target);
    assert.doesNotMatch(response.body, /secret/);
  }
});

test('only GET and HEAD', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const response = await rawRequest(port(repoServer), '/web/index.html', method);
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET, HEAD');
  }
});

test('resolvePublicPath decodes exactly once', () => {
  assert.deepEqual(resolvePublicPath('/web/a%20b.js'), { status: 200, file: 'web/a b.js' });
  assert.equal(resolvePublicPath('/web/%252e%252e').status, 404);
  assert.equal(resolvePublicPath('/web/%2e%2e').status, 403);
  assert.equal(resolvePublicPath('relative').status, 400);
});

test('the command line server listens on 127.0.0.1 only', async (t) => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill());
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
  assert.ok(match, line);
  const cliPort = Number(match[1]);
  assert.equal((await rawRequest(cliPort, '/web/index.html', 'HEAD')).status, 200);
  // Not reachable on this machine's other addresses.
  const external = Object.values(os.networkInterfaces()).flat().find((a) => a.family === 'IPv4' && !a.internal);
  if (external) {
    const refused = await new Promise((resolve) => {
      const socket = net.connect(cliPort, external.address);
      socket.on('connect', () => { socket.destroy(); resolve(false); });
      socket.on('error', () => resolve(true));
    });
    assert.ok(refused, `serve.mjs answered on ${external.address}`);
  } else {
    t.diagnostic('no non-loopback IPv4 address here: checked only the printed address');
  }
});
