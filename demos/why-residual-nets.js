// The two networks of the "why residual connections" demo as engine specs: the same 3x3
// convolutions (8 channels, PyTorch's default initialisation, no batch norm) stacked plainly, or
// with every pair of them wrapped in a residual block (output = x + conv(relu(conv(x))), then a
// ReLU, as in the ResNet paper). Depth counts weight layers as that paper does: the first conv,
// (depth - 2) / 2 pairs, and the classifier. The first conv is followed by a 2x2 max pool, so
// the stack runs on 14x14 maps (a quarter of the work on 28x28 digits); a global average pool
// feeds the classifier, so the last conv is as far from the input in both nets.
// Used by the demo's page (demos/why-residual.js), its test and bench/why-residual.mjs.

export const DEPTHS = ['8', '14', '20'];

/** The spec of one net: depth one of DEPTHS (or any even number >= 4), residual or plain. */
export function netSpec({ depth, residual, channels = 8, seed = 1 }) {
  const pairs = (Number(depth) - 2) / 2;
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`why-residual: depth ${depth} is not an even number >= 4`);
  const conv = () => ({ type: 'conv2d', filters: channels, kernel: 3, pad: 1 });
  const layers = [conv(), { type: 'relu' }, { type: 'maxpool', kernel: 2 }];
  for (let i = 0; i < pairs; i += 1) {
    if (residual) layers.push({ type: 'residual', layers: [conv(), { type: 'relu' }, conv()] }, { type: 'relu' });
    else layers.push(conv(), { type: 'relu' }, conv(), { type: 'relu' });
  }
  layers.push({ type: 'globalavgpool' }, { type: 'linear', units: 10 });
  return { input: [1, 28, 28], layers, seed };
}

/**
 * The weight layers' gradient norms in depth order, from Model.gradNorms(): [{depth: 1.., name, norm}]
 * (biases left out: a layer's bar is its weight's norm).
 */
export function weightNorms(gradNorms) {
  return gradNorms.filter((g) => g.name.endsWith('.weight')).map((g, i) => ({ depth: i + 1, name: g.name, norm: g.norm }));
}

/** How many times smaller the first layer's gradient norm is than the last layer's (Infinity when the first is 0). */
export function firstToLastRatio(norms) {
  if (norms.length < 2) return NaN;
  const first = norms[0].norm, last = norms[norms.length - 1].norm;
  return first > 0 ? last / first : Infinity;
}
