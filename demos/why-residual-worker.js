// The engine of the "why residual connections" demo, in a classic Web Worker (as lenet-worker.js):
// it trains two nets on the bundled digits in lockstep, one batch each per step, and after every
// step sends both losses and every parameter's gradient norm (Model.gradNorms) to the callback the
// page hands to init (a Comlink proxy). Between steps it yields, so a pause or a new init is
// answered at once. It loads wasmgrad with dynamic import() from the absolute URLs it is sent.
'use strict';

// Started through a blob trampoline (a page of another origin), Comlink was imported before this script.
if (!self.Comlink) importScripts(new URL('../build/vendor/comlink.js', self.location.href).href);
const { Comlink } = self;

let engine = null;
let digits = null;
let nets = [];     // [{name, model, trainer}] in the order init was given them
let run = null;    // the AbortController of the run in progress, or null
let steps = 0;     // batches each net has trained since init
let onEvent = () => {};

const yieldToEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));

function dispose() {
  for (const net of nets) {
    net.trainer.dispose();
    net.model.dispose();
  }
  nets = [];
}

/** Trains every net one batch per step until paused (an abort); reports each step. */
async function train() {
  const controller = new AbortController();
  run = controller;
  try {
    while (!controller.signal.aborted) {
      const report = {};
      for (const { name, model, trainer } of nets) {
        const progress = trainer.step(1);
        if (progress.diverged) throw new Error(`${name}: ${progress.message}`);
        report[name] = { loss: progress.stepLoss, accuracy: progress.stepAccuracy, gradNorms: model.gradNorms() };
      }
      steps += 1;
      onEvent({ type: 'step', step: steps, nets: report }).catch(() => {});
      await yieldToEventLoop();
    }
  } catch (error) {
    onEvent({ type: 'error', message: error.message }).catch(() => {});
  } finally {
    if (run === controller) run = null;
  }
}

/**
 * The loss and every parameter's gradient norm at initialisation, on the first `batchSize` training
 * digits: one backward pass through a throwaway SGD trainer with learning rate 0, so the weights
 * stay as they are and the net's own trainer starts from them untouched.
 */
function initialGradients(model, batchSize) {
  const probe = engine.trainer(model, { optimizer: 'sgd', learningRate: 0, batchSize });
  try {
    probe.setData(digits.train);
    const result = probe.trainBatchAt(Int32Array.from({ length: batchSize }, (_, i) => i));
    return { loss: result.loss, accuracy: result.accuracy, gradNorms: model.gradNorms() };
  } finally {
    probe.dispose();
  }
}

Comlink.expose({
  /** Answers the page's start watch (demos/worker-engine.js): a worker that answers is not blocked. */
  ping() { return true; },

  /**
   * Loads the engine and the digits (once) and builds one model and Adam trainer per entry of
   * `specs` ({name: spec}); `callback` receives {type: 'step' | 'error', ...}. Returns {build,
   * threads, reason, parameterCounts: {name: count}, trainingSamples, initial}, where initial is
   * a report of step 0 (the nets as built, before any update: initialGradients).
   */
  async init({ specs, learningRate, batchSize, seed, bindingsUrl, engineUrl, dataUrl }, callback) {
    run?.abort();
    run = null;
    onEvent = callback;
    if (!engine) {
      const { load } = await import(bindingsUrl);
      engine = await load({ engineUrl, dataUrl });
    }
    digits ??= await engine.digits();
    dispose();
    steps = 0;
    const initial = {};
    for (const [name, spec] of Object.entries(specs)) {
      const model = engine.model(spec);
      initial[name] = initialGradients(model, batchSize);
      const trainer = engine.trainer(model, { optimizer: 'adam', learningRate, batchSize, epochs: 1000, seed });
      trainer.setData(digits.train);
      nets.push({ name, model, trainer });
    }
    return { build: engine.build, threads: engine.threads, reason: engine.reason, trainingSamples: digits.train.size,
      parameterCounts: Object.fromEntries(nets.map((n) => [n.name, n.model.parameterCount])),
      initial: { type: 'step', step: 0, nets: initial } };
  },

  /** Starts (on) or pauses training. */
  train(on) {
    if (!on) run?.abort();
    else if (nets.length && !run) train();
  },
});
