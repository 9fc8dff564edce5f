// Peer: TensorFlow.js (layers API, model.trainOnBatch) on its WASM backend or its plain-JS CPU
// backend, in Node. Variant { backend: 'wasm' | 'cpu' }.
// The WASM backend in Node loads its .wasm files from node_modules (setWasmPaths); without
// cross-origin-isolated SharedArrayBuffer workers it runs the single-thread SIMD binary.
import path from 'node:path';
import { createRequire } from 'node:module';
import { cannotTrain, PIXELS } from '../lib/protocol.mjs';

const require = createRequire(import.meta.url);
let tf = null;
const probed = new Set();

async function loadBackend(backend) {
  if (tf) return tf;
  // tfjs prints a hint to install tfjs-node on import in Node; that is exactly what we do not want.
  const warn = console.warn;
  console.warn = () => {};
  tf = require('@tensorflow/tfjs');
  console.warn = warn;
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dist + path.sep);
  }
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  return tf;
}

function buildModel(tf, model) {
  const L = tf.layers;
  const m = tf.sequential();
  if (model === 'mlp') {
    m.add(L.dense({ inputShape: [PIXELS], units: 128, activation: 'relu' }));
    m.add(L.dense({ units: 10 }));
  } else if (model === 'cnn') {
    m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(L.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 10 }));
  } else if (model === 'lenet') {
    m.add(L.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(L.conv2d({ filters: 50, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(L.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(L.flatten());
    m.add(L.dense({ units: 500, activation: 'relu' }));
    m.add(L.dense({ units: 10 }));
  } else {
    throw new Error(`unknown model '${model}'`);
  }
  return m;
}

// Softmax cross-entropy on logits, mean over the batch (what every other peer minimises).
const logitsLoss = (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits);

export default function makePeer({ backend }) {
  return {
    describe() {
      const versions = require('@tensorflow/tfjs/package.json').version;
      const info = { framework: `TensorFlow.js ${backend}`, version: versions };
      if (backend === 'wasm') {
        info.backendVersion = require('@tensorflow/tfjs-backend-wasm/package.json').version;
        info.note = 'single-thread SIMD binary in Node';
      }
      return info;
    },

    async createTrainer({ model, batchSize, learningRate }) {
      await loadBackend(backend);
      const isImage = model !== 'mlp';
      const net = buildModel(tf, model);
      net.compile({ optimizer: tf.train.adam(learningRate), loss: logitsLoss });
      const toInput = (images, count) =>
        isImage ? tf.tensor4d(images, [count, 28, 28, 1]) : tf.tensor2d(images, [count, PIXELS]);
      const trainBatch = async (images, labels) => {
        const x = toInput(images, batchSize);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
        try {
          await net.trainOnBatch(x, y);
        } finally {
          x.dispose();
          y.dispose();
        }
      };
      if (!probed.has(model)) {
        // One step on a throwaway model, so that a missing gradient kernel is reported as
        // "cannot train" rather than a crash, and the measured model sees only real batches.
        probed.add(model);
        const probe = buildModel(tf, model);
        probe.compile({ optimizer: tf.train.adam(learningRate), loss: logitsLoss });
        const x = toInput(new Float32Array(batchSize * PIXELS), batchSize);
        const y = tf.oneHot(tf.zeros([batchSize], 'int32'), 10).toFloat();
        try {
          await probe.trainOnBatch(x, y);
        } catch (e) {
          const msg = String(e && e.message ? e.message : e);
          if (/not registered|not yet implemented|not supported|gradient/i.test(msg)) {
            throw cannotTrain(msg.split('\n')[0]);
          }
          throw e;
        } finally {
          x.dispose();
          y.dispose();
          probe.dispose();
        }
      }
      return {
        trainBatch,
        predict(images, count) {
          return tf.tidy(() => net.predict(toInput(images, count)).argMax(-1).dataSync());
        },
        dispose() {
          net.dispose();
        },
      };
    },
  };
}
