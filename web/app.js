// The playground's controller on the page: starts the engine worker (web/engine-worker.js), sends
// it the state and the user's commands, and routes its messages (web/protocol.md) to the views in
// `ui.views`. It never trains: the worker does. It also keeps what only the page can do: file
// downloads and pickers, drag and drop, browser storage of a saved model, the training log.
//
// `?engine=off` in the address leaves the worker out (the view tests render data themselves).
import { ui } from './ui.js';
import { LayerEditor } from './views/layer-editor.js';
import { presetsFor, presetLayers, dataKind, KIND_SETTINGS } from './state.js';
import { el } from './views/dom.js';
import { enableIsolationIfNeeded } from './coi.js';
import { WorkerSupervisor, settingsFromCheckpoint } from './worker-supervisor.js';
import { CrashBanner } from './views/crash-banner.js';
import { AUTOSAVE_KEY, SAVED_KEY, getValidCheckpoint, putCheckpoint } from './checkpoint-store.js';

const byId = (id) => document.getElementById(id);
const views = ui.views;
const STORE = { db: 'wasmgrad-playground', objects: 'models', key: 'last' };

const app = {
  worker: null,
  status: 'idle',
  run: 0,             // the run (numbered by Start, from 1) that `status` belongs to
  runsStarted: 0,
  build: null,
  classNames: null,
  log: [],            // progress messages of the current run, for the CSV export
  epochs: [],         // epochEnd messages of the current run
  summary: [],
  lastDigit: null,    // Float32Array(784) of the drawn digit, or null
  firstSample: null,  // {data, shape} of the first training image, for the receptive-field view
  rf: { layer: null, unit: { row: 0, col: 0 } },
};
window.wasmgradApp = app;  // for the browser tests and the curious in the console

// ---- crash detection, autosave and restart (web/worker-supervisor.js) -------------------------

const crashBanner = new CrashBanner(document.querySelector('.workspace'), { onRestart: restartEngine });
const supervisor = new WorkerSupervisor({
  onMessage: (message) => onWorkerMessage(message),
  onProblem(problem) {
    crashBanner.show(problem);
    ui.setEngineReady(false, 'the engine stopped: restart it');
    if (problem.kind === 'error' && !app.build) views.badge.element.textContent = 'engine failed to load';
  },
  onRecovered() {
    crashBanner.hide();
    if (app.build) {
      ui.setEngineReady(true);
      updateButtons();
    }
  },
  start: () => startWorker(),
  getState: () => ui.state,
  store: { put: (record) => putCheckpoint(AUTOSAVE_KEY, record), get: () => getValidCheckpoint(AUTOSAVE_KEY) },
});
app.supervisor = supervisor;

async function restartEngine() {
  crashBanner.hide();
  app.build = null;
  app.status = 'idle';
  const checkpoint = await supervisor.restart();
  showMessage(checkpoint ? 'Engine restarted from the last autosave.' : 'Engine restarted with a fresh model.', 'notice');
}

// ---- messages on the page ----------------------------------------------------------------------

function showMessage(text, kind = 'error') {
  const box = byId('app-messages');
  const close = el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss' }, '✕');
  const item = el('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    el('span', { class: 'message-text' }, String(text)), close);
  close.addEventListener('click', () => item.remove());
  box.append(item);
  while (box.children.length > 4) box.firstChild.remove();
  if (kind !== 'error') setTimeout(() => item.remove(), 8000);
}

// ---- the worker --------------------------------------------------------------------------------

function send(message, transfer = []) {
  app.worker?.postMessage(message, transfer);
}

function startWorker() {
  ui.views.badge.render(null);
  let worker;
  try {
    worker = new Worker(new URL('./engine-worker.js', import.meta.url));  // classic: see the worker's header
  } catch (error) {
    showMessage(`The engine worker could not start: ${error.message}`);
    return;
  }
  app.worker = worker;
  supervisor.attach(worker);  // messages, errors, heartbeat and autosave: the supervisor block above
  send({ type: 'init', threads: new URLSearchParams(location.search).get('threads') === '0' ? false : undefined });
  send({ type: 'state', state: ui.state, field: null });
}

const handlers = {
  build(m) {
    app.build = m;
    views.badge.render({ ...m, note: app.isolationNote });
    if (!m.introspection) {
      views.receptiveField.render({ mapNote: 'the effective receptive field needs the engine\'s introspection, not in this build' });
    }
    ui.setEngineReady(true);
    updateButtons();
  },
  data(m) {
    app.classNames = m.classNames?.length ? m.classNames : null;
    app.firstSample = null;
    byId('data-status').textContent = m.kind === 'points'
      ? `${m.name}: ${m.classes} classes, each point has ${m.sampleShape.join('×')} inputs.`
      : `${m.name}: ${m.classes} classes, samples ${m.sampleShape.join('×')}.`;
    const names = app.classNames ?? Array.from({ length: m.classes }, (_, k) => String(k));
    views.saliency.setClassNames(names);
    views.classImages.setClassNames(names);
    views.classImages.reset();
  },
  points(m) { views.boundary.setPoints(m); },
  boundary(m) { views.boundary.render(m); },
  highlight(m) { views.boundary.highlight(m); },
  samples(m) {
    views.gallery.render(m);
    app.firstSample = { data: m.images.slice(0, m.shape[0] * m.shape[1]), shape: m.shape };
    if (!app.lastDigit) {
      views.receptiveField.render({ image: app.firstSample });
      requestSaliency();
    }
  },
  summary(m) {
    editor.setSummary(m.summary);
    views.layerTable.render(m.summary);
    byId('layers-error').hidden = true;
    if (m.preview) return;
    app.summary = m.summary;
    const spatial = m.summary.filter((l) => l.receptiveField);
    const keep = spatial.find((l) => l.name === app.rf.layer);
    const layer = keep ?? spatial[spatial.length - 1] ?? null;
    app.rf = { layer: layer?.name ?? null, unit: layer ? centreUnit(layer) : { row: 0, col: 0 } };
    views.receptiveField.render({ summary: m.summary, layer: app.rf.layer, unit: app.rf.unit });
    requestReceptiveField();
  },
  summaryError(m) {
    views.layerTable.showError(m.message);
    editor.setError(m.message);
  },
  reset() {
    app.log = [];
    app.epochs = [];
    views.curves.render({ epochCount: ui.state.epochs });
    views.progress.render(null);
    views.classImages.reset();
    views.boundary.highlight(null);
    // A new model: the last run's confusion matrix and its examples no longer describe it.
    byId('confusion-view').replaceChildren(el('p', { class: 'view-note' }, 'Available after the first epoch.'));
    byId('confusion-examples').replaceChildren();
    if (app.lastDigit) send({ type: 'predict', pixels: app.lastDigit.slice() });
    requestSaliency();
  },
  status(m) {
    const stopped = app.status === 'training' && m.status !== 'training';
    app.status = m.status;
    app.run = m.run;
    updateButtons();
    if (stopped) requestSaliency();  // the weights changed since the last map
  },
  progress(m) {
    app.log.push(m);
    views.progress.render(m);
    views.curves.addProgress(m);
  },
  epochEnd(m) {
    app.epochs.push(m);
    views.curves.addEpoch(m);
    if (app.lastDigit) send({ type: 'predict', pixels: app.lastDigit.slice() });
    if (ui.dataKind === 'image') requestSaliency();
  },
  finished() {
    const last = app.epochs[app.epochs.length - 1];
    showMessage(last && Number.isFinite(last.validationAccuracy)
      ? `Training finished: validation accuracy ${(last.validationAccuracy * 100).toFixed(1)}%.` : 'Training finished.', 'notice');
  },
  confusion(m) { views.confusion.render({ ...m, classNames: app.classNames ?? undefined }); },
  examples(m) { views.confusionExamples.render(m); },
  filters(m) {
    showFilterChoices(m.choices ?? [], m.layerIndex);
    if (!m.data) {
      byId('filters-view').replaceChildren(el('p', { class: 'view-note' }, `No filters to show: ${m.note}.`));
      return;
    }
    views.filters.render(m);
  },
  histograms(m) { views.histograms.render(m.list); },
  activations(m) { views.activations.render(m.list); },
  prediction(m) { views.probabilities.render(m); },
  maps(m) {
    if (m.kind === 'effectiveReceptiveField') views.receptiveField.render({ map: { shape: m.shape, data: m.data } });
    else if (m.kind === 'saliency') views.saliency.render({ map: m });
    else if (m.kind === 'classImage') views.classImages.render(m);
  },
  classImagesStart(m) { views.classImages.start(m.total, m.steps); },
  evaluation(m) {
    showMessage(`Model evaluated on the validation set: accuracy ${(m.accuracy * 100).toFixed(1)}%, loss ${m.loss.toFixed(3)} (${m.samples} samples).`, 'notice');
  },
  saved(m) { onSaved(m); },
  modelLoaded(m) {
    if (m.layers) {
      const preset = presetsFor(ui.state.dataset).find((name) => presetLayers(name, ui.state.dataset) === m.layers);
      if (preset) ui.set('model', preset);
      else {
        ui.set('model', 'custom');
        ui.set('layers', m.layers);
      }
    }
    const epochs = Number.isInteger(m.metadata?.epoch) && m.metadata.epoch > 0 ? m.metadata.epoch : 0;  // file data: checked
    showMessage(`Model ${m.restored ? 'restored' : 'loaded'}: ${m.parameters.toLocaleString('en')} parameters${epochs ? `, trained for ${epochs} epoch(s)` : ''}.`, 'notice');
  },
  notice(m) { showMessage(m.message, 'notice'); },
  error(m) {
    const where = { data: 'Data', idx: 'IDX files', load: 'Loading the model', training: 'Training', predict: 'Prediction',
      start: 'Start', reset: 'Reset', classImage: 'Class image', maps: 'Saliency or receptive field' }[m.context];
    showMessage(where ? `${where}: ${m.message}` : m.message);
    if (m.context === 'idx') byId('data-status').textContent = `Not loaded: ${m.message}`;
  },
};

function onWorkerMessage(message) {
  const handler = handlers[message?.type];
  if (!handler) {
    showMessage(`Unknown message from the engine: ${String(message?.type)}`);
    return;
  }
  try {
    handler(message);
  } catch (error) {
    showMessage(`Showing "${message.type}" failed: ${error.message}`);
  }
}

// ---- buttons -----------------------------------------------------------------------------------

function updateButtons() {
  if (!app.build) return;
  const training = app.status === 'training';
  byId('start').disabled = false;
  byId('pause').disabled = !training;
  byId('resume').disabled = training || app.status !== 'paused';
  byId('step').disabled = training || app.status === 'finished';
  byId('reset').disabled = false;
  byId('training').dataset.status = app.status;
}

function bindButtons() {
  byId('start').addEventListener('click', () => send({ type: 'start', run: ++app.runsStarted }));
  byId('pause').addEventListener('click', () => send({ type: 'pause' }));
  byId('resume').addEventListener('click', () => send({ type: 'resume' }));
  byId('step').addEventListener('click', () => send({ type: 'step' }));
  byId('reset').addEventListener('click', () => send({ type: 'reset' }));
  byId('save-model').addEventListener('click', () => send({ type: 'save', metadata: { state: ui.state, savedAt: new Date().toISOString() } }));
  byId('load-model').addEventListener('click', () => byId('load-model-file').click());
  byId('load-model-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    const bytes = await file.arrayBuffer();
    send({ type: 'load', bytes }, [bytes]);
  });
  byId('export-model').addEventListener('click', exportLog);
}

// ---- model editor ------------------------------------------------------------------------------

const editor = new LayerEditor(byId('layer-editor'), {
  onChange(layers) {
    // The same path as typing in the text field: switches to Custom and validates.
    const field = byId('layers');
    field.value = layers;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  },
});

// ---- draw pad, receptive field, confusion ------------------------------------------------------

function centreUnit(layer) {
  const s = layer.outputShape;
  return s.length === 3 ? { row: Math.floor(s[1] / 2), col: Math.floor(s[2] / 2) } : { row: 0, col: 0 };
}

function requestReceptiveField() {
  const image = app.lastDigit ?? app.firstSample?.data;
  if (!image || !app.rf.layer || !app.build?.introspection) return;
  const index = app.summary.findIndex((l) => l.name === app.rf.layer);
  send({ type: 'maps', kind: 'effectiveReceptiveField', layer: index, channel: app.rf.channel ?? 0,
    row: app.rf.unit.row, col: app.rf.unit.col, pixels: image.slice() });
}

/** Saliency of the drawn digit (or the first training example) for the class the view asks for. */
function requestSaliency() {
  const image = app.lastDigit ? { data: app.lastDigit, shape: [28, 28] } : app.firstSample;
  if (!image || !app.build?.introspection || ui.dataKind !== 'image') return;
  views.saliency.render({ image, source: app.lastDigit ? 'drawn digit' : 'first training example' });
  send({ type: 'maps', kind: 'saliency', classIndex: views.saliency.classIndex, pixels: image.data.slice() });
}

/** The filter view's layer menu: the layers whose weights are images, as the worker lists them. */
function showFilterChoices(choices, chosen) {
  const select = byId('filters-layer');
  const options = choices.map((c) => el('option', { value: String(c.layer) },
    `${c.name}${c.kind === 'linear' ? ' (units as images)' : ''}`));
  if (options.length === 0) options.push(el('option', { value: '' }, 'none'));
  select.replaceChildren(...options);
  select.disabled = choices.length < 2;
  if (chosen !== undefined) select.value = String(chosen);
}

function bindViews() {
  byId('filters-layer').addEventListener('input', (event) => {
    send({ type: 'filterLayer', layer: event.target.value === '' ? null : Number(event.target.value) });
  });
  document.addEventListener('saliencyclass', () => requestSaliency());
  document.addEventListener('classimages', () => send({ type: 'classImages' }));
  document.addEventListener('digit', (event) => {
    const { pixels, empty } = event.detail;
    app.lastDigit = empty ? null : pixels;
    if (empty) {
      views.probabilities.render(null);
      if (app.firstSample) views.receptiveField.render({ image: app.firstSample });
      requestSaliency();
      return;
    }
    views.receptiveField.render({ image: { data: pixels, shape: [28, 28] } });
    send({ type: 'predict', pixels: pixels.slice() });
    requestSaliency();
    if (app.build && !app.build.introspection && !app.noActivationsShown) {
      app.noActivationsShown = true;
      byId('activations-view').replaceChildren(el('p', { class: 'view-note' },
        'Activations per layer need the engine\'s introspection API, which this build does not bind yet.'));
    }
    requestReceptiveField();
  });
  document.addEventListener('layerselect', (event) => {
    const layer = app.summary.find((l) => l.name === event.detail.layer);
    if (!layer) return;
    app.rf = { layer: layer.name, unit: centreUnit(layer), channel: 0 };
    requestReceptiveField();
  });
  document.addEventListener('unitselect', (event) => {
    const { layer, name, channel, row, col } = event.detail;
    const layerName = typeof layer === 'string' ? layer : name;
    app.rf = { layer: layerName, unit: { row, col }, channel: channel ?? 0 };
    views.receptiveField.render({ layer: layerName, unit: { row, col } });
    requestReceptiveField();
  });
  document.addEventListener('cellselect', (event) => {
    send({ type: 'examples', trueClass: event.detail.trueClass, predictedClass: event.detail.predictedClass });
  });
}

// ---- IDX files ---------------------------------------------------------------------------------

async function sendIdxFiles(fileList) {
  const files = [...fileList];
  if (files.length === 0) return;
  byId('data-status').textContent = `Reading ${files.map((f) => f.name).join(', ')}…`;
  const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  send({ type: 'idx', files: payload }, payload.map((f) => f.bytes));
}

function bindIdxInput() {
  const input = byId('idx-files');
  input.addEventListener('change', () => {
    sendIdxFiles(input.files);
    input.value = '';
  });
  const zone = byId('idx-drop');
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) zone.addEventListener(type, () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    sendIdxFiles(event.dataTransfer.files);
  });
}

// ---- save, restore, export ---------------------------------------------------------------------

function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function openStore() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(STORE.db, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE.objects);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function storeModel(record) {
  const db = await openStore();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE.objects, 'readwrite');
      tx.objectStore(STORE.objects).put(record, STORE.key);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function modelFileName() {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `wasmgrad-${ui.state.model}-${stamp}.wgm`;
}

async function onSaved({ bytes, metadata }) {
  const name = modelFileName();
  download(bytes, name, 'application/octet-stream');
  try {
    await storeModel({ bytes, name, savedAt: metadata.savedAt ?? new Date().toISOString(), state: metadata.state ?? null });
    showMessage(`Saved ${name} (${(bytes.byteLength / 1024).toFixed(0)} KB) as a download and in this browser.`, 'notice');
  } catch (error) {
    showMessage(`Saved ${name} as a download; keeping it in this browser failed: ${error.message}`);
  }
}

async function offerRestore() {
  let record;
  try {
    // The newer of the model the user saved and the autosave of training (web/worker-supervisor.js).
    const [saved, autosave] = await Promise.all([getValidCheckpoint(SAVED_KEY), getValidCheckpoint(AUTOSAVE_KEY)]);
    const time = (r) => (r ? new Date(r.savedAt).getTime() || 0 : -1);
    record = time(autosave) > time(saved) ? { ...autosave, autosave: true } : saved;
  } catch {
    return;  // no IndexedDB (private mode): nothing to offer
  }
  if (!record) return;
  const banner = byId('restore-offer');
  const restore = el('button', { type: 'button', class: 'button primary small', id: 'restore-model' }, 'Restore it');
  const dismiss = el('button', { type: 'button', class: 'button secondary small' }, 'Not now');
  const when = new Date(record.savedAt);
  const on = Number.isNaN(when.getTime()) ? '' : `on ${when.toLocaleString()} `;
  banner.replaceChildren(el('span', {}, record.autosave
    ? `Training autosaved ${on}is kept in this browser (model and settings).`
    : `A model you saved ${on}is kept in this browser (${record.name}).`), restore, dismiss);
  banner.hidden = false;
  restore.addEventListener('click', () => {
    for (const [field, value] of settingsFromCheckpoint(record.state, ui.state)) ui.set(field, value);
    const bytes = record.bytes.slice(0);
    send({ type: 'load', bytes, restore: Boolean(record.autosave) }, [bytes]);
    banner.hidden = true;
  });
  dismiss.addEventListener('click', () => { banner.hidden = true; });
}

function exportLog() {
  const rows = [['kind', 'epoch', 'batch', 'batches', 'loss', 'accuracy', 'learning_rate', 'samples_per_second',
    'validation_loss', 'validation_accuracy', 'seconds']];
  for (const p of app.log) {
    rows.push(['batch', p.epoch, p.batch, p.batches, p.loss, p.accuracy, p.learningRate, p.samplesPerSecond, '', '', '']);
  }
  for (const e of app.epochs) {
    rows.push(['epoch', e.epoch, '', '', e.trainLoss, e.trainAccuracy, '', '', e.validationLoss, e.validationAccuracy, e.seconds]);
  }
  const text = rows.map((r) => r.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? '' : String(v))).join(',')).join('\n');
  if (rows.length === 1) showMessage('The training log is empty: train first.', 'notice');
  download(`${text}\n`, `wasmgrad-training-log-${ui.state.model}.csv`, 'text/csv');
}

// ---- start -------------------------------------------------------------------------------------

let shownKind = ui.dataKind;
ui.onStateChange((state, field) => {
  const kind = dataKind(state.dataset);
  if (kind !== shownKind) {
    shownKind = kind;
    const { epochs, learningRate, batchSize } = KIND_SETTINGS[kind];
    if (field === 'dataset') {
      const modelName = byId('model').selectedOptions[0]?.textContent ?? state.model;
      showMessage(`${kind === 'points' ? '2-D points' : 'Images'}: model "${modelName}", and settings that suit this data: ` +
        `${epochs} epochs, learning rate ${learningRate}, batch size ${batchSize}.`, 'notice');
    }
  }
  editor.render(state.layers);
  if (field === 'epochs' && app.status === 'idle') views.curves.render({ epochCount: state.epochs });
  send({ type: 'state', state, field });
});
editor.render(ui.state.layers);
bindButtons();
bindViews();
bindIdxInput();

if (new URLSearchParams(location.search).get('engine') !== 'off') {
  const isolation = await enableIsolationIfNeeded();
  if (isolation.reloading) {
    views.badge.element.textContent = 'enabling threads…';
  } else {
    if (isolation.note) app.isolationNote = isolation.note;
    startWorker();
    offerRestore();
  }
}
