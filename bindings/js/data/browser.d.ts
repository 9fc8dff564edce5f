// Types of 'wasmgrad/data/browser' (browser.js): decoding in a Worker or on a page.
/**
 * `import { decodeImage } from 'wasmgrad/data/browser'`: decoding images in a browser, in a Worker or on a page.
 * @module wasmgrad/data/browser
 */
import type { ImageDecoder, ImageEntry } from '../../wasmgrad.js';

/** createImageBitmap + OffscreenCanvas; transparent pixels over white. */
export const decodeImage: ImageDecoder;
/** Entries from <input type="file" webkitdirectory> Files (paths from webkitRelativePath). */
export function entriesFromFiles(files: ArrayLike<File>): ImageEntry[];
