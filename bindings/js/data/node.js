// Image folders in Node.js: a directory, a .zip or single image files as loader sources, and
// decoding with sharp.
//
// Why sharp: its prebuilt libvips binary comes from the npm registry as a package (no download
// at install time, no compiler), it decodes PNG, JPEG and WebP (and 16-bit, palette, CMYK and
// EXIF-rotated files) natively and fast, and it fails on damaged files instead of returning
// garbage. jpeg-js + pngjs + a WebP decoder would be three libraries in pure JavaScript, several
// times slower, and without EXIF orientation or colour management. sharp only decodes here:
// resizing and cropping are fitImage's (fit-image.js), the same code the browser runs.
//
//   import { loadImageFolder } from 'wasmgrad/bindings/js/data/node.js';
//   const folder = await loadImageFolder('photos/', { width: 32, height: 32, channels: 3 });
//   const { train, validation } = imageFolderDatasets(engine, folder);
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { readImageFolder, readImages, ImageFolderError } from './image-folder.js';
import { exportLibraries, loadExportLibraries } from '../export/deps.js';
import { zipSource, isZip } from './zip-source.js';
import { MAX_IMAGE_PIXELS, MAX_ZIP_BYTES } from './limits.js';

// sharp is an optional peer dependency: the package installs without its native binaries, and
// images in Node ask for it when they are first decoded.
let sharpModule = null;
async function sharp() {
  if (!sharpModule) {
    try {
      sharpModule = (await import('sharp')).default;
    } catch (error) {
      throw new Error(`wasmgrad: decoding images in Node needs the npm package sharp: npm install sharp (${error.message})`);
    }
    sharpModule.cache(false);  // every file is decoded once: libvips' operation cache would only hold memory
  }
  return sharpModule;
}

/** Decodes PNG, JPEG or WebP bytes to {width, height, data: RGBA Uint8Array} with sharp. */
export async function decodeImage(bytes) {
  const { data, info } = await (await sharp())(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' })
    .rotate()  // EXIF orientation, as browsers apply it
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`sharp returned ${info.channels} channels, expected RGBA`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * The files under `dir` as entries (relative "/" paths; directories too, so empty class folders
 * show). Hidden folders (.git, ...) are not walked. Nothing is read until the loader asks.
 */
export async function directoryEntries(dir, onProgress) {
  const entries = [];
  const walk = async (folder, prefix) => {
    let items;
    try {
      items = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      // Reported as skipped when the loader reads it.
      entries.push({ path: prefix.replace(/\/$/, ''), size: 0, read: async () => { throw error; } });
      return;
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      if (item.name.startsWith('.')) continue;
      const absolute = join(folder, item.name);
      const path = prefix + item.name;
      let isDirectory = item.isDirectory();
      let size;
      if (item.isSymbolicLink() || (!isDirectory && !item.isFile())) {
        try {
          const info = await stat(absolute);
          isDirectory = info.isDirectory();
          if (!isDirectory && !info.isFile()) continue;  // sockets, devices
          size = info.size;
        } catch {
          entries.push({ path, size: 0, read: async () => { throw new Error('a broken link'); } });
          continue;
        }
      }
      if (isDirectory) {
        entries.push({ path: `${path}/`, directory: true });
        await walk(absolute, `${path}/`);
      } else {
        if (size === undefined) size = (await stat(absolute)).size;
        entries.push({ path, size, read: () => readFile(absolute) });
        if (entries.length % 1000 === 0) onProgress?.({ phase: 'listing', done: entries.length, total: null, path });
      }
    }
  };
  await walk(resolve(dir), '');
  return entries;
}

/**
 * A loader source for a path: a directory, a .zip, or (a list of) image files. Throws
 * ImageFolderError naming the path when it does not exist or is neither.
 */
export async function imageSource(path, { onProgress } = {}) {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ImageFolderError(`${path}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}`);
  }
  const name = basename(resolve(path)) + (info.isDirectory() ? sep : '');
  if (info.isDirectory()) return { name, entries: await directoryEntries(path, onProgress) };
  if (info.size > MAX_ZIP_BYTES) {
    throw new ImageFolderError(`${path}: ${(info.size / 2 ** 30).toFixed(1)} GB is more than the ${MAX_ZIP_BYTES / 2 ** 30} GB ` +
      'a zip may be (it is read into memory whole); unzip it and give the folder instead');
  }
  const bytes = new Uint8Array(await readFile(path));
  if (isZip(bytes)) {
    await loadExportLibraries();
    return zipSource(bytes, exportLibraries(), name);  // fflate, bundled with the exporters
  }
  throw new ImageFolderError(`${path}: not a folder or a .zip (give a folder with one subfolder per class, or a zip of one)`);
}

/** readImageFolder on a directory or .zip path, decoding with sharp. Options as readImageFolder's. */
export async function loadImageFolder(path, options = {}) {
  const source = await imageSource(path, options);
  return readImageFolder(source, { decode: decodeImage, ...options });
}

/** readImages on image files (paths), decoding with sharp. */
export async function loadImages(paths, options = {}) {
  const entries = [];
  for (const path of paths) {
    const size = await stat(path).then((s) => s.size, () => undefined);
    entries.push({ path, size, read: () => readFile(path) });
  }
  return readImages(entries, { decode: decodeImage, ...options });
}
