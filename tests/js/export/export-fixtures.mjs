// Shared by the export tests: a spec holding every layer type, small specs of each block (residual
// with an identity or a projection shortcut, concat, global average pooling, blocks inside blocks),
// models with moved weights and batch-norm statistics (a few training steps), and running Debian's python3.
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

/**
 * The presets (each fitted to the digits: [1, 28, 28], 10 classes; resnet-mini and inception-mini
 * included) and the two every-layer specs, by name.
 */
export function specsUnderTest(engine) {
  const presets = engine.presetNames.map((name) => [name, engine.presetSpec(name, { input: [1, 28, 28], classes: 10 })]);
  return [...presets, ['every layer type', EVERY_LAYER_SPEC], ['every continuous layer type', CONTINUOUS_LAYER_SPEC]];
}

/** One small spec per block form, each checked alone (outputs have 4 or 5 classes; inputs are not digits). */
export const BLOCK_SPECS = {
  'residual, identity shortcut': {
    input: [2, 8, 8], seed: 3, layers: [
      { type: 'conv2d', filters: 4, kernel: 3, pad: 1 },
      { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernel: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
        { type: 'conv2d', filters: 4, kernel: 3, pad: 1 }] },
      { type: 'relu' },
      { type: 'linear', units: 5 },
    ],
  },
  'residual, projection shortcut': {
    input: [2, 8, 8], seed: 4, layers: [
      { type: 'residual', layers: [{ type: 'conv2d', filters: 6, kernel: 3, stride: 2, pad: 1 }, { type: 'tanh' }],
        shortcut: [{ type: 'conv2d', filters: 6, kernel: 1, stride: 2, bias: false }, { type: 'batchnorm', momentum: 0.3 }] },
      { type: 'linear', units: 5 },
    ],
  },
  'concat of branches (one empty)': {
    input: [3, 8, 8], seed: 5, layers: [
      { type: 'concat', branches: [[{ type: 'conv2d', filters: 2, kernel: 1 }],
        [{ type: 'conv2d', filters: 3, kernel: 3, pad: 1 }, { type: 'sigmoid' }],
        [{ type: 'maxpool', kernel: 3, stride: 1, pad: 1 }],
        []] },
      { type: 'conv2d', filters: 4, kernel: 3, stride: 2 },
      { type: 'linear', units: 4 },
    ],
  },
  'global average pooling': {
    input: [3, 7, 9], seed: 6, layers: [
      { type: 'conv2d', filters: 5, kernel: 3 }, { type: 'leaky_relu', slope: 0.2 }, { type: 'globalavgpool' }, { type: 'linear', units: 4 },
    ],
  },
  'blocks inside blocks, on features and images': {
    input: [2, 6, 6], seed: 7, layers: [
      { type: 'concat', branches: [
        [{ type: 'residual', layers: [{ type: 'conv2d', filters: 2, kernel: 3, pad: 1 }, { type: 'batchnorm' }] }],
        [{ type: 'lcn', size: 3 }, { type: 'l2pool', kernel: 2, stride: 1, pad: 1 }, { type: 'avgpool', kernel: 2, stride: 1 }],
      ] },                                                                           // -> 4x6x6
      { type: 'concat', branches: [[{ type: 'linear', units: 6 }], [{ type: 'globalavgpool' }], [{ type: 'flatten' }, { type: 'dense', units: 3 }]] },
      { type: 'residual', layers: [{ type: 'batchnorm' }, { type: 'linear', units: 13 }, { type: 'softplus' }, { type: 'dropout', rate: 0.5 }] },
      { type: 'linear', units: 4 },
    ],
  },
};

/** `count` samples of `shape`, values in [0, 1) from a fixed seed (a linear congruential generator). */
export function seededInputs(count, shape, seed) {
  const values = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32;
  }
  return values;
}

/** A model of `spec` after `steps` Adam steps on seeded inputs and labels, so weights and batch-norm statistics moved. */
export function trainedOnSeeded(engine, spec, steps = 3) {
  const model = engine.model(spec);
  const trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 16 });
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  for (let step = 0; step < steps; step++) {
    const inputs = seededInputs(16, spec.input, 100 + step);
    const labels = Uint8Array.from({ length: 16 }, (_, i) => (i * 7 + step) % classes);
    trainer.trainBatch(inputs, labels);
  }
  trainer.dispose();
  return model;
}

/** Outputs that can show an error: not all the same, and not all tiny. */
export function assertInformative(outputs, name) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of outputs) { min = Math.min(min, v); max = Math.max(max, v); }
  if (!(max - min > 1e-3)) throw new Error(`${name}: the engine's outputs span only [${min}, ${max}]: they would hide an error`);
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
