// The index of the largest value: the class a model predicts, the strongest unit of a map. Shared
// by the playground, its views and the demos.

/**
 * The position of the largest of values[from..to) counted from `from` (the first of equal ones),
 * or -1 when the range is empty. values: any array or typed array.
 */
export function argmax(values, from = 0, to = values.length) {
  let best = -1;
  for (let i = from; i < to; i++) if (best < 0 || values[i] > values[from + best]) best = i - from;
  return best;
}
