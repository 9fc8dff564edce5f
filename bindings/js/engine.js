// The ergonomic JavaScript API over the raw Embind module: models, datasets and
// trainers as classes with plain-object results. bindings/wasmgrad.js creates one
// Engine per loaded build; nothing here runs training on its own thread: call it from
// Node or from a Web Worker.
import { Owned } from './handle.js';
import { gunzipIfNeeded } from './gzip.js';
import { exportOnnx, exportPyTorch, exportSafetensors } from './export/index.js';


function toSpecText(spec) {
  if (typeof spec === 'string') return spec;
  if (spec && typeof spec === 'object') return JSON.stringify(spec);
  throw new TypeError(`wasmgrad: a model spec must be a preset name, a JSON string or an object, got ${typeof spec}`);
}

function toBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`wasmgrad: ${what} must be a Uint8Array or ArrayBuffer, got ${data === null ? 'null' : typeof data}`);
}

function countOf(model, inputs, count) {
  if (count !== undefined) return count;
  const perSample = model.inputShape.reduce((a, b) => a * b, 1);
  if (!inputs || typeof inputs.length !== 'number') throw new TypeError('wasmgrad: inputs must be a Float32Array');
  if (inputs.length % perSample !== 0) {
    throw new Error(`wasmgrad: ${inputs.length} input values are not a whole number of samples of shape [${model.inputShape}]`);
  }
  return inputs.length / perSample;
}

export class Dataset extends Owned {
  get name() { return this.handle.name(); }
  get size() { return this.handle.size(); }
  get numClasses() { return this.handle.numClasses(); }
  get sampleShape() { return this.handle.sampleShape(); }
  get classNames() { return this.handle.classNames(); }
  /** Float32Array copy of samples [start, start + count). */
  inputs(start = 0, count = this.size - start) { return this.handle.inputs(start, count); }
  /** Int32Array copy of the labels (empty for regression sets). */
  labels() { return this.handle.labels(); }
  targets() { return this.handle.targets(); }
  classCounts() { return this.handle.classCounts(); }
  /** A seeded split into {train, validation}. */
  split(validationFraction, seed = 1) {
    return {
      train: new Dataset(this.handle.splitTrain(validationFraction, seed)),
      validation: new Dataset(this.handle.splitValidation(validationFraction, seed)),
    };
  }
  subset(indices) { return new Dataset(this.handle.subset(Array.from(indices))); }
}

export class Model extends Owned {
  #metadata;
  #api;

  constructor(handle, api, metadata = '') {
    super(handle);
    this.#api = api;
    this.#metadata = metadata;
  }

  /** The normalised spec (defaults filled in) as an object. */
  get spec() { return JSON.parse(this.handle.spec()); }
  get summary() { return this.handle.summary(); }
  get parameterCount() { return this.handle.totalParameters(); }
  get inputShape() { return this.handle.inputShape(); }
  get outputShape() { return this.handle.outputShape(); }
  /** Metadata saved with the model file it was loaded from (parsed JSON), or null. */
  get metadata() { return this.#metadata ? JSON.parse(this.#metadata) : null; }
  get hasOptimizerState() { return this.handle.hasOptimizerState(); }

  /** Raw outputs (logits) for a batch: Float32Array of count * outputs. */
  outputs(inputs, count) { return this.handle.outputs(inputs, countOf(this, inputs, count)); }
  /** Class probabilities (softmax) for a batch: Float32Array of count * classes. */
  predict(inputs, count) { return this.handle.predict(inputs, countOf(this, inputs, count)); }
  /** The most likely class of each sample (Int32Array). */
  classify(inputs, count) { return this.handle.classify(inputs, countOf(this, inputs, count)); }
  /**
   * Throws an Error located like a spec error ({layer, layerType, field, problem}) when samples
   * of `sampleShape` or `classes` classes do not fit this model (e.g. 3 outputs for 10 classes).
   */
  checkData({ sampleShape, classes = 0 }) { this.handle.checkData(Array.from(sampleShape), classes); }
  reinitialize(seed) { this.handle.reinitialize(seed); }
  /** [{name, shape, data: Float32Array}] copies of every parameter. */
  parameters() { return this.handle.parameters(); }
  /** The model file (architecture + weights), with optional JSON-able metadata. */
  save(metadata = null) { return this.handle.save(metadata === null ? '' : JSON.stringify(metadata)); }

  // ---- seeing inside (engine/introspect/); none of these changes weights or gradients

  /** Every layer's output for one input (or a few): [{layer, name, type, shape, data}]. */
  activations(input) { return this.#api.layerActivations(this.handle, input); }
  /** Inside block `layer` (residual, concat) for one input: each path's inner layers' outputs. */
  blockActivations(input, layer) { return this.#api.blockActivations(this.handle, input, layer); }
  /** A conv layer's weights [K, C, KH, KW] (or a linear layer's on an image input, as images). */
  filters(layer) { return this.#api.layerFilters(this.handle, layer); }
  /** |d score / d input| for one input: {classIndex, score, shape: [H, W], data}; class -1 = predicted. */
  saliency(input, classIndex = -1) { return this.#api.saliencyMap(this.handle, input, classIndex); }
  /** Input-gradient heat map of one unit, and its theoretical receptive field rectangle. */
  effectiveReceptiveField(input, { layer, channel = 0, row, col }) {
    return this.#api.effectiveReceptiveField(this.handle, input, layer, channel, row, col);
  }
  /** The input rectangle a unit of `layer` at (row, col) sees: {full, clipped} as {top, left, height, width}. */
  receptiveField(layer, row, col) { return this.#api.theoreticalReceptiveField(this.handle, layer, row, col); }
  /** "What does class k look like": gradient ascent on the input. {shape, data, scores} */
  classImage(classIndex, options = {}) { return this.#api.classImage(this.handle, classIndex, options); }
  /** Amplifies what `layer` responds to in `input` (deep-dream style). */
  deepDream(input, layer, options = {}) { return this.#api.deepDream(this.handle, input, layer, options); }
  /** Value (and gradient, after a step) histograms of every parameter. */
  histograms(bins = 30) { return this.#api.parameterHistograms(this.handle, bins); }
  /** The L2 norm of every parameter's last gradient: [{layer, layerName, name, norm}] ([] before a step). */
  gradNorms() { return this.#api.parameterGradNorms(this.handle); }
  /** The loss's computation graph for a small batch: {nodes: [{id, op, name, shape, inputs}], ...}. */
  lossGraph(inputs, labels, maxNodes = 200) {
    return JSON.parse(this.#api.lossGraph(this.handle, inputs, Array.from(labels), maxNodes));
  }

  // ---- leaving the engine (bindings/js/export/; docs/export.md)

  /** The model as one ONNX file (opset 17): input "input" [N, ...inputShape], output "logits". */
  exportONNX() { return exportOnnx(this, this.#api); }
  /** The weights (and batch-norm statistics) as a safetensors file; metadata: extra string entries. */
  exportSafetensors(metadata = {}) { return exportSafetensors(this, this.#api, metadata); }
  /** A PyTorch folder's files by name (model.py, train.py, README.md, spec.json, weights.safetensors). */
  exportPyTorch(options = {}) { return exportPyTorch(this, this.#api, options); }

  // ---- inside one unit (engine/introspect/explain_unit.h, network_flow.h; docs/explain-unit.md)

  /**
   * How one unit got its value for `input` (one sample), step by step with the engine's own
   * numbers: {layer, channel, row, col} for a map, {layer, channel} for a unit of a vector;
   * topK: how many weight x input terms a linear unit lists (default 10). The result's `kind`
   * says which steps it holds; its `result` equals `value`, the activation map's value.
   */
  explainUnit(input, unit) { return this.#api.explainUnit(this.handle, input, unit); }
  /**
   * One input through the whole network, for a node-link picture: columns of node values
   * (maps summarised per channel, the maps themselves when small) and the strongest edges
   * (weight x activation) into each column. options: {edges: 64, edgesPerNode: 0, mapLimit: 4096}.
   */
  networkFlow(input, options = {}) { return this.#api.networkFlow(this.handle, input, options); }
}

/** Rosenblatt's perceptron with the lectures' rule (labels +1 / -1). */
export class Perceptron extends Owned {
  predict(x) { return this.handle.predict(Array.from(x)); }
  /** Presents one sample; returns true when it was a mistake and the weights moved. */
  learn(x, label) { return this.handle.learn(Array.from(x), label); }
  get weights() { return this.handle.weights(); }
  get bias() { return this.handle.bias(); }
  setWeights(weights, bias) { this.handle.setWeights(Array.from(weights), bias); }
}

// Lets the event loop run between two chunks of training (a Pause message, timers) without the
// clamp of setTimeout(0): once nested, that waits at least 4 ms in browsers (6% of a 60 ms chunk)
// and 1 ms in Node. setImmediate in Node; elsewhere a message to itself, which waits behind the
// messages already queued and no longer.
function yieldToEventLoop() {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

export class Trainer extends Owned {
  #model;

  constructor(handle, model) {
    super(handle);
    this.#model = model;
  }

  get model() { return this.#model; }
  /** The settings in effect, defaults filled in. */
  get config() { return JSON.parse(this.handle.config()); }
  get epoch() { return this.handle.epoch(); }
  get finished() { return this.handle.finished(); }
  /** Every epoch's result so far, restored ones included. */
  get history() { return this.handle.history(); }
  get learningRate() { return this.handle.learningRate(); }
  set learningRate(lr) { this.handle.setLearningRate(lr); }

  /** Sets the training data and (optionally) a validation set. */
  setData(train, validation = null) {
    const empty = validation ? null : new (train.handle.constructor)();
    try {
      this.handle.setData(train.handle, validation ? validation.handle : empty);
    } finally {
      empty?.delete();
    }
    return this;
  }
  /**
   * Trains up to `batches` more batches of the current epoch. The step that trains an epoch's
   * last batch also evaluates it: its progress carries the EpochResult in `epochEnd`.
   */
  step(batches = 1) { return this.handle.step(batches); }
  /** One step on your own batch (inputs: Float32Array of N samples, labels: N classes): {loss, accuracy, diverged}. */
  trainBatch(inputs, labels) { return this.handle.trainOnBatch(inputs, labels); }
  /**
   * The same step on the samples at `indices` (Int32Array or array) of the training set given to
   * setData, gathered inside the engine on its threads: no copy of the batch from JavaScript.
   */
  trainBatchAt(indices) { return this.handle.trainOnIndices(indices); }
  /** Trains the rest of the current epoch (or a whole new one) and returns its result. */
  trainEpoch() { return this.handle.trainEpoch(); }
  /** Loss, accuracy and confusion matrix (Int32Array, row = true class) on a dataset. */
  evaluate(dataset) { return this.handle.evaluate(dataset.handle); }

  /**
   * The training loop every caller shares (the playground's worker, the demos, the CLI): trains
   * until the configured epochs are done (or early stopping), `maxEpochs` more epochs have ended,
   * or `signal` aborts. Work runs in chunks of about `budgetMs` (batches per chunk adapt as it
   * goes, and a chunk never crosses an epoch's end); between chunks it yields to the event loop,
   * so a Web Worker answers messages meanwhile and a pause is `controller.abort()`.
   * `epochGapMs` (a number, or a function read at each epoch end) waits after each epoch: a page's
   * pace control, so a boundary can be watched forming.
   * Calls onProgress(progress) after every chunk and onEpoch(epochResult) at every epoch end.
   * Resolves to {finished, aborted, epochs: this call's EpochResults, progress: the last}; rejects
   * when training diverges (the weights are then the last good ones).
   */
  async run({ budgetMs = 50, maxEpochs = Infinity, epochGapMs = 0, signal, onProgress, onEpoch } = {}) {
    const epochs = [];
    let batches = 1;
    let progress = null;
    while (!this.finished && epochs.length < maxEpochs && !signal?.aborted) {
      const started = performance.now();
      progress = this.step(batches);
      const elapsed = performance.now() - started;
      if (progress.diverged) throw new Error(progress.message);
      // Aim the next chunk at budgetMs, smoothing over the machine's noise.
      const ideal = batches * budgetMs / Math.max(elapsed, 0.1);
      batches = Math.max(1, Math.min(1000, Math.round(0.5 * batches + 0.5 * ideal)));
      onProgress?.(progress);
      if (progress.epochEnd) {
        epochs.push(progress.epochEnd);
        onEpoch?.(progress.epochEnd);
      }
      const gap = progress.epochEnd ? (typeof epochGapMs === 'function' ? epochGapMs() : epochGapMs) : 0;
      await (gap > 0 ? new Promise((resolve) => setTimeout(resolve, gap)) : yieldToEventLoop());
    }
    return { finished: this.finished, aborted: Boolean(signal?.aborted), epochs, progress };
  }

  /** run() until the end, reporting progress; resolves to the epoch results (kept for older scripts). */
  async fit({ onProgress, onEpoch, signal } = {}) {
    return (await this.run({ onProgress, onEpoch, signal })).epochs;
  }

  /** A checkpoint: the model file with optimizer state, where training stands, and your metadata (an object). */
  save(metadata = null) { return this.handle.save(metadata === null ? '' : JSON.stringify(metadata)); }
  /**
   * Continues a checkpoint loaded with engine.loadModel: its optimizer state and (call after
   * setData) where training stood, so epochs count on from it and the history is kept.
   */
  restore(loadedModel) {
    this.restoreOptimizerState(loadedModel);
    if (loadedModel.metadata?.training) this.restoreProgress(loadedModel);
  }
  /** The optimizer state alone (same optimizer type and parameters as when it was saved). */
  restoreOptimizerState(loadedModel) { this.handle.restoreOptimizerState(loadedModel.handle); }
  /** Where training stood (epochs done, position, history) alone; call after setData. */
  restoreProgress(loadedModel) { this.handle.restoreProgress(loadedModel.handle); }
}


/**
 * A raw Embind class whose objects are freed like every other engine object: dispose(),
 * `disposed` and `using`. delete() and isDeleted(), Embind's own names, stay as older spellings.
 */
function withDispose(EmbindClass) {
  const proto = EmbindClass.prototype;
  if (!Object.hasOwn(proto, 'dispose')) {
    Object.defineProperties(proto, {
      dispose: { value() { if (!this.isDeleted()) this.delete(); }, configurable: true },
      disposed: { get() { return this.isDeleted(); }, configurable: true },
      [Symbol.dispose ?? Symbol.for('Symbol.dispose')]: { value() { this.dispose(); }, configurable: true },
    });
  }
  return EmbindClass;
}

export class Engine {
  #module;
  #readData;

  /** readData(fileName) -> Promise<Uint8Array> of a bundled data file (bindings/js/loader.js). */
  constructor(module, { reason, maxThreads, readData }) {
    this.#module = module;
    const info = module.buildInfo();
    this.build = info.build;
    this.reason = reason;
    this.simdArch = info.simdArch;
    this.maxThreads = maxThreads;
    this.#readData = readData;
    this.Tensor = withDispose(module.Tensor);
  }

  get threads() { return this.#module.numThreads(); }
  /** Sets how many threads kernels use (clamped to [1, maxThreads]); returns the count in effect. */
  setThreads(n) { return this.#module.setNumThreads(Math.max(1, Math.min(n, this.maxThreads))); }
  /** The engine's heap (buffer pool, malloc, heap top) and the size of its WebAssembly memory. */
  memoryStats() { return { ...this.#module.memoryStats(), wasmBytes: this.#module.HEAP8.length }; }
  /** Frees the engine's cache of recycled buffers (kept per size; a new model shape adds sizes). */
  trimMemory() { this.#module.trimMemory(); }
  /** The raw Embind module, for what this layer does not wrap. */
  get module() { return this.#module; }

  /** The built-in architectures: [{name, title, data: 'images' | 'points' | 'any', input, classes}]. */
  get presets() { return this.#module.Model.presets(); }
  get presetNames() { return this.#module.Model.presetNames(); }
  /**
   * A preset's spec; with {input, classes}, fitted to that data: its input becomes that sample
   * shape and its last linear layer gets one unit per class.
   */
  presetSpec(name, { input, classes } = {}) {
    return JSON.parse(this.#module.Model.presetSpec(name, input === undefined ? undefined : Array.from(input), classes ?? 0));
  }
  /** The engine's layer types and their fields with limits: [{type, aliasOf, needsImage, fields: [{name, kind, min, max, required, defaultText}]}]. */
  get layerTypes() { return this.#module.Model.layerTypes(); }
  /**
   * Every list the engine accepts, from the engine: {layerTypes, presets, optimizers, losses,
   * schedules}; what the CLI's help and checks, the .d.ts (tests/js/api/catalog.test.mjs) and a page's
   * menus should show.
   */
  get catalog() {
    return { layerTypes: this.layerTypes, presets: this.presets, ...this.#module.Trainer.catalog() };
  }
  get toyDatasets() { return this.#module.Dataset.toyNames(); }
  /** The big architectures engine.describe() knows by name: [{name, title, parameters}] (alexnet, vgg16, googlenet, resnet18). */
  get architectures() { return this.#module.Model.architectures(); }
  /**
   * A model's layer table from its spec alone, without allocating weights (so VGG-16's 138 M
   * parameters can be shown): a spec object or JSON, a preset name or an architecture name.
   * {inputShape, outputShape, parameters, multiplyAdds, layers: summary rows (a block's with `inner`)}.
   */
  describe(spec) { return this.#module.Model.describe(toSpecText(spec)); }

  /** A model from a preset name ('mlp', 'cnn', 'lenet5', 'perceptron'), a spec object or JSON. */
  model(spec) { return new Model(this.#module.Model.create(toSpecText(spec)), this.#module); }
  /** A model from a saved file (Uint8Array); `.metadata` holds what was saved with it. */
  loadModel(bytes) {
    const handle = this.#module.Model.load(toBytes(bytes, 'a model file'));
    return new Model(handle, this.#module, handle.metadata());
  }
  /** A model of `spec` holding the weights of a safetensors file (names and shapes must fit the spec). */
  importSafetensors(spec, bytes) {
    const model = this.model(spec);
    try {
      this.#module.importSafetensors(model.handle, toBytes(bytes, 'the weights'));
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  }
  /** A trainer for `model` with settings like {optimizer: 'adam', learningRate: 1e-3, batchSize: 64, epochs: 10}. */
  trainer(model, settings = {}) {
    if (!(model instanceof Model)) throw new TypeError('wasmgrad: trainer() needs a Model from engine.model()');
    return new Trainer(this.#module.Trainer.create(model.handle, JSON.stringify(settings)), model);
  }

  /** A dataset from IDX image and label files (Uint8Array, gzipped or not). */
  async idxDataset(images, labels, { name = 'idx' } = {}) {
    const imageBytes = await gunzipIfNeeded(toBytes(images, 'the images file'), 'the images file');
    const labelBytes = await gunzipIfNeeded(toBytes(labels, 'the labels file'), 'the labels file');
    return new Dataset(this.#module.Dataset.fromIdx(imageBytes, labelBytes, name));
  }
  /** A toy set: 'xor', 'and', 'or', 'nand', 'circles', 'spirals', 'blobs', 'sin', ... */
  toyDataset(name, { n = 200, noise = 0.1, seed = 1 } = {}) {
    return new Dataset(this.#module.Dataset.toy(name, n, noise, seed));
  }
  /** A dataset from arrays: labels (classes > 0) or regression targets (classes = 0); classNames optional. */
  arrayDataset(inputs, sampleShape, labelsOrTargets, { classes, name = 'arrays', classNames } = {}) {
    const dataset = new Dataset(this.#module.Dataset.fromArrays(inputs, sampleShape, labelsOrTargets, classes, name));
    if (classNames !== undefined) {
      try {
        dataset.handle.setClassNames(Array.from(classNames, String));
      } catch (error) {
        dataset.dispose();
        throw error;
      }
    }
    return dataset;
  }
  /** A perceptron with `features` inputs (zero weights) and learning rate `learningRate`. */
  perceptron(features, learningRate = 1) { return new Perceptron(this.#module.Perceptron.create(features, learningRate)); }
  /** A lecture's worked example with forward values and gradients on each node:
   *  'cos_sin_square' [x] (J = cos(sin(x^2) + 3x^2)), 'tiny_relu_net' [x, w1, b1, w2, b2, t]. */
  workedExample(name, inputs) { return JSON.parse(this.#module.workedExample(name, Array.from(inputs))); }
  get workedExamples() { return this.#module.workedExampleNames(); }

  /** The bundled 10,000 real MNIST digits: {train: 8,000, test: 2,000}. */
  async digits() {
    const read = async (file) => {
      try {
        return await this.#readData(file);
      } catch (error) {
        throw new Error(`wasmgrad: the bundled digits are missing (${error.message}); build them with scripts/build.sh`);
      }
    };
    const part = async (name) => this.idxDataset(
      await read(`digits-${name}-images-idx3-ubyte.gz`), await read(`digits-${name}-labels-idx1-ubyte.gz`),
      { name: `digits-${name}` });
    return { train: await part('train'), test: await part('test') };
  }
}
