// Gzip decompression in Node (node:zlib) and browsers (DecompressionStream), so IDX files
// can be given to the engine as they are distributed (.gz) or already decompressed.

export function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns the bytes decompressed when they are gzip, unchanged otherwise. */
export async function gunzipIfNeeded(bytes, what = 'data') {
  if (!isGzip(bytes)) return bytes;
  try {
    if (typeof DecompressionStream === 'function') {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    }
    const zlib = await import('node:zlib');
    return new Uint8Array(zlib.gunzipSync(bytes));
  } catch (error) {
    throw new Error(`wasmgrad: ${what} looks gzipped but could not be decompressed (${error.message})`);
  }
}
