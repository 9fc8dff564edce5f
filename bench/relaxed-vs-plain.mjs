// Relaxed SIMD (FMA) against plain SIMD128 on one thread, in one Node process: both engines loaded
// side by side, blocks of 0.3 s alternating between them for 12 rounds, so a machine whose load comes
// and goes weighs on both alike. trainBatch at batch 64 with Adam on a fixed batch (speed only).
//   node --experimental-wasm-relaxed-simd bench/relaxed-vs-plain.mjs [models=mlp,cnn]
import { load } from '../bindings/wasmgrad.js';
const models = (process.argv[2] ?? 'mlp,cnn').split(',');
const engines = { plain: await load({ build: 'simd' }), relaxed: await load({ build: 'simd-relaxed' }) };
const B = 64, inputs = new Float32Array(B * 784), labels = new Int32Array(B);
for (let i = 0; i < B * 784; i++) inputs[i] = ((i * 2654435761) % 255) / 255;
for (let i = 0; i < B; i++) labels[i] = i % 10;
for (const name of models) {
  const t = {};
  for (const [k, e] of Object.entries(engines)) {
    const m = e.model(e.presetSpec(name, { input: [1, 28, 28], classes: 10 }));
    t[k] = e.trainer(m, { optimizer: 'adam', learningRate: 1e-3, batchSize: B, seed: 1 });
    for (let i = 0; i < 20; i++) t[k].trainBatch(inputs, labels);
  }
  const ratios = [], ms = { plain: [], relaxed: [] };
  for (let round = 0; round < 12; round++) {
    const per = {};
    for (const k of round % 2 ? ['relaxed', 'plain'] : ['plain', 'relaxed']) {
      let n = 0; const start = performance.now();
      while (performance.now() - start < 300) { t[k].trainBatch(inputs, labels); n++; }
      per[k] = (performance.now() - start) / n; ms[k].push(per[k]);
    }
    ratios.push(per.plain / per.relaxed);
  }
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  console.log(`${name}: ms/step plain ${med(ms.plain).toFixed(3)}, relaxed ${med(ms.relaxed).toFixed(3)}; relaxed speed / plain (median of 12 rounds) ${med(ratios).toFixed(2)}x`);
}
process.exit(0);
