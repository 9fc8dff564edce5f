// Loading the engine: picks the WebAssembly build for where it runs, instantiates it once, and
// wraps it in an Engine that says which build runs and why. What differs between Node and
// browsers (how the factory script is loaded, where bytes come from) is a platform module:
// platform-node.js or platform-browser.js, chosen by the entry point (bindings/wasmgrad*.js).
//
// Builds (see CMakeLists.txt): `simd-threads` = SIMD128 + pthreads (needs SharedArrayBuffer,
// so a cross-origin isolated page in a browser), `simd` = SIMD128 on one thread, and the same two
// with relaxed SIMD, `simd-relaxed-threads` and `simd-relaxed`: the GEMM micro-kernels use
// f32x4.relaxed_madd (one FMA where the CPU has it). load() takes a relaxed build wherever
// WebAssembly.validate accepts relaxed SIMD (Chromium 114+; Node 20 only with
// --experimental-wasm-relaxed-simd), else today's plain build, and says which in `reason`.
import { Engine } from './engine.js';
import { engineFiles, engineFileNames, digitsFile } from './assets.js';
import { loadExportLibraries } from './export/deps.js';
import { answerStartWatch, loadSettled } from './start-watch.js';

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
  answerStartWatch();  // in a dedicated worker, a page's startWorker() watches the load
  return async function load(options = {}) {
    const loading = loadOnce(options);
    loading.then(loadSettled, loadSettled);
    return loading;
  };

  async function loadOnce(options) {
    const platform = await getPlatform();
    const choice = chooseBuild(platform, options);
    const where = options.engineUrl ?? '';
    const named = `${choice.build} ${where}`;
    if (loaders.has(named)) return loaders.get(named);
    // A relaxed build load() picked may start as its plain twin (instantiate): until it has started,
    // it is not the engine a request for the relaxed build by name gets.
    const key = choice.plain ? `${choice.build} or plain ${where}` : named;
    if (!loaders.has(key)) {
      const loading = instantiate(platform, choice, options);
      loading.then((engine) => { if (!loaders.has(`${engine.build} ${where}`)) loaders.set(`${engine.build} ${where}`, loading); },
        () => loaders.delete(key));
      loaders.set(key, loading);
    }
    return loaders.get(key);
  }
}

/** Every build, by the name the engine reports in `build` and the `build` load option accepts. */
export const BUILDS = ['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd'];

function chooseBuild(platform, options) {
  if (options.build !== undefined) return chosenBuild(platform, options);
  let build, reason;
  if (options.threads === false) {
    [build, reason] = ['simd', 'threads: false requested: single thread'];
  } else {
    const threads = platform.threadSupport();
    [build, reason] = [threads.available ? 'simd-threads' : 'simd', threads.reason];
  }
  if (hasRelaxedSimd()) return { build: relaxedOf(build), reason: `${reason}; relaxed SIMD (FMA)`, plain: { build, reason } };
  return { build, reason: `${reason}; ${platform.noRelaxedSimd?.() ?? 'no relaxed SIMD in this runtime'}: plain SIMD128` };
}

/** options.build names the build: checked here, so a typo or a runtime that cannot run it fails clearly. */
function chosenBuild(platform, options) {
  const { build } = options;
  if (!BUILDS.includes(build)) {
    throw new Error(`wasmgrad: unknown build ${JSON.stringify(build)}: the builds are ${BUILDS.join(', ')}`);
  }
  if (build.endsWith('-threads')) {
    if (options.threads === false) throw new Error(`wasmgrad: build ${build} has threads, but threads: false was asked for`);
    const threads = platform.threadSupport();
    if (!threads.available) throw new Error(`wasmgrad: build ${build} needs threads, which this runtime lacks (${threads.reason})`);
  }
  if (build.startsWith('simd-relaxed') && !hasRelaxedSimd()) {
    throw new Error(`wasmgrad: build ${build} needs relaxed SIMD, which this runtime lacks ` +
      `(${platform.noRelaxedSimd?.() ?? 'f32x4.relaxed_madd does not validate'})`);
  }
  return { build, reason: `build ${build} requested` };
}

const relaxedOf = (build) => build.replace(/^simd/, 'simd-relaxed');

// The smallest module that uses SIMD128 (a function returning i32x4.splat(0)): every build needs it.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);
// The same function returning f32x4.relaxed_madd(splat 0, splat 0, splat 0) (opcode 0xfd 0x105): the relaxed builds need it.
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0,
  65, 0, 253, 17, 65, 0, 253, 17, 65, 0, 253, 17, 253, 133, 2, 11]);

/** Whether this runtime validates relaxed SIMD (false where WebAssembly itself is missing: instantiate says so). */
export function hasRelaxedSimd() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

/**
 * Starts the chosen build. A relaxed build that load() picked by itself (no `build` option) and whose
 * files are not where the others are (a course site that copied only the plain builds, a package
 * trimmed by hand) is not a failure: the plain build starts instead, and `reason` says why.
 */
async function instantiate(platform, choice, options) {
  checkWebAssembly();
  if (!choice.plain) return start(platform, choice, options);
  try {
    return await start(platform, choice, options);
  } catch (error) {
    const missing = await missingFile(platform, engineFiles(choice.build, engineFolder(options)));
    if (!missing) throw error;
    const { build, reason } = choice.plain;
    return start(platform, { build, reason: `${reason}; relaxed SIMD, but its build is missing (${missing}): plain SIMD128` }, options);
  }
}

/** options.engineUrl as a URL, or null: the engine's files beside the bindings. */
const engineFolder = (options) => (options.engineUrl ? new URL(options.engineUrl) : null);

/** The first of a build's files that cannot be read, said as the platform says it, or null. */
async function missingFile(platform, files) {
  for (const url of [files.script, files.module, files.wasm, files.worker].filter(Boolean)) {
    const missing = await platform.unreachable?.(url);
    if (missing) return missing;
  }
  return null;
}

function checkWebAssembly() {
  if (typeof WebAssembly !== 'object') {
    throw new Error('wasmgrad: WebAssembly is turned off in this runtime (for example by Safari\'s Lockdown Mode or a ' +
      'browser policy); the engine needs it');
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error('wasmgrad: this runtime\'s WebAssembly has no SIMD128, which every wasmgrad build needs ' +
      '(Chrome and Edge 91+, Firefox 89+, Safari 16.4+, Node.js 16.4+ have it)');
  }
}

async function start(platform, { build, reason }, options) {
  const files = engineFiles(build, engineFolder(options));
  const names = engineFileNames(build);
  const [factory] = await Promise.all([platform.factory(files), loadExportLibraries()]);
  const hardware = await platform.hardwareThreads();
  const wanted = options.numThreads ?? hardware;
  const poolSize = Math.max(1, Math.min(Math.max(wanted, hardware), MAX_THREADS));
  const module = await factory({ ...await platform.moduleOptions(files, names, options), wasmgradPoolSize: poolSize })
    .catch(async (error) => { throw await startFailure(platform, files, error); });
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

/**
 * The module did not instantiate: an Error that names the cause. Emscripten reports a .wasm that did
 * not arrive by the bytes it got instead ("expected magic word ..., found 6e 6f 74 20", the text of a
 * 404 page), inside "Aborted(...). Build with -s ASSERTIONS=1 for more info.", which says nothing
 * to a reader: the platform looks at the file itself, and the wrapper is taken off.
 */
async function startFailure(platform, files, error) {
  const missing = await missingFile(platform, { wasm: files.wasm });
  if (missing) return new Error(`wasmgrad: the engine's WebAssembly file did not load: ${missing}`);
  const message = String(error?.message ?? error).replace(/^Aborted\(([\s\S]*)\)\. Build with -s ASSERTIONS=1 for more info\.$/, '$1');
  return new Error(`wasmgrad: the engine did not start: ${message}`);
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
