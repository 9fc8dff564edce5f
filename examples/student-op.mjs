// What a student hands in for the "write your own activation" exercise: swish(x) = x * sigmoid(x)
// as a forward and a backward function on arrays (backward gets the upstream gradient dy).
const sigmoid = (v) => 1 / (1 + Math.exp(-v));

export const swish = {
  name: 'swish',
  forward: (x) => x.map((v) => v * sigmoid(v)),
  // d/dx [x s(x)] = s(x) + x s(x) (1 - s(x))
  backward: (x, dy) => x.map((v, i) => {
    const s = sigmoid(v);
    return dy[i] * (s + v * s * (1 - s));
  }),
};
