// The playground page: one store (store.js) that every view draws from, the settings mirrored in
// the URL, the engine in a Worker (engine-client.js; the page never trains), and the panels that
// turn what the user does into engine calls: data-panel.js, model-panel.js, run-controls.js,
// inspect-panel.js, files.js. supervisor.js keeps an autosave and restarts a crashed engine.
//
// `?engine=off` leaves the engine out (the view tests draw data themselves); `?threads=0` asks
// for the single-thread build.
import { parseHash, validateSettings, serializeSettings, trainSettings, epochGapMs, dataKind, datasetModel, SCHEMA, DATASETS } from './settings.js';
import { createStore, initialState } from './store.js';
import { bindSettingsForm, settingsAfter } from './settings-form.js';
import { ModelPanel } from './model-panel.js';
import { ArchitecturesPanel } from './architectures-panel.js';
import { DataPanel } from './data-panel.js';
import { RunControls } from './run-controls.js';
import { InspectPanel } from './inspect-panel.js';
import { UnitPanel } from './unit-panel.js';
import { Files } from './files.js';
import { ExportMenu } from './export-menu.js';
import { Messages } from './messages.js';
import { Supervisor } from './supervisor.js';
import { startEngine } from './engine-client.js';
import { AUTOSAVE_KEY, getValidCheckpoint, putCheckpoint } from './checkpoint-store.js';
import { createViews, drawFromStore, clearRunViews } from './views.js';
import { CrashBanner } from '../views/crash-banner.js';
import { enableIsolationIfNeeded } from '../coi.js';
import { ImagePanel } from './image-panel.js';
import { WebcamPanel } from './webcam-panel.js';
import { PhotoInput } from './photo-input.js';
import { EventPacer } from './event-pacer.js';
import { explainStartFailure } from '../start-failure.js';

const byId = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);

const fromLink = parseHash(location.hash);
const store = createStore(initialState(fromLink.settings));
const views = createViews();
const messages = new Messages(store, byId('app-messages'));
let connection = null;

const notify = (text, kind = 'error', key = text) => (text === null ? messages.clear(key) : messages.show(text, kind, key));
const engine = () => (store.get().engine.status === 'ready' ? connection : null);
const trainConfig = () => trainSettings(store.get().settings);

/** Applies settings (each through settingsAfter: a new kind of data brings its model and settings). */
function commit(patch) {
  let next = store.get().settings;
  for (const [field, value] of Object.entries(patch)) next = settingsAfter(next, field, value);
  // A model left at its data set's default follows the data (photos: SimpleNet, the lectures' colour CNN).
  const before = store.get().settings;
  if (patch.dataset && !('model' in patch) && before.model === datasetModel(before.dataset) && next.model !== datasetModel(next.dataset)) {
    next = settingsAfter(next, 'model', datasetModel(next.dataset));
    if (DATASETS[next.dataset]?.photos) notify(`${DATASETS[next.dataset].title}: the model is now ${next.model}, a CNN for colour images.`, 'notice', 'kind');
  }
  if (patch.dataset && dataKind(next.dataset) !== dataKind(store.get().settings.dataset)) {
    notify(`${dataKind(next.dataset) === 'points' ? '2-D points' : 'Images'}: the model and ` +
      `the training settings now suit this data (${next.epochs} epochs, learning rate ${next.learningRate}, batch size ${next.batchSize}).`,
    'notice', 'kind');
  }
  store.update('settings', next);
  if ('learningRate' in patch) connection?.api.setLearningRate(next.learningRate);
  if ('pace' in patch) connection?.api.setEpochGap(epochGapMs(next.pace));
}

// ---- the URL holds the settings ----------------------------------------------------------------

const mirrorInUrl = ({ settings }) => {
  const hash = `#${serializeSettings(settings)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
};
store.subscribe(['settings'], mirrorInUrl);
mirrorInUrl(store.get());  // what was not taken from the link leaves it at once
window.addEventListener('hashchange', () => {
  const { settings, errors } = parseHash(location.hash, store.get().engine);
  store.update('settings', settings);
  showLinkErrors([...fromLink.errors, ...errors]);  // one message for the link: what the first reading refused too
});
function showLinkErrors(errors) {
  if (!errors.length) return;
  notify(`Not taken from the link: ${errors.map((e) => `${SCHEMA[e.field].label} (${SCHEMA[e.field].key}=…: ${e.message})`).join('; ')}. ` +
    'Those settings keep their defaults.', 'error', 'link');
}

// ---- the panels --------------------------------------------------------------------------------

bindSettingsForm(store, { onCommit: (field, value) => commit({ [field]: value }) });
const modelPanel = new ModelPanel(store, { engine, commit, notify });
new ArchitecturesPanel(store, { engine });
// The user's photos: a folder or zip (image-panel.js) or webcam captures, a data source the data panel asks.
const webcamPanel = new WebcamPanel(store, { notify, onChange: () => dataPanel.refresh() });
const imagePanel = new ImagePanel(store, { engine, commit, notify, reload: () => dataPanel.refresh(), webcam: webcamPanel });
new PhotoInput(store, { view: views.imagePicker });
const dataPanel = new DataPanel(store, { engine, commit, notify, photos: imagePanel });
const inspectPanel = new InspectPanel(store, { views, engine, notify });
const unitPanel = new UnitPanel(store, { views, engine, imageInput: () => inspectPanel.input() });
drawFromStore(store, views);

const files = new Files(store, {
  engine, trainConfig, commit, notify,
  ready: () => whenReady(),
  beforeLoad: () => modelPanel.supersede(),
  loadFailed: () => modelPanel.refresh(),  // the reading superseded by the load is asked for again
  showLoadedModel: (loaded) => modelPanel.showLoaded(loaded),
  showEvaluation: (evaluation) => views.confusion.render({ classes: evaluation.classes, matrix: evaluation.matrix,
    classNames: store.get().data.info?.classNames }),
});

new ExportMenu(store, {
  engine, notify,
  beforeLoad: () => modelPanel.supersede(),
  loadFailed: () => modelPanel.refresh(),  // the reading superseded by the load is asked for again
  showLoadedModel: (loaded) => modelPanel.showLoaded(loaded),
  // What the imported weights do on the validation set: the accuracy PyTorch reported, seen again.
  afterImport: async () => {
    const evaluation = await connection.api.evaluate(trainConfig());
    if (!evaluation) return;
    views.confusion.render({ classes: evaluation.classes, matrix: evaluation.matrix, classNames: store.get().data.info?.classNames });
    notify(`Imported weights on the validation set: accuracy ${(evaluation.accuracy * 100).toFixed(2)}%, loss ${evaluation.loss.toFixed(3)} ` +
      `(${evaluation.samples} samples).`, 'notice', 'evaluation');
  },
});

/** Resolves when the engine has loaded and the data are in. */
function whenReady() {
  return new Promise((resolve) => {
    const check = (state) => {
      if (state.engine.status === 'ready' && state.data.status === 'ready' && state.model.spec) {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = store.subscribe(['engine', 'data', 'model'], check);
    check(store.get());
  });
}

/** A new run (Start, or a Step from an untrained model): numbered from 1, with an empty history. */
function newRun() {
  const id = store.get().run.id + 1;
  store.update('history', { epochs: [], points: [] });
  store.update('run', { id, progress: null });
  clearRunViews(views);
  return id;
}

const act = (name, body) => async () => {
  try {
    await body();
  } catch (error) {
    if (!supervisor.noteError(error)) notify(`${name}: ${error.message}`, 'error', 'run');
  }
};
new RunControls(store, {
  start: act('Start', async () => {
    const run = newRun();
    const { spec } = store.get().model;
    await connection.api.start({ run, spec, config: trainConfig(), epochGapMs: epochGapMs(store.get().settings.pace) });
    modelPanel.trained(spec);
  }),
  pause: act('Pause', () => connection.api.pause()),
  resume: act('Resume', () => connection.api.resume({ run: store.get().run.id, config: trainConfig(),
    epochGapMs: epochGapMs(store.get().settings.pace) })),
  step: act('Step', async () => {
    const run = store.get().run.status === 'idle' ? newRun() : store.get().run.id;
    await connection.api.step({ run, config: trainConfig() });
  }),
  reset: act('Reset', async () => {
    newRun();
    const { spec } = store.get().model;
    await connection.api.reset({ spec });
    modelPanel.trained(spec);
  }),
});

// New data: the last run's history and views no longer describe the model that will train.
let shownData = null;
store.subscribe(['data'], ({ data }) => {
  if (data.version === shownData) return;
  shownData = data.version;
  store.update('history', { epochs: [], points: [] });
  store.update('run', { progress: null });
  clearRunViews(views);
});

// ---- the engine's events -----------------------------------------------------------------------

const current = (event) => event.run === store.get().run.id;
const handlers = {
  status(m) {
    // The page numbers the runs (newRun) and the worker echoes the number: a status is the session's,
    // whichever run it names (a loaded model is paused in the current run).
    const previous = store.get().run.status;
    store.update('run', { status: m.status, epochsDone: m.epochsDone });
    supervisor.noteStatus(m.status, previous);
    if (m.status !== 'training') inspectPanel.refresh();  // the weights changed since the last look
    if (m.status !== 'training') unitPanel.refresh({ weights: true });
  },
  progress(m) {
    if (!current(m)) return;
    supervisor.noteProgress();
    progressPacer.push(m);  // drawn with the others that come within PROGRESS_MS (event-pacer.js)
  },
  epochEnd(m) {
    if (!current(m)) return;
    store.update('history', (h) => ({ ...h, epochs: [...h.epochs.filter((e) => e.epoch !== m.epoch), m] }));
    store.update('run', { epochsDone: m.epoch });
    supervisor.noteEpochEnd();
    if (store.get().data.info?.kind === 'image') inspectPanel.refresh();
    unitPanel.refresh({ weights: true });  // after every epoch, images and points (one request at a time)
    if (m.stop) {
      notify(Number.isFinite(m.validationAccuracy) ? `Training finished: validation accuracy ${(m.validationAccuracy * 100).toFixed(1)}%.`
        : `Training finished: ${m.stopReason}.`, 'notice', 'run');
    }
  },
  confusion(m) { views.confusion.render({ ...m, classNames: store.get().data.info?.classNames }); },
  filters(m) {
    inspectPanel.showFilterChoices(m.choices ?? [], m.layerIndex);
    if (m.data) views.filters.render(m);
    else views.filters.showNote(`No filters to show: ${m.note}.`);
  },
  histograms(m) { views.histograms.render(m.list); },
  boundary(m) { views.boundary.render(m); },
  notice(m) { notify(m.message, 'notice', 'engine'); },
  imageLoad(m) { dataPanel.onLoadEvent(m); },  // into data.progress, which image-panel.js draws
  error(m) { notify(`${m.context === 'training' ? 'Training' : 'Engine'}: ${m.message}`, 'error', m.context ?? 'engine'); },
};
// Progress is drawn at most every PROGRESS_MS: every chunk's point goes into the history, the
// latest is the one shown. Any other event first hands on the progress waiting before it.
const PROGRESS_MS = 200;
const progressPacer = new EventPacer(PROGRESS_MS, (events) => {
  const mine = events.filter(current);  // a run started since they came has its own history
  if (!mine.length) return;
  try {
    store.update('run', { progress: mine.at(-1) });
    store.update('history', (h) => ({ ...h, points: [...h.points, ...mine.map((m) => ({ x: m.x, loss: m.stepLoss,
      accuracy: m.stepAccuracy, epoch: m.epoch, batch: m.batch, learningRate: m.learningRate }))] }));
  } catch (error) {
    notify(`Showing "progress" failed: ${error.message}`, 'error', 'views');
  }
});

function onEvent(event) {
  if (event?.type !== 'progress') progressPacer.flush();
  try {
    handlers[event?.type]?.(event);
  } catch (error) {
    notify(`Showing "${event?.type}" failed: ${error.message}`, 'error', 'views');
  }
}

// ---- the engine, its supervisor, and a restart from the autosave ------------------------------

const crashBanner = new CrashBanner(document.querySelector('.workspace'), { onRestart: () => restart() });
const supervisor = new Supervisor({
  onProblem(problem) {
    crashBanner.show(problem);
    store.update('engine', { status: 'crashed', problem: problem.message });
  },
  onRecovered() {
    crashBanner.hide();
    store.update('engine', { status: 'ready', problem: null });
  },
  takeCheckpoint: () => files.checkpoint(),
  store: { put: (record) => putCheckpoint(AUTOSAVE_KEY, record), get: () => getValidCheckpoint(AUTOSAVE_KEY) },
});

async function connect() {
  store.update('engine', { status: 'loading', problem: null });
  window.wasmgradBoot?.stage('starting the engine');
  try {
    connection = await startEngine({
      threads: query.get('threads') === '0' ? false : undefined,
      onEvent,
      onRestart: (message) => notify(`The engine did not start at first: ${message}.`, 'notice', 'engine'),
    });
  } catch (error) {
    const { message, hint } = explainStartFailure(error);
    store.update('engine', { status: 'failed', problem: message });
    notify(`The engine did not start: ${message}. ${hint}`, 'error', 'engine');
    window.wasmgradBoot?.failed();
    return;
  }
  window.wasmgradBoot?.ready();
  supervisor.attach(connection);
  connection.api.setEpochGap(epochGapMs(store.get().settings.pace));
  store.update('engine', { status: 'ready', ...connection.info, note: isolationNote });
  checkAgainstCatalog();
}

/**
 * The link was read before the engine loaded, when an optimizer, loss or schedule could only be
 * checked to be a name; now the engine's catalog says which it has. One it lacks keeps its default
 * and is reported, like any other value a link cannot hold.
 */
function checkAgainstCatalog() {
  const { settings, errors } = validateSettings(store.get().settings, store.get().engine);
  if (!errors.length) return;
  store.update('settings', settings);
  showLinkErrors([...fromLink.errors, ...errors]);  // one message for the link: what the first reading refused too
}

async function restart() {
  crashBanner.hide();
  const checkpoint = await supervisor.checkpointForRestart();
  connection = null;
  dataPanel.loadedKey = null;  // the new worker has no data yet
  await connect();
  if (checkpoint) {
    await files.load(checkpoint.bytes.slice(0), { name: 'the last autosave', restored: true });
    notify('Engine restarted from the last autosave.', 'notice', 'engine');
  } else {
    notify('Engine restarted with a fresh model.', 'notice', 'engine');
  }
}

// For the browser tests and the curious, in the console.
window.wasmgradApp = {
  store,
  supervisor,
  get status() { return store.get().run.status; },
  get run() { return store.get().run.id; },
  get runsStarted() { return store.get().run.id; },  // runs are numbered from 1 by Start: the number of the latest is how many
  get epochs() { return store.get().history.epochs; },
  get log() { return store.get().history.points; },
  get build() { return engine() ? store.get().engine : null; },
  get worker() { return connection?.worker ?? null; },
  views,
};

let isolationNote = '';
showLinkErrors(fromLink.errors);
if (query.get('engine') === 'off') {
  window.wasmgradBoot?.ready();
} else {
  window.wasmgradBoot?.stage('enabling threads');
  const isolation = await enableIsolationIfNeeded();
  if (isolation.reloading) {
    views.badge.element.textContent = 'enabling threads…';
  } else {
    isolationNote = isolation.note ?? '';
    await connect();
    files.offerRestore();
  }
}
