// Loading the engine: picks the WebAssembly build for where it runs, instantiates it once, and
// wraps it in an Engine that says which build runs and why. What differs between Node and
// browsers (how the factory script is loaded, where bytes come from) is a platform module:
// platform-node.js or platform-browser.js, chosen by the entry point (bindings/wasmgrad*.js).
//
// Builds (see CMakeLists.txt): `simd-threads` = SIMD128 + pthreads (needs SharedArrayBuffer,
// so a cross-origin isolated page in a browser), `simd` = SIMD128 on one thread.
import { Engine } from './engine.js';
import { engineFiles, engineFileNames, digitsFile } from './assets.js';
import { loadExportLibraries } from './export/deps.js';

const POOL_SIZE = 4;  // -sPTHREAD_POOL_SIZE: threads beyond the pool cannot start while the engine waits

/**
 * A load(options) function over one platform (getPlatform() resolves to its module). Calling load again with
 * the same choice returns the same engine; a failed load may be retried.
 */
export function createLoader(getPlatform) {
  const loaders = new Map();  // "build engineUrl" -> Promise<Engine>: each build is instantiated once
  return async function load(options = {}) {
    const platform = await getPlatform();
    const choice = chooseBuild(platform, options);
    const key = `${choice.build} ${options.engineUrl ?? ''}`;
    if (!loaders.has(key)) {
      const loading = instantiate(platform, choice, options);
      loading.catch(() => loaders.delete(key));
      loaders.set(key, loading);
    }
    return loaders.get(key);
  };
}

function chooseBuild(platform, options) {
  if (options.threads === false) return { build: 'simd', reason: 'threads: false requested: single thread' };
  const { available, reason } = platform.threadSupport();
  return { build: available ? 'simd-threads' : 'simd', reason };
}

async function instantiate(platform, { build, reason }, options) {
  const folder = options.engineUrl ? new URL(options.engineUrl) : null;
  const files = engineFiles(build, folder);
  const names = engineFileNames(build);
  const [factory] = await Promise.all([platform.factory(files), loadExportLibraries()]);
  const module = await factory(await platform.moduleOptions(files, names, options));
  restoreStackOnThrow(module);
  platform.started(module);
  const info = module.buildInfo();
  const wanted = options.numThreads ?? await platform.hardwareThreads();
  module.setNumThreads(Math.max(1, Math.min(wanted, info.maxThreads, POOL_SIZE)));
  const dataFolder = options.dataUrl ? new URL(options.dataUrl) : null;
  return new Engine(module, {
    reason,
    maxThreads: Math.min(info.maxThreads, info.threadsSupported ? POOL_SIZE : 1),
    readData: (name) => platform.readBytes(digitsFile(name, dataFolder)),
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
