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

// The cap on threads (WASMGRAD_MAX_THREADS in CMakeLists.txt). The threaded build's pthread pool is sized
// when it starts: as many workers as the machine has logical cores (or as numThreads asks), up to this
// cap; threads beyond the pool could not start while the engine waits. Results are the same for any count.
export const MAX_THREADS = 16;

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
  const hardware = await platform.hardwareThreads();
  const wanted = options.numThreads ?? hardware;
  const poolSize = Math.max(1, Math.min(Math.max(wanted, hardware), MAX_THREADS));
  const module = await factory({ ...await platform.moduleOptions(files, names, options), wasmgradPoolSize: poolSize });
  restoreStackOnThrow(module);
  platform.started(module);
  const info = module.buildInfo();
  module.setNumThreads(Math.max(1, Math.min(wanted, info.maxThreads, MAX_THREADS)));
  const dataFolder = options.dataUrl ? new URL(options.dataUrl) : null;
  return new Engine(module, {
    reason,
    maxThreads: Math.min(info.maxThreads, info.threadsSupported ? MAX_THREADS : 1),
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
