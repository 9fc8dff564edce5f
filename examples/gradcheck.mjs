// A tiny finite-difference gradient checker for operations written in plain JavaScript:
// the "wiggle each input by epsilon" check from the lectures, usable in any autograder.
//
//   import { gradcheck } from './gradcheck.mjs';
//   const report = gradcheck(op, [-2, -0.5, 0, 0.5, 2]);
//   // op = { forward(x) -> y, backward(x, dy) -> dx }, all arrays of numbers of equal length
//   report.ok, report.maxError, report.worst  // {index, analytic, numeric}
//
// The check is on a random projection: L = sum_i dy_i * y_i for a fixed random dy, so
// dL/dx = backward(x, dy), compared with central differences (L(x + e) - L(x - e)) / 2e.
// Everything runs in float64, so epsilon = 1e-6 is well above rounding noise.
import { mulberry32 } from '../bindings/js/data/seeded.js';

/** A small seeded generator (the package's mulberry32), so a failing check is reproducible. */
export const seededRandom = (seed = 1) => mulberry32(seed);

function asArray(values, what) {
  if (!values || typeof values.length !== 'number') throw new TypeError(`gradcheck: ${what} must be an array of numbers`);
  const out = Float64Array.from(values);
  out.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`gradcheck: ${what}[${i}] is ${v}, not a finite number`);
  });
  return out;
}

/**
 * Compares op.backward with central finite differences of op.forward at x.
 * An element passes when |analytic - numeric| <= atol + rtol * |numeric|.
 * @param {{forward: (x: number[]) => ArrayLike<number>, backward: (x: number[], dy: number[]) => ArrayLike<number>}} op
 * @param {ArrayLike<number>} x
 * @returns {{ok: boolean, maxError: number, worst: {index: number, analytic: number, numeric: number}, failures: object[]}}
 */
export function gradcheck(op, x, { epsilon = 1e-6, rtol = 1e-4, atol = 1e-6, seed = 1 } = {}) {
  if (typeof op?.forward !== 'function' || typeof op?.backward !== 'function') {
    throw new TypeError('gradcheck: op needs forward(x) and backward(x, dy) functions');
  }
  const input = asArray(x, 'x');
  const output = asArray(op.forward(Array.from(input)), 'forward(x)');
  const random = seededRandom(seed);
  const dy = Array.from(output, () => 2 * random() - 1);
  const analytic = asArray(op.backward(Array.from(input), dy), 'backward(x, dy)');
  if (analytic.length !== input.length) {
    throw new Error(`gradcheck: backward returned ${analytic.length} values for ${input.length} inputs`);
  }
  const projected = (values) => {
    const y = asArray(op.forward(values), 'forward(x)');
    if (y.length !== dy.length) throw new Error(`gradcheck: forward returned ${y.length} values, earlier ${dy.length}`);
    return y.reduce((sum, v, i) => sum + v * dy[i], 0);
  };
  const failures = [];
  let worst = { index: -1, analytic: 0, numeric: 0 };
  let maxError = 0;
  for (let i = 0; i < input.length; i++) {
    const plus = Array.from(input);
    const minus = Array.from(input);
    plus[i] += epsilon;
    minus[i] -= epsilon;
    const numeric = (projected(plus) - projected(minus)) / (2 * epsilon);
    const error = Math.abs(analytic[i] - numeric);
    if (error >= maxError) {
      maxError = error;
      worst = { index: i, analytic: analytic[i], numeric };
    }
    if (error > atol + rtol * Math.abs(numeric)) failures.push({ index: i, x: input[i], analytic: analytic[i], numeric });
  }
  return { ok: failures.length === 0, maxError, worst, failures };
}

/** A one-line explanation of a report, for test messages. */
export function describe(report) {
  if (report.ok) return `gradients match (max error ${report.maxError.toExponential(2)})`;
  const f = report.failures[0];
  return `${report.failures.length} gradient(s) wrong; first at index ${f.index} (x = ${f.x}): ` +
    `backward gives ${f.analytic.toPrecision(6)}, finite differences ${f.numeric.toPrecision(6)}`;
}
