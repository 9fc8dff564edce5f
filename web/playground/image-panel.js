// The user's photos as the data: a folder dropped or chosen (ImageFolder layout: one subfolder per
// class, optional train/ and test/ or val/ above them), a .zip of one, or the webcam captures
// (webcam-panel.js). This panel makes the data panel's request for them (the size and channels
// they are fitted to, the model whose training memory caps how many load), shows the worker's
// progress while it decodes, and then what was read: a preview per class with counts, how the
// images were fitted, the held-out split, the memory cap, and every skipped file with its reason.
import { el, formatInteger, dropZone } from '../views/dom.js';
import { ClassPreviewView } from '../views/class-preview.js';
import { FIT_RULE, LUMA_RULE } from '../../bindings/js/data/fit-image.js';
import { sampleCapacity, trainingBytes } from '../../bindings/js/data/limits.js';
import { DATASETS } from './settings.js';
import { layersFromText } from './model-text.js';
import { fromDrop, fromFiles } from './dropped-files.js';

const byId = (id) => document.getElementById(id);
const MB = 2 ** 20;
// Files handed to the worker per task: cloning a chosen File costs the page a look at the disk
// (Chromium: about 0.4 ms each), so a few hundred per task keep the page answering.
const STAGE_CHUNK = 100;
const plural = (n, word) => `${formatInteger(n)} ${word}${n === 1 ? '' : 's'}`;

export class ImagePanel {
  /**
   * engine(): the connection or null; commit(patch): applies settings; notify(text, kind, key);
   * reload(): asks the data panel to load what the settings name again; webcam: the webcam panel
   * (its captures are a source too).
   */
  constructor(store, { engine, commit, notify, reload, webcam }) {
    Object.assign(this, { store, engine, commit, notify, reload, webcam });
    this.folder = null;        // {id, name, entries | zip}: what the user dropped or chose
    this.folders = 0;
    this.requested = null;     // the last request this panel made: {key, memoryKey, origin, name, zip}
    this.failedLoad = null;    // {key, memoryKey, message}: the last request that could not be loaded
    this.cap = null;           // {shape, memoryKey, maxSamples}: a cap the page worked out for the model shown (checkCapacity)
    this.preview = new ClassPreviewView(byId('class-preview-view'));

    byId('image-fit-help').textContent = `Every image is fitted the same way: ${FIT_RULE}.`;
    byId('image-channels-help').textContent = `Colour: 3 channels, red, green and blue. Grey: 1 channel, ${LUMA_RULE}.`;
    for (const id of ['photos-folder', 'photos-zip']) {
      const input = byId(id);
      input.addEventListener('change', () => {
        if (input.files.length) this.take(fromFiles(input.files));
        input.value = '';
      });
    }
    dropZone(byId('photos-drop'), (dropped) => {
      const listing = fromDrop(dropped, (n) => this.say(`Listing the dropped files: ${formatInteger(n)} so far…`));
      this.say('Listing the dropped files…');
      listing.then((folder) => this.take(folder), (error) => this.say(`The drop could not be read: ${error.message}`, true));
    });
    byId('photos-cancel').addEventListener('click', () => this.engine()?.api.cancelLoad());

    store.subscribe(['settings'], (state) => this.drawSettings(state));
    store.subscribe(['data'], (state) => this.drawData(state));
    store.subscribe(['model', 'settings', 'data'], (state) => this.checkCapacity(state));
    this.drawSettings(store.get());
  }

  /** A dropped or chosen folder or zip becomes the data (the Dataset menu switches to "Your images"). */
  take({ name, entries, zip }) {
    if (!zip && !entries.some((e) => !e.directory)) {
      this.say(`${name}: no files in it. Drop a folder with one subfolder per class (e.g. cats/, dogs/), or a .zip of one.`, true);
      return;
    }
    this.folders += 1;
    this.folder = { id: this.folders, name, entries, zip, files: entries?.filter((e) => !e.directory).length ?? 0,
      stagedOn: null, staging: null };
    this.cap = null;
    this.failedLoad = null;
    this.drawSettings(this.store.get());
    this.say(zip ? `${name}: ${formatInteger(zip.size / 1024)} KB zip, to be unzipped and decoded in the engine's worker…`
      : `${name}: ${plural(entries.filter((e) => !e.directory).length, 'file')}, to be decoded in the engine's worker…`);
    if (this.store.get().settings.dataset !== 'images') this.commit({ dataset: 'images' });
    else this.reload();
  }

  /** The data panel's request for the photos the settings name, or {needsFiles: what is missing}. */
  request(settings) {
    const origin = DATASETS[settings.dataset]?.photos;
    let source;
    if (origin === 'webcam') {
      source = this.webcam.source();
      if (source.needsFiles) return source;
    } else if (this.folder?.zip) {
      source = { id: `folder ${this.folder.id}`, name: this.folder.name, zip: this.folder.zip };
    } else if (this.folder) {
      // A folder's files go to the worker first, in chunks (stage); the request then names them.
      if (this.folder.stagedOn !== this.engine()) {
        this.stage(this.folder);
        return { needsFiles: `Handing the ${plural(this.folder.files, 'file')} of ${this.folder.name} to the engine's worker` };
      }
      source = { id: `folder ${this.folder.id}`, name: this.folder.name, staged: this.folder.id };
    } else {
      return { needsFiles: 'Drop a folder of images (one subfolder per class) or a .zip of one in the Data panel, or choose one' };
    }
    const size = Number(settings.imageSize);
    const channels = Number(settings.imageChannels);
    // The worker works out the cap from the model at this size, unless the page has, for this size and model.
    const state = this.store.get();
    const applies = this.cap?.shape === `${channels},${size},${size}` && this.cap.memoryKey === memoryKeyOf(state);
    const maxSamples = applies ? this.cap.maxSamples : null;
    const key = JSON.stringify([origin, source.id, size, channels, settings.seed, maxSamples]);
    const model = this.modelRequest();
    // What failed is not read again for an unrelated change (a learning rate); a new size, channels,
    // model or batch size (the memory cap) may make it work.
    const memoryKey = JSON.stringify([settings.model, settings.layers, settings.batchSize]);
    if (this.failedLoad?.key === key && this.failedLoad.memoryKey === memoryKey) {
      return { needsFiles: `${this.failedLoad.message}. Drop another folder or .zip, or change the image size, channels, model or batch size` };
    }
    const request = { source: 'images', key, origin, name: source.name, entries: source.entries, zip: source.zip, staged: source.staged,
      width: size, height: size, channels, seed: settings.seed, model, batchSize: settings.batchSize };
    for (const field of ['entries', 'zip', 'staged']) if (request[field] === undefined) delete request[field];
    if (maxSamples !== null) request.maxSamples = maxSamples;
    this.requested = { key, memoryKey, origin, name: source.name, zip: Boolean(source.zip) };
    return request;
  }

  /**
   * Hands a folder's entries to the engine's worker, STAGE_CHUNK a task, then asks the data panel
   * to load them. Again after the worker restarts (it holds them no more).
   */
  stage(folder) {
    const connection = this.engine();
    if (!connection || folder.staging?.connection === connection) return;
    const staging = { connection };
    folder.staging = staging;
    (async () => {
      for (let start = 0; start < folder.entries.length; start += STAGE_CHUNK) {
        if (this.folder !== folder || folder.staging !== staging) return;  // another folder came
        const held = await connection.api.stageFiles(folder.id, folder.entries.slice(start, start + STAGE_CHUNK));
        this.say(`${folder.name}: handing the files to the engine's worker, ${formatInteger(held)} of ${formatInteger(folder.entries.length)}…`);
        await new Promise((resolve) => setTimeout(resolve));
      }
      folder.stagedOn = connection;
      folder.staging = null;
      if (this.folder === folder) this.reload();
    })().catch((error) => {
      folder.staging = null;
      this.say(`${folder.name}: the files could not be handed to the engine's worker (${error.message})`, true);
    });
  }

  /** The model whose training memory sets how many images fit: a preset, or the layer list. */
  modelRequest() {
    const { settings, model, engine } = this.store.get();
    if (settings.model !== 'custom') return { preset: settings.model };
    return { layers: model.spec?.layers ?? layersFromText(settings.layers, engine.layerTypes).layers ?? [] };
  }

  /** A load failed (its skipped files stay listed): it is not tried again until something that matters changes. */
  failed(message) {
    this.failedLoad = { key: this.requested.key, memoryKey: this.requested.memoryKey, origin: this.requested.origin, message };
    this.shownVersion = null;
    this.showProgress(null);
    this.drawSettings(this.store.get());
    byId('photos-summary').textContent = `Not loaded: ${message}`;
    byId('photos-notes').replaceChildren();
    byId('photos-memory').textContent = '';
    this.preview.showNote('No images are in use.');
  }

  /**
   * A load of this panel's request in progress: the store's data.progress (the worker's imageLoad
   * event: {key, phase, done, total, skipped}, 'failed' with the skipped files of a folder that
   * could not be used; data-panel.js keeps the latest of the request being loaded).
   */
  drawProgress({ progress }) {
    if (!progress) return;
    const name = this.requested.name;
    if (progress.phase === 'failed') {
      this.showSkipped(progress.skippedFiles ?? [], progress.skippedCount ?? 0, { loaded: false });
      return;
    }
    this.showSkipped([], 0);
    if (progress.phase === 'reading') {
      this.showProgress(0, 0);
      this.say(`${name}: reading${this.requested.zip ? ' the zip' : ' the files'}…`);
    } else if (progress.phase === 'decoding') {
      this.showProgress(progress.done, progress.total);
      this.say(`${name}: decoded ${formatInteger(progress.done)} of ${plural(progress.total, 'image')}` +
        `${progress.skipped ? ` (${formatInteger(progress.skipped)} skipped)` : ''}…`);
    } else if (progress.phase === 'building') {
      this.say(`${name}: copying the samples into the engine…`);
    }
  }

  showProgress(done, total = 0) {
    const bar = byId('photos-progress');
    const busy = done !== null;
    byId('photos-loading').hidden = !busy;
    if (!busy) return;
    bar.max = Math.max(1, total);
    bar.value = done;
  }

  /** The panel's status line (`problem`: shown as one). */
  say(text, problem = false) {
    const line = byId('photos-status');
    line.textContent = text;
    line.classList.toggle('problem', problem);
  }

  drawSettings({ settings }) {
    const origin = DATASETS[settings.dataset]?.photos;
    if (origin) document.body.dataset.photos = origin;
    else delete document.body.dataset.photos;
    byId('photos-field').classList.toggle('wanted', origin === 'folder' && (!this.folder || this.failedLoad?.origin === 'folder'));
  }

  drawData({ data }) {
    const info = data.info;
    // The data slice's request is this panel's (the photos being loaded, or the ones that failed).
    const mine = data.request?.source === 'images' && data.request.key === this.requested?.key;
    if (data.status === 'loading') {
      if (mine) this.drawProgress(data);
      return;
    }
    if (data.status === 'error') {
      if (mine && data.progress && this.failedLoad?.key !== this.requested.key) this.failed(data.error);
      if (DATASETS[this.store.get().settings.dataset]?.photos) this.say(`Not loaded: ${data.error}`, !data.cancelled);
      return;
    }
    this.showProgress(null);
    if (data.status !== 'ready' || !info?.photos || data.version === this.shownVersion) return;
    this.shownVersion = data.version;
    this.failedLoad = null;
    const photos = info.photos;
    const [channels, height, width] = info.sampleShape;
    this.say(`${info.name}: ${plural(info.train + info.validation, 'image')} in ${info.classes} classes, ` +
      `${width}×${height} in ${channels === 3 ? 'colour' : 'grey'}.`);
    byId('photos-summary').textContent = `${info.name}: ${info.classNames.join(', ')}. ${info.note}`;
    // The fitting rules, once: the reader's notes repeat the resize rule when the sizes were mixed.
    const notes = photos.notes.filter((n) => !/skipped \(see the list/.test(n));
    const rules = notes.some((n) => n.includes(FIT_RULE)) ? [] : [`Fitted to ${width}×${height}: ${FIT_RULE}.`];
    if (channels === 1 && !notes.some((n) => n.includes(LUMA_RULE))) rules.push(`Made grey: ${LUMA_RULE}.`);
    byId('photos-notes').replaceChildren(...[...rules, ...notes].map((text) => el('li', {}, text)));
    byId('photos-memory').textContent = memoryText(photos.memory, info.sampleShape);
    this.preview.render({ classNames: info.classNames, counts: photos.counts, preview: photos.preview, display: info.display,
      evaluationName: photos.evaluation === 'test' ? 'test (validation)' : 'validation' });
    this.showSkipped(photos.skipped, photos.skippedCount);
  }

  /** The skipped files, each with its reason (the first SKIPPED_LISTED of them). */
  showSkipped(list, count, { loaded = true } = {}) {
    const box = byId('photos-skipped');
    box.hidden = count === 0;
    byId('photos-skipped-title').textContent = `${plural(count, 'file')} skipped${loaded ? ' (the rest loaded)' : ''}`;
    byId('photos-skipped-list').replaceChildren(...list.map(({ path, reason }) => el('li', {}, el('code', {}, String(path)), `: ${reason}`)),
      ...(count > list.length ? [el('li', {}, `… and ${formatInteger(count - list.length)} more`)] : []));
    box.open = count > 0 && count <= 20;
  }

  /**
   * The model or the batch size changed: if the photos in use no longer fit beside training it (or
   * a cap that held them back no longer applies), load them again with the cap for this model.
   */
  checkCapacity(state) {
    const memory = state.data.info?.photos?.memory;
    const summary = state.model.summary;
    if (!memory || !summary || state.model.error || state.data.status !== 'ready') return;
    if (state.model.spec.input.join() !== state.data.info.sampleShape.join()) return;  // the model for these data is on the way
    const [channels, height, width] = state.data.info.sampleShape;
    const capacity = sampleCapacity(channels, height, width, trainingBytes(summary, state.settings.batchSize, state.model.parameterCount));
    if (capacity === memory.capacity) return;
    if (memory.decoded > capacity || memory.capped) {
      this.cap = { shape: `${channels},${height},${width}`, memoryKey: memoryKeyOf(state), maxSamples: capacity };
      this.notify(`The model or batch size changed what fits in the engine: the images are loaded again, at most ` +
        `${formatInteger(capacity)} of ${channels}×${height}×${width}.`, 'notice', 'photos-memory');
      this.reload();
    }
  }
}

/** What a cap worked out on the page depends on besides the shape: the model the engine read, the batch size. */
function memoryKeyOf({ model, settings }) {
  return JSON.stringify([model.spec?.layers ?? null, settings.batchSize]);
}

/** "Memory: up to 16,384 samples of 3×32×32 ..." from the worker's account of the cap. */
export function memoryText(memory, shape) {
  const { capacity, sampleBytes, trainingBytes: training, model, batchSize, engineBytes, budgetBytes, planned, decoded, capped, note } = memory;
  return `Memory: the engine has a fixed ${Math.round(engineBytes / MB)} MB. Training ${model} at batch ${batchSize} on ` +
    `${shape.join('×')} takes about ${Math.round(training / MB)} MB (estimated from its layers), so up to ` +
    `${formatInteger(capacity)} samples (${Math.round(sampleBytes / 1024)} KB each, ${Math.round(budgetBytes / MB)} MB) fit beside it` +
    `${note ? ` (${note})` : ''}. ${capped ? `This set has more: a seeded ${formatInteger(planned)} files were read, the same share of every class ` +
      `(${formatInteger(decoded)} loaded).` : `All ${plural(planned, 'file')} of this set fit (${formatInteger(decoded)} loaded).`}`;
}
