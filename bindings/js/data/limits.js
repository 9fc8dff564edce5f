// The limits of image-folder loading, in one place, with how each was chosen. The page, the
// worker, Node and the CLI all read them from here.

/**
 * Bytes of decoded samples the engine may hold for one image folder (train + validation + test).
 * The engine's WebAssembly memory is a fixed 512 MB (CMakeLists.txt: -sINITIAL_MEMORY=512MB, no
 * growth). A loaded folder sits there once (Dataset tensors; the trainer shares their storage),
 * next to the model, its gradients and optimizer state, one batch's activations and their
 * gradients, and the engine's buffer pool. 192 MiB of samples leaves 320 MB for the rest;
 * SimpleNet on 3x64x64 at batch 64 needs under 100 MB of it (tests/js/image-memory.test.mjs measures it).
 * In samples: 16,384 of 3x32x32 (12 KB each), 4,096 of 3x64x64, 49,152 of 1x32x32.
 */
export const SAMPLE_BUDGET_BYTES = 192 * 1024 * 1024;

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

/** The samples of shape [C, H, W] that fit SAMPLE_BUDGET_BYTES (float32: 4 bytes a value). */
export function sampleCapacity(channels, height, width, budgetBytes = SAMPLE_BUDGET_BYTES) {
  return Math.floor(budgetBytes / (4 * channels * height * width));
}
