// Seeded choices for image folders: which files are held out for validation and which are kept
// when a folder is larger than the memory allows. Each choice depends only on the seed, the
// group's name (split and class) and its sorted file list, so the same folder and seed give the
// same samples in the CLI, the page and a later `wasmgrad eval --split validation`.

/** 32-bit FNV-1a hash of a string: salts the generator per group. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit generator from a 32-bit state; returns floats in [0, 1). */
export function mulberry32(state) {
  state >>>= 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for one group: the seed salted with the group's name. */
const generator = (seed, salt) => mulberry32(Math.floor(seed) ^ hash(salt));

/** The positions 0..n-1 in a seeded order (Fisher-Yates). */
export function seededOrder(n, seed, salt) {
  const random = generator(seed, salt);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** A seeded choice of `count` items of `items`, returned in their original order. */
export function seededPick(items, count, seed, salt) {
  if (count >= items.length) return items.slice();
  const keep = seededOrder(items.length, seed, salt).slice(0, count).sort((a, b) => a - b);
  return keep.map((i) => items[i]);
}

/**
 * How many of each group to keep so that `total` are kept, in proportion to the groups' sizes:
 * every non-empty group keeps at least one when `total` allows, the rest is shared in proportion
 * (largest remainders get the leftovers, ties to the earlier group). sizes: number[].
 */
export function proportionalQuotas(sizes, total) {
  const all = sizes.reduce((a, b) => a + b, 0);
  if (total >= all) return sizes.slice();
  const nonEmpty = sizes.filter((n) => n > 0).length;
  const floor = total >= nonEmpty ? 1 : 0;
  const quotas = sizes.map((n) => Math.min(n, floor));
  const rest = sizes.map((n, i) => n - quotas[i]);
  const share = total - quotas.reduce((a, b) => a + b, 0);
  const restAll = rest.reduce((a, b) => a + b, 0);
  const exact = rest.map((n) => (restAll ? (n * share) / restAll : 0));
  exact.forEach((x, i) => { quotas[i] += Math.floor(x); });
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left === 0) break;
    if (quotas[i] < sizes[i]) {
      quotas[i]++;
      left--;
    }
  }
  return quotas;
}
