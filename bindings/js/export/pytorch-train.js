// train.py of the PyTorch export: continues training with wasmgrad's settings (optimizer and its
// hyperparameters, learning-rate schedule, loss, penalties, augmentation, batch size, early
// stopping), on one process or many (torchrun + DistributedDataParallel). The script is the real
// Python file train.py beside this one; the export writes only its configuration block (between
// CONFIG_BEGIN and CONFIG_END): SETTINGS as the JSON a wasmgrad Trainer takes (TrainSettings,
// defaults filled in, so the names are the same on both sides), START_EPOCH and SETTINGS_SOURCE.
// scripts/build.sh bundles train.py's text into build/vendor/export-deps.mjs (vendor-entry.js),
// which Node and the playground's worker already load, so exporting needs no file access.
import { exportLibraries } from './deps.js';

/** The marker lines around train.py's configuration block. */
export const CONFIG_BEGIN = '# ---- configuration: written by the export ----';
export const CONFIG_END = '# ---- end of configuration ----';

// The engine keeps settings as float32, so 0.001 comes back as 0.0010000000474974513: write the
// shortest decimal that is the same float32 (0.001), as a person would.
export function shortestFloat32(x) {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === Math.fround(x)) return candidate;
  }
  return x;
}

/**
 * @param {{settings: object, startEpoch: number, source: string}} options
 *   settings: normalised training settings (Trainer.config's form); source: where they came from.
 * @returns {string} train.py
 */
export function trainPy({ settings, startEpoch, source }) {
  const template = exportLibraries().TRAIN_PY_TEMPLATE;
  const begin = template.indexOf(`\n${CONFIG_BEGIN}\n`);
  const end = template.indexOf(`\n${CONFIG_END}\n`);
  if (begin < 0 || end < begin) throw new Error(`wasmgrad: train.py must hold the lines ${CONFIG_BEGIN} and ${CONFIG_END}`);
  // Inside a Python """ string, which reads escapes: backslashes are doubled. A quote inside a JSON string
  // is escaped, so three quotes never stand in a row to end it early.
  const json = JSON.stringify(settings, (key, value) => (typeof value === 'number' ? shortestFloat32(value) : value), 4)
    .replace(/\\/g, '\\\\');
  const block = ['SETTINGS = json.loads("""', json, '""")', `START_EPOCH = ${startEpoch}`,
    `SETTINGS_SOURCE = ${JSON.stringify(source)}`];  // a JSON string is a Python string literal
  return template.slice(0, begin + CONFIG_BEGIN.length + 2) + block.join('\n') + template.slice(end);
}
