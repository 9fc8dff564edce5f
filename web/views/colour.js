// Colour maps for the views. Diverging (blue - white - red) for signed values such as weights,
// where zero must look neutral; sequential (white -> deep blue-violet) for magnitudes such as
// activations and heat maps. Both are perceptually ordered and readable on a projector.

const lerp = (a, b, t) => a + (b - a) * t;

function ramp(stops, t) {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(lerp(stops[i][c], stops[i + 1][c], f)));
}

// Blue (negative) - near white (zero) - red (positive), after ColorBrewer RdBu.
const DIVERGING = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];
// Paper white to ink, through teal and blue (viridis-like luminance ramp, reversed for a light page).
const SEQUENTIAL = [
  [255, 255, 255], [199, 233, 192], [116, 196, 118], [49, 163, 145], [33, 113, 181], [37, 52, 148], [20, 20, 60],
];

/** value in [-1, 1] -> [r, g, b] */
export function diverging(value) {
  return ramp(DIVERGING, (value + 1) / 2);
}

/** value in [0, 1] -> [r, g, b] */
export function sequential(value) {
  return ramp(SEQUENTIAL, value);
}

/** value in [0, 1] -> grey, 0 = white paper, 1 = black ink (how MNIST digits are shown here). */
export function ink(value) {
  const g = Math.round(255 * (1 - Math.min(1, Math.max(0, value))));
  return [g, g, g];
}

/**
 * Paint a width x height block of values (row-major, starting at offset) into a canvas whose
 * backing store is exactly width x height; CSS scales it up with nearest-neighbour
 * (image-rendering: pixelated), so every weight stays a crisp square.
 */
export function paintPixels(canvas, values, width, height, colourOf, offset = 0) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colourOf(values[offset + i]);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** CSS rgb() string of a colour triple. */
export function rgb([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

/** WCAG 2.1's relative luminance of an sRGB colour triple (0-255 each). */
export function luminance([r, g, b]) {
  const linear = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** Black or white, whichever reads better on `background`: at least 4.58:1 on any colour (WCAG AA asks 4.5). */
export function textOn(background) {
  const l = luminance(background);
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#fff' : '#000';
}

// ---- images: digits (ink on paper) and photos (grey or colour) ----------------------------------

/**
 * The colour of each pixel of one image sample, as a function of the pixel index: shape [C, H, W]
 * or [H, W] (row-major channel planes, values in [0, 1]). Three channels are red, green and blue;
 * one channel is grey, drawn as ink on paper ('ink': 1 = black, how MNIST digits are shown) or as
 * light ('photo': 1 = white, a grey photo as it was taken).
 */
export function sampleColours(data, shape, { display = 'ink', offset = 0 } = {}) {
  const [channels, height, width] = shape.length === 3 ? shape : [1, ...shape];
  const plane = height * width;
  const byte = (v) => Math.round(255 * Math.min(1, Math.max(0, v)));
  if (channels === 3) {
    return (i) => [byte(data[offset + i]), byte(data[offset + plane + i]), byte(data[offset + 2 * plane + i])];
  }
  if (display === 'photo') {
    return (i) => {
      const g = byte(data[offset + i]);
      return [g, g, g];
    };
  }
  return (i) => ink(data[offset + i]);
}

/** Paints one image sample (see sampleColours) into a canvas of exactly W x H pixels (CSS scales it). */
export function paintImage(canvas, data, shape, options = {}) {
  const [height, width] = shape.slice(-2);
  paintColours(canvas, width, height, sampleColours(data, shape, options));
}

/** Paints a width x height canvas (one backing pixel each) with colourAt(pixel index) -> [r, g, b]. */
export function paintColours(canvas, width, height, colourAt) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colourAt(i);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/**
 * A filter on red, green and blue inputs ([3, KH, KW] weights) as one colour tile: each channel's
 * weight w becomes 128 + 127 w / scale in that colour (scale: the filter's largest |weight|), so
 * mid-grey is zero, a red blob is a filter that wants red there, a cyan one that red lowers it.
 */
export function filterColours(weights, height, width, scale) {
  const plane = height * width;
  const level = (w) => Math.round(128 + 127 * Math.max(-1, Math.min(1, w / scale)));
  return (i) => [level(weights[i]), level(weights[plane + i]), level(weights[2 * plane + i])];
}
