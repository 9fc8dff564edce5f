#!/usr/bin/env node
// Time per call of model.networkFlow and model.explainUnit in Node, per preset, in both
// builds: can the network view and the unit inspector follow a pen? Each call gets a new
// input (a digit with a stroke that moves, as while drawing); model.activations on the same
// inputs is the baseline (the forward pass both calls run first).
//   node bench/explain-unit.mjs [--calls N] [--threads N]
// Figures: docs/explain-unit.md ("How fast").
import { load } from '../bindings/wasmgrad.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const calls = option('--calls', 100);
const threads = option('--threads', 0);

const PRESETS = {
  mlp: { spec: 'mlp', unit: { layer: 2, channel: 3 } },
  cnn: { spec: 'cnn', unit: { layer: 3, channel: 5, row: 7, col: 7 } },
  lenet5: { spec: 'lenet5', unit: { layer: 3, channel: 10, row: 7, col: 7 } },
  'points MLP': {
    spec: { input: [2], layers: [{ type: 'linear', units: 8 }, { type: 'tanh' }, { type: 'linear', units: 8 },
      { type: 'tanh' }, { type: 'linear', units: 2 }] },
    unit: { layer: 2, channel: 1 },
  },
};

// calls inputs: the base with a 3x3 stroke moved one pixel per call (or a point moving on a circle).
function inputsFor(model, base) {
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: calls + 5 }, (_, i) => {
    if (size === 2) return Float32Array.of(Math.cos(i / 10), Math.sin(i / 10));
    const x = base.slice();
    const r = 4 + (i % 20), c = 4 + ((i * 7) % 20);
    for (let dr = 0; dr < 3; dr++) for (let dc = 0; dc < 3; dc++) x[(r + dr) * 28 + c + dc] = 1;
    return x;
  });
}

function time(inputs, call) {
  for (let i = 0; i < 5; i++) call(inputs[i]);  // warm-up
  const ms = [];
  for (let i = 5; i < inputs.length; i++) {
    const start = performance.now();
    call(inputs[i]);
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return `${at(0.5).toFixed(2)} / ${at(0.9).toFixed(2)}`;
}

for (const build of [true, false]) {
  const engine = await load({ threads: build, ...(threads ? { numThreads: threads } : {}) });
  const { test } = await engine.digits();
  const digit = test.inputs(0, 1);
  test.dispose();
  console.log(`\n${engine.build} build, ${engine.threads} thread(s), ${calls} calls each; median / p90 ms per call`);
  console.log('preset      | activations | networkFlow (edges 64, edgesPerNode 3) | explainUnit');
  for (const [name, { spec, unit }] of Object.entries(PRESETS)) {
    const model = engine.model(spec);
    const inputs = inputsFor(model, digit);
    const base = time(inputs, (x) => model.activations(x));
    const flow = time(inputs, (x) => model.networkFlow(x, { edges: 64, edgesPerNode: 3 }));
    const explain = time(inputs, (x) => model.explainUnit(x, unit));
    console.log(`${name.padEnd(11)} | ${base.padStart(11)} | ${flow.padStart(38)} | ${explain.padStart(11)}`);
    model.dispose();
  }
}
