// The playground's whole UI state as one plain object, mirrored in the URL hash so that any
// experiment is a link (TensorFlow Playground style). Everything arriving from a URL is untrusted:
// it is validated against SCHEMA (unknown keys dropped, numbers type- and range-checked, strings
// only from allowed sets) and is never inserted as HTML by any module. No DOM here: runs in Node.

/** Layer types a custom model may use, with their integer/number parameters in URL order. */
export const LAYER_TYPES = Object.freeze({
  conv: [
    { name: 'filters', type: 'int', min: 1, max: 256 },
    { name: 'kernel', type: 'int', min: 1, max: 11 },
    { name: 'stride', type: 'int', min: 1, max: 4 },
    { name: 'padding', type: 'int', min: 0, max: 5 },
  ],
  maxpool: [
    { name: 'size', type: 'int', min: 1, max: 4 },
    { name: 'stride', type: 'int', min: 1, max: 4 },
  ],
  avgpool: [
    { name: 'size', type: 'int', min: 1, max: 4 },
    { name: 'stride', type: 'int', min: 1, max: 4 },
  ],
  linear: [{ name: 'units', type: 'int', min: 1, max: 4096 }],
  dropout: [{ name: 'p', type: 'number', min: 0, max: 0.95 }],
  batchnorm: [],
  relu: [],
  sigmoid: [],
  tanh: [],
  flatten: [],
});

const MAX_LAYERS = 24;

/**
 * The data sets: images (28x28 digits or clothes, 10 classes) or 2-D points from the engine's toy
 * sets (engine/data/toy.h; inputs [2], `classes` labels). The kind decides which presets and
 * which views make sense.
 */
export const DATASETS = Object.freeze({
  mnist: { kind: 'image', classes: 10 },
  'fashion-mnist': { kind: 'image', classes: 10 },
  xor: { kind: 'points', classes: 2 },
  circles: { kind: 'points', classes: 2 },
  moons: { kind: 'points', classes: 2 },
  spirals: { kind: 'points', classes: 2 },
  blobs: { kind: 'points', classes: 3 },
});

/** 'image' or 'points' for a dataset name of the schema. */
export const dataKind = (dataset) => (DATASETS[dataset]?.kind === 'points' ? 'points' : 'image');

/** Named architectures for image data; 'custom' means the layer list in state.layers. */
export const PRESETS = Object.freeze({
  // LeNet-5 as the lectures tabulate it (SEEDS.md).
  lenet5: 'conv.20.5.1.2_relu_maxpool.2.2_conv.50.5.1.2_relu_maxpool.2.2_flatten_linear.500_relu_linear.10',
  'small-cnn': 'conv.8.5.1.2_relu_maxpool.2.2_conv.16.5.1.2_relu_maxpool.2.2_flatten_linear.10',
  mlp: 'flatten_linear.128_relu_linear.10',
  linear: 'flatten_linear.10',
});

/** Named architectures for 2-D points: MLPs with 2 inputs and one output per class. */
export const POINT_PRESETS = Object.freeze({
  'mlp-2d': (classes) => `linear.24_tanh_linear.24_tanh_linear.${classes}`,
  // The lecture's point: XOR is not linearly separable, one hidden layer solves it.
  'hidden-4': (classes) => `linear.4_tanh_linear.${classes}`,
  linear: (classes) => `linear.${classes}`,  // softmax regression: a straight boundary
});

/** The preset a kind of data starts with. */
export const DEFAULT_MODEL = Object.freeze({ image: 'small-cnn', points: 'mlp-2d' });

/**
 * Training settings that suit each kind of data, applied (with the kind's default model) when the
 * form switches kind: 2-D sets have a few hundred points, so many short epochs and a larger step.
 */
export const KIND_SETTINGS = Object.freeze({
  image: Object.freeze({ epochs: 3, learningRate: 0.001, batchSize: 32 }),
  points: Object.freeze({ epochs: 100, learningRate: 0.03, batchSize: 16 }),
});

/** The layer list of a preset for a dataset, or null when the preset is not for that kind of data. */
export function presetLayers(model, dataset) {
  if (dataKind(dataset) === 'points') {
    return Object.hasOwn(POINT_PRESETS, model) ? POINT_PRESETS[model](DATASETS[dataset].classes) : null;
  }
  return Object.hasOwn(PRESETS, model) ? PRESETS[model] : null;
}

/** Preset names that fit a dataset's kind (the model menu shows only these, plus 'custom'). */
export function presetsFor(dataset) {
  return Object.keys(dataKind(dataset) === 'points' ? POINT_PRESETS : PRESETS);
}

/**
 * One entry per state field. `key` is the short name used in the URL hash.
 * Types: 'enum' (one of `values`), 'int' / 'number' (within [min, max]), 'flags' (subset of
 * `values`, comma separated in the URL), 'layers' (layer list, see parseLayers).
 */
export const SCHEMA = Object.freeze({
  dataset: { key: 'data', type: 'enum', values: Object.keys(DATASETS), default: 'mnist' },
  // 2-D point sets only: gaussian jitter (std, in input units) and the number of training points.
  toyNoise: { key: 'noise', type: 'number', min: 0, max: 2, default: 0.1 },
  toySamples: { key: 'n', type: 'int', min: 20, max: 5000, default: 400 },
  model: {
    key: 'model', type: 'enum', values: [...new Set([...Object.keys(PRESETS), ...Object.keys(POINT_PRESETS)]), 'custom'],
    default: 'small-cnn',
  },
  layers: { key: 'layers', type: 'layers', default: PRESETS['small-cnn'] },
  optimizer: {
    key: 'opt', type: 'enum', values: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'], default: 'adam',
  },
  learningRate: { key: 'lr', type: 'number', min: 1e-6, max: 10, default: 0.001 },
  schedule: { key: 'sched', type: 'enum', values: ['constant', 'step', 'exponential', 'cosine'], default: 'constant' },
  batchSize: { key: 'batch', type: 'int', min: 1, max: 1024, default: 32 },
  weightDecay: { key: 'wd', type: 'number', min: 0, max: 0.1, default: 0 },
  loss: { key: 'loss', type: 'enum', values: ['cross-entropy', 'hinge', 'mse'], default: 'cross-entropy' },
  epochs: { key: 'epochs', type: 'int', min: 1, max: 100, default: 3 },
  seed: { key: 'seed', type: 'int', min: 0, max: 2147483647, default: 1 },
  augmentation: { key: 'aug', type: 'flags', values: ['translate', 'rotate', 'noise'], default: [] },
  // Controls a lecturer can hide to keep a demo focused (ids of the control groups in index.html).
  hidden: {
    key: 'hide',
    type: 'flags',
    values: ['dataset', 'toyNoise', 'toySamples', 'model', 'layers', 'optimizer', 'learningRate', 'schedule', 'batchSize',
      'weightDecay', 'loss', 'epochs', 'seed', 'augmentation'],
    default: [],
  },
});

/** A fresh copy of the default state. */
export function defaultState() {
  const state = {};
  for (const [field, spec] of Object.entries(SCHEMA)) {
    state[field] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  return state;
}

export const DEFAULTS = Object.freeze(defaultState());

/**
 * Parse a layer list like "conv.8.5.1.2_relu_maxpool.2.2_flatten_linear.10".
 * Returns {layers:[{type, ...params}], error} with error null when valid.
 */
export function parseLayers(text) {
  if (typeof text !== 'string' || text.length === 0) return { layers: [], error: 'layer list is empty' };
  const tokens = text.split('_');
  if (tokens.length > MAX_LAYERS) return { layers: [], error: `too many layers (${tokens.length}, at most ${MAX_LAYERS})` };
  const layers = [];
  for (const [index, token] of tokens.entries()) {
    const [type, ...args] = token.split('.');
    // A parameter like 0.5 splits into '0' and '5'; only dropout takes a fraction: rejoin it.
    const params = LAYER_TYPES[type] && Object.hasOwn(LAYER_TYPES, type) ? LAYER_TYPES[type] : null;
    if (!params) return { layers: [], error: `layer ${index + 1}: unknown type "${String(type).slice(0, 20)}"` };
    const values = type === 'dropout' && args.length === 2 ? [`${args[0]}.${args[1]}`] : args;
    if (values.length !== params.length) {
      return { layers: [], error: `layer ${index + 1} (${type}): expected ${params.length} parameters, got ${values.length}` };
    }
    const layer = { type };
    for (const [i, param] of params.entries()) {
      const checked = checkNumber(values[i], param);
      if (checked.error) return { layers: [], error: `layer ${index + 1} (${type}) ${param.name}: ${checked.error}` };
      layer[param.name] = checked.value;
    }
    layers.push(layer);
  }
  return { layers, error: null };
}

/** Inverse of parseLayers. */
export function formatLayers(layers) {
  return layers.map((layer) => [layer.type, ...LAYER_TYPES[layer.type].map((p) => layer[p.name])].join('.')).join('_');
}

function checkNumber(raw, spec) {
  const text = String(raw).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return { error: 'not a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: 'not a finite number' };
  if (spec.type === 'int' && !Number.isInteger(value)) return { error: `${value} is not an integer` };
  if (value < spec.min || value > spec.max) return { error: `${value} outside [${spec.min}, ${spec.max}]` };
  return { value };
}

/** Check one field's value (already in JS form). Returns {value} or {error}. */
export function validateField(field, value) {
  const spec = Object.hasOwn(SCHEMA, field) ? SCHEMA[field] : null;
  if (!spec) return { error: `unknown field "${String(field).slice(0, 20)}"` };
  switch (spec.type) {
    case 'enum':
      return spec.values.includes(value) ? { value } : { error: `must be one of ${spec.values.join(', ')}` };
    case 'int':
    case 'number':
      if (typeof value !== 'number' && typeof value !== 'string') return { error: 'not a number' };
      return checkNumber(value, spec);
    case 'flags': {
      const list = typeof value === 'string' ? (value === '' ? [] : value.split(',')) : value;
      if (!Array.isArray(list)) return { error: 'not a list' };
      const bad = list.find((item) => !spec.values.includes(item));
      if (bad !== undefined) return { error: `"${String(bad).slice(0, 20)}" is not one of ${spec.values.join(', ')}` };
      return { value: spec.values.filter((item) => list.includes(item)) }; // canonical order, no duplicates
    }
    case 'layers': {
      if (typeof value !== 'string') return { error: 'not a layer list' };
      const parsed = parseLayers(value);
      return parsed.error ? { error: parsed.error } : { value: formatLayers(parsed.layers) };
    }
    default:
      return { error: 'bad schema' };
  }
}

/**
 * Validate a partial or whole state object. Every field not given or invalid takes its default;
 * unknown keys are dropped. Returns {state, errors:[{field, message}]}.
 */
export function validateState(input) {
  const state = defaultState();
  const errors = [];
  if (input === null || typeof input !== 'object') return { state, errors };
  const given = new Set();
  for (const field of Object.keys(SCHEMA)) {
    if (!Object.hasOwn(input, field)) continue;
    const checked = validateField(field, input[field]);
    if (checked.error) errors.push({ field, message: checked.error });
    else {
      state[field] = checked.value;
      given.add(field);
    }
  }
  // Settings a link leaves out (or gets wrong) default to what suits its kind of data.
  for (const [field, value] of Object.entries(KIND_SETTINGS[dataKind(state.dataset)])) {
    if (!given.has(field)) state[field] = value;
  }
  // A preset fixes the layer list; only 'custom' keeps its own. A preset for the other kind of
  // data (an image CNN on 2-D points) gives way to that kind's default.
  if (state.model !== 'custom') {
    let layers = presetLayers(state.model, state.dataset);
    if (!layers) {
      const kind = dataKind(state.dataset);
      if (Object.hasOwn(input, 'model')) {
        errors.push({ field: 'model', message: `${state.model} is not a model for ${kind === 'points' ? '2-D points' : 'images'}` });
      }
      state.model = DEFAULT_MODEL[kind];
      layers = presetLayers(state.model, state.dataset);
    }
    state.layers = layers;
  }
  return { state, errors };
}

/** State -> "data=mnist&model=...". Layers are written only for a custom model. */
export function serializeState(state) {
  const params = new URLSearchParams();
  for (const [field, spec] of Object.entries(SCHEMA)) {
    if (field === 'layers' && state.model !== 'custom') continue;
    const value = state[field];
    params.set(spec.key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

/** "#data=mnist&lr=0.01" (leading # optional) -> {state, errors}. Never throws. */
export function parseHash(hash) {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  let params;
  try {
    params = new URLSearchParams(text);
  } catch {
    return validateState({});
  }
  const byKey = new Map(Object.entries(SCHEMA).map(([field, spec]) => [spec.key, field]));
  const input = {};
  for (const [key, raw] of params) {
    const field = byKey.get(key);
    if (field) input[field] = raw; // unknown keys dropped
  }
  return validateState(input);
}
