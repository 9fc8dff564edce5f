// Types of 'wasmgrad/data/node' (node.js): image folders in Node.js, decoded with sharp.
import type { ImageDecoder, ImageEntry, ImageSource, ImageFolder, ImageFolderOptions, ImageProgress, readImages } from '../../wasmgrad.js';

export const decodeImage: ImageDecoder;
export function directoryEntries(dir: string, onProgress?: (progress: ImageProgress) => void): Promise<ImageEntry[]>;
/** A directory or a .zip as a source; ImageFolderError for anything else. */
export function imageSource(path: string, options?: { onProgress?: (progress: ImageProgress) => void }): Promise<ImageSource>;
export function loadImageFolder(path: string, options?: Partial<ImageFolderOptions>): Promise<ImageFolder>;
export function loadImages(paths: string[], options?: Partial<Parameters<typeof readImages>[1]>): ReturnType<typeof readImages>;
