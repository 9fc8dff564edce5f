// wasmgrad as a benchmark peer trainer, given a loaded engine: the part of the wasmgrad peer that
// is the same in Node (bench/peers/wasmgrad.mjs) and in Chromium (bench/browser/bench-worker.js).
// trainBatch runs one Adam step on the batch the protocol hands it; predict classifies.
// The training set is copied into the engine once (setData) and each batch is named by its
// samples' indices (trainBatchAt), so the engine gathers it on its threads instead of the caller
// copying 200 KB into the heap before every step, alone (issue 26, the step's serial part). The
// samples, and so the bits, are the batch's. Without trainSet (or for another batch), trainBatch.

// The benchmark's model names -> wasmgrad presets (same layers as the other peers build).
export const PRESETS = { mlp: 'mlp', cnn: 'cnn', lenet: 'lenet5', 'resnet-mini': 'resnet-mini' };

/** The spec of a benchmark model: its preset fitted to the 1x28x28 digits and their 10 classes. */
export function benchModelSpec(engine, model) {
  return engine.presetSpec(PRESETS[model], { input: [1, 28, 28], classes: 10 });
}

export function createWasmgradTrainer(engine, { model, learningRate, trainSet }) {
  const net = engine.model(benchModelSpec(engine, model));
  const trainer = engine.trainer(net, { optimizer: 'adam', learningRate, loss: 'cross_entropy', seed: 1 });
  // An engine built before trainBatchAt (a baseline's build/engine) copies every batch.
  const held = trainSet && typeof trainer.handle.trainOnIndices === 'function' ? engine.arrayDataset(trainSet.images, [1, 28, 28], trainSet.labels, { classes: 10 }) : null;
  if (held) trainer.setData(held);
  let indices = new Int32Array(0);
  return {
    trainBatch(images, labels, start) {
      let r;
      if (held && start !== undefined && trainSet.images.buffer === images.buffer) {
        if (indices.length !== labels.length) indices = new Int32Array(labels.length);
        for (let i = 0; i < indices.length; ++i) indices[i] = start + i;
        r = trainer.trainBatchAt(indices);
      } else {
        r = trainer.trainBatch(images, labels);
      }
      if (r.diverged) throw new Error('wasmgrad: training diverged');
    },
    predict(images, count) {
      return net.classify(images, count);
    },
    dispose() {
      trainer.dispose();
      held?.dispose();
      net.dispose();
    },
  };
}
