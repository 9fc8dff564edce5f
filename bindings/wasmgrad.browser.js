// wasmgrad's entry point for bundlers targeting browsers (package.json "exports", "browser"
// condition): the API of wasmgrad.js with the browser loading path only, so a bundle holds no
// Node code. The engine's files are found through js/assets.js, whose new URL(..., import.meta.url)
// patterns bundlers follow and copy.
import { createLoader } from './js/loader.js';
export { MAX_THREADS } from './js/loader.js';
import * as browser from './js/platform-browser.js';

export { Engine, Model, Trainer, Dataset, Perceptron } from './js/engine.js';
// A page's side of starting the engine in a Worker: replaces a worker that stops answering while it loads.
export { startWorker, SilentStart } from './js/start-watch.js';

/**
 * Loads the engine (in a Worker for threads). Calling it again with the same choice returns the same engine.
 * @param {{threads?: boolean, numThreads?: number, engineUrl?: string | URL, dataUrl?: string | URL,
 *   pthreadsFromBlob?: boolean}} [options]  see js/platform-browser.js
 */
export const load = createLoader(async () => browser);

// Image folders (bindings/js/data/): environment-free; decoders in 'wasmgrad/data/node' and 'wasmgrad/data/browser'.
export { readImageFolder, readImages, imageFolderDatasets, ImageFolderError, HOLD_OUT_FRACTION } from './js/data/image-folder.js';
export { zipSource } from './js/data/zip-source.js';
export { readImageHeader, ImageFileError } from './js/data/image-header.js';
export { fitImage, FIT_RULE, LUMA_RULE, LUMA_WEIGHTS } from './js/data/fit-image.js';
export { SAMPLE_BUDGET_BYTES, ENGINE_MEMORY_BYTES, MAX_IMAGE_PIXELS, sampleCapacity, trainingBytes } from './js/data/limits.js';
