// Peer: jax-js (npm @jax-js/jax), the in-browser JAX with a jit compiler that emits WebAssembly
// kernels, through its public API as its README shows: init('wasm'), pure functions of a
// parameter tree, valueAndGrad, and jit over the whole training step (forward, backward and the
// Adam update in one compiled function). Convolutions are lax.convGeneralDilated (NCHW, OIHW),
// pooling lax.reduceWindow with a max over each 2x2 window.
// In Node jax-js runs on one thread: its thread pool needs a global Worker, which Node lacks.
// jax-js arrays are reference-counted: every call takes ownership of its array arguments, so an
// array used twice is passed as `a.ref` the first time (README, "Reference counting").
import fs from 'node:fs';
import { PIXELS } from '../lib/protocol.mjs';

// The package's "exports" map does not expose its package.json: read it from node_modules.
const version = () => JSON.parse(fs.readFileSync(new URL('../../node_modules/@jax-js/jax/package.json', import.meta.url), 'utf8')).version;
const CLASSES = 10;
const BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

let jax = null;
async function loadJax() {
  if (jax) return jax;
  jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error('jax-js: the wasm backend did not start');
  jax.defaultDevice('wasm');
  return jax;
}

// Layer shapes, the same layers every peer builds (bench/README.md, "What is compared").
const CONV_MODELS = {
  cnn: { convs: [8, 16], hidden: [] },
  lenet: { convs: [20, 50], hidden: [500] },
};

// He-uniform weights and zero biases from a small seeded generator (the same init scheme for
// every run; the speed does not depend on the values).
function initParameters(np, model) {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const weight = (shape, fanIn) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bound = Math.sqrt(6 / fanIn);
    const data = new Float32Array(n);
    for (let i = 0; i < n; ++i) data[i] = (2 * random() - 1) * bound;
    return np.array(data).reshape(shape);
  };
  const zeros = (n) => np.zeros([n]);
  const p = {};
  if (model === 'mlp') {
    p.w1 = weight([PIXELS, 128], PIXELS); p.b1 = zeros(128);
    p.w2 = weight([128, CLASSES], 128); p.b2 = zeros(CLASSES);
    return p;
  }
  const { convs, hidden } = CONV_MODELS[model];
  let channels = 1, side = 28;
  convs.forEach((filters, i) => {
    p[`c${i}`] = weight([filters, channels, 5, 5], channels * 25);
    p[`cb${i}`] = zeros(filters);
    channels = filters;
    side /= 2;
  });
  let width = channels * side * side;
  [...hidden, CLASSES].forEach((units, i) => {
    p[`w${i}`] = weight([width, units], width);
    p[`b${i}`] = zeros(units);
    width = units;
  });
  return p;
}

// Logits of a batch x ([N, 784] for the MLP, [N, 1, 28, 28] otherwise); consumes p and x.
function forward(jx, model, p, x) {
  const { numpy: np, nn, lax } = jx;
  if (model === 'mlp') {
    const h = nn.relu(np.matmul(x, p.w1).add(p.b1));
    return np.matmul(h, p.w2).add(p.b2);
  }
  const { convs, hidden } = CONV_MODELS[model];
  let h = x;
  convs.forEach((filters, i) => {
    const z = lax.convGeneralDilated(h, p[`c${i}`], [1, 1], [[2, 2], [2, 2]]).add(p[`cb${i}`].reshape([1, filters, 1, 1]));
    h = lax.reduceWindow(nn.relu(z), (window) => np.max(window), [2, 2], [2, 2]);
  });
  h = h.reshape([h.shape[0], -1]);
  hidden.forEach((_, i) => {
    h = nn.relu(np.matmul(h, p[`w${i}`]).add(p[`b${i}`]));
  });
  const last = hidden.length;
  return np.matmul(h, p[`w${last}`]).add(p[`b${last}`]);
}

export default function makePeer() {
  return {
    describe() {
      return { framework: 'jax-js wasm', version: version(), note: 'one thread in Node (no global Worker for its pool)' };
    },

    async createTrainer({ model, batchSize, learningRate }) {
      const jx = await loadJax();
      const { numpy: np, nn, tree } = jx;
      const isImage = model !== 'mlp';
      const inputShape = (count) => (isImage ? [count, 1, 28, 28] : [count, PIXELS]);

      // Softmax cross-entropy on logits, mean over the batch; labels one-hot [N, 10].
      const loss = (p, x, y) => nn.logSoftmax(forward(jx, model, p, x)).mul(y).sum().mul(-1 / batchSize);
      // One Adam step (PyTorch's form): m, v moments; a = lr / (1 - beta1^t), c = 1 / sqrt(1 - beta2^t).
      const step = jx.jit((p, m, v, a, c, x, y) => {
        const [value, g] = jx.valueAndGrad(loss)(tree.ref(p), x, y);
        const next = {}, nextM = {}, nextV = {};
        for (const k of Object.keys(p)) {
          const gk = g[k];
          const mk = m[k].mul(BETA1).add(gk.ref.mul(1 - BETA1));
          const vk = v[k].mul(BETA2).add(gk.ref.mul(gk).mul(1 - BETA2));
          const denominator = np.sqrt(vk.ref).mul(c.ref).add(EPS);
          next[k] = p[k].sub(mk.ref.mul(a.ref).div(denominator));
          nextM[k] = mk;
          nextV[k] = vk;
        }
        a.dispose();
        c.dispose();
        return [value, next, nextM, nextV];
      });
      const predictLogits = jx.jit((p, x) => forward(jx, model, p, x));

      let params = initParameters(np, model);
      let m = tree.map((w) => np.zerosLike(w.ref), params);
      let v = tree.map((w) => np.zerosLike(w.ref), params);
      let t = 0;
      return {
        async trainBatch(images, labels) {
          t += 1;
          const x = np.array(images).reshape(inputShape(batchSize));
          const y = nn.oneHot(np.array(Int32Array.from(labels), { dtype: np.int32 }), CLASSES);
          const a = np.array(learningRate / (1 - BETA1 ** t));
          const c = np.array(1 / Math.sqrt(1 - BETA2 ** t));
          const [value, p2, m2, v2] = step(params, m, v, a, c, x, y);
          params = p2; m = m2; v = v2;
          // Wait for the step to finish (jax-js dispatches lazily), as every peer's step ends with its result.
          const [lossValue] = await value.data();
          if (!Number.isFinite(lossValue)) throw new Error('jax-js: training diverged');
        },
        async predict(images, count) {
          const logits = predictLogits(tree.ref(params), np.array(images).reshape(inputShape(count)));
          return np.argmax(logits, -1).data();
        },
        dispose() {
          tree.dispose(params);
          tree.dispose(m);
          tree.dispose(v);
          step.dispose?.();
          predictLogits.dispose?.();
        },
      };
    },
  };
}
