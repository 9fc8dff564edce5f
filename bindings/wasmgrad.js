// wasmgrad's JavaScript entry point for Node.js and for pages and workers that load it unbundled
// (a static host, the playground, the demos): picks the best WebAssembly build for where it runs,
// loads it once, and returns the engine with a note of which build runs and why. Bundlers get
// wasmgrad.browser.js instead (package.json "exports", "browser" condition): the same API
// without the Node code path.
//
//   import { load } from 'wasmgrad';
//   const engine = await load();           // {build: 'simd-threads', threads: 2, reason: ...}
//   const t = engine.Tensor.fromArray(new Float32Array([1, 2, 3, 4]), [2, 2]);
//   t.toArray(); t.dispose();               // handles own engine memory: dispose() them (delete(): the older name)
//
// The loading itself is js/loader.js; js/assets.js says where the built files are.
import { createLoader } from './js/loader.js';
export { MAX_THREADS } from './js/loader.js';
import { isNode } from './js/environment.js';

export { Engine, Model, Trainer, Dataset, Perceptron } from './js/engine.js';
// A page's side of starting the engine in a Worker: replaces a worker that stops answering while it loads.
export { startWorker, SilentStart } from './js/start-watch.js';
export { zipFolder } from './js/export/zip.js';

let platform = null;
/**
 * Loads the engine. Calling it again with the same choice returns the same engine.
 * @param {{threads?: boolean, numThreads?: number, engineUrl?: string | URL, dataUrl?: string | URL,
 *   pthreadsFromBlob?: boolean}} [options]  see js/platform-browser.js
 */
export const load = createLoader(() => {
  platform ??= isNode ? import('./js/platform-node.js') : import('./js/platform-browser.js');
  return platform;
});

// Image folders (bindings/js/data/): environment-free; decoders in 'wasmgrad/data/node' and 'wasmgrad/data/browser'.
export { readImageFolder, readImages, imageFolderDatasets, ImageFolderError, HOLD_OUT_FRACTION } from './js/data/image-folder.js';
export { zipSource } from './js/data/zip-source.js';
export { readImageHeader, ImageFileError } from './js/data/image-header.js';
export { fitImage, FIT_RULE, LUMA_RULE, LUMA_WEIGHTS } from './js/data/fit-image.js';
export { SAMPLE_BUDGET_BYTES, ENGINE_MEMORY_BYTES, MAX_IMAGE_PIXELS, sampleCapacity, trainingBytes } from './js/data/limits.js';
