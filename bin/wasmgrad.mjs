#!/usr/bin/env node
// The wasmgrad command line: train, evaluate and inspect models headlessly with the same
// WebAssembly engine the playground runs (threaded build under Node).
//
//   wasmgrad train --model mlp --data /usr/share/datasets/fashion-mnist --epochs 3 --out model.bin
//   wasmgrad eval --model model.bin --data /usr/share/datasets/fashion-mnist
//   wasmgrad predict --model model.bin --input t10k-images-idx3-ubyte.gz --count 5
//   wasmgrad info --model lenet5
//   wasmgrad train --model simplenet --data photos/ --size 32x32 --channels 3   (an image folder)
//   wasmgrad predict --model model.bin photo.jpg
//   wasmgrad export --model model.bin --format onnx --out model.onnx   (and import: bin/export-commands.mjs)
//
// A data folder with train-* files but no t10k-* files is not an error: train holds out 10%
// of the training set (seeded) for validation and says so; eval --split validation finds the
// same samples again. Class names: --classes, else Fashion-MNIST's when the data path contains
// "fashion", else the names saved in the model file, else 0..9 (CLASS_NAMES_RULE).
//
// Image folders (one subfolder per class, PNG/JPEG/WebP, or a .zip of one) and image files are
// handled by bin/image-data.mjs with bindings/js/data/; anything without IDX files that holds
// images goes there.
//
// Output: a progress bar and tables when stdout is a terminal; otherwise (or with --json)
// one JSON object per line per event ({"event":"start"|"note"|"progress"|"epoch"|"result"|"error", ...};
// image data add "loading" (decoding progress), "skipped" (a file left out, with the reason) and
// "prediction" per image)
// so autograders can parse it. Exit codes: 0 ok, 1 training/evaluation failed,
// 2 usage error, 3 bad input file or spec (the message names the file and what was wrong).
import { parseArgs } from 'node:util';
import { readFile, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FASHION_CLASSES, idxFileNames, readIdxBytes } from '../bindings/js/data/idx-files.js';
import { MAX_THREADS } from '../bindings/js/loader.js';
import { IMAGE_HELP, looksLikeImageData, imageTrainingData, imageEvaluationData, predictImages } from './image-data.mjs';
import { EXPORT_COMMANDS } from './export-commands.mjs';

const EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3 };

/** Share of the training set held out for validation when the folder has no test (t10k-*) files. */
const HOLD_OUT = 0.1;

const CLASS_NAMES_RULE = 'class names: "fashion" (Fashion-MNIST\'s T-shirt/top ... Ankle boot), "digits" (0-9) or a ' +
  'comma-separated list; default: Fashion-MNIST\'s when the data path contains "fashion", else those saved in the model file, else 0-9';

class CliError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const usageError = (message) => new CliError(EXIT.usage, message);
const inputError = (message) => new CliError(EXIT.badInput, message);

// ---- commands and their options -------------------------------------------------------

const COMMON = {
  json: { type: 'boolean', help: 'JSON lines on stdout even on a terminal' },
  threads: { type: 'string', help: `kernel threads (default: all cores; at most ${MAX_THREADS})` },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const COMMANDS = {
  train: {
    summary: 'train a model on IDX image data or an image folder and save it',
    usage: 'wasmgrad train --model <preset|spec.json|model.bin> --data <dir|digits|images.zip> [options]',
    options: {
      model: { type: 'string', help: 'preset (perceptron, mlp, cnn, lenet5; for colour images simplenet, vgg-mini: a preset takes the ' +
        'image folder\'s size and class count), a JSON spec file, or a saved model to continue' },
      data: { type: 'string', help: 'folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-... (.gz or not), or "digits" for the bundled 10,000 MNIST digits; ' +
        `without t10k-* files, ${100 * HOLD_OUT}% of the training set (seeded by --seed) is held out for validation and reported in place of the test set; ` +
        IMAGE_HELP.data },
      size: { type: 'string', help: IMAGE_HELP.size },
      channels: { type: 'string', help: IMAGE_HELP.channels },
      epochs: { type: 'string', default: '3', help: 'epochs to train' },
      batch: { type: 'string', default: '64', help: 'mini-batch size' },
      lr: { type: 'string', default: '1e-3', help: 'learning rate' },
      optimizer: { type: 'string', default: 'adam', help: 'sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw' },
      seed: { type: 'string', default: '1', help: 'random seed (initialisation, shuffling)' },
      loss: { type: 'string', help: 'cross_entropy (default), mse, hinge, ...' },
      limit: { type: 'string', help: 'train on the first N training samples only' },
      'test-limit': { type: 'string', help: 'evaluate on the first N test (or held-out validation) samples only' },
      config: { type: 'string', help: 'JSON file with more training settings (weightDecay, schedule, augment, ...); the flags above override it' },
      out: { type: 'string', help: 'where to save the trained model (default: model.bin)' },
      classes: { type: 'string', help: `${CLASS_NAMES_RULE}; saved in the model file` },
    },
  },
  eval: {
    summary: 'evaluate a saved model on the test set of an IDX folder, an image folder or image files',
    usage: 'wasmgrad eval --model model.bin --data <dir|digits|images.zip> [--split test|train|validation|all] [--limit N]\n' +
      '       wasmgrad eval --model model.bin <image files...>   (each labelled by its folder\'s name)',
    positionals: 'image files',
    options: {
      model: { type: 'string', help: 'a model file saved by `wasmgrad train` (or the playground)' },
      data: { type: 'string', help: 'folder with the IDX files, or "digits", ' + IMAGE_HELP.data },
      split: { type: 'string', help: 'test (t10k-*), train (train-*), or validation: the part of train-* that ' +
        '`wasmgrad train` held out when the folder had no test files (same seed, from the model file); default: test. ' +
        'Image folders: test/, val/ (or the held-out part), train, or all; default: test/, else val/, else the held-out part ' +
        'when the model trained on this folder, else all' },
      size: { type: 'string', help: 'image data: must agree with the model (default: the size it was trained on)' },
      channels: { type: 'string', help: 'image data: must agree with the model (default: its channels)' },
      limit: { type: 'string', help: 'evaluate on the first N samples only' },
      classes: { type: 'string', help: CLASS_NAMES_RULE },
    },
  },
  predict: {
    summary: 'classify image files, image folders, or the images of an IDX images file',
    usage: 'wasmgrad predict --model model.bin <photo.jpg|folder|images.zip ...> [--count N]\n' +
      '       wasmgrad predict --model model.bin --input <idx3 images file> [--count N] [--labels <idx1 file>]',
    positionals: 'image files, folders or zips',
    options: {
      model: { type: 'string', help: 'a saved model file' },
      input: { type: 'string', help: 'an IDX images file (.gz or not), or an image file, folder or .zip' },
      size: { type: 'string', help: 'image files: must agree with the model (default: the size it was trained on)' },
      channels: { type: 'string', help: 'image files: must agree with the model (default: its channels)' },
      count: { type: 'string', help: 'classify the first N images only (default: all)' },
      labels: { type: 'string', help: 'an IDX labels file: also report accuracy' },
      classes: { type: 'string', help: CLASS_NAMES_RULE.replace('the data path', 'the --input path') },
    },
  },
  info: {
    summary: 'show a model\'s layers: shapes, parameters, multiply-adds, receptive fields',
    usage: 'wasmgrad info --model <preset|spec.json|model.bin>',
    options: {
      model: { type: 'string', help: 'preset name, JSON spec file (or inline JSON), or saved model file' },
    },
  },
};

function mainHelp() {
  const lines = ['wasmgrad: train and inspect neural networks with the wasmgrad WebAssembly engine', '',
    'usage: wasmgrad <command> [options]', '', 'commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${command.summary}`);
  lines.push('', 'wasmgrad <command> --help shows a command\'s options.',
    'Output is JSON lines when stdout is not a terminal (or with --json).',
    'Exit codes: 0 ok, 1 training/evaluation failed, 2 usage error, 3 bad input file or spec.',
    `A data folder without test (t10k-*) files: train holds out ${100 * HOLD_OUT}% of train-* for validation and says so.`,
    'Class names (Fashion-MNIST\'s, digits, or your own): see --classes.', ...IMAGE_HELP.rules);
  return lines.join('\n');
}

function commandHelp(name) {
  const command = COMMANDS[name];
  const lines = [`wasmgrad ${name}: ${command.summary}`, '', `usage: ${command.usage}`, '', 'options:'];
  for (const [option, spec] of Object.entries({ ...command.options, ...COMMON })) {
    const flag = spec.type === 'string' ? `--${option} <value>` : `--${option}`;
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    lines.push(`  ${flag.padEnd(22)} ${spec.help}${def}`);
  }
  return lines.join('\n');
}

// ---- output: human on a terminal, JSON lines otherwise ---------------------------------

class Output {
  constructor(json) {
    this.json = json;
    this.barShown = false;
  }
  event(object) {
    if (this.json) process.stdout.write(JSON.stringify(object, jsonValue) + '\n');
  }
  line(text) {
    if (this.json) return;
    this.clearBar();
    process.stdout.write(text + '\n');
  }
  bar(fraction, label) {
    if (this.json) return;
    const width = 30;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}\x1b[K`);
    this.barShown = true;
  }
  clearBar() {
    if (this.barShown) process.stdout.write('\r\x1b[K');
    this.barShown = false;
  }
}

// Typed arrays become plain arrays; floats keep 6 significant digits.
function jsonValue(key, value) {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return Number(value.toPrecision(6));
  return value;
}

// ---- argument parsing --------------------------------------------------------------------

function parseCommand(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && !COMMANDS[topic]) throw usageError(`unknown command "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return { help: topic ? commandHelp(topic) : mainHelp(), exitCode: name === undefined ? EXIT.usage : EXIT.ok };
  }
  const command = COMMANDS[name];
  if (!command) throw usageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see wasmgrad --help)`);
  const options = Object.fromEntries(Object.entries({ ...command.options, ...COMMON })
    .map(([key, { type, short, default: value }]) => [key, Object.assign({ type }, short && { short }, value !== undefined && { default: value })]));
  let values;
  let positionals = [];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options, strict: true, allowPositionals: command.positionals !== undefined }));
  } catch (error) {
    const message = error.message.replace(/\. To specify a positional.*$/s, '').replace(/\s*\n\s*/g, ' ');
    throw usageError(`${name}: ${message} (see wasmgrad ${name} --help)`);
  }
  if (values.help) return { help: commandHelp(name), exitCode: EXIT.ok };
  return { name, values: Object.assign(values, { positionals }) };
}

function requireOption(values, command, option) {
  if (values[option] === undefined || values[option] === '') {
    throw usageError(`${command}: --${option} is required (see wasmgrad ${command} --help)`);
  }
  return values[option];
}

function numberOption(values, command, option, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const text = values[option];
  if (text === undefined) return undefined;
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const range = max === Infinity ? (min === -Infinity ? '' : ` >= ${min}`) : ` in [${min}, ${max}]`;
    throw usageError(`${command}: --${option} must be ${kind}${range}, got "${text}"`);
  }
  return value;
}

// ---- reading files -------------------------------------------------------------------------

async function readInputFile(path, what) {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw inputError(`${what} ${path}: is a directory, expected a file`);
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : error.message;
    throw inputError(`${what} ${path}: ${reason}`);
  }
}

// Reads an IDX file (gzipped or not) and checks its header, so errors name the file.
async function readIdx(path, kind) {
  const raw = await readInputFile(path, `${kind} file`);
  try {
    return { ...(await readIdxBytes(raw, kind)), path };
  } catch (error) {
    throw inputError(`${kind} file ${path}: ${error.message}`);
  }
}

/** The path of a split's images or labels file in `dir`, or null. */
function existingIdxFile(dir, split, kind) {
  const name = idxFileNames(split, kind).find((candidate) => existsSync(join(dir, candidate)));
  return name === undefined ? null : join(dir, name);
}

function findIdxFile(dir, split, kind) {
  const found = existingIdxFile(dir, split, kind);
  if (found) return found;
  const candidates = idxFileNames(split, kind);
  const onlyTrain = split === 'test' && existingIdxFile(dir, 'train', kind) !== null;
  throw inputError(`data folder ${dir}: no ${split} ${kind} file (looked for ${candidates[0]} or ${candidates[0]}.gz)` +
    (onlyTrain ? '; it has only train files: evaluate with --split validation (the part train held out) or --split train'
      : '; nor is it an image folder (no .png, .jpg or .webp files in class subfolders)'));
}

/** True when `dir` has neither a test images nor a test labels file (train holds out a validation set). */
function hasNoTestFiles(data) {
  if (data === 'digits') return false;
  const dir = resolve(data);
  return existingIdxFile(dir, 'test', 'images') === null && existingIdxFile(dir, 'test', 'labels') === null;
}

/**
 * True when `data` is image data (an image folder, a .zip, an image file) rather than IDX: no
 * IDX files and something that looks like images. --size/--channels on IDX data are an error.
 */
async function isImageData(data, values, command) {
  const dir = resolve(data);
  const idx = data === 'digits' || ['train', 'test'].some((split) => existingIdxFile(dir, split, 'images') !== null) ||
    /idx\d-ubyte(\.gz)?$/.test(data);
  const images = !idx && await looksLikeImageData(data);
  if (!images && (values.size !== undefined || values.channels !== undefined)) {
    throw usageError(`${command}: --size and --channels are for image folders and files; ${data} is ${idx ? 'IDX data' : 'not image data'}`);
  }
  return images;
}

function limitTo(dataset, limit) {
  if (limit === undefined || limit >= dataset.size) return dataset;
  const subset = dataset.subset(Array.from({ length: limit }, (_, i) => i));
  dataset.dispose();
  return subset;
}

/**
 * The engine's seeded train/validation split (Dataset.split: HOLD_OUT of it for validation),
 * taking at most `limit` / `validationLimit` samples of each part. Dataset.split copies both
 * parts, and 60,000 images three times do not fit the engine's 512 MB, so the split is made
 * on a one-number-per-sample dataset of indices (the permutation depends only on the sample
 * count and the seed) and only the samples kept are copied out of `dataset`.
 */
function holdOut(engine, dataset, seed, { limit, validationLimit } = {}) {
  const n = dataset.size;
  const indices = engine.arrayDataset(Float32Array.from({ length: n }, (_, i) => i), [1], new Int32Array(n),
    { classes: 1, name: 'indices' });
  let parts;
  try {
    parts = indices.split(HOLD_OUT, seed);
  } catch (error) {
    throw inputError(`cannot hold out ${100 * HOLD_OUT}% of ${n} training samples for validation: ${error.message}`);
  } finally {
    indices.dispose();
  }
  const take = (part, count) => {
    const kept = count === 0 ? null : part.inputs(0, Math.min(count ?? part.size, part.size));
    part.dispose();
    return kept && dataset.subset(kept);
  };
  return { train: take(parts.train, limit), validation: take(parts.validation, validationLimit) };
}

/** The names --classes gives (undefined without it); a usage error for an empty name. */
function classesOption(values, command) {
  const option = values.classes;
  if (option === undefined) return undefined;
  const names = option === 'fashion' ? FASHION_CLASSES
    : option === 'digits' ? Array.from({ length: 10 }, (_, k) => String(k))
      : option.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw usageError(`${command}: --classes has an empty name in "${option}"`);
  return names;
}

/**
 * Class names by the documented rule: --classes, else Fashion-MNIST's when `path` contains
 * "fashion", else `saved` (from the model file), else 0..classes-1.
 */
function classNames(values, command, path, saved, classes) {
  const given = classesOption(values, command);
  const fromPath = given === undefined && typeof path === 'string' && /fashion/i.test(path);
  if (given === undefined && !fromPath) {
    if (Array.isArray(saved) && saved.length === classes) return saved.map(String);
    return Array.from({ length: classes }, (_, k) => String(k));
  }
  const names = given ?? FASHION_CLASSES;
  if (names.length !== classes) {
    const what = given ? `--classes gives ${names.length} names` : `the path "${path}" says Fashion-MNIST (${names.length} classes)`;
    throw usageError(`${command}: ${what} but there are ${classes} classes${given ? '' : '; set them with --classes'}`);
  }
  return names;
}

async function loadSplit(engine, data, split, limit) {
  let dataset;
  let source;
  if (data === 'digits') {
    dataset = (await engine.digits())[split];
    source = 'bundled digits';
  } else {
    const dir = resolve(data);
    let info;
    try {
      info = await stat(dir);
    } catch {
      throw inputError(`data folder ${data}: no such directory`);
    }
    if (!info.isDirectory()) throw inputError(`data folder ${data}: not a directory (give the folder holding the IDX files, or "digits")`);
    const images = await readIdx(findIdxFile(dir, split, 'images'), 'images');
    const labels = await readIdx(findIdxFile(dir, split, 'labels'), 'labels');
    if (images.count !== labels.count) {
      throw inputError(`${images.path} has ${images.count} images but ${labels.path} has ${labels.count} labels`);
    }
    try {
      dataset = await engine.idxDataset(images.bytes, labels.bytes, { name: `${split}` });
    } catch (error) {
      throw inputError(`${images.path} / ${labels.path}: ${error.message}`);
    }
    source = dir;
  }
  return { dataset: limitTo(dataset, limit), source };
}

// A model from a preset name, a JSON spec file, inline JSON, or a saved model file.
async function loadModel(engine, reference) {
  if (engine.presetNames.includes(reference)) return { model: engine.model(reference), kind: 'preset' };
  if (reference.trim().startsWith('{')) {
    try {
      return { model: engine.model(reference), kind: 'spec' };
    } catch (error) {
      throw inputError(`model spec (inline JSON): invalid: ${error.message}`);
    }
  }
  if (!existsSync(reference)) {
    throw inputError(`model ${reference}: no such file, and not a preset (presets: ${engine.presetNames.join(', ')})`);
  }
  const bytes = await readInputFile(reference, 'model');
  const looksLikeJson = reference.endsWith('.json') || new TextDecoder().decode(bytes.subarray(0, 64)).trim().startsWith('{');
  if (looksLikeJson) {
    const text = new TextDecoder().decode(bytes);
    try {
      JSON.parse(text);
    } catch (error) {
      throw inputError(`model spec ${reference}: invalid JSON: ${error.message}`);
    }
    try {
      return { model: engine.model(text), kind: 'spec' };
    } catch (error) {
      throw inputError(`model spec ${reference}: invalid spec: ${error.message}`);
    }
  }
  try {
    return { model: engine.loadModel(bytes), kind: 'file' };
  } catch (error) {
    throw inputError(`model file ${reference}: not a valid wasmgrad model: ${error.message}`);
  }
}

async function loadEngine(values, command) {
  const threads = numberOption(values, command, 'threads', { integer: true, min: 1, max: MAX_THREADS });
  const { load } = await import('../bindings/wasmgrad.js');
  try {
    return await load(threads === undefined ? {} : { numThreads: threads });
  } catch (error) {
    throw new CliError(EXIT.failed, `could not load the engine: ${error.message}`);
  }
}

// ---- the commands --------------------------------------------------------------------------

function percent(x) { return `${(100 * x).toFixed(2)}%`; }

function confusionRows(confusion, classes) {
  return Array.from({ length: classes }, (_, row) => Array.from(confusion.subarray(row * classes, (row + 1) * classes)));
}

async function train(values, out) {
  const modelRef = requireOption(values, 'train', 'model');
  const data = requireOption(values, 'train', 'data');
  const epochs = numberOption(values, 'train', 'epochs', { integer: true, min: 1, max: 100000 });
  const batchSize = numberOption(values, 'train', 'batch', { integer: true, min: 1, max: 1 << 20 });
  const learningRate = numberOption(values, 'train', 'lr', { min: 0, max: 1000 });
  const seed = numberOption(values, 'train', 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
  const limit = numberOption(values, 'train', 'limit', { integer: true, min: 1 });
  const testLimit = numberOption(values, 'train', 'test-limit', { integer: true, min: 1 });
  const outPath = values.out ?? 'model.bin';
  classesOption(values, 'train');
  let extra = {};
  if (values.config !== undefined) {
    const text = new TextDecoder().decode(await readInputFile(values.config, 'training settings'));
    try {
      extra = JSON.parse(text);
    } catch (error) {
      throw inputError(`training settings ${values.config}: invalid JSON: ${error.message}`);
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw inputError(`training settings ${values.config}: must be a JSON object`);
  }

  const engine = await loadEngine(values, 'train');
  const images = await isImageData(data, values, 'train');
  let model, kind, trainSet, testSet, source, heldOut, evaluatedOn, names;
  let dataMetadata = {};
  if (images) {
    // An image folder (bin/image-data.mjs): it reports its own skipped files and held-out note.
    ({ model, kind, trainSet, testSet, evaluatedOn, source, heldOut, names, metadata: dataMetadata } = await imageTrainingData(engine, {
      data, modelRef, values, seed, batchSize, limit, testLimit, holdOut: HOLD_OUT, out, errors: { usageError, inputError }, loadModel, classNames }));
  } else {
    ({ model, kind } = await loadModel(engine, modelRef));
    const loaded = await loadSplit(engine, data, 'train');
    ({ source } = loaded);
    trainSet = loaded.dataset;
    heldOut = hasNoTestFiles(data) ? { fraction: HOLD_OUT, seed } : null;
    if (heldOut) {
      const full = trainSet;
      ({ train: trainSet, validation: testSet } = holdOut(engine, full, seed, { limit, validationLimit: testLimit }));
      full.dispose();
    } else {
      trainSet = limitTo(trainSet, limit);
      ({ dataset: testSet } = await loadSplit(engine, data, 'test', testLimit));
    }
    evaluatedOn = heldOut ? 'validation' : 'test';
    names = classNames(values, 'train', data, kind === 'file' ? model.metadata?.classNames : null, trainSet.numClasses);
  }
  // A saved model goes on counting from the epochs it has: --epochs more of them.
  const done = kind === 'file' && model.hasOptimizerState ? (model.metadata?.training?.epochsDone ?? 0) : 0;
  const settings = { ...extra, optimizer: values.optimizer, learningRate, batchSize, epochs: done + epochs, seed };
  if (values.loss !== undefined) settings.loss = values.loss;
  let trainer;
  try {
    trainer = engine.trainer(model, settings);
  } catch (error) {
    throw usageError(`train: ${error.message}`);
  }
  try {
    trainer.setData(trainSet, testSet);
  } catch (error) {
    throw inputError(`model ${modelRef} does not fit the data in ${source}: ${error.message}`);
  }
  if (kind === 'file' && model.hasOptimizerState) {
    try {
      trainer.restore(model);
    } catch (error) {  // another optimizer or data: its state starts afresh, and the user is told
      out.event({ event: 'note', message: `continuing with fresh optimizer state: ${error.message}` });
      out.line(`note: continuing with fresh optimizer state: ${error.message}`);
    }
  }

  // test* fields hold the held-out validation set when the folder has no test files (evaluatedOn says which).
  out.event({ event: 'start', command: 'train', build: engine.build, threads: engine.threads, model: modelRef,
    parameters: model.parameterCount, data: source, trainSamples: trainSet.size, testSamples: testSet.size, evaluatedOn,
    ...(heldOut && { heldOut }), classNames: names,
    settings: { optimizer: values.optimizer, learningRate, batchSize, epochs, seed } });
  out.line(`wasmgrad ${engine.build} (${engine.threads} thread${engine.threads === 1 ? '' : 's'}): training ${modelRef} ` +
    `(${model.parameterCount.toLocaleString('en')} parameters) on ${trainSet.size} samples from ${source}`);
  if (heldOut && !images) {
    const note = `no test (t10k-*) files in ${source}: held out ${100 * HOLD_OUT}% of the training set (seed ${seed}) for validation; ` +
      `reporting ${testSet.size} validation samples instead of a test set (wasmgrad eval --split validation finds them again)`;
    out.event({ event: 'note', message: note });
    out.line(note);
  }

  const batchesPerEpoch = Math.ceil(trainSet.size / batchSize);
  // JSON: about 20 progress lines per epoch; terminal: redraw often.
  const reportEvery = out.json ? Math.max(1, Math.ceil(batchesPerEpoch / 20)) : Math.max(1, Math.ceil(batchesPerEpoch / 200));
  let nextReport = reportEvery;
  const started = Date.now();
  let history;
  try {
    ({ epochs: history } = await trainer.run({
      onProgress: (p) => {
        if (p.batch < nextReport && !p.epochEnd) return;
        nextReport = p.epochEnd ? reportEvery : p.batch + reportEvery;
        out.event({ event: 'progress', epoch: p.epoch, batch: p.batch, batches: p.batches, loss: p.loss,
          accuracy: p.accuracy, learningRate: p.learningRate, samplesPerSecond: p.samplesPerSecond });
        out.bar(p.batch / p.batches, `epoch ${p.epoch}/${done + epochs} batch ${p.batch}/${p.batches} ` +
          `loss ${p.loss.toFixed(4)} acc ${percent(p.accuracy)} ${Math.round(p.samplesPerSecond)} samples/s`);
      },
      onEpoch: (r) => {
        out.event({ event: 'epoch', epoch: r.epoch, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy,
          testLoss: r.validation.loss, testAccuracy: r.validation.accuracy, evaluatedOn, seconds: r.seconds,
          samplesPerSecond: r.samplesPerSecond });
        out.line(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)} acc ${percent(r.trainAccuracy)} | ` +
          `${evaluatedOn} loss ${r.validation.loss.toFixed(4)} acc ${percent(r.validation.accuracy)} | ${r.seconds.toFixed(1)} s`);
      },
    }));
  } catch (error) {
    throw new CliError(EXIT.failed, `training failed: ${error.message}`);
  }
  const last = history[history.length - 1];
  const evaluation = trainer.evaluate(testSet);
  const metadata = { trainedBy: 'wasmgrad cli', model: modelRef, data: source, epochs: history.length,
    settings: trainer.config, testAccuracy: evaluation.accuracy, evaluatedOn, classNames: names,
    ...(heldOut && { heldOut }), ...dataMetadata };
  try {
    await writeFile(outPath, trainer.save(metadata));
  } catch (error) {
    throw new CliError(EXIT.failed, `could not save the model to ${outPath}: ${error.message}`);
  }
  out.event({ event: 'result', command: 'train', epochs: history.length, stopReason: last?.stopReason ?? '',
    trainLoss: last?.trainLoss, trainAccuracy: last?.trainAccuracy, testLoss: evaluation.loss,
    testAccuracy: evaluation.accuracy, evaluatedOn, seconds: (Date.now() - started) / 1000, out: resolve(outPath) });
  out.line(`${evaluatedOn} accuracy ${percent(evaluation.accuracy)} (loss ${evaluation.loss.toFixed(4)}); saved ${outPath}`);
  return EXIT.ok;
}

async function evaluate(values, out) {
  const modelRef = requireOption(values, 'eval', 'model');
  const files = values.positionals;
  if (files.length > 0 && values.data !== undefined) throw usageError('eval: give --data or image files, not both');
  const data = files.length > 0 ? files[0] : requireOption(values, 'eval', 'data');
  const images = files.length > 0 || await isImageData(data, values, 'eval');
  const splits = images ? ['test', 'train', 'validation', 'all'] : ['test', 'train', 'validation'];
  if (values.split !== undefined && !splits.includes(values.split)) {
    throw usageError(`eval: --split must be ${splits.slice(0, -1).join(', ')} or ${splits.at(-1)}, got "${values.split}"`);
  }
  const limit = numberOption(values, 'eval', 'limit', { integer: true, min: 1 });
  classesOption(values, 'eval');
  const engine = await loadEngine(values, 'eval');
  const { model } = await loadModel(engine, modelRef);
  let dataset;
  let source;
  let split = values.split ?? 'test';
  let names;
  if (images) {
    ({ dataset, source, split, names } = await imageEvaluationData(engine, model, { paths: files.length > 0 ? files : [data],
      split: values.split, limit, values, out, errors: { usageError, inputError }, classNames }));
  } else if (split === 'validation') {
    // The samples `wasmgrad train` held out: the same seeded split of the same training set.
    const heldOut = model.metadata?.heldOut;
    if (!heldOut) {
      throw usageError(`eval: --split validation: ${modelRef} was not trained with a held-out validation set ` +
        '(its data folder had test files); use --split test');
    }
    const full = await loadSplit(engine, data, 'train');
    source = full.source;
    const parts = holdOut(engine, full.dataset, heldOut.seed, { limit: 0, validationLimit: limit });
    full.dataset.dispose();
    dataset = parts.validation;
  } else {
    ({ dataset, source } = await loadSplit(engine, data, split, limit));
  }
  const loss = model.metadata?.settings?.loss;
  const trainer = engine.trainer(model, loss ? { loss } : {});
  let result;
  try {
    result = trainer.evaluate(dataset);
  } catch (error) {
    const mismatch = /shape|expects/.test(error.message);
    throw new CliError(mismatch ? EXIT.badInput : EXIT.failed, `evaluating ${modelRef} on ${source}: ${error.message}`);
  }
  const confusion = confusionRows(result.confusion, result.classes);
  const perClass = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[k] / total : null;
  });
  names ??= classNames(values, 'eval', data, model.metadata?.classNames, result.classes);
  out.event({ event: 'result', command: 'eval', model: modelRef, data: source, split,
    samples: result.samples, loss: result.loss, accuracy: result.accuracy, classNames: names, perClassAccuracy: perClass, confusion });
  out.line(`${modelRef} on ${result.samples} ${split} samples of ${source}: accuracy ${percent(result.accuracy)}, loss ${result.loss.toFixed(4)}`);
  const width = Math.max(5, ...names.map((name) => name.length));
  out.line(`${'class'.padEnd(width)}  accuracy`);
  perClass.forEach((a, k) => out.line(`${names[k].padEnd(width)}  ${a === null ? '-' : percent(a)}`));
  return EXIT.ok;
}

async function predict(values, out) {
  const modelRef = requireOption(values, 'predict', 'model');
  const paths = [...(values.input !== undefined ? [values.input] : []), ...values.positionals];
  if (paths.length === 0) throw usageError('predict: give image files (or folders, zips) or --input <idx3 images file> (see wasmgrad predict --help)');
  const count = numberOption(values, 'predict', 'count', { integer: true, min: 1 });
  classesOption(values, 'predict');
  if (values.positionals.length > 0 || await isImageData(paths[0], values, 'predict')) {
    if (values.labels !== undefined) throw usageError('predict: --labels is for IDX input; an image\'s label is the name of its folder');
    const engine = await loadEngine(values, 'predict');
    const { model } = await loadModel(engine, modelRef);
    await predictImages(engine, model, { paths, count, values, out, errors: { usageError, inputError }, classNames });
    return EXIT.ok;
  }
  const inputPath = paths[0];
  const engine = await loadEngine(values, 'predict');
  const { model } = await loadModel(engine, modelRef);
  const images = await readIdx(inputPath, 'images');
  let labels = null;
  if (values.labels !== undefined) {
    labels = await readIdx(values.labels, 'labels');
    if (labels.count !== images.count) {
      throw inputError(`${images.path} has ${images.count} images but ${labels.path} has ${labels.count} labels`);
    }
  }
  // The engine reads images with their labels; without a labels file, stand-in zero labels
  // keep its preprocessing identical to training.
  const labelBytes = labels ? labels.bytes : (() => {
    const bytes = new Uint8Array(8 + images.count);
    new DataView(bytes.buffer).setUint32(0, 0x00000801);  // the IDX labels magic number
    new DataView(bytes.buffer).setUint32(4, images.count);
    return bytes;
  })();
  let dataset;
  try {
    dataset = await engine.idxDataset(images.bytes, labelBytes, { name: 'input' });
  } catch (error) {
    throw inputError(`images file ${inputPath}: ${error.message}`);
  }
  const n = Math.min(count ?? dataset.size, dataset.size);
  let probabilities;
  let predicted;
  try {
    const inputs = dataset.inputs(0, n);
    probabilities = model.predict(inputs, n);
    predicted = model.classify(inputs, n);
  } catch (error) {
    throw inputError(`model ${modelRef} cannot take the images of ${inputPath}: ${error.message}`);
  }
  const classes = probabilities.length / n;
  const names = classNames(values, 'predict', inputPath, model.metadata?.classNames, classes);
  const width = Math.max(5, ...names.map((name) => name.length));
  const truth = labels ? dataset.labels() : null;
  let correct = 0;
  out.line(`index  ${'class'.padStart(width)}  probability` + (truth ? `  ${'label'.padStart(width)}` : ''));
  for (let i = 0; i < n; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    const best = predicted[i];
    const event = { event: 'prediction', index: i, class: best, className: names[best], probability: row[best], probabilities: row };
    if (truth) {
      event.label = truth[i];
      event.labelName = names[truth[i]] ?? String(truth[i]);
      if (truth[i] === best) correct++;
    }
    out.event(event);
    out.line(`${String(i).padStart(5)}  ${names[best].padStart(width)}  ${row[best].toFixed(4).padStart(11)}` +
      (truth ? `  ${event.labelName.padStart(width)}` : ''));
  }
  const result = { event: 'result', command: 'predict', model: modelRef, input: inputPath, count: n };
  if (truth) result.accuracy = correct / n;
  out.event(result);
  if (truth) out.line(`accuracy ${percent(correct / n)} on ${n} images`);
  return EXIT.ok;
}

async function info(values, out) {
  const modelRef = requireOption(values, 'info', 'model');
  const engine = await loadEngine(values, 'info');
  const { model } = await loadModel(engine, modelRef);
  const layers = model.summary;
  const totalMultiplyAdds = layers.reduce((a, l) => a + l.multiplyAdds, 0);
  out.event({ event: 'info', model: modelRef, input: model.inputShape, output: model.outputShape,
    parameters: model.parameterCount, multiplyAdds: totalMultiplyAdds, layers, metadata: model.metadata });
  const rows = [['layer', 'type', 'output', 'parameters', 'multiply-adds', 'receptive field', 'detail'],
    ['input', '', model.inputShape.join('x'), '', '', '1x1', '']];
  for (const l of layers) {
    const rf = l.receptiveField ? `${l.receptiveField.size}x${l.receptiveField.size} (jump ${l.receptiveField.jump})` : '';
    rows.push([l.name, l.type, l.outputShape.join('x'), l.parameters.toLocaleString('en'), l.multiplyAdds.toLocaleString('en'), rf, l.detail]);
  }
  rows.push(['total', '', '', model.parameterCount.toLocaleString('en'), totalMultiplyAdds.toLocaleString('en'), '', '']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const numeric = new Set([3, 4]);
  for (const r of rows) {
    out.line(r.map((cell, c) => numeric.has(c) ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c])).join('  ').trimEnd());
  }
  return EXIT.ok;
}

const RUN = { train, eval: evaluate, predict, info };

// export and import live in bin/export-commands.mjs; they get the helpers above to share this file's conventions.
const SHARED = { EXIT, CliError, usageError, inputError, requireOption, readInputFile, loadEngine, loadModel };
for (const [name, { run, ...command }] of Object.entries(EXPORT_COMMANDS)) {
  COMMANDS[name] = command;
  RUN[name] = (values, out) => run(values, out, SHARED);
}

// ---- main --------------------------------------------------------------------------------

async function main(argv) {
  let output = new Output(!process.stdout.isTTY || argv.includes('--json'));
  try {
    const parsed = parseCommand(argv);
    if (parsed.help !== undefined) {
      (parsed.exitCode === EXIT.ok ? process.stdout : process.stderr).write(parsed.help + '\n');
      return parsed.exitCode;
    }
    output = new Output(!process.stdout.isTTY || parsed.values.json === true);
    return await RUN[parsed.name](parsed.values, output);
  } catch (error) {
    output.clearBar();
    const code = error instanceof CliError ? error.code : EXIT.failed;
    const message = (error instanceof CliError ? error.message : `unexpected error: ${error?.message ?? error}`)
      .replace(/^wasmgrad: /, '');
    output.event({ event: 'error', exitCode: code, message });
    process.stderr.write(`wasmgrad: ${message}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
