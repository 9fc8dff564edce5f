// Loads wasmgrad (threads when the page is cross-origin isolated) and trains a few steps on the
// bundled digits.
import { load } from 'wasmgrad';

self.onmessage = async ({ data }) => {
  try {
    const engine = await load();
    const { train, test } = await engine.digits();
    const model = engine.model('mlp');
    const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 1e-3, batchSize: 32, epochs: 1 });
    trainer.setData(train, test);
    const losses = [];
    for (let step = 0; step < data.steps; step++) losses.push(trainer.step(1).loss);
    self.postMessage({ type: 'trained', build: engine.build, threads: engine.threads, reason: engine.reason,
      trainSize: train.size, losses });
  } catch (error) {
    self.postMessage({ type: 'error', message: error.message });
  }
};
self.postMessage({ type: 'ready' });  // the page asks from here on (main.js says why)
