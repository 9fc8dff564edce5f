// Gzip decompression in Node and browsers (DecompressionStream), so IDX files
// can be given to the engine as they are distributed (.gz) or already decompressed.

export function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns the bytes decompressed when they are gzip, unchanged otherwise. */
export async function gunzipIfNeeded(bytes, what = 'data') {
  if (!isGzip(bytes)) return bytes;
  try {
    // DecompressionStream: every browser, and Node >= 18 (no node:zlib import a bundler would flag).
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new Error(`wasmgrad: ${what} looks gzipped but could not be decompressed (${error.message})`);
  }
}
