// The figures the "why residual connections" demo (demos/why-residual.js) states, measured: the
// demo's two nets (demos/why-residual-nets.js) trained in lockstep as its worker trains them (Adam,
// batch 32, the same seed), through the public JS API. Prints, at the given batches, each net's
// loss (mean over the batches since the last report) and the ratio of its classifier's gradient
// norm to its first layer's (Model.gradNorms).
//   node bench/why-residual.mjs [depth=20] [batches=1,100,300] [lr=0.003] [seed=1]
import { load } from '../bindings/wasmgrad.js';
import { netSpec, weightNorms, firstToLastRatio } from '../demos/why-residual-nets.js';

const depth = process.argv[2] ?? '20';
const checkpoints = (process.argv[3] ?? '1,100,300').split(',').map(Number);
const learningRate = Number(process.argv[4] ?? 0.003);
const seed = Number(process.argv[5] ?? 1);

const engine = await load({ threads: false });
const { train, test } = await engine.digits();
const nets = ['plain', 'residual'].map((name) => {
  const model = engine.model(netSpec({ depth, residual: name === 'residual', seed }));
  const trainer = engine.trainer(model, { optimizer: 'adam', learningRate, batchSize: 32, epochs: 1000, seed });
  trainer.setData(train);
  return { name, model, trainer, lossSum: 0, count: 0, seconds: 0 };
});
console.log(`engine ${engine.build}, ${engine.threads} thread; depth ${depth}, Adam lr ${learningRate}, batch 32, seed ${seed}; ` +
  `${train.size} training digits; ${nets[0].model.parameterCount} parameters per net`);
const last = Math.max(...checkpoints);
for (let batch = 1; batch <= last; batch += 1) {
  for (const net of nets) {
    const started = performance.now();
    const progress = net.trainer.step(1);
    net.seconds += (performance.now() - started) / 1000;
    if (progress.diverged) throw new Error(`${net.name}: ${progress.message}`);
    net.lossSum += progress.stepLoss;
    net.count += 1;
  }
  if (!checkpoints.includes(batch)) continue;
  for (const net of nets) {
    const norms = weightNorms(net.model.gradNorms());
    const ratio = firstToLastRatio(norms);
    console.log(`batch ${batch} ${net.name}: loss ${(net.lossSum / net.count).toFixed(3)} (mean of the last ${net.count}); ` +
      `first layer ${norms[0].norm.toExponential(2)}, classifier ${norms[norms.length - 1].norm.toExponential(2)}, ` +
      `ratio ${ratio.toExponential(2)}; smallest ${Math.min(...norms.map((n) => n.norm)).toExponential(2)}; ` +
      `${(32 * batch / net.seconds).toFixed(0)} samples/s`);
    net.lossSum = 0;
    net.count = 0;
  }
}
for (const net of nets) {
  const accuracy = net.trainer.evaluate(test).accuracy;
  console.log(`${net.name}: test accuracy ${(100 * accuracy).toFixed(1)}% after ${last} batches`);
}
