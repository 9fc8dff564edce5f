// The limits of image-folder loading, in one place, with how each was chosen. The page, the
// worker, Node and the CLI all read them from here.

/** The engine's WebAssembly memory: fixed (CMakeLists.txt: -sINITIAL_MEMORY=512MB, no growth). */
export const ENGINE_MEMORY_BYTES = 512 * 1024 * 1024;
/** Kept free for the module itself, thread stacks and the allocator's fragmentation. */
const RESERVE_BYTES = 32 * 1024 * 1024;

/**
 * The most bytes of decoded samples one image folder may take in the engine (train + validation
 * + test, float32, held once: the trainer shares the Dataset tensors' storage). Less when the
 * model being trained needs more than 512 MB - 32 MB - 192 MB beside it (trainingBytes).
 * In samples at most: 16,384 of 3x32x32 (12 KB each), 4,096 of 3x64x64, 49,152 of 1x32x32.
 */
export const SAMPLE_BUDGET_BYTES = 192 * 1024 * 1024;

/**
 * Estimated engine memory to train a model beside its data: every layer's output for a batch,
 * times 2.2 (the values kept for the backward pass, their gradients and the buffer pool's
 * recycled copies), plus weights, gradients and Adam's two moments (16 bytes a parameter), plus
 * 32 MB. Calibrated on the engine's heap top with a full folder, 3 batches and the whole
 * validation part evaluated (tests/js/data/image-memory.test.mjs), used vs estimated: SimpleNet 39 vs
 * 64 MB on 3x32x32 and 144 vs 159 MB on 3x64x64 (batch 64); vgg-mini 107 vs 130 MB on 3x32x32,
 * 371 vs 421 MB on 3x64x64 at batch 64 (so only 1,260 samples fit beside it) and 214 vs 227 MB
 * at batch 32. An estimate above the truth only lowers the cap; below it, a tab would run out.
 * layers: [{outputShape: number[]}] (a model summary); parameters: the model's parameter count.
 */
export function trainingBytes(layers, batchSize, parameters) {
  const perSample = layers.reduce((sum, layer) => sum + layer.outputShape.reduce((a, b) => a * b, 1), 0);
  return Math.ceil(2.2 * 4 * perSample * batchSize + 16 * parameters + 32 * 1024 * 1024);
}

/**
 * SimpleNet at batch 64 on [C, H, W] images (about 57 layer outputs per input pixel): the
 * training memory assumed when the model is not known yet (a page loading a folder before its
 * model is chosen); the CLI and a page that knows its model pass trainingBytes(...) instead.
 */
export function defaultTrainingBytes(height, width) {
  return Math.ceil(2.2 * 4 * 57 * height * width * 64 + 16 * 20000 + 32 * 1024 * 1024);
}

/** Bytes of samples that fit beside `training` bytes of training memory: at most SAMPLE_BUDGET_BYTES. */
export function sampleBudget(training) {
  return Math.max(0, Math.min(SAMPLE_BUDGET_BYTES, ENGINE_MEMORY_BYTES - RESERVE_BYTES - training));
}

/** The samples of shape [C, H, W] that fit (float32: 4 bytes a value) beside `training` bytes. */
export function sampleCapacity(channels, height, width, training = defaultTrainingBytes(height, width)) {
  return Math.floor(sampleBudget(training) / (4 * channels * height * width));
}

/**
 * Pixels one image may have; checked from its header, before anything is decoded. Decoding
 * holds the image as RGBA (4 bytes a pixel) for a moment, one image at a time: 50 megapixels is
 * 200 MB, about what a browser tab can spare beside the engine. Covers 48-megapixel phone photos
 * (8064x6048) and 45-megapixel camera photos; a 10,000 x 10,000 image (100 megapixels) is refused.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Longest side an image may have (Chromium's canvas and createImageBitmap stop at 32,767; libvips too). */
export const MAX_IMAGE_SIDE = 16384;

/** A single file larger than this is not read at all (a 50-megapixel PNG stays well under it). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * A .zip is read into memory whole (its central directory is at its end); its entries are then
 * inflated a few at a time. 1 GiB keeps a browser tab alive beside the engine's 512 MB; for a
 * larger set, unzip it and give (or drop) the folder: folders are read file by file.
 */
export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

/** Uncompressed bytes inflated from a zip at once (at least one entry per round). */
export const ZIP_BATCH_BYTES = 32 * 1024 * 1024;

