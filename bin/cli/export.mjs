// `wasmgrad export` and `wasmgrad import`: models leaving the engine (ONNX, a PyTorch folder,
// safetensors weights) and PyTorch-trained weights coming back.
//
//   wasmgrad export --model MODEL.wgm --format onnx --out FILE.onnx
//   wasmgrad export --model MODEL.wgm --format pytorch --out DIR
//   wasmgrad export --model MODEL.wgm --format safetensors --out FILE.safetensors
//   wasmgrad import --weights FILE.safetensors --spec SPEC.json|PRESET --out MODEL.wgm
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError, EXIT, inputError, loadEngine, loadModel, nameList, readConfig, readInputFile, requireOption, usageError } from './shared.mjs';

const FORMATS = {
  onnx: 'ONNX (opset 17, one file with the weights inside)',
  pytorch: 'a PyTorch folder (model.py, train.py, weights.safetensors, README.md, spec.json)',
  safetensors: 'the weights alone (safetensors)',
};

async function exportModel(values, out) {
  const modelRef = requireOption(values, 'export', 'model');
  const format = requireOption(values, 'export', 'format');
  const outPath = requireOption(values, 'export', 'out');
  if (!FORMATS[format]) throw usageError(`export: --format must be onnx, pytorch or safetensors, got "${format}"`);
  if (values.config !== undefined && format !== 'pytorch') throw usageError('export: --config sets train.py\'s settings: it needs --format pytorch');
  const training = values.config === undefined ? undefined : await readConfig(values.config);
  const engine = await loadEngine(values, 'export');
  const { model, kind } = await loadModel(engine, modelRef);
  let written;
  try {
    written = format === 'pytorch'
      ? await writePyTorch(model, outPath, training)
      : await writeOne(outPath, format === 'onnx' ? model.exportONNX() : model.exportSafetensors());
  } catch (error) {
    if (error instanceof CliError) throw error;
    const settings = /settings|exportPyTorch/.test(error.message);
    throw settings ? inputError(`export: ${error.message.replace(/^wasmgrad: /, '')}`)
      : new CliError(EXIT.failed, `export: ${error.message.replace(/^wasmgrad: /, '')}`);
  }
  const bytes = written.reduce((total, file) => total + file.bytes, 0);
  out.event({ event: 'result', command: 'export', model: modelRef, format, out: resolve(outPath),
    files: written.map((file) => file.path), bytes, ...(kind !== 'file' && { note: 'exported initial (untrained) weights' }) });
  out.line(`exported ${modelRef} as ${FORMATS[format]}: ${written.map((file) => file.path).join(', ')} ` +
    `(${bytes.toLocaleString('en')} bytes)` + (kind === 'file' ? '' : '; note: a preset or spec has untrained weights'));
  return EXIT.ok;
}

async function writeOne(path, bytes) {
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new CliError(EXIT.failed, `could not write ${path}: ${error.message}`);
  }
  return [{ path: resolve(path), bytes: bytes.length }];
}

async function writePyTorch(model, dir, training) {
  const files = model.exportPyTorch(training === undefined ? {} : { training });
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) throw usageError(`export: --out ${dir} is a file; --format pytorch writes a folder`);
  const written = [];
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(dir, name), content);
      written.push({ path: resolve(dir, name), bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.length });
    }
  } catch (error) {
    throw new CliError(EXIT.failed, `could not write the PyTorch folder ${dir}: ${error.message}`);
  }
  return written;
}

async function importWeights(values, out) {
  const weightsPath = requireOption(values, 'import', 'weights');
  const specRef = requireOption(values, 'import', 'spec');
  const outPath = requireOption(values, 'import', 'out');
  const bytes = await readInputFile(weightsPath, 'weights');
  const engine = await loadEngine(values, 'import');
  const { model: specModel } = await loadModel(engine, specRef);
  const spec = specModel.spec;
  specModel.dispose();
  let model;
  try {
    model = engine.importSafetensors(spec, bytes);
  } catch (error) {
    throw inputError(`weights ${weightsPath} do not fit the spec ${specRef}: ${error.message.replace(/^wasmgrad: /, '')}`);
  }
  try {
    await writeFile(outPath, model.save({ importedFrom: 'safetensors', weights: resolve(weightsPath), spec: specRef }));
  } catch (error) {
    throw new CliError(EXIT.failed, `could not save the model to ${outPath}: ${error.message}`);
  }
  out.event({ event: 'result', command: 'import', weights: resolve(weightsPath), spec: specRef,
    parameters: model.parameterCount, out: resolve(outPath) });
  out.line(`imported ${weightsPath} (${model.parameterCount.toLocaleString('en')} parameters, spec ${specRef}); saved ${outPath}`);
  return EXIT.ok;
}

export const exportCommand = {
  summary: 'export a model to ONNX, a PyTorch folder or safetensors',
  usage: 'wasmgrad export --model MODEL.wgm --format onnx|pytorch|safetensors --out FILE|DIR',
  options: {
    model: { type: 'string', help: 'a saved model file (or a preset or JSON spec: untrained weights)' },
    format: { type: 'string', help: 'onnx: one .onnx file (opset 17, input "input" [N, ...], output "logits"); ' +
      'pytorch: a folder with model.py, train.py (continues training, torchrun-ready), weights.safetensors, ' +
      'README.md, spec.json; safetensors: the weights alone' },
    out: { type: 'string', help: 'the file to write (onnx, safetensors) or the folder (pytorch; created if missing)' },
    config: { type: 'string', help: 'pytorch: a JSON file of training settings for train.py (default: the settings saved ' +
      'in the model file by `wasmgrad train`, else wasmgrad\'s defaults)' },
  },
  run: exportModel,
};

export const importCommand = {
  summary: 'import safetensors weights (e.g. written by the exported train.py) into a model file',
  usage: 'wasmgrad import --weights FILE.safetensors --spec SPEC.json|PRESET --out MODEL.wgm',
  options: {
    weights: { type: 'string', help: 'a safetensors file whose tensor names and shapes fit the spec (F32, F16, BF16 or F64)' },
    spec: { type: 'string', help: (catalog) => 'the architecture: a JSON spec file, inline JSON, a preset ' +
      `(${nameList(catalog.presets.map((p) => p.name))}) or a model file (its spec is used)` },
    out: { type: 'string', help: 'the model file to write' },
  },
  run: importWeights,
};
