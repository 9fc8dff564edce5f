// wasmgrad's JavaScript entry point: picks the best WebAssembly build for where it runs,
// loads it once, and returns the engine with a note of which build runs and why.
// The same file works in Node.js and in a browser Web Worker (loaded there by import()).
//
//   import { load } from 'wasmgrad';
//   const engine = await load();           // {build: 'simd-threads', threads: 2, reason: ...}
//   const t = engine.Tensor.fromArray(new Float32Array([1, 2, 3, 4]), [2, 2]);
//   t.toArray(); t.delete();                // handles own engine memory: delete() them
//
// Builds (see CMakeLists.txt): `simd-threads` = SIMD128 + pthreads (needs SharedArrayBuffer,
// so a cross-origin isolated page in a browser), `simd` = SIMD128 on one thread.

import { Engine } from './js/engine.js';
import { isNode } from './js/environment.js';

export { Engine, Model, Trainer, Dataset, Perceptron } from './js/engine.js';
export { zipFolder } from './js/export/zip.js';

const FACTORY_NAME = 'createWasmgradEngine';  // -sEXPORT_NAME of both builds
const POOL_SIZE = 4;  // -sPTHREAD_POOL_SIZE: threads beyond the pool cannot start while the engine waits
const DEFAULT_ENGINE_URL = new URL('../build/engine/', import.meta.url);
const DEFAULT_DATA_URL = new URL('../build/data/', import.meta.url);


const loaders = new Map();  // build name -> Promise<Engine>: each build is instantiated once

/**
 * Loads the engine. Calling it again with the same choice returns the same engine.
 * @param {{threads?: boolean, numThreads?: number, engineUrl?: string | URL}} [options]
 */
export function load(options = {}) {
  const choice = chooseBuild(options);
  const engineUrl = new URL(options.engineUrl ?? DEFAULT_ENGINE_URL);
  const key = `${choice.build} ${engineUrl.href}`;
  if (!loaders.has(key)) {
    const loading = instantiate(choice, engineUrl, options);
    loading.catch(() => loaders.delete(key));  // a failed load may be retried
    loaders.set(key, loading);
  }
  return loaders.get(key);
}

function chooseBuild(options) {
  if (options.threads === false) return { build: 'simd', reason: 'threads: false requested: single thread' };
  if (isNode) return { build: 'simd-threads', reason: 'Node.js: worker_threads' };
  if (typeof document !== 'undefined') {  // a page's main thread may not block on Atomics.wait
    return { build: 'simd', reason: 'page main thread: single thread (load the engine in a Worker for threads)' };
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    return { build: 'simd', reason: 'no SharedArrayBuffer: single thread' };
  }
  if (!globalThis.crossOriginIsolated) {
    return { build: 'simd', reason: 'not cross-origin isolated: single thread' };
  }
  return { build: 'simd-threads', reason: 'cross-origin isolated' };
}

async function instantiate({ build, reason }, engineUrl, options) {
  const scriptName = `wasmgrad-${build}.js`;
  const factory = isNode ? await nodeFactory(engineUrl, scriptName) : await browserFactory(engineUrl, scriptName);
  const moduleOptions = {
    locateFile: (path) => isNode ? fileUrlToPath(new URL(path, engineUrl)) : new URL(path, engineUrl).href,
  };
  if (isNode) {
    // Emscripten 3.1.6 would fetch() a file path under Node 20 and fail: hand it the bytes.
    const { readFile } = await import('node:fs/promises');
    moduleOptions.wasmBinary = await readFile(new URL(`wasmgrad-${build}.wasm`, engineUrl));
  } else {
    // pthread workers load the main script by this URL (it was not loaded by a <script>).
    moduleOptions.mainScriptUrlOrBlob = new URL(scriptName, engineUrl).href;
  }
  const module = await factory(moduleOptions);
  restoreStackOnThrow(module);
  if (isNode && module.PThread) {
    // Idle pthread workers would keep Node running after the user's script is done.
    for (const worker of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) worker.unref();
  }
  const info = module.buildInfo();
  const wanted = options.numThreads ?? await hardwareThreads();
  module.setNumThreads(Math.max(1, Math.min(wanted, info.maxThreads, POOL_SIZE)));
  return makeEngine(module, reason, options);
}

function makeEngine(module, reason, options) {
  const info = module.buildInfo();
  return new Engine(module, {
    reason,
    maxThreads: Math.min(info.maxThreads, info.threadsSupported ? POOL_SIZE : 1),
    dataUrl: new URL(options.dataUrl ?? DEFAULT_DATA_URL),
  });
}

// An engine error reaches JS as a JS Error thrown from inside the module (engine_api.cpp).
// That unwinds the wasm frames without their epilogues, so the C stack pointer is left
// lowered (48 bytes per error, measured): after some 20,000 caught errors the 1 MB stack
// would be gone. Every bound function therefore puts the stack pointer back when it throws.
// Embind marks its free functions with `argCount` and its classes by ClassHandle methods.
function restoreStackOnThrow(module) {
  const guard = (f) => function (...args) {
    const stack = module.stackSave();
    try {
      return f.apply(this, args);
    } catch (error) {
      module.stackRestore(stack);
      throw error;
    }
  };
  const guardOwnMethods = (object) => {
    for (const [name, value] of Object.entries(object)) {
      if (typeof value === 'function' && name !== 'constructor') object[name] = guard(value);
    }
  };
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    if (typeof value.prototype?.isAliasOf === 'function') {  // an Embind class
      guardOwnMethods(value);            // static functions (class_function)
      guardOwnMethods(value.prototype);  // methods
    } else if ('argCount' in value) {    // an Embind free function
      module[name] = guard(value);
    }
  }
}

async function hardwareThreads() {
  if (globalThis.navigator?.hardwareConcurrency) return navigator.hardwareConcurrency;
  if (isNode) return (await import('node:os')).availableParallelism();
  return 1;
}

async function nodeFactory(engineUrl, scriptName) {
  // The factory is a plain (CommonJS-style) script: -sEXPORT_ES6 output of 3.1.6 fails in Node.
  const { createRequire } = await import('node:module');
  const { existsSync } = await import('node:fs');
  const path = fileUrlToPath(new URL(scriptName, engineUrl));
  if (!existsSync(path)) throw new Error(`wasmgrad: ${path} is missing: build it with scripts/build.sh wasm`);
  return createRequire(import.meta.url)(path);
}

function fileUrlToPath(url) {
  return decodeURIComponent(url.pathname);  // POSIX paths; avoids importing node:url in browsers
}

async function browserFactory(engineUrl, scriptName) {
  const scriptUrl = new URL(scriptName, engineUrl).href;
  if (typeof importScripts === 'function') {
    importScripts(scriptUrl);  // classic worker: synchronous, defines the factory global
  } else if (typeof document !== 'undefined') {
    await new Promise((resolve, reject) => {  // a page: fine for the `simd` build only
      const script = document.createElement('script');
      script.src = scriptUrl;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`wasmgrad: could not load ${scriptUrl}`));
      document.head.append(script);
    });
  } else {
    throw new Error('wasmgrad: load() needs Node.js, a classic Web Worker (importScripts) or a page');
  }
  const factory = globalThis[FACTORY_NAME];
  if (typeof factory !== 'function') throw new Error(`wasmgrad: ${scriptUrl} did not define ${FACTORY_NAME}`);
  // Both builds define the same global (a non-deletable `var`): taken right after loading.
  return factory;
}
