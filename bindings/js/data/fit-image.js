// Turns one decoded image (RGBA bytes, any size) into one engine sample: [C, H, W] floats in
// [0, 1]. The same function runs in Node and in the browser, so a photo becomes the same
// sample in the CLI, the playground and a saved model's predictions.
//
// The rule (FIT_RULE, shown to users):
//  1. Scale so the image covers the target (the shorter side, relative to the target's aspect,
//     meets it), then centre-crop what overhangs: nothing is stretched, the borders go.
//  2. Each output pixel is the area-weighted mean of the source pixels its footprint covers
//     (a box filter over exact fractional footprints; sRGB values averaged as stored). Shrinking
//     averages whole blocks, so fine detail does not alias; enlarging gives blocky pixels.
//  3. Transparent pixels are composited over white.
//  4. Grey (channels 1) is the luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, the weights
//     of PIL's convert('L') and torchvision's Grayscale). A grey image given channels 3 has R = G = B.

export const FIT_RULE = 'scale the shorter side (relative to the target) to fit, centre-crop the rest; ' +
  'area-averaged; transparent pixels over white';
export const LUMA_WEIGHTS = Object.freeze([0.299, 0.587, 0.114]);
export const LUMA_RULE = 'grey = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601)';

// Weights sum to 1 up to rounding: keep 255 / 255 from becoming 1.0000001.
const unit = (v) => (v > 1 ? 1 : v < 0 ? 0 : v);

/**
 * For one axis: which source pixels each of `outSize` output pixels averages, and with what
 * weights. `start` is where the crop begins in source pixels, `step` the source extent of one
 * output pixel. Returns {first: Int32Array, count: Int32Array, weights: Float64Array (flattened)}.
 */
function axisWeights(outSize, start, step, sourceSize) {
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = [];
  for (let o = 0; o < outSize; o++) {
    const a = start + o * step;
    const b = a + step;
    const lo = Math.max(0, Math.floor(a));
    const hi = Math.min(sourceSize, Math.ceil(b));
    first[o] = lo;
    count[o] = hi - lo;
    for (let s = lo; s < hi; s++) weights.push((Math.min(s + 1, b) - Math.max(s, a)) / step);
  }
  return { first, count, weights: Float64Array.from(weights) };
}

/**
 * image: {width, height, data} with data RGBA bytes (Uint8Array or Uint8ClampedArray, 4 per pixel).
 * target: {width, height, channels: 1 | 3}. Returns a Float32Array of channels * height * width
 * (channel planes, row-major), or writes into `out` at `offset` when given.
 */
export function fitImage(image, { width, height, channels }, out = null, offset = 0) {
  const { width: sw, height: sh, data } = image;
  if (!(channels === 1 || channels === 3)) throw new RangeError(`fitImage: channels must be 1 or 3, got ${channels}`);
  if (data.length !== sw * sh * 4) throw new RangeError(`fitImage: ${data.length} bytes are not ${sw}x${sh} RGBA pixels`);
  const scale = Math.max(width / sw, height / sh);
  const step = 1 / scale;
  const columns = axisWeights(width, (sw - width * step) / 2, step, sw);
  const rows = axisWeights(height, (sh - height * step) / 2, step, sh);

  // Pass 1, along each source row that any output row needs: RGB over white, averaged into
  // `width` columns. Rows outside the crop are never touched.
  const rowLo = rows.first[0];
  const rowHi = rows.first[height - 1] + rows.count[height - 1];
  const across = new Float32Array((rowHi - rowLo) * width * 3);
  for (let y = rowLo; y < rowHi; y++) {
    const line = (y - rowLo) * width * 3;
    let w = 0;
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      const end = columns.first[x] + columns.count[x];
      for (let s = columns.first[x]; s < end; s++, w++) {
        const p = (y * sw + s) * 4;
        const alpha = data[p + 3] / 255;
        const white = 255 * (1 - alpha);
        const weight = columns.weights[w];
        r += weight * (data[p] * alpha + white);
        g += weight * (data[p + 1] * alpha + white);
        b += weight * (data[p + 2] * alpha + white);
      }
      across[line + 3 * x] = r;
      across[line + 3 * x + 1] = g;
      across[line + 3 * x + 2] = b;
    }
  }

  // Pass 2, down each column: average the rows, scale to [0, 1], write channel planes.
  const plane = width * height;
  const result = out ?? new Float32Array(channels * plane);
  let w = 0;
  for (let o = 0; o < height; o++) {
    const end = rows.first[o] + rows.count[o];
    const wStart = w;
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      w = wStart;
      for (let s = rows.first[o]; s < end; s++, w++) {
        const q = ((s - rowLo) * width + x) * 3;
        const weight = rows.weights[w];
        r += weight * across[q];
        g += weight * across[q + 1];
        b += weight * across[q + 2];
      }
      const at = offset + o * width + x;
      if (channels === 1) {
        result[at] = unit((LUMA_WEIGHTS[0] * r + LUMA_WEIGHTS[1] * g + LUMA_WEIGHTS[2] * b) / 255);
      } else {
        result[at] = unit(r / 255);
        result[at + plane] = unit(g / 255);
        result[at + 2 * plane] = unit(b / 255);
      }
    }
  }
  return result;
}
