// Peer: wasmgrad itself, through its JavaScript API (bindings/wasmgrad.js), in the same protocol
// as every other peer. Variants: { build: 'simd', threads: 1 } (WASM, one thread),
// { build: 'simd-threads', threads: 2 } (WASM, two threads), { build: 'native' }.
//
// STATUS: written against the PLANNED API; the model/trainer part of bindings/wasmgrad.js is
// not on main yet. Until it is, createTrainer throws a clear "not available" error and the
// table shows that instead of a number. What the lead has to finish is marked FINISH below:
// the three functions buildModel, makeOptimizer and trainStep/predict map one-to-one onto
// whatever the final API names them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PIXELS } from '../lib/protocol.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = path.join(ROOT, 'bindings', 'wasmgrad.js');

class NotAvailable extends Error {}

// The three benchmark models, as layer lists. FINISH: adapt to the API's model description.
export const MODEL_SPECS = {
  mlp: [
    { type: 'flatten' },
    { type: 'linear', in: PIXELS, out: 128 }, { type: 'relu' },
    { type: 'linear', in: 128, out: 10 },
  ],
  cnn: [
    { type: 'conv2d', in: 1, out: 8, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', in: 8, out: 16, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'flatten' }, { type: 'linear', in: 16 * 7 * 7, out: 10 },
  ],
  lenet: [
    { type: 'conv2d', in: 1, out: 20, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'conv2d', in: 20, out: 50, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxpool2d', size: 2 },
    { type: 'flatten' }, { type: 'linear', in: 50 * 7 * 7, out: 500 }, { type: 'relu' },
    { type: 'linear', in: 500, out: 10 },
  ],
};

async function loadEngine(build, threads) {
  if (build === 'native') {
    throw new NotAvailable('native row needs a native training driver (none on main yet)');
  }
  if (!fs.existsSync(API)) throw new NotAvailable('bindings/wasmgrad.js is not on main yet');
  const api = await import(pathToFileURL(API).href);
  let engine;
  try {
    engine = await api.load({ threads: build === 'simd-threads', numThreads: threads });
  } catch (e) {
    throw new NotAvailable(`the ${build} engine did not load (npm run build first?): ${String(e.message ?? e).split('\n')[0]}`);
  }
  if (engine.build !== build) throw new Error(`asked for the ${build} build, loaded ${engine.build}`);
  if (typeof engine.setThreads === 'function') engine.setThreads(threads);
  // FINISH: the model/trainer entry points the final API exposes.
  if (typeof engine.createModel !== 'function' || typeof engine.createTrainer !== 'function') {
    throw new NotAvailable('the JS API has no model/trainer functions yet (engine.createModel / engine.createTrainer)');
  }
  return engine;
}

export default function makePeer({ build, threads = 1 }) {
  return {
    describe() {
      const pkg = path.join(ROOT, 'package.json');
      const version = fs.existsSync(pkg) ? JSON.parse(fs.readFileSync(pkg, 'utf8')).version : 'dev';
      return { framework: build === 'native' ? 'wasmgrad native' : `wasmgrad WASM ${threads} thread${threads > 1 ? 's' : ''}`, version };
    },

    async createTrainer({ model, batchSize, learningRate }) {
      let engine;
      try {
        engine = await loadEngine(build, threads);
      } catch (e) {
        if (e instanceof NotAvailable) {
          const err = new Error(`not available: ${e.message}`);
          err.notAvailable = true;
          throw err;
        }
        throw e;
      }
      // FINISH: planned shape of the API (one model, one Adam trainer with softmax cross-entropy).
      const isImage = model !== 'mlp';
      const inputShape = isImage ? [batchSize, 1, 28, 28] : [batchSize, PIXELS];
      const net = engine.createModel({ layers: MODEL_SPECS[model], seed: 1 });
      const trainer = engine.createTrainer(net, { optimizer: 'adam', learningRate, loss: 'softmax_cross_entropy' });
      return {
        trainBatch(images, labels) {
          trainer.step(images, inputShape, labels);
        },
        predict(images, count) {
          const shape = isImage ? [count, 1, 28, 28] : [count, PIXELS];
          return net.predictClasses(images, shape);
        },
        dispose() {
          trainer.delete?.();
          net.delete?.();
        },
      };
    },
  };
}
