// Types of 'wasmgrad/data/browser' (browser.js): decoding in a Worker or on a page.
import type { ImageDecoder, ImageEntry } from '../../wasmgrad.js';

/** createImageBitmap + OffscreenCanvas; transparent pixels over white. */
export const decodeImage: ImageDecoder;
/** Entries from <input type="file" webkitdirectory> Files (paths from webkitRelativePath). */
export function entriesFromFiles(files: ArrayLike<File>): ImageEntry[];
