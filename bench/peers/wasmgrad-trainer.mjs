// wasmgrad as a benchmark peer trainer, given a loaded engine: the part of the wasmgrad peer that
// is the same in Node (bench/peers/wasmgrad.mjs) and in Chromium (bench/browser/bench-worker.js).
// trainBatch runs one Adam step on the batch the protocol hands it; predict classifies.

// The benchmark's model names -> wasmgrad presets (same layers as the other peers build).
export const PRESETS = { mlp: 'mlp', cnn: 'cnn', lenet: 'lenet5' };

export function createWasmgradTrainer(engine, { model, learningRate }) {
  const net = engine.model(PRESETS[model]);
  const trainer = engine.trainer(net, { optimizer: 'adam', learningRate, loss: 'cross_entropy', seed: 1 });
  return {
    trainBatch(images, labels) {
      const r = trainer.trainBatch(images, labels);
      if (r.diverged) throw new Error('wasmgrad: training diverged');
    },
    predict(images, count) {
      return net.classify(images, count);
    },
    dispose() {
      trainer.dispose();
      net.dispose();
    },
  };
}
