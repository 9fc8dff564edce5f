// Where the package's built files are: the four WebAssembly builds with their JS, and the bundled
// digits. Each file is named once, as `new URL('<literal path>', import.meta.url)`: the form that
// bundlers (Vite, webpack 5, Parcel, Rollup plugins) recognise, copy into their output and rewrite,
// and that Node and a static host resolve next to this file. Never compute these paths: a bundler
// cannot follow a computed one.
//
// `?no-inline`: Vite turns files under 4 kB into data: URLs, and a pthread worker cannot start
// from one (nor may a page with a CSP fetch one). The query keeps every file a file; bundlers drop
// it from the URLs they write, and plain() drops it where no bundler ran, so every URL the engine
// sees is the file's own.
//
// The `engineUrl` / `dataUrl` load options name a folder instead (a copy hosted elsewhere); files
// are then found there by their build-time names.

/** name -> URL of every file of one build. script: classic factory (Node, pthread workers);
 *  module: the same factory as an ES module (browsers); worker: the pthread worker script. */
const BUILT_IN = {
  'simd-threads': () => ({
    script: new URL('../../build/engine/wasmgrad-simd-threads.js?no-inline', import.meta.url),
    module: new URL('../../build/engine/wasmgrad-simd-threads.mjs?no-inline', import.meta.url),
    wasm: new URL('../../build/engine/wasmgrad-simd-threads.wasm?no-inline', import.meta.url),
    worker: new URL('../../build/engine/wasmgrad-simd-threads.worker.js?no-inline', import.meta.url),
  }),
  'simd-relaxed-threads': () => ({
    script: new URL('../../build/engine/wasmgrad-simd-relaxed-threads.js?no-inline', import.meta.url),
    module: new URL('../../build/engine/wasmgrad-simd-relaxed-threads.mjs?no-inline', import.meta.url),
    wasm: new URL('../../build/engine/wasmgrad-simd-relaxed-threads.wasm?no-inline', import.meta.url),
    worker: new URL('../../build/engine/wasmgrad-simd-relaxed-threads.worker.js?no-inline', import.meta.url),
  }),
  'simd-relaxed': () => ({
    script: new URL('../../build/engine/wasmgrad-simd-relaxed.js?no-inline', import.meta.url),
    module: new URL('../../build/engine/wasmgrad-simd-relaxed.mjs?no-inline', import.meta.url),
    wasm: new URL('../../build/engine/wasmgrad-simd-relaxed.wasm?no-inline', import.meta.url),
  }),
  simd: () => ({
    script: new URL('../../build/engine/wasmgrad-simd.js?no-inline', import.meta.url),
    module: new URL('../../build/engine/wasmgrad-simd.mjs?no-inline', import.meta.url),
    wasm: new URL('../../build/engine/wasmgrad-simd.wasm?no-inline', import.meta.url),
  }),
};

const BUILT_IN_DIGITS = () => ({
  'digits-train-images-idx3-ubyte.gz': new URL('../../build/data/digits-train-images-idx3-ubyte.gz?no-inline', import.meta.url),
  'digits-train-labels-idx1-ubyte.gz': new URL('../../build/data/digits-train-labels-idx1-ubyte.gz?no-inline', import.meta.url),
  'digits-test-images-idx3-ubyte.gz': new URL('../../build/data/digits-test-images-idx3-ubyte.gz?no-inline', import.meta.url),
  'digits-test-labels-idx1-ubyte.gz': new URL('../../build/data/digits-test-labels-idx1-ubyte.gz?no-inline', import.meta.url),
});

/** The URL without the bundler hint (a bundler has already removed it from the URLs it wrote). */
const plain = (url) => {
  if (url.search === '?no-inline') url.search = '';
  return url;
};

/** The names Emscripten gives a build's files (and asks locateFile for). */
export function engineFileNames(build) {
  const base = `wasmgrad-${build}`;
  return { script: `${base}.js`, module: `${base}.mjs`, wasm: `${base}.wasm`,
    ...(build.endsWith('-threads') ? { worker: `${base}.worker.js` } : {}) };
}

/** {script, module, wasm, worker?} URLs of a build: the package's own, or those in `folder`. */
export function engineFiles(build, folder = null) {
  if (!folder) return Object.fromEntries(Object.entries(BUILT_IN[build]()).map(([kind, url]) => [kind, plain(url)]));
  const names = engineFileNames(build);
  return Object.fromEntries(Object.entries(names).map(([kind, name]) => [kind, new URL(name, folder)]));
}

/** The URL of one bundled digits file (digits-<part>-<images|labels>-idx?-ubyte.gz). */
export function digitsFile(name, folder = null) {
  if (folder) return new URL(name, folder);
  const url = BUILT_IN_DIGITS()[name];
  if (!url) throw new Error(`wasmgrad: no bundled data file named ${name}`);
  return plain(url);
}
