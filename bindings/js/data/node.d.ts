// Types of 'wasmgrad/data/node' (node.js): image folders in Node.js, decoded with sharp.
/**
 * `import { loadImageFolder } from 'wasmgrad/data/node'`: image folders and files in Node.js, decoded with sharp
 * (an optional peer dependency: `npm install sharp`).
 * @module wasmgrad/data/node
 */
import type { ImageDecoder, ImageEntry, ImageSource, ImageFolder, ImageFolderOptions, ImageProgress, readImages } from '../../wasmgrad.js';

/** Decodes PNG, JPEG and WebP with sharp; transparent pixels over white. */
export const decodeImage: ImageDecoder;
/** Every file under `dir`, as entries that read their bytes when needed. */
export function directoryEntries(dir: string, onProgress?: (progress: ImageProgress) => void): Promise<ImageEntry[]>;
/** A directory or a .zip as a source; ImageFolderError for anything else. */
export function imageSource(path: string, options?: { onProgress?: (progress: ImageProgress) => void }): Promise<ImageSource>;
/**
 * A folder or .zip in ImageFolder layout, read and decoded: {@link wasmgrad!readImageFolder} with sharp's decoder.
 * @example
 * const folder = await loadImageFolder('photos/', { width: 32, height: 32, channels: 3 });
 * const { train, validation } = imageFolderDatasets(engine, folder);
 */
export function loadImageFolder(path: string, options?: Partial<ImageFolderOptions>): Promise<ImageFolder>;
/** Image files by path, decoded and fitted to the sample size (e.g. to predict them). */
export function loadImages(paths: string[], options?: Partial<Parameters<typeof readImages>[1]>): ReturnType<typeof readImages>;
