// `wasmgrad train`: trains a preset, a JSON spec or a saved model (continuing its epochs and
// optimizer state) on IDX data, the bundled digits or an image folder, reports progress and
// epochs, and saves the model with its settings, class names and data in its metadata.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CLASS_NAMES_RULE, CliError, EXIT, HOLD_OUT, checkName, classNames, classesOption, inputError, loadEngine, loadModel,
  nameList, numberOption, percent, readConfig, requireOption, usageError } from './shared.mjs';
import { presetForData } from './presets.mjs';
import { hasNoTestFiles, holdOut, isImageData, limitTo, loadSplit } from './data.mjs';
import { IMAGE_HELP, imageTrainingData } from './image-data.mjs';

export const train = {
  summary: 'train a model on IDX image data or an image folder and save it',
  usage: 'wasmgrad train --model <preset|spec.json|model.wgm> --data <dir|digits|images.zip> [options]',
  options: {
    model: { type: 'string', help: (catalog) => `preset (${nameList(catalog.presets.map((p) => p.name))}: a preset takes the ` +
      `data's sample shape and class count), a JSON spec file (layer types: ${nameList(catalog.layerTypes.map((t) => t.type))}), ` +
      'or a saved model to continue' },
    data: { type: 'string', help: 'folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-... (.gz or not), or "digits" for the bundled 10,000 MNIST digits; ' +
      `without t10k-* files, ${100 * HOLD_OUT}% of the training set (seeded by --seed) is held out for validation and reported in place of the test set; ` +
      IMAGE_HELP.data },
    size: { type: 'string', help: IMAGE_HELP.size },
    channels: { type: 'string', help: IMAGE_HELP.channels },
    epochs: { type: 'string', default: '3', help: 'epochs to train' },
    batch: { type: 'string', default: '64', help: 'mini-batch size' },
    lr: { type: 'string', default: '1e-3', help: 'learning rate' },
    optimizer: { type: 'string', default: 'adam', help: (catalog) => nameList(catalog.optimizers) },
    seed: { type: 'string', default: '1', help: 'random seed (initialisation, shuffling)' },
    loss: { type: 'string', help: (catalog) => `${nameList(catalog.losses)} (default: cross_entropy)` },
    limit: { type: 'string', help: 'train on the first N training samples only' },
    'test-limit': { type: 'string', help: 'evaluate on the first N test (or held-out validation) samples only' },
    config: { type: 'string', help: (catalog) => 'JSON file with more training settings (weightDecay, ' +
      `schedule: {"type": ${nameList(catalog.schedules)}, ...}, augment, ...); the flags above override it` },
    out: { type: 'string', help: 'where to save the trained model (default: model.wgm)' },
    classes: { type: 'string', help: `${CLASS_NAMES_RULE}; saved in the model file` },
  },
  run,
};

async function run(values, out) {
  const modelRef = requireOption(values, 'train', 'model');
  const data = requireOption(values, 'train', 'data');
  const epochs = numberOption(values, 'train', 'epochs', { integer: true, min: 1, max: 100000 });
  const batchSize = numberOption(values, 'train', 'batch', { integer: true, min: 1, max: 1 << 20 });
  const learningRate = numberOption(values, 'train', 'lr', { min: 0, max: 1000 });
  const seed = numberOption(values, 'train', 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
  const limit = numberOption(values, 'train', 'limit', { integer: true, min: 1 });
  const testLimit = numberOption(values, 'train', 'test-limit', { integer: true, min: 1 });
  const outPath = values.out ?? 'model.wgm';
  classesOption(values, 'train');
  const extra = values.config === undefined ? {} : await readConfig(values.config);

  const engine = await loadEngine(values, 'train');
  const { optimizers, losses, schedules } = engine.catalog;
  checkName('train', '--optimizer', values.optimizer, optimizers);
  if (values.loss !== undefined) checkName('train', '--loss', values.loss, losses, 'loss');
  if (extra.schedule?.type !== undefined) checkName('train', `schedule in ${values.config}`, extra.schedule.type, schedules);
  const images = await isImageData(data, values, 'train');
  let model, kind, trainSet, testSet, source, heldOut, evaluatedOn, names;
  let dataMetadata = {};
  if (images) {
    // An image folder (bin/cli/image-data.mjs): it reports its own skipped files and held-out note.
    ({ model, kind, trainSet, testSet, evaluatedOn, source, heldOut, names, metadata: dataMetadata } = await imageTrainingData(engine, {
      data, modelRef, values, seed, batchSize, limit, testLimit, out }));
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
    if (kind === 'preset') model = presetForData(engine, model, modelRef, trainSet.sampleShape, trainSet.numClasses, out);
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
