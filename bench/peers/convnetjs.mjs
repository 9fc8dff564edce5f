// Peer: ConvNetJS 0.3.0 (npm `convnetjs`, plain JavaScript, one thread).
// Its npm release has no Adam: Trainer({ method: 'adam' }) silently falls through to SGD with
// momentum 0.9. So this peer runs ConvNetJS's own forward and backward per sample (that is
// how its Trainer works: gradients accumulate over the batch) and applies the Adam step
// itself to the parameters and gradients ConvNetJS exposes (net.getParamsAndGrads()).
// Same hyper-parameters as every other peer: lr, beta1 0.9, beta2 0.999, eps 1e-8, no decay.
import { createRequire } from 'node:module';
import { PIXELS } from '../lib/protocol.mjs';

const require = createRequire(import.meta.url);
const convnetjs = require('convnetjs');

function layerDefs(model) {
  const input = { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 };
  if (model === 'mlp') {
    return [
      { type: 'input', out_sx: 1, out_sy: 1, out_depth: PIXELS },
      { type: 'fc', num_neurons: 128, activation: 'relu' },
      { type: 'softmax', num_classes: 10 }, // ConvNetJS inserts the fc(10) before the softmax
    ];
  }
  if (model === 'cnn') {
    return [
      input,
      { type: 'conv', sx: 5, filters: 8, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'softmax', num_classes: 10 },
    ];
  }
  if (model === 'lenet') {
    return [
      input,
      { type: 'conv', sx: 5, filters: 20, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 50, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 500, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ];
  }
  throw new Error(`unknown model '${model}'`);
}

export default function makePeer() {
  return {
    describe() {
      return { framework: 'ConvNetJS', version: require('convnetjs/package.json').version, note: 'Adam step by the bench' };
    },

    async createTrainer({ model, batchSize, learningRate }) {
      const net = new convnetjs.Net();
      net.makeLayers(layerDefs(model));
      // ConvNetJS keeps the bias of a conv/fc followed by relu at 0.1 by default; leave its init as is.
      const isImage = model !== 'mlp';
      const vol = isImage ? new convnetjs.Vol(28, 28, 1, 0.0) : new convnetjs.Vol(1, 1, PIXELS, 0.0);
      const paramsAndGrads = net.getParamsAndGrads();
      const m = paramsAndGrads.map((pg) => new Float64Array(pg.params.length));
      const v = paramsAndGrads.map((pg) => new Float64Array(pg.params.length));
      const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
      let t = 0;

      const load = (images, i) => {
        // Vol.w is 28x28x1 stored ((y * 28) + x) * depth + d: the same row-major order as the IDX image.
        vol.w.set(images.subarray(i * PIXELS, (i + 1) * PIXELS));
      };
      const adamStep = () => {
        t += 1;
        const c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (let k = 0; k < paramsAndGrads.length; ++k) {
          const p = paramsAndGrads[k].params, g = paramsAndGrads[k].grads, mk = m[k], vk = v[k];
          for (let j = 0; j < p.length; ++j) {
            const gj = g[j] / batchSize; // ConvNetJS sums per-sample gradients; we minimise the batch mean
            mk[j] = beta1 * mk[j] + (1 - beta1) * gj;
            vk[j] = beta2 * vk[j] + (1 - beta2) * gj * gj;
            p[j] -= (learningRate * (mk[j] / c1)) / (Math.sqrt(vk[j] / c2) + eps);
            g[j] = 0;
          }
        }
      };
      return {
        trainBatch(images, labels) {
          for (let i = 0; i < batchSize; ++i) {
            load(images, i);
            net.forward(vol, true);
            net.backward(labels[i]);
          }
          adamStep();
        },
        predict(images, count) {
          const out = new Int32Array(count);
          for (let i = 0; i < count; ++i) {
            load(images, i);
            net.forward(vol, false);
            out[i] = net.getPrediction();
          }
          return out;
        },
      };
    },
  };
}
