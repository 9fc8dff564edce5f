// The network view's painting (web/views/network-flow.js): colour tables, the atlases of a
// column's maps, edges, rings and short labels. No state; every function draws or computes one thing.

const POSITIVE = [214, 96, 77];   // an edge that adds to its target
const NEGATIVE = [33, 102, 172];  // one that takes away

/**
 * A colour scale from lo to hi as a table of LEVELS colours (a map of a few thousand values is
 * coloured by lookup, not by interpolating each): {table, index(v) -> its row, colourOf(v) -> [r, g, b]}.
 */
const LEVELS = 256;
export function lookup(ramp, lo, hi) {
  const table = new Uint8ClampedArray(LEVELS * 3);
  for (let i = 0; i < LEVELS; i++) {
    const t = i / (LEVELS - 1);
    table.set(ramp(lo < 0 ? 2 * t - 1 : t), 3 * i);
  }
  const index = (v) => Math.max(0, Math.min(LEVELS - 1, Math.round(((v - lo) / (hi - lo || 1)) * (LEVELS - 1))));
  return { table, index, colourOf: (v) => { const i = 3 * index(v); return [table[i], table[i + 1], table[i + 2]]; } };
}

/** A column's maps side by side in one small canvas (one pixel per value), drawn scaled per node. */
export function mapAtlas(column, scale) {
  if (!column.maps || column.shape.length !== 3) return { canvas: null, scale, tile: [1, 1], smooth: false };
  const [channels, h, w] = column.shape;
  return { canvas: atlasCanvas(column.maps, channels, h, w, scale), scale, tile: [h, w], smooth: false };
}

/** 2-D inputs: each unit's r x r picture over the plane, side by side; drawn smoothed, like the decision boundary. */
export function planeAtlas(plane, nodes, r, scale) {
  return { canvas: atlasCanvas(plane, nodes, r, r, scale), scale, tile: [r, r], smooth: true };
}

/** channels maps of h x w values (from data) side by side in a canvas of (channels * w) x h pixels. */
function atlasCanvas(data, channels, h, w, scale) {
  const canvas = document.createElement('canvas');
  canvas.width = channels * w;
  canvas.height = h;
  const context = canvas.getContext('2d');
  const image = context.createImageData(channels * w, h);
  const { table, index } = scale;
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < h; r++) {
      for (let k = 0; k < w; k++) {
        const colour = 3 * index(data[(c * h + r) * w + k]);
        const p = 4 * (r * channels * w + c * w + k);
        image.data[p] = table[colour];
        image.data[p + 1] = table[colour + 1];
        image.data[p + 2] = table[colour + 2];
        image.data[p + 3] = 255;
      }
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** One edge from the right of node a to the left of node b; strength in [-1, 1] relative to the strongest. */
export function edge(context, a, b, strength, alpha, extraWidth = 0) {
  const size = Math.min(1, Math.abs(strength));
  const [r, g, bl] = strength >= 0 ? POSITIVE : NEGATIVE;
  context.strokeStyle = `rgba(${r}, ${g}, ${bl}, ${alpha * (0.18 + 0.72 * size)})`;
  context.lineWidth = 0.6 + 2.6 * size + extraWidth;
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  const x2 = b.x;
  const y2 = b.y + b.h / 2;
  const bend = (x2 - x1) / 2;
  context.beginPath();
  context.moveTo(x1, y1);
  context.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
  context.stroke();
}

export function ring(context, node) {
  context.strokeRect(node.x - 2, node.y - 2, node.w + 4, node.h + 4);
}

export function short(value) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e4 || abs < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

export function fit(context, text, width) {
  if (context.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 3 && context.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}
