// The engine of the LeNet-5 demo, in a classic Web Worker so training never blocks the page.
// Loads wasmgrad with dynamic import() (threads when the page is cross-origin isolated, else the
// single-thread SIMD build), trains on the bundled digits and answers the page's messages:
//   page -> worker: {type: 'init', model, seed, learningRate, batchSize} | {type: 'train', on} | {type: 'classify', pixels}
//   worker -> page: ready {build, threads, reason, parameters} | progress {...} | epoch {...} | filters {layer, shape, data}
//                   | probabilities {data} | error {message}
let engine = null;
let model = null;
let trainer = null;
let run = null;  // the AbortController of the run in progress (Trainer.run), or null
let batches = 0;

const post = (message, transfer) => self.postMessage(message, transfer ?? []);

function sendFilters() {
  const first = model.parameters().find((p) => p.shape.length === 4);
  if (first) post({ type: 'filters', layer: first.name, shape: first.shape, data: first.data }, [first.data.buffer]);
}

/** Trains with the package's shared loop until paused (an abort) or done; messages are answered between chunks. */
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
        post({ type: 'progress', epoch: progress.epoch, batch: progress.batch, batches: progress.batches, loss: progress.loss,
          accuracy: progress.accuracy, samplesPerSecond: progress.samplesPerSecond, total: batches });
        if (++chunks % 3 === 0) sendFilters();
      },
      onEpoch(result) {
        post({ type: 'epoch', epoch: result.epoch, validationAccuracy: result.validation.accuracy, trainAccuracy: result.trainAccuracy });
      },
    });
    sendFilters();
  } catch (error) {
    post({ type: 'error', message: error.message });
  } finally {
    if (run === controller) run = null;
  }
}

self.onmessage = async ({ data: message }) => {
  try {
    if (message.type === 'init') {
      run?.abort();
      const { load } = await import(message.bindingsUrl);
      engine = await load({ engineUrl: message.engineUrl, dataUrl: message.dataUrl });
      const digits = await engine.digits();
      const validation = digits.test.subset(Array.from({ length: 1000 }, (_, i) => i));
      model = engine.model({ ...engine.presetSpec(message.model), seed: message.seed });
      trainer = engine.trainer(model, { optimizer: 'adam', learningRate: message.learningRate, batchSize: message.batchSize,
        epochs: 20, seed: message.seed });
      trainer.setData(digits.train, validation);
      post({ type: 'ready', build: engine.build, threads: engine.threads, reason: engine.reason, parameters: model.parameterCount,
        summary: model.summary });
      sendFilters();
    } else if (message.type === 'train') {
      if (!message.on) run?.abort();
      else if (!run && !trainer.finished) train();
    } else if (message.type === 'classify') {
      const probabilities = model.predict(new Float32Array(message.pixels), 1);
      post({ type: 'probabilities', data: probabilities }, [probabilities.buffer]);
    }
  } catch (error) {
    post({ type: 'error', message: error.message });
  }
};
