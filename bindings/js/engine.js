// The ergonomic JavaScript API over the raw Embind module: models, datasets and
// trainers as classes with plain-object results. bindings/wasmgrad.js creates one
// Engine per loaded build; nothing here runs training on its own thread: call it from
// Node or from a Web Worker.
import { Owned } from './handle.js';
import { gunzipIfNeeded } from './gzip.js';
import { isNode } from './environment.js';


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
  /** The most likely class of each sample. */
  classify(inputs, count) {
    const n = countOf(this, inputs, count);
    const probabilities = this.predict(inputs, n);
    const classes = probabilities.length / n;
    const result = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
      result[i] = best;
    }
    return result;
  }
  reinitialize(seed) { this.handle.reinitialize(seed); }
  /** [{name, shape, data: Float32Array}] copies of every parameter. */
  parameters() { return this.handle.parameters(); }
  /** The model file (architecture + weights), with optional JSON-able metadata. */
  save(metadata = null) { return this.handle.save(metadata === null ? '' : JSON.stringify(metadata)); }

  // ---- seeing inside (engine/introspect/); none of these changes weights or gradients

  /** Every layer's output for one input (or a few): [{layer, name, type, shape, data}]. */
  activations(input) { return this.#api.layerActivations(this.handle, input); }
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
  /** The loss's computation graph for a small batch: {nodes: [{id, op, name, shape, inputs}], ...}. */
  lossGraph(inputs, labels, maxNodes = 200) {
    return JSON.parse(this.#api.lossGraph(this.handle, inputs, Array.from(labels), maxNodes));
  }

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
  /** Trains up to `batches` more batches of the current epoch; returns progress. */
  step(batches = 1) { return this.handle.runBatches(batches); }
  /** One step on your own batch (inputs: Float32Array of N samples, labels: N classes): {loss, accuracy, diverged}. */
  trainBatch(inputs, labels) { return this.handle.trainOnBatch(inputs, labels); }
  /** Finishes the current epoch (or runs a new one) and evaluates on the validation set. */
  trainEpoch() { return this.handle.trainEpoch(); }
  /** Loss, accuracy and confusion matrix (Int32Array, row = true class) on a dataset. */
  evaluate(dataset) { return this.handle.evaluate(dataset.handle); }
  /**
   * Trains until the configured epochs (or early stopping / divergence), calling
   * onProgress every `reportEvery` batches and onEpoch after each epoch. Yields to the
   * event loop between chunks so a worker stays responsive. Returns the epoch results.
   */
  async fit({ onProgress, onEpoch, reportEvery = 10, signal } = {}) {
    const history = [];
    while (!this.finished) {
      if (signal?.aborted) break;
      const progress = this.step(reportEvery);
      if (progress.diverged) throw new Error(progress.message);
      onProgress?.(progress);
      if (progress.epochDone) {
        const result = this.trainEpoch();
        history.push(result);
        onEpoch?.(result);
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return history;
  }
  /** A checkpoint: the model file plus optimizer state and optional metadata. */
  save(metadata = null) { return this.handle.save(metadata === null ? '' : JSON.stringify(metadata)); }
  /** Continues from a checkpoint loaded with engine.loadModel (same optimizer). */
  restoreOptimizerState(loadedModel) { this.handle.restoreOptimizerState(loadedModel.handle); }
}

export class Engine {
  #module;

  constructor(module, { reason, maxThreads, dataUrl }) {
    this.#module = module;
    const info = module.buildInfo();
    this.build = info.build;
    this.reason = reason;
    this.simdArch = info.simdArch;
    this.maxThreads = maxThreads;
    this.dataUrl = dataUrl;
    this.Tensor = module.Tensor;
  }

  get threads() { return this.#module.numThreads(); }
  /** Sets how many threads kernels use (clamped to [1, maxThreads]); returns the count in effect. */
  setThreads(n) { return this.#module.setNumThreads(Math.max(1, Math.min(n, this.maxThreads))); }
  memoryStats() { return this.#module.memoryStats(); }
  /** Frees the engine's cache of recycled buffers (kept per size; a new model shape adds sizes). */
  trimMemory() { this.#module.trimMemory(); }
  /** The raw Embind module, for what this layer does not wrap. */
  get module() { return this.#module; }

  get presets() { return this.#module.Model.presetNames(); }
  presetSpec(name) { return JSON.parse(this.#module.Model.presetSpec(name)); }
  get toyDatasets() { return this.#module.Dataset.toyNames(); }

  /** A model from a preset name ('mlp', 'cnn', 'lenet5', 'perceptron'), a spec object or JSON. */
  model(spec) { return new Model(this.#module.Model.create(toSpecText(spec)), this.#module); }
  /** A model from a saved file (Uint8Array); `.metadata` holds what was saved with it. */
  loadModel(bytes) {
    const handle = this.#module.Model.load(toBytes(bytes, 'a model file'));
    return new Model(handle, this.#module, handle.metadata());
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
  /** A dataset from arrays: labels (classes > 0) or regression targets (classes = 0). */
  arrayDataset(inputs, sampleShape, labelsOrTargets, { classes, name = 'arrays' }) {
    return new Dataset(this.#module.Dataset.fromArrays(inputs, sampleShape, labelsOrTargets, classes, name));
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
      const url = new URL(file, this.dataUrl);
      if (isNode) {
        const { readFile } = await import('node:fs/promises');
        try {
          return new Uint8Array(await readFile(url));
        } catch (error) {
          throw new Error(`wasmgrad: the bundled digits are missing (${error.message}); build them with scripts/build.sh`);
        }
      }
      const response = await fetch(url);
      if (!response.ok) throw new Error(`wasmgrad: could not fetch ${url.href}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const part = async (name) => this.idxDataset(
      await read(`digits-${name}-images-idx3-ubyte.gz`), await read(`digits-${name}-labels-idx1-ubyte.gz`),
      { name: `digits-${name}` });
    return { train: await part('train'), test: await part('test') };
  }
}
