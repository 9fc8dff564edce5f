// The playground's engine thread: a classic dedicated Worker that owns the wasmgrad engine, the
// data, the model and the trainer. The page never trains; it sends commands and draws what this
// worker posts (message shapes: web/protocol.md). Training runs in chunks of a few batches sized
// to take ~75 ms, with a setTimeout(0) between chunks so pause, step and learning-rate messages
// are handled while training. 2-D point sets train in a fraction of a second, so there a chunk is
// one epoch and chunks are paced POINTS_TICK_MS apart: the decision boundary forms visibly.
// Views that cost more than a progress line (boundary grid, histograms, filters, confusion) are
// posted at most every LIVE_MS / VIEWS_MS / IMAGE_VIEWS_MS while training, and always when a run
// stops.
// Every failure is posted as {type: 'error', message}.
//
// A classic worker (not type: 'module'): the loader in bindings/wasmgrad.js uses importScripts for
// the Emscripten factory, which module workers do not have; the ES modules come in by import().
'use strict';

const CHUNK_TARGET_MS = 75;
const POINTS_TICK_MS = 25;     // 2-D points: at most one epoch per tick, ~40 epochs a second
const LIVE_MS = 120;           // decision boundary while training
const VIEWS_MS = 400;          // histograms, filters, confusion matrix while training 2-D points
const IMAGE_VIEWS_MS = 2000;   // histograms and filters within a long image epoch (CNNs: ~15 s)
const BOUNDARY_RESOLUTION = 80;  // grid cells per side of the decision-boundary image
const CLASS_IMAGE_STEPS = 100;
const MAX_FILTERS = 32;        // tiles in the filters view
const HISTOGRAM_BINS = 40;
const EXAMPLES_PER_CELL = 24;
const GALLERY_SIZE = 32;
const VALIDATION_FRACTION = 0.15;  // for uploaded IDX sets that come without a test part

let api = null;        // {load, ...} from bindings/wasmgrad.js
let engine = null;
let stateModule = null;  // web/state.js (dataset kinds)
let state = null;      // the page's state object (web/state.js)
// key: what the data were made from (dataKey); grid: the decision-boundary inputs for 2-D points.
const data = { key: null, kind: 'image', name: null, train: null, validation: null, classNames: null, grid: null };
let filterLayer = null;  // layer index the filters view asks for; null = the first with filters
const live = { boundary: 0, views: 0, confusion: null };  // last post times; the latest unposted confusion
let model = null;      // the model being shown and trained
let trainer = null;    // null until training starts (or after a reset / settings change)
let trainerSettingsKey = null;
let running = false;
let runId = 0;         // the current run's number, given by the page with each Start (postStatus)
let loopActive = false;
let chunk = 1;         // batches per chunk, adapted to CHUNK_TARGET_MS
let introspect = null; // the engine's introspection API, once the bindings have it
let queue = Promise.resolve();

const post = (message, transfer = []) => self.postMessage(message, transfer);
const postError = (error, context = null) => {
  const message = error instanceof Error ? error.message : String(error);
  // A trap or abort (out of memory, out-of-bounds access) leaves the engine's memory in an unknown
  // state: fatal tells web/worker-supervisor.js to offer a restart from the last checkpoint.
  const fatal = typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError;
  post({ type: 'error', message, context, fatal });
};

// Messages run one after another (each may await), so a command never sees half of another.
self.onmessage = (event) => {
  const message = event.data;
  if (message?.type === 'pause') {  // not queued: takes effect before the next chunk
    setRunning(false);
    return;
  }
  if (message?.type === 'ping') {  // the supervisor's heartbeat: answered between chunks, not queued
    post({ type: 'pong', id: message.id, memory: memoryStats() });
    return;
  }
  queue = queue.then(() => handle(message)).catch((error) => postError(error, message?.type));
};

async function handle(message) {
  switch (message.type) {
    case 'init': return init(message);
    case 'state': return setState(message.state, message.field);
    case 'describe': return describe(message.state);
    case 'start': return start(message.run);
    case 'resume': return resume();
    case 'step': return singleStep();
    case 'reset': return reset();
    case 'predict': return predict(message.pixels);
    case 'examples': return examples(message.trueClass, message.predictedClass);
    case 'evaluate': return evaluateValidation();
    case 'save': return save(message.metadata);
    case 'checkpoint': return save(message.metadata, 'checkpoint');
    case 'load': return loadModelBytes(message.bytes, message.restore);
    case 'idx': return loadIdx(message.files);
    case 'maps': return postMaps(message);
    case 'classImages': return classImages(message.steps ?? CLASS_IMAGE_STEPS);
    case 'filterLayer':
      filterLayer = Number.isInteger(message.layer) ? message.layer : null;
      return model && postFilters();
    default: throw new Error(`engine worker: unknown command "${String(message.type)}"`);
  }
}

// ---- engine and data -------------------------------------------------------------------------

async function init({ threads }) {
  if (self.crossOriginIsolated && threads !== false) await startPthreadsFromBlob();
  api = await import('../bindings/wasmgrad.js');
  stateModule = await import('./state.js');
  engine = await api.load(threads === false ? { threads: false } : {});
  introspect = findIntrospection();
  // Without isolation a browser has no SharedArrayBuffer: the root cause a lecturer can fix.
  const isolated = Boolean(self.crossOriginIsolated);
  const reason = engine.build === 'simd' && !isolated && threads !== false ? 'not cross-origin isolated' : engine.reason;
  post({ type: 'build', build: engine.build, threads: engine.threads, reason, detail: engine.reason, simdArch: engine.simdArch,
    crossOriginIsolated: Boolean(self.crossOriginIsolated), introspection: Boolean(introspect) });
}

/**
 * Under the static build's service worker (web/coi-serviceworker.js), Chromium fetches the script
 * of a worker started by a worker (the engine's pthreads) without passing it through the service
 * worker, so it lacks the COEP header and is blocked. A worker from a blob: URL inherits this
 * worker's isolation instead: fetch the pthread script once and start pthreads from a blob.
 */
async function startPthreadsFromBlob() {
  const scriptUrl = new URL('../build/engine/wasmgrad-simd-threads.worker.js', self.location.href).href;
  const response = await fetch(scriptUrl);
  if (!response.ok) return;  // the loader reports the missing build itself
  const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
  const NativeWorker = self.Worker;
  self.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(String(url) === scriptUrl ? blobUrl : url, options);
    }
  };
}

/** The engine's heap (buffer pool, malloc, heap top) and the size of its WebAssembly memory. */
function memoryStats() {
  try {
    return engine ? { ...engine.memoryStats(), wasmBytes: engine.module.HEAP8.length } : null;
  } catch {
    return null;  // an aborted engine
  }
}

/** The introspection calls, if this engine build binds them (engine/introspect/); else null. */
function findIntrospection() {
  const sample = engine.model({ input: [2], layers: [{ type: 'linear', units: 2 }] });
  try {
    const has = (name) => typeof sample[name] === 'function';
    return has('activations') ? { activations: has('activations'), saliency: has('saliency'),
      effectiveReceptiveField: has('effectiveReceptiveField'), classImage: has('classImage') } : null;
  } finally {
    sample.dispose();
  }
}

const isPoints = () => data.kind === 'points';
/** What the data are made from: a toy set's name, size, noise and seed; an image set's name. */
const dataKey = (s) => (stateModule.dataKind(s.dataset) === 'points'
  ? JSON.stringify([s.dataset, s.toySamples, s.toyNoise, s.seed]) : s.dataset);

async function loadDataset(s) {
  const name = s.dataset;
  data.key = dataKey(s);
  if (stateModule.dataKind(name) === 'points') {
    // Validation: a quarter as many points from the same distribution with another seed.
    const options = { n: s.toySamples, noise: s.toyNoise, seed: s.seed };
    const train = engine.toyDataset(name, options);
    const validation = engine.toyDataset(name, { ...options, n: Math.max(20, Math.round(s.toySamples / 4)),
      seed: (s.seed + 1_000_003) % 2_147_483_648 });
    replaceData(`${name} (${train.size} training and ${validation.size} validation points, noise ${s.toyNoise})`,
      train, validation, 'points');
  } else if (name === 'mnist') {
    const digits = await engine.digits();
    replaceData('MNIST digits (bundled: 8,000 train, 2,000 test)', digits.train, digits.test);
  } else if (name === 'fashion-mnist') {
    throw new Error('Fashion-MNIST is not bundled with the playground: drop its four IDX files ' +
      '(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-…) onto the Data panel.');
  } else {
    throw new Error(`unknown dataset "${name}"`);
  }
}

function replaceData(name, train, validation, kind = 'image') {
  data.train?.dispose();
  data.validation?.dispose();
  Object.assign(data, { name, train, validation, classNames: train.classNames, kind, grid: null });
  post({ type: 'data', name, kind, train: train.size, validation: validation.size, sampleShape: train.sampleShape,
    classes: train.numClasses, classNames: train.classNames });
  if (kind === 'points') {
    postPoints();
    return;
  }
  const count = Math.min(GALLERY_SIZE, train.size);
  const images = train.inputs(0, count);
  const [h, w] = train.sampleShape.slice(-2);
  post({ type: 'samples', images, labels: Array.from(train.labels().subarray(0, count)), shape: [h, w] }, [images.buffer]);
}

/** files: [{name, bytes: ArrayBuffer}]: one images + labels pair, or two (train and test/t10k). */
async function loadIdx(files) {
  const pairs = pairIdxFiles(files);
  data.key = null;  // uploaded: a later change of the dataset menu loads that set again
  const make = (pair, label) => engine.idxDataset(new Uint8Array(pair.images.bytes), new Uint8Array(pair.labels.bytes),
    { name: label }).catch((error) => {
    throw new Error(`${pair.images.name} + ${pair.labels.name}: ${error.message}`);
  });
  const train = await make(pairs.train, 'uploaded-train');
  let validation;
  if (pairs.test) {
    validation = await make(pairs.test, 'uploaded-test');
  } else {
    const parts = train.split(VALIDATION_FRACTION, state?.seed ?? 1);
    train.dispose();
    replaceData(`${pairs.train.images.name} (${parts.train.size} train, ${parts.validation.size} validation)`,
      parts.train, parts.validation);
    return rebuildAfterDataChange();
  }
  replaceData(`${pairs.train.images.name} (${train.size} train) + ${pairs.test.images.name} (${validation.size} test)`,
    train, validation);
  return rebuildAfterDataChange();
}

function pairIdxFiles(files) {
  if (!Array.isArray(files) || files.length === 0) throw new Error('no files given');
  const kind = (name) => (/labels|idx1/i.test(name) ? 'labels' : /images|idx3/i.test(name) ? 'images' : null);
  const part = (name) => (/t10k|test/i.test(name) ? 'test' : 'train');
  const pairs = {};
  for (const file of files) {
    const k = kind(file.name);
    if (!k) throw new Error(`${file.name}: cannot tell images from labels; the name should contain "images" or "labels" (or idx3 / idx1)`);
    (pairs[part(file.name)] ??= {})[k] = file;
  }
  if (!pairs.train && pairs.test) { pairs.train = pairs.test; delete pairs.test; }
  for (const [name, pair] of Object.entries(pairs)) {
    if (!pair.images || !pair.labels) {
      throw new Error(`the ${name} part needs an images file and a labels file; got only ${(pair.images ?? pair.labels).name}`);
    }
  }
  return pairs;
}

// ---- model from the page's state -------------------------------------------------------------

/** web/state.js layer list -> the engine's spec JSON. */
function specFromState(s, inputShape) {
  const layers = s.layers.split('_').map((token) => {
    const [type, ...args] = token.split('.');
    const n = args.map(Number);
    switch (type) {
      case 'conv': return { type: 'conv2d', filters: n[0], kernel: n[1], stride: n[2], pad: n[3] };
      case 'maxpool': case 'avgpool': return { type, kernel: n[0], stride: n[1] };
      case 'linear': return { type: 'linear', units: n[0] };
      case 'dropout': return { type: 'dropout', rate: Number(args.join('.')) };
      default: return { type };  // relu, sigmoid, tanh, batchnorm, flatten
    }
  });
  return { input: inputShape, layers, seed: s.seed };
}

/** The engine's spec -> a web/state.js layer list, or null if a layer has no form there. */
function layersFromSpec(spec) {
  const tokens = [];
  for (const layer of spec.layers) {
    const k = Array.isArray(layer.kernel) ? (layer.kernel[0] === layer.kernel[1] ? layer.kernel[0] : null) : layer.kernel;
    switch (layer.type) {
      case 'conv2d':
        if (k === null || (layer.dilation ?? 1) !== 1) return null;
        tokens.push(`conv.${layer.filters}.${k}.${layer.stride}.${layer.pad}`);
        break;
      case 'maxpool': case 'avgpool':
        if (layer.pad) return null;
        tokens.push(`${layer.type}.${k}.${layer.stride}`);
        break;
      case 'linear': case 'dense': tokens.push(`linear.${layer.units}`); break;
      case 'dropout': tokens.push(`dropout.${layer.rate}`); break;
      case 'relu': case 'sigmoid': case 'tanh': case 'batchnorm': case 'flatten': tokens.push(layer.type); break;
      default: return null;
    }
  }
  return tokens.join('_');
}

/**
 * The engine's layer summary in web/protocol.md's form. The engine's receptiveField.start is the
 * centre of unit 0 (engine/nn/layer.h: 0.5 for a 2x2 pool); the protocol's `start` is the top-left
 * input pixel unit 0 sees, the edge of the region the page outlines: start = centre - (size - 1) / 2,
 * an integer (an even size has a half-pixel centre). The same conversion as the engine's
 * theoretical_receptive_field (engine/introspect/saliency.h). Vector outputs (flatten, linear) see
 * the whole input: null there.
 */
function protocolSummary(summary) {
  return summary.map((layer) => {
    const rf = layer.receptiveField;
    const spatial = layer.outputShape.length === 3 && rf;
    return { ...layer,
      receptiveField: spatial
        ? { size: rf.size, jump: rf.jump, start: Math.round(rf.start - (rf.size - 1) / 2) } : null };
  });
}

const inputShape = () => (data.train ? data.train.sampleShape : [1, 28, 28]);
const architectureKey = (m) => JSON.stringify({ input: m.spec.input, layers: m.spec.layers });

function trainSettings(s) {
  const settings = {
    optimizer: s.optimizer, learningRate: s.learningRate, batchSize: s.batchSize, epochs: s.epochs, seed: s.seed,
    weightDecay: s.weightDecay, loss: s.loss === 'cross-entropy' ? 'cross_entropy' : s.loss,
    schedule: { type: s.schedule, totalEpochs: s.epochs, stepSize: Math.max(1, Math.ceil(s.epochs / 3)), gamma: s.schedule === 'exponential' ? 0.7 : 0.1 },
  };
  if (s.optimizer === 'momentum' || s.optimizer === 'nesterov') settings.momentum = 0.9;
  if (s.augmentation.length && !isPoints()) {  // shifts and rotations are for images
    settings.augment = { maxShift: s.augmentation.includes('translate') ? 2 : 0,
      maxRotation: s.augmentation.includes('rotate') ? 10 : 0, noise: s.augmentation.includes('noise') ? 0.05 : 0 };
  }
  return settings;
}

/**
 * The engine numbers layers from 0 in its errors ("... at layer 2 (conv2d)"); the page numbers
 * them from 1 (layer table, editor rows, web/state.js's parse errors). One place translates.
 */
function oneBasedLayers(message) {
  return String(message).replace(/\blayer (\d+)\b/g, (_, index) => `layer ${Number(index) + 1}`);
}

/** engine.model for the page's state; an invalid spec throws with the page's layer numbers. */
function buildModel(s) {
  try {
    return engine.model(specFromState(s, inputShape()));
  } catch (error) {
    throw new Error(oneBasedLayers(error.message));
  }
}

/** Summary for the model editor, without touching the model being trained. */
function describe(s) {
  let preview;
  try {
    preview = buildModel(s);
  } catch (error) {
    post({ type: 'summaryError', message: error.message, layers: s.layers });
    return;
  }
  post({ type: 'summary', summary: protocolSummary(preview.summary), layers: s.layers, preview: true });
  preview.dispose();
}

async function setState(next, field) {
  const previous = state;
  state = next;
  if (!engine) return;
  if (!data.train || (dataKey(next) !== data.key && (data.key !== null || previous?.dataset !== next.dataset))) {
    setRunning(false);
    try {
      await loadDataset(next);
    } catch (error) {
      postError(error, 'data');
      if (!data.train) return;
    }
    return rebuildAfterDataChange();
  }
  if (field === 'learningRate' && trainer) {
    trainer.learningRate = next.learningRate;  // live, also mid-epoch
    return;
  }
  // A new architecture (or seed) means a new model; other settings rebuild the trainer when the
  // next run starts (or now, when nothing has been trained yet).
  let candidate;
  try {
    candidate = buildModel(next);
  } catch (error) {
    post({ type: 'summaryError', message: error.message, layers: next.layers });
    return;
  }
  const newArchitecture = !model || architectureKey(candidate) !== architectureKey(model);
  if (newArchitecture && running) {  // do not throw away a run in progress: preview only
    post({ type: 'summary', summary: protocolSummary(candidate.summary), layers: next.layers, preview: true });
    post({ type: 'notice', message: 'The edited model is built when you press Start or Reset; training continues with the current one.' });
    candidate.dispose();
  } else if (newArchitecture || (field === 'seed' && !hasTrained())) {
    setRunning(false);
    replaceModel(candidate);
  } else {
    candidate.dispose();
    if (trainer && settingsKey(next) !== trainerSettingsKey) {
      if (hasTrained()) post({ type: 'notice', message: 'New training settings apply after Reset (or when this run finishes and you press Start).' });
      else dropTrainer();
    }
  }
}

function rebuildAfterDataChange() {
  if (!state) return;
  let candidate;
  try {
    candidate = buildModel(state);
  } catch (error) {
    post({ type: 'summaryError', message: error.message, layers: state.layers });
    return;
  }
  setRunning(false);
  replaceModel(candidate);
}

function replaceModel(next, { keepHistory = false } = {}) {
  dropTrainer();
  restored = false;
  model?.dispose();
  engine.trimMemory?.();  // the old model's buffers: the engine would keep them per size, for good
  model = next;
  live.confusion = null;
  if (!keepHistory) post({ type: 'reset' });
  // The new model has not trained: the page must not go on reading the last run's "finished".
  postStatus();
  postModelViews();
}

function postModelViews() {
  post({ type: 'summary', summary: protocolSummary(model.summary), layers: state?.layers ?? null });
  live.views = performance.now();
  postFilters();
  postHistograms();
  if (isPoints()) postBoundary();
}

const settingsKey = (s) => JSON.stringify(trainSettings({ ...s, learningRate: 0 }));
const hasTrained = () => Boolean(trainer && (trainer.epoch > 0 || lastProgress?.batch > 0));
let lastProgress = null;
let lastEpochEnd = null;
let restored = false;  // the model came from a checkpoint with optimizer state: Resume continues it

function dropTrainer() {
  trainer?.dispose();
  trainer = null;
  trainerSettingsKey = null;
  lastProgress = null;
  lastEpochEnd = null;
}

function ensureTrainer() {
  if (!model) throw new Error('no model yet: the data set or the layer list is not valid');
  if (!data.train) throw new Error('no training data loaded');
  if (trainer && !trainer.finished) return;
  if (trainer?.finished) {  // Start after a finished run: train the same model again from its weights
    dropTrainer();
  }
  trainer = engine.trainer(model, trainSettings(state));
  trainer.setData(data.train, data.validation);
  trainerSettingsKey = settingsKey(state);
  if (restored && model.hasOptimizerState) {
    try {
      trainer.restoreOptimizerState(model);
    } catch (error) {
      post({ type: 'notice', message: `Continuing with fresh optimizer state: ${error.message}` });
    }
  }
  restored = false;
}

// ---- training loop ---------------------------------------------------------------------------

function setRunning(on) {
  running = on;
  postStatus();
}

/**
 * `run` is the page's number of the run (one per Start, counting on across engine restarts): the
 * page and its tests tell a run's own "finished" from the one a previous run left behind.
 */
function postStatus() {
  post({ type: 'status', run: runId,
    status: running ? 'training' : trainer?.finished ? 'finished' : hasTrained() || restored ? 'paused' : 'idle' });
}

/** Start: a fresh model with the current settings (Resume continues instead). `run`: the page's number for it. */
async function start(run) {
  setRunning(false);
  replaceModel(buildModel(state));
  ensureTrainer();
  runId = Number.isInteger(run) ? run : runId + 1;
  runLoop();
}

async function resume() {
  if (trainer?.finished) {
    post({ type: 'notice', message: 'This run has finished its epochs: press Start for a new run.' });
    return;
  }
  ensureTrainer();
  runLoop();
}

async function reset() {
  setRunning(false);
  replaceModel(buildModel(state));
  setRunning(false);
}

async function singleStep() {
  setRunning(false);
  ensureTrainer();
  trainChunk(1);
  postLiveViews(true);
  setRunning(false);
}

function runLoop() {
  setRunning(true);
  if (loopActive) return;
  loopActive = true;
  const next = (delay) => {
    queue = queue.then(() => new Promise((resolve) => setTimeout(() => { resolve(); tick(); }, delay)));
  };
  const tick = () => {
    if (!running) {  // paused: show where training stopped
      loopActive = false;
      if (model && trainer) postLiveViews(true);
      return;
    }
    let wait = 0;
    try {
      const started = performance.now();
      // 2-D points: one whole epoch per tick (the trainer stops at the epoch's end).
      const done = trainChunk(isPoints() ? 1_000_000 : chunk);
      const elapsed = performance.now() - started;
      if (isPoints()) {
        wait = Math.max(0, POINTS_TICK_MS - elapsed);
      } else {
        // Aim each chunk at ~75 ms: enough work per message, short enough for pause to feel instant.
        const ideal = chunk * CHUNK_TARGET_MS / Math.max(elapsed, 1);
        chunk = Math.max(1, Math.min(500, Math.round(0.5 * chunk + 0.5 * ideal)));
      }
      if (done) {
        loopActive = false;
        setRunning(false);
        post({ type: 'finished' });
        return;
      }
    } catch (error) {
      loopActive = false;
      setRunning(false);
      postError(error, 'training');
      return;
    }
    // Yield through the message queue so pause / learning-rate messages run between chunks.
    next(wait);
  };
  next(0);
}

/** Train up to `batches` batches; posts progress (and epoch results). Returns true when the run is over. */
function trainChunk(batches) {
  const progress = trainer.step(batches);
  if (progress.diverged) throw new Error(progress.message || 'training diverged');
  lastProgress = progress;
  const settings = state;
  const remainingBatches = (settings.epochs - progress.epoch) * progress.batches + (progress.batches - progress.batch);
  const samplesPerSecond = progress.samplesPerSecond;
  post({ type: 'progress', run: runId, epoch: progress.epoch, epochs: settings.epochs, batch: progress.batch, batches: progress.batches,
    samplesPerSecond, loss: progress.loss, accuracy: progress.accuracy, learningRate: progress.learningRate,
    lastBatchLoss: progress.lastBatchLoss, gradNorm: progress.gradNorm,
    etaSeconds: samplesPerSecond > 0 ? remainingBatches * settings.batchSize / samplesPerSecond : NaN });
  if (!progress.epochDone) {
    postLiveViews(false);
    return false;
  }
  const result = trainer.trainEpoch();
  lastEpochEnd = result;
  const v = result.validation;
  post({ type: 'epochEnd', run: runId, epoch: result.epoch, trainLoss: result.trainLoss, trainAccuracy: result.trainAccuracy,
    validationLoss: v ? v.loss : NaN, validationAccuracy: v ? v.accuracy : NaN, seconds: result.seconds,
    stop: result.stop, stopReason: result.stopReason });
  if (v) live.confusion = { classes: v.classes, matrix: v.confusion };
  const over = trainer.finished || result.stop;
  // Images: an epoch takes seconds, so every epoch end refreshes the views. Points: throttled.
  postLiveViews(over || !isPoints());
  return over;
}

/**
 * The views that cost more than a progress line: the decision boundary (2-D points) at most every
 * LIVE_MS, histograms, filters and the latest confusion matrix at most every VIEWS_MS (2-D points)
 * or IMAGE_VIEWS_MS (within an image epoch); `force` posts them all now (a run stopped, a step,
 * an image epoch's end).
 */
function postLiveViews(force) {
  const now = performance.now();
  if (isPoints() && (force || now - live.boundary >= LIVE_MS)) postBoundary();
  if (!force && now - live.views < (isPoints() ? VIEWS_MS : IMAGE_VIEWS_MS)) return;
  live.views = now;
  if (live.confusion) {
    const { classes, matrix } = live.confusion;
    live.confusion = null;
    post({ type: 'confusion', classes, matrix, classNames: data.classNames }, [matrix.buffer]);
  }
  postFilters();
  postHistograms();
}

// ---- views -----------------------------------------------------------------------------------

/**
 * Layers whose weights can be drawn as images: every conv layer ([K, C, KH, KW], C = the input
 * channels of that layer), and a linear layer that sees the input image itself (only flatten or
 * dropout before it: each unit's weights as an image of the input's shape).
 */
function filterChoices() {
  const input = model.inputShape;
  if (input.length !== 3) return [];
  const choices = [];
  let onImage = true;  // the layer's input is still the raw image, perhaps flattened
  model.summary.forEach((layer, index) => {
    if (layer.type === 'conv2d') choices.push({ layer: index, name: layer.name, kind: 'conv' });
    else if ((layer.type === 'linear' || layer.type === 'dense') && onImage) choices.push({ layer: index, name: layer.name, kind: 'linear' });
    if (layer.type !== 'flatten' && layer.type !== 'dropout') onImage = false;
  });
  return choices;
}

/** The filters of the chosen layer (web/protocol.md `filters`), with the layers one can choose. */
function postFilters() {
  const choices = filterChoices();
  const chosen = choices.find((c) => c.layer === filterLayer) ?? choices[0];
  if (!chosen) {
    post({ type: 'filters', layer: null, shape: null, data: null, choices,
      note: isPoints() ? 'the inputs are 2-D points, not images' : 'no layer of this model has image-shaped weights' });
    return;
  }
  let shape;
  let weights;
  if (chosen.kind === 'conv' && introspect) {
    const f = model.filters(chosen.layer);
    shape = f.shape;
    weights = f.data;
  } else {
    const parameter = model.parameters().find((p) => p.name === `${chosen.name}.weight`);
    weights = parameter.data;
    shape = chosen.kind === 'conv' ? parameter.shape : [parameter.shape[0], ...model.inputShape];
  }
  const count = Math.min(shape[0], MAX_FILTERS);
  const perFilter = shape[1] * shape[2] * shape[3];
  const values = weights.slice(0, count * perFilter);
  post({ type: 'filters', layer: chosen.name, layerIndex: chosen.layer, shape: [count, shape[1], shape[2], shape[3]],
    data: values, total: shape[0], choices }, [values.buffer]);
}

/** Weight and gradient histograms per layer, from the engine (engine/introspect/histograms.h). */
function postHistograms() {
  if (typeof model.histograms === 'function') {
    const list = model.histograms(HISTOGRAM_BINS)
      .filter((h) => h.name.endsWith('.weight'))
      .map((h) => ({ layer: h.layerName, name: h.name, kind: h.kind === 'gradient' ? 'gradient' : 'weight',
        min: h.min, max: h.max, counts: Array.from(h.counts) }));
    post({ type: 'histograms', list });
    return;
  }
  const list = [];
  for (const p of model.parameters()) {
    if (!p.name.endsWith('.weight')) continue;
    list.push(histogram(p.name.split('.')[0], p.name, 'weight', p.data));
  }
  post({ type: 'histograms', list });
}

function histogram(layer, name, kind, values) {
  let min = Infinity, max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  if (!(max > min)) { min -= 0.5; max += 0.5; }
  const counts = new Array(HISTOGRAM_BINS).fill(0);
  const scale = HISTOGRAM_BINS / (max - min);
  for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) * scale))] += 1;
  return { layer, name, kind, min, max, counts };
}

// ---- 2-D points: the data and the decision boundary ---------------------------------------------

/**
 * The training points, and the square region of the plane the boundary covers: the points'
 * bounding box grown by 15% around its centre, equal scale on both axes (circles stay round).
 */
function postPoints() {
  const x = data.train.inputs(0, data.train.size);
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < x.length; i += 2) {
    xMin = Math.min(xMin, x[i]); xMax = Math.max(xMax, x[i]);
    yMin = Math.min(yMin, x[i + 1]); yMax = Math.max(yMax, x[i + 1]);
  }
  const half = Math.max(xMax - xMin, yMax - yMin, 1e-3) * 0.575;
  const cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;
  const extent = { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
  // Cell centres, row 0 at the top (yMax): the order the view paints them in.
  const g = BOUNDARY_RESOLUTION;
  const inputs = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      inputs[2 * (r * g + c)] = extent.xMin + ((c + 0.5) / g) * (extent.xMax - extent.xMin);
      inputs[2 * (r * g + c) + 1] = extent.yMax - ((r + 0.5) / g) * (extent.yMax - extent.yMin);
    }
  }
  data.grid = { extent, inputs };
  const labels = data.train.labels();
  post({ type: 'points', x, labels, classes: data.train.numClasses, classNames: data.classNames, extent, name: data.name },
    [x.buffer, labels.buffer]);
}

/** The model's class and its probability at every grid cell (web/protocol.md `boundary`). */
function postBoundary() {
  live.boundary = performance.now();
  if (!model || !data.grid || model.inputShape.join() !== '2') return;
  const cells = BOUNDARY_RESOLUTION * BOUNDARY_RESOLUTION;
  const probabilities = model.predict(data.grid.inputs, cells);
  const classes = probabilities.length / cells;
  const predicted = new Uint8Array(cells);
  const confidence = new Float32Array(cells);
  for (let i = 0; i < cells; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
    predicted[i] = best;
    confidence[i] = probabilities[i * classes + best];
  }
  post({ type: 'boundary', extent: data.grid.extent, resolution: BOUNDARY_RESOLUTION, predicted, confidence, classes,
    epoch: lastEpochEnd?.epoch ?? 0, batch: lastProgress?.batch ?? 0,
    accuracy: lastEpochEnd ? lastEpochEnd.trainAccuracy : lastProgress ? lastProgress.accuracy : NaN },
  [predicted.buffer, confidence.buffer]);
}

// ---- seeing inside an image model --------------------------------------------------------------

function predict(pixels) {
  if (!model || isPoints()) return;
  const probabilities = model.predict(pixels, 1);
  post({ type: 'prediction', probabilities }, [probabilities.buffer]);
  if (introspect?.activations) postActivations(pixels);
}

function postActivations(pixels) {
  const list = model.activations(pixels);
  const transfer = list.map((a) => a.data.buffer);
  post({ type: 'activations', list }, transfer);
}

function postMaps({ kind, layer, channel, row, col, pixels, classIndex }) {
  if (!introspect?.[kind]) {
    post({ type: 'notice', message: `This engine build has no ${kind} yet.` });
    return;
  }
  if (!model || isPoints()) return;
  const map = kind === 'classImage' ? { ...model.classImage(classIndex, { steps: CLASS_IMAGE_STEPS }), classIndex } :
    kind === 'saliency' ? model.saliency(pixels, classIndex ?? -1) :
      model.effectiveReceptiveField(pixels, { layer, channel, row, col });
  post({ type: 'maps', kind, ...map }, [map.data.buffer]);
}

/**
 * "What does class k look like" for every class, one class per queued task, so pause, steps and
 * other requests interleave and the page fills the tiles in as they come.
 */
function classImages(steps) {
  if (!introspect?.classImage) {
    post({ type: 'notice', message: 'This engine build has no class images yet.' });
    return;
  }
  if (!model || isPoints() || model.inputShape.length !== 3) return;
  const target = model;
  const classes = model.outputShape[0];
  post({ type: 'classImagesStart', total: classes, steps });
  for (let k = 0; k < classes; k++) {
    queue = queue.then(() => {
      if (model !== target) return;  // replaced meanwhile: its images would describe another model
      const image = model.classImage(k, { steps });
      post({ type: 'maps', kind: 'classImage', classIndex: k, ...image }, [image.data.buffer]);
    }).catch((error) => postError(error, 'classImage'));
  }
}

function evaluateValidation() {
  if (!data.validation) return;
  const withTrainer = trainer ?? engine.trainer(model, trainSettings(state));
  try {
    const r = withTrainer.evaluate(data.validation);
    post({ type: 'evaluation', loss: r.loss, accuracy: r.accuracy, samples: r.samples });
    post({ type: 'confusion', classes: r.classes, matrix: r.confusion, classNames: data.classNames }, [r.confusion.buffer]);
  } finally {
    if (withTrainer !== trainer) withTrainer.dispose();
  }
}

/** The validation examples of one confusion-matrix cell (for 2-D points: the points, to ring). */
function examples(trueClass, predictedClass) {
  const set = data.validation;
  const labels = set.labels();
  const perSample = set.sampleShape.reduce((a, b) => a * b, 1);
  const names = data.classNames ?? [];
  const cell = `true ${names[trueClass] ?? trueClass} → predicted ${names[predictedClass] ?? predictedClass}`;
  if (isPoints()) {
    const inputs = set.inputs(0, set.size);
    const predicted = model.classify(inputs, set.size);
    const picked = [];
    for (let i = 0; i < set.size; i++) {
      if (labels[i] === trueClass && predicted[i] === predictedClass) picked.push(inputs[2 * i], inputs[2 * i + 1]);
    }
    const x = Float32Array.from(picked);
    const count = x.length / 2;
    post({ type: 'highlight', x, title: `${cell}: ${count ? `${count} validation point${count === 1 ? '' : 's'}` : 'none'}` }, [x.buffer]);
    return;
  }
  const [h, w] = set.sampleShape.slice(-2);
  const picked = [];
  const block = 256;
  for (let start = 0; start < set.size && picked.length < EXAMPLES_PER_CELL; start += block) {
    const count = Math.min(block, set.size - start);
    const inputs = set.inputs(start, count);
    const predicted = model.classify(inputs, count);
    for (let i = 0; i < count && picked.length < EXAMPLES_PER_CELL; i++) {
      if (labels[start + i] === trueClass && predicted[i] === predictedClass) {
        picked.push(inputs.slice(i * perSample, i * perSample + h * w));
      }
    }
  }
  const images = new Float32Array(picked.length * h * w);
  picked.forEach((image, i) => images.set(image, i * h * w));
  const title = `${cell}: ` +
    (picked.length ? `${picked.length} example${picked.length === 1 ? '' : 's'}${picked.length === EXAMPLES_PER_CELL ? ' (first)' : ''}` : 'none');
  post({ type: 'examples', images, labels: new Array(picked.length).fill(trueClass),
    predictions: new Array(picked.length).fill(predictedClass), shape: [h, w], title }, [images.buffer]);
}

// ---- save and load ---------------------------------------------------------------------------

/** reply: 'saved' (the user's Save) or 'checkpoint' (the supervisor's autosave). */
function save(metadata, reply = 'saved') {
  if (!model) {
    if (reply === 'checkpoint') return post({ type: 'checkpoint', bytes: null });
    throw new Error('no model to save');
  }
  const position = lastProgress ? { epoch: lastProgress.epoch, batch: lastProgress.batch } : null;
  const meta = { ...metadata, layers: state?.layers, dataset: data.name, epoch: trainer?.epoch ?? 0, position };
  const bytes = trainer ? trainer.save(meta) : model.save(meta);
  const copy = bytes.slice();
  post({ type: reply, bytes: copy.buffer, metadata: meta }, [copy.buffer]);
}

/** restore: a checkpoint after a restart (web/worker-supervisor.js): Resume continues it. */
function loadModelBytes(buffer, restore = false) {
  const loaded = engine.loadModel(new Uint8Array(buffer));
  const expected = inputShape();
  const got = loaded.inputShape;
  if (data.train && got.join('x') !== expected.join('x')) {
    loaded.dispose();
    throw new Error(`this model expects inputs of shape ${got.join('×')}, but the data set has ${expected.join('×')}`);
  }
  setRunning(false);
  replaceModel(loaded);
  restored = Boolean(restore);
  post({ type: 'modelLoaded', layers: layersFromSpec(loaded.spec), metadata: loaded.metadata,
    parameters: loaded.parameterCount, restored });
  if (data.validation) evaluateValidation();
  setRunning(false);
}
