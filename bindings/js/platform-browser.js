// How the engine loads in a browser: on a page, in a classic Worker or in a module Worker, from a
// static host or through a bundler. The factory comes in by import() of its ES-module form
// (scripts/make-esm-factories.mjs), which every one of those contexts has and which needs no eval
// (the playground's CSP forbids it). Pthread workers are classic scripts: they importScripts() the
// classic factory by the URL given as mainScriptUrlOrBlob.

export function threadSupport() {
  if (typeof document !== 'undefined') {  // a page's main thread may not block on Atomics.wait
    return { available: false, reason: 'page main thread: single thread (load the engine in a Worker for threads)' };
  }
  // Browsers give SharedArrayBuffer only to cross-origin isolated pages: name that root cause first.
  if (!globalThis.crossOriginIsolated) return { available: false, reason: 'not cross-origin isolated: single thread' };
  // WebKitGTK (Safari's engine on Linux) isolates the page but offers no SharedArrayBuffer at all.
  if (typeof SharedArrayBuffer === 'undefined') {
    return { available: false, reason: 'no SharedArrayBuffer in this browser, even cross-origin isolated: single thread' };
  }
  return { available: true, reason: 'cross-origin isolated' };
}

export async function factory(files) {
  let exports;
  try {
    exports = await import(/* @vite-ignore */ /* webpackIgnore: true */ files.module.href);
  } catch (error) {
    throw new Error(`wasmgrad: could not load the engine script ${files.module.href} (${error.message})`);
  }
  if (typeof exports.default !== 'function') throw new Error(`wasmgrad: ${files.module.href} has no default export`);
  return exports.default;
}

/**
 * options.pthreadsFromBlob: under a service worker that adds COOP/COEP (the static build's
 * web/coi-serviceworker.js), Chromium fetches a script started by a worker (the engine's pthreads)
 * past the service worker, so it lacks the COEP header and is blocked; started from a blob: URL it
 * inherits the isolation of the worker that starts it. The page's CSP must allow blob: workers.
 */
export async function moduleOptions(files, names, options = {}) {
  if (files.worker?.protocol === 'data:' && !options.pthreadsFromBlob) {  // a pthread worker from a data: URL never reports back
    throw new Error(`wasmgrad: the bundler inlined ${names.worker} as a data: URL; pthread workers need it as a file ` +
      '(keep it out of your bundler\'s asset inlining, or load({threads: false}))');
  }
  const worker = files.worker && options.pthreadsFromBlob ? new URL(await blobUrlOf(files.worker)) : files.worker;
  const located = { [names.wasm]: files.wasm, [names.worker]: worker };
  return {
    locateFile: (name) => (located[name] ?? new URL(name, files.module)).href,
    // pthread workers load the classic factory by this URL (nothing loaded it by a <script>).
    ...(files.worker ? { mainScriptUrlOrBlob: files.script.href } : {}),
  };
}

export function started() {}

async function blobUrlOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wasmgrad: could not fetch ${url.href}: HTTP ${response.status}`);
  return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
}

/** Why `url` cannot be fetched ("could not fetch URL: HTTP 404"), or null when it can. */
export async function unreachable(url) {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    await response.body?.cancel();
    return response.ok ? null : `could not fetch ${url.href}: HTTP ${response.status}`;
  } catch (error) {
    return `could not fetch ${url.href} (${error.message})`;
  }
}

export async function hardwareThreads() {
  return globalThis.navigator?.hardwareConcurrency || 1;
}

export async function readBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
