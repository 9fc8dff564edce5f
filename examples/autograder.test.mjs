// An example autograder for a course assignment, using only wasmgrad's public API.
// Run it with `node --test examples/` (inside this repository `wasmgrad` resolves to the
// package itself through package.json "exports"; elsewhere, `npm install` wasmgrad first).
//
// It grades two hand-ins:
//   1. examples/student-spec.json: a model spec that must reach TARGET_ACCURACY on the test
//      part of the bundled MNIST digits within MAX_EPOCHS epochs (fixed seed: reproducible).
//   2. examples/student-op.mjs: an activation written as forward/backward functions in JS,
//      whose backward must agree with finite differences (examples/gradcheck.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { load } from 'wasmgrad';
import { gradcheck, describe } from './gradcheck.mjs';
import { swish } from './student-op.mjs';

const TARGET_ACCURACY = 0.9;
const MAX_EPOCHS = 2;
const SETTINGS = { optimizer: 'adam', learningRate: 1e-3, batchSize: 64, epochs: MAX_EPOCHS, seed: 1 };

test('the student model reaches the target accuracy on the bundled digits', async (t) => {
  const engine = await load();
  const specText = await readFile(new URL('./student-spec.json', import.meta.url), 'utf8');
  let model;
  try {
    model = engine.model(JSON.parse(specText));
  } catch (error) {
    assert.fail(`student-spec.json is not a valid model: ${error.message}`);
  }
  t.diagnostic(`engine: ${engine.build}; model: ${model.parameterCount} parameters`);
  const { train, test: testSet } = await engine.digits();
  const trainer = engine.trainer(model, SETTINGS);
  trainer.setData(train, testSet);
  let best = 0;
  await trainer.fit({
    reportEvery: 50,
    onEpoch: (result) => {
      best = Math.max(best, result.validation.accuracy);
      t.diagnostic(`epoch ${result.epoch}: test accuracy ${(100 * result.validation.accuracy).toFixed(2)}%`);
    },
  });
  assert.ok(best >= TARGET_ACCURACY,
    `best test accuracy ${(100 * best).toFixed(2)}% after ${MAX_EPOCHS} epochs is below the target ${100 * TARGET_ACCURACY}%`);
  model.dispose();
  trainer.dispose();
});

// Points where each branch of the function matters, including 0 and large |x|.
const CHECK_POINTS = [-6, -2.5, -1, -0.3, 0, 0.2, 0.9, 1.7, 4, 8];

test('the student swish activation passes the finite-difference gradient check', () => {
  const report = gradcheck(swish, CHECK_POINTS);
  assert.ok(report.ok, `swish: ${describe(report)}`);
  // And its forward is swish: x * sigmoid(x).
  const y = swish.forward([0, 1, -1]);
  assert.ok(Math.abs(y[0]) < 1e-12 && Math.abs(y[1] - 1 / (1 + Math.exp(-1))) < 1e-12);
});

test('the gradient checker itself catches a wrong backward (so a pass means something)', () => {
  // A typical mistake: forgetting the x s(x)(1 - s(x)) term of the product rule.
  const wrong = { forward: swish.forward, backward: (x, dy) => x.map((v, i) => dy[i] / (1 + Math.exp(-v))) };
  const report = gradcheck(wrong, CHECK_POINTS);
  assert.equal(report.ok, false);
  assert.match(describe(report), /gradient\(s\) wrong; first at index \d+/);
  // ... and it passes exactly-known gradients: y = x^2 has dx = 2x dy.
  const square = { forward: (x) => x.map((v) => v * v), backward: (x, dy) => x.map((v, i) => 2 * v * dy[i]) };
  assert.ok(gradcheck(square, CHECK_POINTS).ok);
});
