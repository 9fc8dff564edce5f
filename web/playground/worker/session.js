// The engine worker's session: the model being shown and trained, its trainer, and the run. Runs
// go through the package's one training loop (Trainer.run), so between chunks the worker answers
// the page, and a pause is an abort. Every change of status is posted with the run's number (one
// per Start, given by the page), so the page never mistakes a previous run's "finished" for this one's.
//
// The session keeps no copy of the page's settings: Start, Resume and Step bring the trainer's
// configuration, and a different one rebuilds the trainer, carrying its state over (optimizer,
// epochs done, position in the epoch), so what trains is always what the page shows.

import { zipFolder } from '../../../bindings/wasmgrad.js';

const BUDGET_MS = 60;  // work per chunk: enough per message, short enough for Pause to feel instant

export class Session {
  /**
   * engine: the loaded wasmgrad engine; data: the worker's DataSets; emit(type, payload, transfer)
   * posts an event to the page; onChunk(progress | null, {force}) refreshes the live views.
   */
  constructor({ engine, data, emit, onChunk }) {
    Object.assign(this, { engine, data, emit, onChunk });
    this.model = null;
    this.trainer = null;
    this.trainerKey = null;
    this.carried = null;      // a loaded model file whose state the next trainer takes over (the model itself)
    this.run = 0;             // the page's number of the current (or last) run
    this.controller = null;   // the AbortController of the run in progress
    this.running = null;      // its promise
    this.epochGapMs = 0;
    this.lastProgress = null;
  }

  get training() { return this.controller !== null; }

  // ---- the model

  /** The spec fitted to the data in use: a preset ({preset}) or layers ({layers}), with the seed. */
  specFor({ preset, layers, seed = 1 }) {
    const input = this.data.info?.sampleShape ?? [1, 28, 28];
    if (preset) return { ...this.engine.presetSpec(preset, { input, classes: this.data.info?.classes || 10 }), seed };
    return { input, layers, seed };
  }

  /**
   * The engine's reading of a model request, without touching the session's model: {spec (with
   * every default filled in), summary, parameterCount, error}. error (a located engine error) when the
   * model does not fit the data; an invalid spec throws it.
   */
  describe(request) {
    const preview = this.engine.model(this.specFor(request));
    try {
      let error = null;
      if (this.data.info) {
        try {
          preview.checkData({ sampleShape: this.data.info.sampleShape, classes: this.data.info.classes });
        } catch (problem) {
          error = located(problem);
        }
      }
      return { spec: preview.spec, summary: preview.summary, parameterCount: preview.parameterCount, error };
    } finally {
      preview.dispose();
    }
  }

  /** Makes `spec` the session's model unless it already is (same architecture and seed); returns whether it changed. */
  async setModel(spec) {
    if (this.model && sameModel(this.model.spec, spec)) return false;
    await this.replaceModel(this.engine.model(spec));
    return true;
  }

  async replaceModel(model) {
    await this.stopRun();
    this.dropTrainer();
    this.carried = null;
    this.model?.dispose();
    this.engine.trimMemory();  // the old model's buffers: the engine would keep them per size, for good
    this.model = model;
    this.lastProgress = null;
    this.postStatus();  // a new model has not trained: no run's "finished" stands for it
    this.onChunk(null, { force: true });
  }

  dropTrainer() {
    this.trainer?.dispose();
    this.trainer = null;
    this.trainerKey = null;
  }

  /** A trainer with `config`: a different one than the current trainer's carries its state over. */
  ensureTrainer(config) {
    if (!this.model) throw new Error('no model yet: the layer list or the data are not valid');
    if (!this.data.train) throw new Error('no training data loaded');
    const key = JSON.stringify({ ...config, learningRate: 0 });
    if (this.trainer && this.trainerKey === key) {
      this.trainer.learningRate = config.learningRate;
      return;
    }
    const carrier = this.trainer ? this.engine.loadModel(this.trainer.save()) : this.carried;
    this.carried = null;
    this.dropTrainer();
    const trainer = this.engine.trainer(this.model, config);
    trainer.setData(this.data.train, this.data.validation);
    if (carrier) {
      try {
        trainer.restoreOptimizerState(carrier);
      } catch (error) {
        this.emit('notice', { message: `Continuing with fresh optimizer state: ${error.message}` });
      }
      try {
        if (carrier.metadata?.training) trainer.restoreProgress(carrier);
      } catch (error) {
        this.emit('notice', { message: `The saved training position could not be used (${error.message}); counting starts again.` });
      }
      if (carrier !== this.model) carrier.dispose();
    }
    this.trainer = trainer;
    this.trainerKey = key;
  }

  // ---- runs

  status() {
    const epochsDone = this.trainer?.epoch ?? this.carried?.metadata?.training?.epochsDone ?? 0;
    const inEpoch = this.lastProgress && !this.lastProgress.epochEnd ? this.lastProgress.batch : 0;
    const status = this.training ? 'training' : this.trainer?.finished ? 'finished'
      : epochsDone > 0 || inEpoch > 0 || this.carried ? 'paused' : 'idle';
    return { run: this.run, status, epochsDone };
  }

  postStatus() { this.emit('status', this.status()); }

  /** Start: a fresh model from `spec`, trained with `config` as run number `run`. */
  async start({ run, spec, config, epochGapMs = 0 }) {
    await this.replaceModel(this.engine.model(spec));
    this.ensureTrainer(config);
    this.run = run;
    this.epochGapMs = epochGapMs;
    this.launch();
  }

  /** Resume (or continue a finished or loaded model when `config` allows more epochs). */
  async resume({ run, config, epochGapMs = 0 }) {
    await this.stopRun();
    this.ensureTrainer(config);
    this.run = run;
    if (this.trainer.finished) {
      throw new Error(`this model has trained all ${this.trainer.epoch} epochs; set Epochs higher to continue, or press Start for a new run`);
    }
    this.epochGapMs = epochGapMs;
    this.launch();
  }

  /** One batch, then the live views. */
  async step({ run, config }) {
    await this.stopRun();
    this.ensureTrainer(config);
    this.run = run;
    if (this.trainer.finished) throw new Error('this run has trained all its epochs: press Start for a new one');
    const progress = this.trainer.step(1);
    if (progress.diverged) throw new Error(progress.message);
    this.report(progress);
    this.onChunk(progress, { force: true });
    this.postStatus();
  }

  async pause() {
    await this.stopRun();
  }

  /** Reset: the model from `spec` with fresh weights, no trainer. */
  async reset({ spec }) {
    await this.replaceModel(this.engine.model(spec));
  }

  setLearningRate(lr) {
    if (this.trainer) this.trainer.learningRate = lr;
  }

  setEpochGap(ms) {
    this.epochGapMs = ms;
  }

  launch() {
    const controller = new AbortController();
    this.controller = controller;
    this.postStatus();
    this.running = this.trainer.run({
      signal: controller.signal,
      budgetMs: BUDGET_MS,
      epochGapMs: () => this.epochGapMs,
      onProgress: (progress) => {
        this.report(progress);
        this.onChunk(progress, { force: Boolean(progress.epochEnd) });
      },
    }).catch((error) => {
      this.emit('error', { context: 'training', message: error.message });
    }).finally(() => {
      if (this.controller === controller) this.controller = null;
      this.running = null;
      this.onChunk(this.lastProgress, { force: true });
      this.postStatus();
    });
  }

  async stopRun() {
    this.controller?.abort();
    await this.running;
  }

  /** Posts a chunk's progress (and its epoch's end) as the page draws them. */
  report(progress) {
    this.lastProgress = progress;
    const { batch, batches, epoch, stepBatches, samplesPerSecond } = progress;
    const epochs = this.trainer.config.epochs;
    const remaining = (epochs - epoch) * batches + (batches - batch);
    const batchSize = this.trainer.config.batchSize;
    this.emit('progress', {
      run: this.run, epoch, epochs, batch, batches, loss: progress.loss, accuracy: progress.accuracy,
      stepLoss: progress.stepLoss, stepAccuracy: progress.stepAccuracy, learningRate: progress.learningRate,
      samplesPerSecond, etaSeconds: samplesPerSecond > 0 ? remaining * batchSize / samplesPerSecond : NaN,
      // Where the curve puts this chunk: the middle of its batches, in epochs.
      x: epoch - 1 + (batch - stepBatches / 2) / batches,
    });
    const end = progress.epochEnd;
    if (end) {
      this.emit('epochEnd', { run: this.run, epoch: end.epoch, trainLoss: end.trainLoss, trainAccuracy: end.trainAccuracy,
        validationLoss: end.validation?.loss ?? NaN, validationAccuracy: end.validation?.accuracy ?? NaN, seconds: end.seconds,
        stop: end.stop, stopReason: end.stopReason });
    }
  }

  // ---- files

  /** The model file: with optimizer state and training position when it has trained. */
  save({ metadata, config }) {
    if (!this.model) throw new Error('no model to save');
    if (this.carried && config) this.ensureTrainer(config);
    return this.trainer ? this.trainer.save(metadata) : this.model.save(metadata);
  }

  /**
   * The model in another format: 'onnx' and 'safetensors' as one file, 'pytorch' as a .zip of
   * model.py, train.py (continuing with `config`, from the epoch reached), README.md, spec.json and
   * weights.safetensors. Returns {bytes, name}.
   */
  exportModel(format, { config, title = 'The model trained in the wasmgrad playground' } = {}) {
    if (!this.model) throw new Error('no model to export');
    switch (format) {
      case 'onnx': return { bytes: this.model.exportONNX(), name: 'model.onnx' };
      case 'safetensors': return { bytes: this.model.exportSafetensors(), name: 'weights.safetensors' };
      case 'pytorch': {
        const startEpoch = this.trainer?.epoch ?? this.carried?.metadata?.training?.epochsDone ?? 0;
        const files = this.model.exportPyTorch({ training: config, startEpoch, title });
        return { bytes: zipFolder(files, 'wasmgrad-pytorch'), name: 'wasmgrad-pytorch.zip' };
      }
      default: throw new Error(`unknown export format "${String(format).slice(0, 20)}" (onnx, pytorch, safetensors)`);
    }
  }

  /**
   * Weights from a safetensors file (e.g. the weights.safetensors that the exported train.py
   * wrote) for the model of `spec`: they become the session's model, untrained as far as this page
   * knows. An error names the tensor and the shapes that do not fit.
   */
  async importWeights(bytes, spec) {
    const model = this.engine.importSafetensors(spec, new Uint8Array(bytes));
    await this.replaceModel(model);
    return { spec: model.spec, summary: model.summary, parameterCount: model.parameterCount, preset: this.presetOf(model), history: [],
      metadata: null };
  }

  /**
   * A model file becomes the session's model; its training state is carried into the next trainer.
   * Returns {spec, metadata, summary, parameterCount, history}.
   */
  async load(bytes) {
    const loaded = this.engine.loadModel(new Uint8Array(bytes));
    const expected = this.data.info?.sampleShape;
    if (expected && loaded.inputShape.join('x') !== expected.join('x')) {
      loaded.dispose();
      throw new Error(`this model takes inputs of shape ${loaded.inputShape.join('×')}, but the data in use have ${expected.join('×')}`);
    }
    await this.replaceModel(loaded);
    // A checkpoint (Trainer.save) carries optimizer state and where training stood: the next
    // trainer takes them from the model itself, so Resume goes on counting from its epoch.
    if (loaded.hasOptimizerState || loaded.metadata?.training) this.carried = loaded;
    this.postStatus();
    const metadata = loaded.metadata;
    return { spec: loaded.spec, metadata, summary: loaded.summary, parameterCount: loaded.parameterCount, preset: this.presetOf(loaded),
      history: Array.isArray(metadata?.training?.history) ? metadata.training.history : [] };
  }

  /** The name of the preset whose architecture (fitted to the model's input and outputs) `model` has, or null. */
  presetOf(model) {
    const layers = JSON.stringify(model.spec.layers);
    for (const { name } of this.engine.presets) {
      let fitted = null;
      try {
        fitted = this.engine.model(this.engine.presetSpec(name, { input: model.inputShape, classes: model.outputShape[0] }));
        if (JSON.stringify(fitted.spec.layers) === layers) return name;
      } catch {
        // an image preset on vector inputs: not this one
      } finally {
        fitted?.dispose();
      }
    }
    return null;
  }
}

/** The parts of an engine error the page places next to a layer and a field. */
export function located(error) {
  return { message: String(error?.message ?? error), layer: Number.isInteger(error?.layer) ? error.layer : null,
    layerType: typeof error?.layerType === 'string' ? error.layerType : '',
    field: typeof error?.field === 'string' ? error.field : '', problem: typeof error?.problem === 'string' ? error.problem : '',
    path: typeof error?.path === 'string' ? error.path : '' };
}

function sameModel(a, b) {
  const key = (s) => JSON.stringify({ input: s.input, layers: s.layers, seed: s.seed ?? 1 });
  return key(a) === key({ ...b, layers: b.layers });
}
