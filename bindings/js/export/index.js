// What Model.exportONNX / exportSafetensors / exportPyTorch and Engine.importSafetensors do:
// gather the model's spec, layers and tensors from the engine (the Embind module `api`) and hand
// them to this folder's format writers. Nothing here needs Node: it runs in a browser Worker too.
import { buildOnnx } from './onnx.js';
import { pytorchFiles } from './pytorch.js';

export { zipFolder } from './zip.js';

function modelParts(model, api) {
  return { spec: model.spec, layers: model.summary, tensors: api.modelTensors(model.handle) };
}

/** The model as an ONNX file (Uint8Array). */
export function exportOnnx(model, api) {
  return buildOnnx(modelParts(model, api));
}

/** The weights as a safetensors file; metadata: extra string entries for its "__metadata__". */
export function exportSafetensors(model, api, metadata = {}) {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new TypeError('wasmgrad: exportSafetensors(metadata): metadata must be an object of strings');
  }
  return api.exportSafetensors(model.handle, JSON.stringify(metadata));
}

// A Trainer (duck-typed: the JS training loop is being redesigned) has a config object and an epoch count.
const isTrainer = (x) => x !== null && typeof x === 'object' && typeof x.epoch === 'number' &&
  typeof x.config === 'object' && typeof x.save === 'function';

/**
 * The training settings train.py continues with, and where they came from: options.training (a
 * Trainer, or a settings object), else the settings saved in the model file's metadata (what
 * `wasmgrad train` writes), else wasmgrad's defaults. Normalised by the engine (defaults filled in,
 * bad fields named).
 */
function trainingSettings(model, api, options) {
  const saved = model.metadata?.settings;
  let settings = {};
  let source = 'wasmgrad\'s default settings (the model file records none)';
  let startEpoch = 0;
  if (isTrainer(options.training)) {
    settings = options.training.config;
    source = 'the settings of the Trainer passed to exportPyTorch';
    startEpoch = options.training.epoch;
  } else if (options.training !== undefined) {
    settings = options.training;
    source = 'the settings passed to exportPyTorch';
  } else if (saved && typeof saved === 'object') {
    settings = saved;
    source = 'the settings saved in the model file (those it was trained with)';
    startEpoch = Number.isInteger(model.metadata.epochs) ? model.metadata.epochs : 0;
  }
  let normalized;
  try {
    normalized = JSON.parse(api.normalizeTrainingSettings(JSON.stringify(settings)));
  } catch (error) {
    throw new Error(`wasmgrad: exportPyTorch: ${source}: ${error.message}`);
  }
  if (options.startEpoch !== undefined) {
    if (!Number.isInteger(options.startEpoch) || options.startEpoch < 0) {
      throw new TypeError(`wasmgrad: exportPyTorch: startEpoch must be a whole number >= 0, got ${options.startEpoch}`);
    }
    startEpoch = options.startEpoch;
  }
  return { settings: normalized, source, startEpoch };
}

/** The PyTorch folder's files by name: model.py, train.py, README.md, spec.json (text), weights.safetensors (bytes). */
export function exportPyTorch(model, api, options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('wasmgrad: exportPyTorch(options): options must be an object');
  const { settings, source, startEpoch } = trainingSettings(model, api, options);
  const name = typeof model.metadata?.model === 'string' ? model.metadata.model : null;
  return pytorchFiles({
    spec: model.spec, layers: model.summary, weights: exportSafetensors(model, api), settings,
    settingsSource: source, startEpoch, title: options.title ?? (name ? `The model "${name}"` : 'The model'),
  });
}
