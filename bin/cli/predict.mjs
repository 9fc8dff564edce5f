// `wasmgrad predict`: classifies image files, folders and zips (bin/cli/image-data.mjs) or the
// images of an IDX images file, one line (one 'prediction' event) per image; with labels, the accuracy.
import { CLASS_NAMES_RULE, EXIT, classNames, classesOption, classify, inputError, loadEngine, loadModel, numberOption,
  percent, predictionEvent, requireOption, usageError } from './shared.mjs';
import { readIdx, isImageData } from './data.mjs';
import { predictImages } from './predict-images.mjs';

export const predict = {
  summary: 'classify image files, image folders, or the images of an IDX images file',
  usage: 'wasmgrad predict --model model.wgm <photo.jpg|folder|images.zip ...> [--count N]\n' +
    '       wasmgrad predict --model model.wgm --input <idx3 images file> [--count N] [--labels <idx1 file>]',
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
  run,
};

async function run(values, out) {
  const modelRef = requireOption(values, 'predict', 'model');
  const paths = [...(values.input !== undefined ? [values.input] : []), ...values.positionals];
  if (paths.length === 0) throw usageError('predict: give image files (or folders, zips) or --input <idx3 images file> (see wasmgrad predict --help)');
  const count = numberOption(values, 'predict', 'count', { integer: true, min: 1 });
  classesOption(values, 'predict');
  if (values.positionals.length > 0 || await isImageData(paths[0], values, 'predict')) {
    if (values.labels !== undefined) throw usageError('predict: --labels is for IDX input; an image\'s label is the name of its folder');
    const engine = await loadEngine(values, 'predict');
    const { model } = await loadModel(engine, modelRef);
    await predictImages(engine, model, { paths, count, values, out });
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
  const { probabilities, predicted } = classify(model, dataset.inputs(0, n), n, `model ${modelRef} cannot take the images of ${inputPath}`);
  const classes = probabilities.length / n;
  const names = classNames(values, 'predict', inputPath, model.metadata?.classNames, classes);
  const width = Math.max(5, ...names.map((name) => name.length));
  const truth = labels ? dataset.labels() : null;
  let correct = 0;
  out.line(`index  ${'class'.padStart(width)}  probability` + (truth ? `  ${'label'.padStart(width)}` : ''));
  for (let i = 0; i < n; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    const best = predicted[i];
    const event = predictionEvent({ index: i, row, best, names, label: truth?.[i] });
    if (truth?.[i] === best) correct++;
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
