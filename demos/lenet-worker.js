// The engine of the LeNet-5 demo, in a classic Web Worker so training never blocks the page.
// Like the playground's worker it exposes one object through Comlink: the page awaits its methods
// (init, train, classify), and training's progress, epochs and filters come to the callback the
// page hands to init (a Comlink proxy). It loads wasmgrad with dynamic import() from the absolute
// URLs it is sent (threads when the page is cross-origin isolated, else the single-thread build).
'use strict';

// Started through a blob trampoline (a page of another origin), Comlink was imported before this script.
if (!self.Comlink) importScripts(new URL('../build/vendor/comlink.js', self.location.href).href);
const { Comlink } = self;

let engine = null;
let model = null;
let trainer = null;
let run = null;  // the AbortController of the run in progress (Trainer.run), or null
let batches = 0;
let onEvent = () => {};

/** The first convolution's filters {layer, shape, data} (their buffer transferred), or null. */
function filters() {
  const first = model.parameters().find((p) => p.shape.length === 4);
  return first ? Comlink.transfer({ layer: first.name, shape: first.shape, data: first.data }, [first.data.buffer]) : null;
}

const sendFilters = () => {
  const shown = filters();
  if (shown) onEvent({ type: 'filters', ...shown }).catch(() => {});
};

/** Trains with the package's shared loop until paused (an abort) or done; calls are answered between chunks. */
async function train() {
  const controller = new AbortController();
  run = controller;
  let chunks = 0;
  try {
    await trainer.run({
      signal: controller.signal,
      budgetMs: 40,
      onProgress(progress) {
        batches += progress.stepBatches;
        onEvent({ type: 'progress', epoch: progress.epoch, batch: progress.batch, batches: progress.batches, loss: progress.loss,
          accuracy: progress.accuracy, samplesPerSecond: progress.samplesPerSecond, total: batches });
        if (++chunks % 3 === 0) sendFilters();
      },
      onEpoch(result) {
        onEvent({ type: 'epoch', epoch: result.epoch, validationAccuracy: result.validation.accuracy, trainAccuracy: result.trainAccuracy });
      },
    });
    sendFilters();
  } catch (error) {
    onEvent({ type: 'error', message: error.message });
  } finally {
    if (run === controller) run = null;
  }
}

Comlink.expose({
  /** Answers the page's start watch (demos/worker-engine.js): a worker that answers is not blocked. */
  ping() { return true; },

  /**
   * Loads the engine (once) and builds the model and its trainer on the bundled digits; `callback`
   * receives {type: 'progress' | 'epoch' | 'filters' | 'error', ...}. Returns {build, threads,
   * reason, parameterCount, filters}.
   */
  async init({ model: name, seed, learningRate, batchSize, bindingsUrl, engineUrl, dataUrl }, callback) {
    run?.abort();
    onEvent = callback;
    if (!engine) {
      const { load } = await import(bindingsUrl);
      engine = await load({ engineUrl, dataUrl });
    }
    const digits = await engine.digits();
    const validation = digits.test.subset(Array.from({ length: 1000 }, (_, i) => i));
    model = engine.model({ ...engine.presetSpec(name), seed });
    trainer = engine.trainer(model, { optimizer: 'adam', learningRate, batchSize, epochs: 20, seed });
    trainer.setData(digits.train, validation);
    batches = 0;
    return { build: engine.build, threads: engine.threads, reason: engine.reason, parameterCount: model.parameterCount, filters: filters() };
  },

  /** Starts (on) or pauses training. */
  train(on) {
    if (!on) run?.abort();
    else if (trainer && !run && !trainer.finished) train();
  },

  /** The class probabilities of one 28x28 image (784 values, 1 = ink). */
  classify(pixels) {
    const probabilities = model.predict(pixels, 1);
    return Comlink.transfer(probabilities, [probabilities.buffer]);
  },
});
