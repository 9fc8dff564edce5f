// The test page's worker: what the playground's engine worker will do with a dropped folder or
// zip. Fetches the files (a folder drop hands Files instead), decodes with createImageBitmap +
// OffscreenCanvas (bindings/js/data/browser.js) and posts progress, then the samples.
import { readImageFolder } from '../../../bindings/js/data/image-folder.js';
import { zipSource } from '../../../bindings/js/data/zip-source.js';
import { decodeImage } from '../../../bindings/js/data/browser.js';
import * as fflate from '../../../node_modules/fflate/esm/browser.js';

async function source({ name, urls, zipUrl }) {
  if (zipUrl) {
    const bytes = new Uint8Array(await (await fetch(zipUrl)).arrayBuffer());
    return zipSource(bytes, fflate, name);
  }
  // A Blob per file, as a dropped folder's File objects: read only when the loader asks.
  const entries = await Promise.all(urls.map(async ({ path, url, directory }) => (directory
    ? { path, directory: true }
    : { path, bytes: await (await fetch(url)).blob() })));
  return { name, entries };
}

self.onmessage = async ({ data: request }) => {
  try {
    const folder = await readImageFolder(await source(request), {
      ...request.options,
      decode: decodeImage,
      onProgress: (p) => self.postMessage({ type: 'progress', ...p }),
    });
    const transfer = ['train', 'validation', 'test'].flatMap((part) => (folder[part] ? [folder[part].inputs.buffer] : []));
    self.postMessage({ type: 'done', folder }, transfer);
  } catch (error) {
    self.postMessage({ type: 'error', message: error.message, skipped: error.skipped ?? [] });
  }
};
