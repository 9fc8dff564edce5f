// Image decoding in the browser, for the playground's worker: createImageBitmap decodes (off the
// main thread, EXIF orientation applied), an OffscreenCanvas hands back the RGBA pixels. Works in
// a Worker and on a page. Pass decodeImage to readImageFolder / readImages as `decode`.
//
//   import { readImageFolder } from '.../bindings/js/data/image-folder.js';
//   import { decodeImage, entriesFromFiles } from '.../bindings/js/data/browser.js';
//   const folder = await readImageFolder({ name: 'photos', entries: entriesFromFiles(files) },
//     { decode: decodeImage, width: 32, height: 32, channels: 3, onProgress });

/**
 * Decodes PNG, JPEG or WebP bytes to {width, height, data: Uint8ClampedArray RGBA}. Transparent
 * pixels come out composited over white, as fitImage does in Node. `header` is readImageHeader's.
 */
export async function decodeImage(bytes, header) {
  const blob = new Blob([bytes], { type: `image/${header.format}` });
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (error) {
    throw new Error(error?.message || 'the browser could not decode it');
  }
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0);
    return { width, height, data: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}

/**
 * Image-folder entries from the File objects of an <input type="file" webkitdirectory> (paths from
 * webkitRelativePath). A dropped folder's files, walked with webkitGetAsEntry, make the same
 * entries as {path: entry.fullPath.slice(1), size: file.size, bytes: file}
 * (fullPath starts with "/", which the loader would refuse as absolute). Nothing is read until the
 * loader asks, so 50,000 files cost 50,000 small objects. Call it in a Worker for thousands of
 * files: Chromium looks at the disk the first time a chosen File's size is read (about 0.4 ms a
 * file), which on a page freezes it (the playground sends the Files to its worker in chunks of 100).
 */
export function entriesFromFiles(files) {
  return Array.from(files, (file) => ({ path: file.webkitRelativePath || file.name, size: file.size, bytes: file }));
}
