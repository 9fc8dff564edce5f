// What every command of the CLI shares: exit codes and errors, the common options and the help
// text, output (a progress bar and lines on a terminal, JSON lines otherwise), argument parsing,
// reading input files and --config, loading the engine and a model, class names, and the
// prediction event. The commands (bin/cli/<command>.mjs) import from here; bin/wasmgrad.mjs
// dispatches to them.
import { parseArgs } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { FASHION_CLASSES, DIGIT_CLASSES, classNamesFor } from '../../bindings/js/data/idx-files.js';
import { HOLD_OUT_FRACTION } from '../../bindings/js/data/image-folder.js';
import { MAX_THREADS } from '../../bindings/js/loader.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3 };

/** Share of the training set held out for validation when there are no test files (IDX and image folders alike). */
export const HOLD_OUT = HOLD_OUT_FRACTION;

export const CLASS_NAMES_RULE = 'class names: "fashion" (Fashion-MNIST\'s T-shirt/top ... Ankle boot), "digits" (0-9) or a ' +
  'comma-separated list; default: Fashion-MNIST\'s when the data path contains "fashion", else those saved in the model file, else 0-9';

export class CliError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
export const usageError = (message) => new CliError(EXIT.usage, message);
export const inputError = (message) => new CliError(EXIT.badInput, message);

// ---- options and help ----------------------------------------------------------------------

export const COMMON = {
  json: { type: 'boolean', help: 'JSON lines on stdout even on a terminal' },
  threads: { type: 'string', help: `kernel threads (default: all cores; at most ${MAX_THREADS})` },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** True when a command's help names lists from the engine's catalog (an option's help is then help(catalog)). */
export function helpNeedsCatalog(command) {
  return Object.values(command.options).some((spec) => typeof spec.help === 'function');
}

/**
 * `wasmgrad <name> --help`: the command's usage and options (its own, then the common ones);
 * `catalog` (engineCatalog()) fills in the names an option's help lists.
 */
export function commandHelp(name, command, catalog) {
  const lines = [`wasmgrad ${name}: ${command.summary}`, '', `usage: ${command.usage}`, '', 'options:'];
  for (const [option, spec] of Object.entries({ ...command.options, ...COMMON })) {
    const flag = spec.type === 'string' ? `--${option} <value>` : `--${option}`;
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    const help = typeof spec.help === 'function' ? spec.help(catalog) : spec.help;
    lines.push(`  ${flag.padEnd(22)} ${help}${def}`);
  }
  return lines.join('\n');
}

/** Names as a help text or message lists them. */
export const nameList = (names) => names.join(', ');

/**
 * A usage error unless `name` is one of `names` (a list of the engine's catalog), worded as the
 * engine words it ("unknown type 'sgdd'"), with the valid names.
 */
export function checkName(command, where, name, names, noun = 'type') {
  if (!names.includes(name)) throw usageError(`${command}: ${where}: unknown ${noun} '${name}' (valid: ${nameList(names)})`);
}

// ---- output: human on a terminal, JSON lines otherwise ---------------------------------

export class Output {
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

/**
 * argv (after `node wasmgrad.mjs`) against `commands` ({name: {summary, usage, options, positionals?, run}}):
 * {helpFor, exitCode} for a help request (helpFor: the command, or null for the tool's help),
 * else {name, values} with values.positionals. Throws a usage error for an unknown command or option.
 */
export function parseCommand(argv, commands) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic && !commands[topic]) throw usageError(`unknown command "${topic}" (commands: ${Object.keys(commands).join(', ')})`);
    return { helpFor: topic ?? null, exitCode: name === undefined ? EXIT.usage : EXIT.ok };
  }
  const command = commands[name];
  if (!command) throw usageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(', ')}; see wasmgrad --help)`);
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
  if (values.help) return { helpFor: name, exitCode: EXIT.ok };
  return { name, values: Object.assign(values, { positionals }) };
}

export function requireOption(values, command, option) {
  if (values[option] === undefined || values[option] === '') {
    throw usageError(`${command}: --${option} is required (see wasmgrad ${command} --help)`);
  }
  return values[option];
}

export function numberOption(values, command, option, { integer = false, min = -Infinity, max = Infinity } = {}) {
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

export async function readInputFile(path, what) {
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

/** The names --classes gives (undefined without it); a usage error for an empty name. */
export function classesOption(values, command) {
  const option = values.classes;
  if (option === undefined) return undefined;
  const names = option === 'fashion' ? FASHION_CLASSES
    : option === 'digits' ? DIGIT_CLASSES
      : option.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw usageError(`${command}: --classes has an empty name in "${option}"`);
  return names;
}

/**
 * Class names by the documented rule (CLASS_NAMES_RULE): --classes, else Fashion-MNIST's when
 * `path` contains "fashion" (classNamesFor, the playground's rule too), else `saved` (from the
 * model file), else 0..classes-1.
 */
export function classNames(values, command, path, saved, classes) {
  const given = classesOption(values, command);
  if (given !== undefined) {
    if (given.length !== classes) throw usageError(`${command}: --classes gives ${given.length} names but there are ${classes} classes`);
    return [...given];
  }
  const fashion = typeof path === 'string' && /fashion/i.test(path);
  if (fashion && classes !== FASHION_CLASSES.length) {
    throw usageError(`${command}: the path "${path}" says Fashion-MNIST (${FASHION_CLASSES.length} classes) ` +
      `but there are ${classes} classes; set them with --classes`);
  }
  if (!fashion && Array.isArray(saved) && saved.length === classes) return saved.map(String);
  return classNamesFor(fashion ? path : '', classes);
}

// A model from a preset name, a JSON spec file, inline JSON, or a saved model file.
export async function loadModel(engine, reference) {
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

/**
 * The engine's catalog ({layerTypes, presets, optimizers, losses, schedules}): the lists the
 * help shows come from the engine, as the checks do (engine.catalog once it is loaded).
 */
export async function engineCatalog() {
  const { load } = await import('../../bindings/wasmgrad.js');
  try {
    return (await load({ numThreads: 1 })).catalog;
  } catch (error) {
    throw new CliError(EXIT.failed, `could not load the engine: ${error.message}`);
  }
}

export async function loadEngine(values, command) {
  const threads = numberOption(values, command, 'threads', { integer: true, min: 1, max: MAX_THREADS });
  const { load } = await import('../../bindings/wasmgrad.js');
  try {
    return await load(threads === undefined ? {} : { numThreads: threads });
  } catch (error) {
    throw new CliError(EXIT.failed, `could not load the engine: ${error.message}`);
  }
}

/**
 * The JSON object of training settings in the --config file `path` (an input error names the
 * file when it is not readable, not JSON, or not an object).
 */
export async function readConfig(path) {
  const text = new TextDecoder().decode(await readInputFile(path, 'training settings'));
  let config;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw inputError(`training settings ${path}: invalid JSON: ${error.message}`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw inputError(`training settings ${path}: must be a JSON object`);
  return config;
}

// ---- results -----------------------------------------------------------------------------------

export function percent(x) { return `${(100 * x).toFixed(2)}%`; }

/** The probabilities ([n * classes]) and predicted classes of n inputs; an input error says what `cannot` take them. */
export function classify(model, inputs, n, cannot) {
  try {
    return { probabilities: model.predict(inputs, n), predicted: model.classify(inputs, n) };
  } catch (error) {
    throw inputError(`${cannot}: ${error.message}`);
  }
}

/**
 * One classified image as a 'prediction' event: its class (and name), probability and all
 * probabilities; `path` for an image file; `label` (with its name) when the true class is known.
 */
export function predictionEvent({ index, path, row, best, names, label }) {
  const event = { event: 'prediction', index, ...(path !== undefined && { path }), class: best, className: names[best],
    probability: row[best], probabilities: row };
  if (label !== undefined) Object.assign(event, { label, labelName: names[label] ?? String(label) });
  return event;
}
