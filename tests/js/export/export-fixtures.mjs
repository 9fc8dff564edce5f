// Shared by the export tests: a spec holding every layer type, models with moved weights and
// batch-norm statistics (a few training steps on real digits), and running Debian's python3.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const CHECK_SCRIPT = fileURLToPath(new URL('export_check.py', import.meta.url));

/** Every layer type of engine/nn/layers/layer_spec.cpp, with strides, pads, dilation and non-default fields. */
export const EVERY_LAYER_SPEC = {
  input: [1, 28, 28],
  seed: 11,
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, stride: 1, pad: 2, dilation: 2 },  // -> 4x28x28
    { type: 'relu' },                                                            // fused with the conv in the engine
    { type: 'batchnorm', momentum: 0.2, eps: 1e-4 },
    { type: 'maxpool', kernel: 3, stride: 2, pad: 1 },                           // -> 4x14x14
    { type: 'leaky_relu', slope: 0.1 },
    { type: 'lcn', size: 5, eps: 1e-3 },
    { type: 'conv2d', filters: 6, kernel: [3, 3], stride: 2, pad: 1, bias: false, init: 'he_normal' },  // -> 6x7x7
    { type: 'instancenorm' },
    { type: 'softplus' },
    { type: 'avgpool', kernel: 2, stride: 1, pad: 1 },                           // -> 6x8x8
    { type: 'tanh' },
    { type: 'l2pool', kernel: 2, stride: 2, pad: 1 },                            // -> 6x5x5
    { type: 'layernorm' },
    { type: 'sigmoid' },
    { type: 'flatten' },                                                         // -> 150
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 32 },
    { type: 'batchnorm' },
    { type: 'sign' },
    { type: 'linear', units: 16 },
    { type: 'step' },
    { type: 'layernorm', affine: false, eps: 1e-3 },
    { type: 'linear', units: 10, bias: true },
  ],
};

/** The same without sign and step: their outputs are 0/±1, which would hide a small error in any layer before them. */
export const CONTINUOUS_LAYER_SPEC = {
  ...EVERY_LAYER_SPEC, layers: EVERY_LAYER_SPEC.layers.filter((layer) => layer.type !== 'sign' && layer.type !== 'step'),
};

/** Layer types the exporters have no form for yet (bindings/js/export/ refuses them by name; issue 27). */
const NOT_EXPORTED_YET = new Set(['residual', 'concat', 'globalavgpool']);
const exportable = (spec) => spec.layers.every((layer) => !NOT_EXPORTED_YET.has(layer.type));

/**
 * The presets (each fitted to the digits: [1, 28, 28], 10 classes) and the two every-layer specs, by name.
 * Presets built of blocks (resnet-mini, inception-mini) are left out until the exporters know them.
 */
export function specsUnderTest(engine) {
  const presets = engine.presetNames.map((name) => [name, engine.presetSpec(name, { input: [1, 28, 28], classes: 10 })]);
  return [...presets.filter(([, spec]) => exportable(spec)),
    ['every layer type', EVERY_LAYER_SPEC],
    ['every continuous layer type', CONTINUOUS_LAYER_SPEC]];
}

/** A model of `spec` after `steps` Adam steps on digits, so weights and running statistics are not their initial values. */
export function trainedModel(engine, spec, train, steps = 3) {
  const model = engine.model(spec);
  const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 32 });
  const labels = train.labels();
  for (let step = 0; step < steps; step++) {
    trainer.trainBatch(train.inputs(step * 32, 32), labels.subarray(step * 32, step * 32 + 32));
  }
  trainer.dispose();
  return model;
}

/** max |a - b| / max |b|: the error relative to the largest reference value. */
export function relativeError(actual, expected) {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return difference / Math.max(scale, 1e-30);
}

/** Runs /usr/bin/python3 with args; resolves stdout, rejects with its stderr. */
export function python(args, { cwd, env, timeout = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { cwd, env: env ?? process.env, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 ${args.join(' ')} failed (${error.code ?? error.signal}):\n${stderr}\n${stdout}`));
      else resolve(stdout);
    });
  });
}
