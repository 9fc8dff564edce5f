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
