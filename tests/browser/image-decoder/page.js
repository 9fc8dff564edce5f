// The test page: hands a folder (file URLs) or a zip to the worker, shows its progress, then
// draws every sample, one row per class, and lists the skipped files. The browser test drives it
// through window.loadInWorker and window.loadOnPage (decoding on the page's own thread).
import { readImageFolder } from '../../../bindings/js/data/image-folder.js';
import { decodeImage } from '../../../bindings/js/data/browser.js';

const $ = (id) => document.getElementById(id);

function draw(folder) {
  const [channels, height, width] = folder.sampleShape;
  const plane = width * height;
  const scale = 2;
  $('classes').replaceChildren();
  folder.classNames.forEach((className, k) => {
    const indices = [];
    folder.train.labels.forEach((label, i) => { if (label === k) indices.push(i); });
    const canvas = document.createElement('canvas');
    canvas.width = indices.length * (width + 2) * scale;
    canvas.height = height * scale;
    canvas.setAttribute('aria-label', `${className}: ${indices.length} training images`);
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(width, height);
    indices.forEach((i, column) => {
      const sample = folder.train.inputs.subarray(i * channels * plane, (i + 1) * channels * plane);
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) pixels.data[4 * p + c] = Math.round(255 * sample[(channels === 3 ? c : 0) * plane + p]);
        pixels.data[4 * p + 3] = 255;
      }
      const tile = new OffscreenCanvas(width, height);
      tile.getContext('2d').putImageData(pixels, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(tile, column * (width + 2) * scale, 0, width * scale, height * scale);
    });
    const row = document.createElement('div');
    row.className = 'class-row';
    const title = document.createElement('h3');
    title.textContent = `${className} (${indices.length})`;
    row.append(title, canvas);
    $('classes').append(row);
  });
}

function show(folder, skipped) {
  $('skipped').replaceChildren(...skipped.map(({ path, reason }) => {
    const item = document.createElement('li');
    item.textContent = `${path}: ${reason}`;
    return item;
  }));
  if (folder) draw(folder);
}

function onProgress({ done, total }) {
  $('progress').max = total || 1;
  $('progress').value = done;
  $('status').textContent = `Decoded ${done} of ${total} files`;
}

/** Decodes in the worker; resolves {folder, progress: [...]} (or {error, skipped}). */
window.loadInWorker = (request) => new Promise((resolve) => {
  const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  const progress = [];
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      progress.push(data);
      onProgress(data);
      return;
    }
    worker.terminate();
    if (data.type === 'error') {
      $('status').textContent = data.message;
      show(null, data.skipped);
      resolve({ error: data.message, skipped: data.skipped, progress });
      return;
    }
    show(data.folder, data.folder.skipped);
    $('status').textContent = `${data.folder.classNames.length} classes, ${data.folder.train.size} training images`;
    resolve({ folder: data.folder, progress });
  };
  worker.onerror = (event) => resolve({ error: `worker: ${event.message}` });
  worker.postMessage(request);
});

/** The same on the page's thread (createImageBitmap and OffscreenCanvas work there too). */
window.loadOnPage = async ({ name, urls, options }) => {
  const entries = await Promise.all(urls.map(async ({ path, url }) => ({ path, bytes: await (await fetch(url)).blob() })));
  return { folder: await readImageFolder({ name, entries }, { ...options, decode: decodeImage, onProgress }) };
};

$('status').textContent = 'Ready.';
document.body.dataset.ready = 'true';
