// The playground's settings: every field a user sets, with its URL key, limits and help text, so a
// control can say what it takes and a link can hold any experiment (TensorFlow Playground style).
// Everything arriving from a URL or from storage is untrusted: it is validated here (unknown keys
// dropped, numbers type- and range-checked, strings only from allowed sets), and a value that
// fails is reported with the field it belongs to, never silently replaced. No DOM: runs in Node.
//
// The model itself is not described here: `model` names an engine preset (the engine's preset
// table is the only one) or 'custom', whose layers are the text in `layers` (model-text.js).

import { checkValue } from '../shared/check-value.js';

/**
 * The data sets: images (28x28 grey, 10 classes; or the user's photos: `photos`, in colour or grey
 * at the chosen size, see image-panel.js) or 2-D points from the engine's toy sets. `model`: the
 * preset a set starts with when it is chosen (else its kind's default).
 */
export const DATASETS = Object.freeze({
  // the bundled digits, as the CLI and the engine name them
  digits: { kind: 'image', classes: 10, title: 'MNIST digits', menu: 'MNIST digits (bundled)', group: 'Images (28×28)' },
  'fashion-mnist': { kind: 'image', classes: 10, title: 'Fashion-MNIST', menu: 'Fashion-MNIST (your copy of its files)', group: 'Images (28×28)' },
  idx: { kind: 'image', classes: 0, title: 'Your IDX files', menu: 'Your IDX files', group: 'Images (28×28)' },
  images: { kind: 'image', classes: 0, title: 'Your images', menu: 'Your images (a folder or .zip)', group: 'Your photos (colour or grey)',
    photos: 'folder', model: 'simplenet' },
  webcam: { kind: 'image', classes: 0, title: 'Webcam captures', menu: 'Webcam captures', group: 'Your photos (colour or grey)',
    photos: 'webcam', model: 'simplenet' },
  xor: { kind: 'points', classes: 2, title: 'XOR', menu: 'XOR (4 noisy corners)', group: '2-D points' },
  circles: { kind: 'points', classes: 2, title: 'Circles', menu: 'Circles (one inside the other)', group: '2-D points' },
  moons: { kind: 'points', classes: 2, title: 'Moons', menu: 'Moons (two half circles)', group: '2-D points' },
  spirals: { kind: 'points', classes: 2, title: 'Spirals', menu: 'Spirals (two arms)', group: '2-D points' },
  blobs: { kind: 'points', classes: 3, title: 'Blobs', menu: 'Blobs (3 clusters)', group: '2-D points' },
});

/** 'image' or 'points' for a dataset name. */
export const dataKind = (dataset) => (DATASETS[dataset]?.kind === 'points' ? 'points' : 'image');

/** The preset a kind of data starts with (names from the engine's preset table). */
export const DEFAULT_MODEL = Object.freeze({ image: 'cnn', points: 'mlp-2d' });

/** The preset a data set starts with: photos the lectures' colour CNN (SimpleNet), others their kind's. */
export const datasetModel = (dataset) => DATASETS[dataset]?.model ?? DEFAULT_MODEL[dataKind(dataset)];

/** Sizes (pixels a side) and channels the user's photos can be read at (image-panel.js). */
export const IMAGE_SIZES = Object.freeze(['16', '24', '28', '32', '48', '64', '96']);
export const IMAGE_CHANNELS = Object.freeze(['3', '1']);

/**
 * Training settings that suit each kind of data, applied (with the kind's default model) when the
 * data switch kind: 2-D sets have a few hundred points, so many short epochs and a larger step.
 */
export const KIND_SETTINGS = Object.freeze({
  image: Object.freeze({ epochs: 3, learningRate: 0.001, batchSize: 32 }),
  points: Object.freeze({ epochs: 100, learningRate: 0.03, batchSize: 16 }),
});

/** Pace of 2-D runs: at most this many epochs a second ('max': as fast as the engine goes). */
export const PACES = Object.freeze(['max', '40', '20', '10', '5', '2', '1']);

/** Controls a lecturer can hide with hide=... (the control groups in index.html carry data-control). */
const HIDEABLE = ['dataset', 'toyNoise', 'toySamples', 'model', 'layers', 'optimizer', 'learningRate', 'schedule',
  'batchSize', 'weightDecay', 'loss', 'epochs', 'seed', 'augmentation', 'pace', 'imageSize', 'imageChannels'];

/**
 * How the page names the engine's optimizers, losses and schedules in its menus. Which ones there
 * are comes from the engine's catalog (engine.catalog); a name the engine adds and this table
 * lacks is offered under its own name.
 */
const TITLES = Object.freeze({
  optimizers: { sgd: 'SGD', momentum: 'SGD + momentum 0.9', nesterov: 'Nesterov', adagrad: 'Adagrad', rmsprop: 'RMSProp',
    adam: 'Adam', adamw: 'AdamW' },
  losses: { cross_entropy: 'softmax cross-entropy', hinge: 'multiclass hinge (SVM)', mse: 'squared error',
    bce: 'binary cross-entropy (sigmoid)' },
  schedules: { constant: 'constant', step: 'step decay', exponential: 'exponential', cosine: 'cosine' },
});

/**
 * One entry per field. `key`: its name in the URL. Types: 'enum' (one of `values`, or of the
 * engine's catalog list named by `catalog`), 'int' / 'number' (within [min, max]), 'flags' (a
 * subset of `values`, comma separated), 'name' (an identifier the engine checks: a preset), 'text'
 * (the layer list, checked by model-text.js and the engine). `label` and `help` are what the form
 * shows; limits in help come from min and max. `control`: the form control settings-markup.js
 * builds for the field ('text', 'select'; `slider: 'log'` adds a log-scale range beside the text);
 * `kind`: shown only for that kind of data. `titles`: what a menu shows for a value; `groups`: the
 * menu's group of a value; `describedBy`: the id of a help text the page writes elsewhere.
 */
export const SCHEMA = Object.freeze({
  // data=mnist: what links said before the bundled digits were called digits here as in the CLI; it still reads.
  dataset: { key: 'data', type: 'enum', values: Object.keys(DATASETS), aliases: { mnist: 'digits' }, default: 'digits', label: 'Dataset',
    control: 'select', titles: Object.fromEntries(Object.entries(DATASETS).map(([name, d]) => [name, d.menu])),
    groups: Object.fromEntries(Object.entries(DATASETS).map(([name, d]) => [name, d.group])) },
  toyNoise: { key: 'noise', type: 'number', min: 0, max: 2, default: 0.1, label: 'Noise', control: 'text', kind: 'points',
    help: 'standard deviation of the jitter added to each point' },
  toySamples: { key: 'n', type: 'int', min: 20, max: 5000, default: 400, label: 'Points', control: 'text', kind: 'points',
    help: 'training points; a quarter as many more (another seed) are the validation set' },
  model: { key: 'model', type: 'name', default: 'cnn', label: 'Architecture' },
  layers: { key: 'layers', type: 'text', maxLength: 2000, default: '', label: 'Layers' },
  optimizer: { key: 'opt', type: 'enum', catalog: 'optimizers', titles: TITLES.optimizers, default: 'adam', label: 'Optimizer',
    control: 'select' },
  learningRate: { key: 'lr', type: 'number', min: 1e-6, max: 10, default: 0.001, label: 'Learning rate', control: 'text',
    slider: 'log', help: 'changes apply live while training' },
  schedule: { key: 'sched', type: 'enum', catalog: 'schedules', titles: TITLES.schedules, default: 'constant', label: 'Schedule',
    control: 'select' },
  batchSize: { key: 'batch', type: 'int', min: 1, max: 1024, default: 32, label: 'Batch size', control: 'text' },
  weightDecay: { key: 'wd', type: 'number', min: 0, max: 0.1, default: 0, label: 'Weight decay', control: 'text' },
  loss: { key: 'loss', type: 'enum', catalog: 'losses', titles: TITLES.losses, aliases: { 'cross-entropy': 'cross_entropy' },
    default: 'cross_entropy', label: 'Loss', control: 'select' },
  epochs: { key: 'epochs', type: 'int', min: 1, max: 1000, default: 3, label: 'Epochs', control: 'text' },
  seed: { key: 'seed', type: 'int', min: 0, max: 2147483647, default: 1, label: 'Seed', control: 'text',
    help: 'initial weights, shuffling, dropout and the 2-D points' },
  augmentation: { key: 'aug', type: 'flags', values: ['translate', 'rotate', 'noise'], default: [], label: 'Augmentation' },
  pace: { key: 'pace', type: 'enum', values: PACES, default: '20', label: 'Pace', control: 'select', kind: 'points',
    titles: Object.fromEntries(PACES.map((p) => [p, p === 'max' ? 'as fast as it goes' : `${p} epoch${p === '1' ? '' : 's'} a second`])),
    help: 'at most this many epochs a second, so the boundary can be watched forming' },
  // The user's photos (a folder, a zip, the webcam): the size and channels they are fitted to.
  imageSize: { key: 'size', type: 'enum', values: IMAGE_SIZES, default: '32', label: 'Image size', control: 'select',
    titles: Object.fromEntries(IMAGE_SIZES.map((n) => [n, `${n}×${n}`])), describedBy: 'image-fit-help' },
  imageChannels: { key: 'ch', type: 'enum', values: IMAGE_CHANNELS, default: '3', label: 'Channels', control: 'select',
    titles: { 3: 'colour', 1: 'grey' }, describedBy: 'image-channels-help' },
  hidden: { key: 'hide', type: 'flags', values: HIDEABLE, default: [], label: 'Hidden controls' },
});

/** The id of a field's control in the page: learningRate -> "learning-rate". */
export const controlId = (field) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The values an enum field can hold: its own list, or the engine's catalog list it names (null
 * while the catalog is not known: the engine has not loaded). `catalog`: engine.catalog, or any
 * object with its lists (the store's engine slice).
 */
export function enumValues(field, catalog) {
  const spec = SCHEMA[field];
  if (spec.values) return spec.values;
  const list = catalog?.[spec.catalog];
  return Array.isArray(list) && list.length ? list : null;
}

/** The limits of a numeric field as the help text states them: "1 to 1024". */
export function limitsText(field) {
  const spec = SCHEMA[field];
  const format = (v) => (Math.abs(v) >= 1e5 ? v.toLocaleString('en-US') : String(v));
  return spec.type === 'int' || spec.type === 'number' ? `${format(spec.min)} to ${format(spec.max)}` : '';
}

/** A fresh copy of the default settings. */
export function defaultSettings() {
  const settings = {};
  for (const [field, spec] of Object.entries(SCHEMA)) settings[field] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  return settings;
}

export const DEFAULTS = Object.freeze(defaultSettings());

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Checks one field's value (from a control, a URL or storage). Returns {value} or {error}; for
 * 'flags', {value, error} keeps the valid items and names the ones dropped. `catalog`: the
 * engine's catalog for the fields whose values it lists; without it (the engine still loading)
 * such a value need only be a name, and is checked again when the catalog comes (app.js).
 */
export function validateField(field, raw, catalog = null) {
  const spec = Object.hasOwn(SCHEMA, field) ? SCHEMA[field] : null;
  if (!spec) return { error: `unknown field "${String(field).slice(0, 20)}"` };
  switch (spec.type) {
    case 'enum': {
      const values = enumValues(field, catalog);
      if (values) return checkValue({ type: 'enum', values, aliases: spec.aliases }, raw);
      const value = spec.aliases && Object.hasOwn(spec.aliases, raw) ? spec.aliases[raw] : raw;
      return typeof value === 'string' && NAME.test(value) ? { value } : { error: `"${String(raw).slice(0, 20)}" is not a name` };
    }
    case 'int':
    case 'number':
      return checkValue(spec, raw);
    case 'flags': {
      const list = typeof raw === 'string' ? (raw === '' ? [] : raw.split(',')) : raw;
      if (!Array.isArray(list)) return { error: 'is not a list' };
      const bad = list.filter((item) => !spec.values.includes(item));
      const value = spec.values.filter((item) => list.includes(item));  // canonical order, no duplicates
      return bad.length
        ? { value, error: `${bad.map((b) => `"${String(b).slice(0, 20)}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not one of ${spec.values.join(', ')}` }
        : { value };
    }
    case 'name':
      return typeof raw === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(raw) ? { value: raw } : { error: `"${String(raw).slice(0, 20)}" is not a model name` };
    case 'text':
      if (typeof raw !== 'string') return { error: 'is not text' };
      if (raw.length > spec.maxLength) return { error: `is longer than ${spec.maxLength} characters` };
      return /^[A-Za-z0-9_.+()|-]*$/.test(raw)  // ( | ): blocks, residual(a|b) and concat(a|b|c)
        ? { value: raw } : { error: 'holds characters a layer list does not use' };
    default:
      return { error: 'bad schema' };
  }
}

/**
 * Validates a partial or whole settings object. Every field not given takes its default (or, for
 * epochs, learning rate and batch size, the value that suits the data's kind); a field given but
 * invalid keeps its default too and is reported. Returns {settings, errors: [{field, message}]}.
 * `catalog`: the engine's catalog, when it is known (validateField).
 */
export function validateSettings(input, catalog = null) {
  const settings = defaultSettings();
  const errors = [];
  if (input === null || typeof input !== 'object') return { settings, errors };
  const given = new Set();
  for (const field of Object.keys(SCHEMA)) {
    if (!Object.hasOwn(input, field)) continue;
    const checked = validateField(field, input[field], catalog);
    if (checked.error) errors.push({ field, message: checked.error });
    if (checked.value !== undefined) {
      settings[field] = checked.value;
      given.add(field);
    }
  }
  const kind = dataKind(settings.dataset);
  for (const [field, value] of Object.entries(KIND_SETTINGS[kind])) if (!given.has(field)) settings[field] = value;
  if (!given.has('model')) settings.model = datasetModel(settings.dataset);
  // A custom model without a layer list (none given, or one refused above) is the kind's default.
  if (settings.model === 'custom' && !settings.layers) {
    if (!errors.some((e) => e.field === 'layers')) errors.push({ field: 'layers', message: 'is missing: a custom model needs its layer list' });
    settings.model = DEFAULT_MODEL[kind];
  }
  if (settings.model !== 'custom') settings.layers = '';
  return { settings, errors };
}

/** Settings -> "data=digits&model=...". Layers are written only for a custom model. */
export function serializeSettings(settings) {
  const params = new URLSearchParams();
  for (const [field, spec] of Object.entries(SCHEMA)) {
    if (field === 'layers' && settings.model !== 'custom') continue;
    if ((field === 'imageSize' || field === 'imageChannels') && !DATASETS[settings.dataset]?.photos) continue;
    const value = settings[field];
    params.set(spec.key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

/** "#data=digits&lr=0.01" (leading # optional) -> {settings, errors}. Never throws. `catalog`: as validateField. */
export function parseHash(hash, catalog = null) {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  let params;
  try {
    params = new URLSearchParams(text);
  } catch {
    return validateSettings({}, catalog);
  }
  const byKey = new Map(Object.entries(SCHEMA).map(([field, spec]) => [spec.key, field]));
  const input = {};
  for (const [key, raw] of params) {
    const field = byKey.get(key);
    if (field) input[field] = raw;  // unknown keys dropped
  }
  return validateSettings(input, catalog);
}

/** Training settings for the engine's trainer (engine/train/config_json.h) from the page's settings. */
export function trainSettings(s) {
  const points = dataKind(s.dataset) === 'points';
  const settings = {
    optimizer: s.optimizer, learningRate: s.learningRate, batchSize: s.batchSize, epochs: s.epochs, seed: s.seed,
    weightDecay: s.weightDecay, loss: s.loss,
    schedule: { type: s.schedule, totalEpochs: s.epochs, stepSize: Math.max(1, Math.ceil(s.epochs / 3)),
      gamma: s.schedule === 'exponential' ? 0.7 : 0.1 },
  };
  if (s.optimizer === 'momentum' || s.optimizer === 'nesterov') settings.momentum = 0.9;  // what the menu says (TITLES)
  if (s.augmentation.length && !points) {  // shifts and rotations are for images
    settings.augment = { maxShift: s.augmentation.includes('translate') ? 2 : 0,
      maxRotation: s.augmentation.includes('rotate') ? 10 : 0, noise: s.augmentation.includes('noise') ? 0.05 : 0 };
  }
  return settings;
}

/** Milliseconds to wait after each epoch for a pace ('max' or epochs a second). */
export const epochGapMs = (pace) => (pace === 'max' ? 0 : Math.round(1000 / Number(pace)));
