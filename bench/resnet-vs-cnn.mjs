// Issue 27's measure: does a ResNet-mini reach at least the plain CNN's test accuracy on the
// bundled digits in the same number of epochs? Trains each preset through the public JS API
// (same settings, same seed) and prints the test accuracy after every epoch.
//   node bench/resnet-vs-cnn.mjs [epochs=2] [presets=cnn,resnet-mini]
import { load } from '../bindings/wasmgrad.js';

const epochs = Number(process.argv[2] ?? 2);
const presets = (process.argv[3] ?? 'cnn,resnet-mini').split(',');
const settings = { optimizer: 'adam', learningRate: 1e-3, batchSize: 64, epochs, seed: 1 };

const engine = await load();
const { train, test } = await engine.digits();
console.log(`engine ${engine.build}, ${engine.threads} threads; ${train.size} training and ${test.size} test digits; ` +
  `${JSON.stringify(settings)}`);
for (const name of presets) {
  const model = engine.model(engine.presetSpec(name, { input: train.sampleShape, classes: train.numClasses }));
  const trainer = engine.trainer(model, settings);
  trainer.setData(train, test);
  const started = performance.now();
  await trainer.run({
    onEpoch: (r) => console.log(`${name} (${model.parameterCount} parameters): epoch ${r.epoch}: train loss ` +
      `${r.trainLoss.toFixed(4)}, test accuracy ${(100 * r.validation.accuracy).toFixed(2)}% ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s so far)`),
  });
  trainer.dispose();
  model.dispose();
}
train.dispose();
test.dispose();
