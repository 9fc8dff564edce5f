// `wasmgrad eval`: a saved model's loss and accuracy (overall and per class) on a split of IDX
// data, the part `wasmgrad train` held out, an image folder or image files.
import { CliError, CLASS_NAMES_RULE, EXIT, classNames, classesOption, loadEngine, loadModel, numberOption, percent,
  requireOption, usageError } from './shared.mjs';
import { holdOut, isImageData, loadSplit } from './data.mjs';
import { IMAGE_HELP, imageEvaluationData } from './image-data.mjs';

export const evaluate = {
  summary: 'evaluate a saved model on the test set of an IDX folder, an image folder or image files',
  usage: 'wasmgrad eval --model model.wgm --data <dir|digits|images.zip> [--split test|train|validation|all] [--limit N]\n' +
    '       wasmgrad eval --model model.wgm <image files...>   (each labelled by its folder\'s name)',
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
  run,
};

function confusionRows(confusion, classes) {
  return Array.from({ length: classes }, (_, row) => Array.from(confusion.subarray(row * classes, (row + 1) * classes)));
}

async function run(values, out) {
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
      split: values.split, limit, values, out }));
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
