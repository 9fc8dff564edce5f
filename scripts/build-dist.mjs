// Builds dist/: the playground and the lecture demos as plain static files for any host (GitHub Pages, a course web
// server, a USB stick behind `python3 -m http.server`). Run after scripts/build.sh all:
//   node scripts/build-dist.mjs [outDir]      (default dist/)
// The layout mirrors the repository (web/, demos/, bindings/, build/engine/, build/data/), so every
// relative URL the page, the worker and the loader use works unchanged. dist/index.html sends
// visitors to web/. The copied web/index.html gets a <meta name="wasmgrad-coi-serviceworker">
// tag: on hosts that cannot send COOP/COEP headers, web/coi.js then registers
// web/coi-serviceworker.js to add them (threads), and falls back to the single-thread build
// (saying so in the badge) when it cannot.
// Every page also gets the project's Content-Security-Policy (scripts/serve.mjs) as a
// <meta http-equiv> tag, since a static host may send no headers, and a _headers file gives it,
// and COOP/COEP, to hosts that read one (Netlify, Cloudflare Pages).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP, API_CSP } from './serve.mjs';
import { buildApiDocs } from './api-docs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(root, process.argv[2] ?? 'dist');

// .js: classic factories (pthread workers load it); .mjs: their ES-module forms (what browsers import).
const ENGINE_FILES = ['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd'].flatMap((build) =>
  [`wasmgrad-${build}.js`, `wasmgrad-${build}.mjs`, `wasmgrad-${build}.wasm`,
    ...(build.endsWith('-threads') ? [`wasmgrad-${build}.worker.js`] : [])]);

async function exists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function copyTree(from, to, keep = () => true) {
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target, keep);
    else if (keep(entry.name)) await fs.copyFile(source, target);
  }
}

const missing = [];
for (const name of ENGINE_FILES) if (!(await exists(path.join(root, 'build/engine', name)))) missing.push(`build/engine/${name}`);
if (!(await exists(path.join(root, 'build/vendor/comlink.js')))) missing.push('build/vendor/ (scripts/vendor.mjs)');
const dataFiles = (await exists(path.join(root, 'build/data')))
  ? (await fs.readdir(path.join(root, 'build/data'))).filter((f) => f.endsWith('.gz')) : [];
if (dataFiles.length === 0) missing.push('build/data/*.gz');
if (!(await exists(path.join(root, 'build/vendor/export-deps.mjs')))) missing.push('build/vendor/export-deps.mjs');
if (missing.length) {
  console.error(`build-dist: missing ${missing.join(', ')}: run scripts/build.sh all first`);
  process.exit(1);
}

await fs.rm(out, { recursive: true, force: true });
await copyTree(path.join(root, 'web'), path.join(out, 'web'), (name) => !name.endsWith('.md'));
await copyTree(path.join(root, 'bindings'), path.join(out, 'bindings'), (name) => /\.(js|d\.ts)$/.test(name));
// The lecture demos (demos/index.html is their gallery): they import web/views/ and bindings/.
await copyTree(path.join(root, 'demos'), path.join(out, 'demos'), (name) => /\.(js|css|html)$/.test(name));
await fs.mkdir(path.join(out, 'build/engine'), { recursive: true });
for (const name of ENGINE_FILES) await fs.copyFile(path.join(root, 'build/engine', name), path.join(out, 'build/engine', name));
await fs.mkdir(path.join(out, 'build/data'), { recursive: true });
for (const name of dataFiles) await fs.copyFile(path.join(root, 'build/data', name), path.join(out, 'build/data', name));
// Comlink and uPlot with their licences (scripts/vendor.mjs put them there).
await copyTree(path.join(root, 'build/vendor'), path.join(out, 'build/vendor'));
// The API reference, from the package's declarations (scripts/api-docs.mjs).
const apiDocs = await buildApiDocs(path.join(out, 'api'));
if (apiDocs.problems.length) {
  console.error(`build-dist: the API reference has ${apiDocs.problems.length} problem(s):\n  ${apiDocs.problems.join('\n  ')}`);
  process.exit(1);
}

// The policy goes first in <head>: a <meta> policy governs only what comes after it.
const CSP_TAG = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
async function addHeadTags(file, tags) {
  const html = await fs.readFile(file, 'utf8');
  if (!html.includes('<meta charset="utf-8">')) throw new Error(`build-dist: ${file} has no <meta charset="utf-8"> to anchor the tags`);
  if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) throw new Error(`build-dist: ${file} has an inline <script>, which the CSP blocks`);
  await fs.writeFile(file, html.replace('<meta charset="utf-8">', ['<meta charset="utf-8">', ...tags].join('\n  ')));
}
// Ask for the COOP/COEP service worker in the static build only (the dev server sends the headers).
await addHeadTags(path.join(out, 'web/index.html'), [CSP_TAG, '<meta name="wasmgrad-coi-serviceworker" content="register">']);

await fs.writeFile(path.join(out, 'index.html'), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  ${CSP_TAG}
  <meta http-equiv="refresh" content="0; url=web/">
  <link rel="icon" href="web/favicon.svg" type="image/svg+xml">
  <title>wasmgrad playground</title>
</head>
<body><p><a href="web/">Open the wasmgrad playground</a> · <a href="demos/">the lecture demos</a> · <a href="api/">the API reference</a></p></body>
</html>
`);
// Hosts that run Jekyll (GitHub Pages) would otherwise drop files and folders starting with _.
await fs.writeFile(path.join(out, '.nojekyll'), '');
// Hosts merge the headers of every rule that matches a path, so each policy has its own paths.
await fs.writeFile(path.join(out, '_headers'), `${['/', '/index.html', '/web/*', '/demos/*', '/bindings/*', '/build/*']
  .map((rule) => `${rule}\n  Content-Security-Policy: ${CSP}\n`).join('')}/api/*
  Content-Security-Policy: ${API_CSP}
/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  X-Content-Type-Options: nosniff
`);

let bytes = 0, files = 0;
async function size(dir) {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await size(p);
    else { bytes += (await fs.stat(p)).size; files += 1; }
  }
}
await size(out);
console.log(`build-dist: ${path.relative(root, out) || out}/ holds ${files} files, ${(bytes / 1e6).toFixed(1)} MB; serve it from any static host`);
