// The data panel's behaviour: the data in use always matches what the Dataset menu says. A menu
// choice loads that set (the bundled digits, a 2-D toy set); a set that comes from the user's
// files (Fashion-MNIST, any IDX pair) waits for them, says so, and keeps Start disabled until they
// are there. Dropped or chosen IDX files load in the worker and name any file that is wrong. The
// user's photos (a folder, a zip, the webcam) are asked for by image-panel.js (`photos`).
import { DATASETS, dataKind } from './settings.js';
import { dropZone } from '../views/dom.js';

const byId = (id) => document.getElementById(id);

export class DataPanel {
  /**
   * engine(): the connection or null; commit(patch): applies settings; notify(text, kind, key);
   * photos: {request(settings)} for the datasets that are the user's photos (set by app.js).
   */
  constructor(store, { engine, commit, notify, photos = null }) {
    Object.assign(this, { store, engine, commit, notify, photos });
    this.files = null;        // the user's IDX files: {dataset, list: [{name, bytes}]}
    this.loadedKey = null;
    this.sequence = 0;
    const input = byId('idx-files');
    input.addEventListener('change', () => {
      this.takeFiles(input.files);
      input.value = '';
    });
    dropZone(byId('idx-drop'), (dropped) => this.takeFiles(dropped.files));
    store.subscribe(['settings', 'engine'], () => this.refresh());
    store.subscribe(['data', 'settings', 'engine'], (state) => this.draw(state));
  }

  /** The request for the data the settings name, or {needsFiles: text}. */
  request(settings) {
    const { dataset } = settings;
    if (DATASETS[dataset]?.photos && this.photos) return this.photos.request(settings);
    if (dataKind(dataset) === 'points') {
      return { source: 'toy', name: dataset, n: settings.toySamples, noise: settings.toyNoise, seed: settings.seed };
    }
    if (dataset === 'digits') return { source: 'digits' };
    if (this.files?.dataset === dataset) return { source: 'idx', files: this.files.list, dataset, seed: settings.seed };
    return { needsFiles: dataset === 'fashion-mnist'
      ? 'Fashion-MNIST is not bundled: choose or drop its four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-…) below'
      : 'choose or drop an images file and a labels file below' };
  }

  async refresh() {
    const state = this.store.get();
    const connection = this.engine();
    if (state.engine.status !== 'ready' || !connection) return;
    const request = this.request(state.settings);
    const key = request.key ?? JSON.stringify(request, (k, v) => (k === 'files' ? v.map((f) => f.name) : v));
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    const sequence = ++this.sequence;
    if (request.needsFiles) {
      this.store.update('data', { status: 'needs-files', info: null, error: null, note: request.needsFiles, samples: null, points: null });
      return;
    }
    this.store.update('data', { status: 'loading', error: null, note: '', progress: null,
      request: { key, source: request.source, name: request.name ?? null } });
    try {
      const loaded = await connection.api.loadData(request);
      if (sequence !== this.sequence) return;
      this.store.update('data', { status: 'ready', info: loaded.info, error: null, note: loaded.info.note, progress: null,
        samples: loaded.samples ?? null, points: loaded.points ?? null, version: sequence });
    } catch (error) {
      if (sequence !== this.sequence) return;
      this.loadedKey = null;  // the same choice may be retried
      if (request.source === 'idx') this.files = null;
      // Cancelled by the user: said in the status lines, not raised as an error banner.
      const cancelled = error.name === 'LoadCancelled';
      this.store.update('data', { status: 'error', cancelled, info: null, error: error.message, samples: null, points: null });
      if (!cancelled) this.notify(`${{ idx: 'IDX files', images: 'Images' }[request.source] ?? 'Data'}: ${error.message}`, 'error', 'data');
    }
  }

  /**
   * The worker's imageLoad event ({key, phase, done, total, skipped, ...}): the progress of the
   * load in flight, kept in data.progress when it is of the request being loaded (image-panel.js
   * draws it). A 'failed' event's skipped files stay there with the error.
   */
  onLoadEvent(event) {
    const { data } = this.store.get();
    if (data.status === 'loading' && event.key === data.request?.key) this.store.update('data', { progress: event });
  }

  /** Files the user chose or dropped: read, then loaded as Fashion-MNIST (when that is the choice) or as "your IDX files". */
  async takeFiles(fileList) {
    const files = [...fileList];
    if (files.length === 0) return;
    byId('data-status').textContent = `Reading ${files.map((f) => f.name).join(', ')}…`;
    const list = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    const dataset = this.store.get().settings.dataset === 'fashion-mnist' ? 'fashion-mnist' : 'idx';
    this.files = { dataset, list };
    this.loadedKey = null;
    this.notify(null, 'notice', 'data');
    if (this.store.get().settings.dataset !== dataset) this.commit({ dataset });
    else this.refresh();
  }

  draw({ data, settings, engine }) {
    const status = byId('data-status');
    const title = DATASETS[settings.dataset]?.title ?? settings.dataset;
    status.classList.toggle('problem', data.status === 'needs-files' || (data.status === 'error' && !data.cancelled));
    if (data.status === 'ready') {
      const info = data.info;
      status.textContent = info.kind === 'points'
        ? `In use: ${info.name}: ${info.classes} classes, each point has ${info.sampleShape.join('×')} inputs.`
        : `In use: ${info.name}: ${info.classes} classes (${info.classNames.slice(0, 4).join(', ')}${info.classes > 4 ? ', …' : ''}), ` +
          `samples ${info.sampleShape.join('×')}.${info.note ? ` ${info.note}` : ''}`;
    } else if (data.status === 'needs-files') {
      status.textContent = `${title}: no data yet. ${data.note}.`;
    } else if (data.status === 'loading') {
      status.textContent = `Loading ${title}…`;
    } else if (data.status === 'error') {
      status.textContent = `Not loaded: ${data.error}`;
    } else if (engine.status === 'failed') {
      status.textContent = 'Not loaded: the engine did not start (the message above says why).';
    }
    byId('idx-field').classList.toggle('wanted', data.status === 'needs-files');
  }
}
