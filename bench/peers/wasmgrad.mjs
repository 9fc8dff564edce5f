// Peer: wasmgrad itself, through its JavaScript API (bindings/wasmgrad.js), in the same protocol
// as every other peer: the benchmark hands it the same batches (trainer.trainBatch) and asks
// for predictions (model.classify). Variants: { build: 'simd', threads: 1 } (WASM, one thread),
// { build: 'simd-threads', threads: 2 } (WASM, two threads). The native row is
// bench/peers/wasmgrad-native.mjs (a C++ driver).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = path.join(ROOT, 'bindings', 'wasmgrad.js');

// The benchmark's model names -> wasmgrad presets (same layers as the other peers build).
export const PRESETS = { mlp: 'mlp', cnn: 'cnn', lenet: 'lenet5' };

async function loadEngine(build, threads) {
  const api = await import(pathToFileURL(API).href);
  let engine;
  try {
    engine = await api.load({ threads: build === 'simd-threads', numThreads: threads });
  } catch (e) {
    const err = new Error(`not available: the ${build} engine did not load (npm run build first?): ${String(e.message ?? e).split('\n')[0]}`);
    err.notAvailable = true;
    throw err;
  }
  if (engine.build !== build) throw new Error(`asked for the ${build} build, loaded ${engine.build}`);
  engine.setThreads(threads);
  return engine;
}

export default function makePeer({ build, threads = 1 }) {
  return {
    describe() {
      const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
      return { framework: `wasmgrad WASM ${threads} thread${threads > 1 ? 's' : ''}`, version };
    },

    async createTrainer({ model, learningRate }) {
      const engine = await loadEngine(build, threads);
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
    },
  };
}
