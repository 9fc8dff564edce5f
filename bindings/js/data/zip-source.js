// A .zip as an image-folder source: its entries (from the central directory, nothing inflated)
// and a read() per entry that inflates, in runs of about ZIP_BATCH_BYTES, only the entries the
// loader asked for, in the order it will read them. Unzipping is fflate's (a small, fast,
// well-kept zip library that runs unchanged in Node and browsers); it is passed in, so this file
// imports nothing and the page's worker can hand in the copy it loads.
// Entry names that climb out ("../") or are absolute are refused by folder-layout.js: such an
// entry is reported as skipped and never inflated.
import { ImageFileError } from './image-header.js';
import { ImageFolderError } from './image-folder.js';
import { MAX_ZIP_BYTES, ZIP_BATCH_BYTES } from './limits.js';

export const isZip = (bytes) => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
  ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));

/**
 * @param {Uint8Array} bytes the whole .zip
 * @param {{unzipSync: Function}} fflate fflate's module (or just {unzipSync})
 * @param {string} name how messages name the zip
 * @returns {{name, entries: Array<{path, directory, size, order, read}>, prepare(entries)}}
 */
export function zipSource(bytes, { unzipSync }, name = 'archive.zip') {
  if (bytes.length > MAX_ZIP_BYTES) {
    throw new ImageFolderError(`${name}: ${(bytes.length / 2 ** 30).toFixed(1)} GB is more than the ${MAX_ZIP_BYTES / 2 ** 30} GB ` +
      'a zip may be (it is read into memory whole); unzip it and give the folder instead');
  }
  const listing = [];
  try {
    unzipSync(bytes, { filter: (file) => { listing.push(file); return false; } });
  } catch (error) {
    throw new ImageFolderError(`${name}: not a readable zip archive (${error.message})`);
  }

  const cache = new Map();     // entry -> inflated bytes, until read
  const failures = new Map();  // entry -> reason it could not be inflated
  let plan = [];               // the entries the loader will read, in its order
  const position = new Map();  // entry -> index in plan

  const inflate = (batch) => {
    const wanted = new Map(batch.map((entry) => [entry.path, entry]));
    const files = unzipSync(bytes, { filter: (file) => wanted.has(file.name) });
    for (const [path, data] of Object.entries(files)) cache.set(wanted.get(path), data);
  };
  const inflateFrom = (entry) => {
    const batch = [entry];
    let total = entry.size;
    for (let i = (position.get(entry) ?? plan.length) + 1; i < plan.length && total < ZIP_BATCH_BYTES; i++) {
      const next = plan[i];
      if (cache.has(next) || failures.has(next)) continue;
      batch.push(next);
      total += next.size;
    }
    try {
      inflate(batch);
    } catch {
      // One bad entry spoils the run: inflate each alone to find it.
      for (const one of batch) {
        try {
          inflate([one]);
        } catch (error) {
          failures.set(one, `could not be unzipped (${error.message})`);
        }
      }
    }
  };

  const entries = listing.map((file, order) => {
    const entry = { path: file.name, directory: file.name.endsWith('/'), size: file.originalSize, order };
    entry.read = async () => {
      if (!cache.has(entry) && !failures.has(entry)) inflateFrom(entry);
      if (failures.has(entry)) throw new ImageFileError(failures.get(entry));
      const data = cache.get(entry);
      cache.delete(entry);
      if (!data) throw new ImageFileError('is listed in the zip but could not be found in it');
      return data;
    };
    return entry;
  });
  return {
    name,
    entries,
    prepare(toRead) {
      plan = toRead.filter((entry) => entry.read && entries[entry.order] === entry);
      position.clear();
      plan.forEach((entry, i) => position.set(entry, i));
    },
  };
}
