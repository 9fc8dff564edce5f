// One map (a channel of a layer's output, or the input image) drawn with the cells a unit reads
// marked on it: the taps of a window (conv, pool), a rectangle (a receptive field), the window of
// the next unit (dashed: how far the stride moves it), a winning cell. Cells outside the map are
// drawn on a hatched border: the zero padding. Used by the unit inspector (unit-explainer.js).
//
//   const canvas = mapCanvas({data, offset, height, width, colourOf, size, taps, outline, ghost, winner, label});
//   // taps: [{row, col, padding}], outline / ghost: {top, left, bottom, right} (inclusive, may leave the map)
import { el, prepareCanvas, cssVar, hatchPadding } from './dom.js';
import { diverging, sequential, ink, rgb } from './colour.js';

const MAX_BORDER = 12;  // cells of padding drawn at most (a window far into the padding is clipped to it)

/** A colour function for values like `data` (from offset, count values): ink for the [0, 1] input, else a scaled map. */
export function colourScale(data, { offset = 0, count = data.length - offset, image = false } = {}) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < offset + count; i++) {
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
  }
  if (image && lo >= 0 && hi <= 1) return ink;
  const scale = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return lo < 0 ? (v) => diverging(v / scale) : (v) => sequential(v / scale);
}

/** The taps of an engine window (explainUnit's `window`): [{row, col, padding}] in scan order. */
export function windowTaps(window) {
  const taps = [];
  for (let i = 0; i < window.rows; i++) {
    for (let j = 0; j < window.cols; j++) {
      taps.push({ row: window.top + i * window.step, col: window.left + j * window.step, padding: window.padding[i * window.cols + j] === 1 });
    }
  }
  return taps;
}

/** The rectangle a window covers: {top, left, bottom, right}, inclusive. */
export function windowRect(window, { rowShift = 0, colShift = 0 } = {}) {
  const top = window.top + rowShift;
  const left = window.left + colShift;
  return { top, left, bottom: top + (window.rows - 1) * window.step, right: left + (window.cols - 1) * window.step };
}

/**
 * A canvas of one height x width map (values from data[offset]), `size` CSS px on its long side
 * plus the border that the marks need. `channels: 3` paints an RGB image (three planes from offset).
 */
export function mapCanvas({ data, offset = 0, height, width, channels = 1, colourOf, size = 120, taps = [], outline = null,
  ghost = null, winner = null, label = '' }) {
  const canvas = el('canvas', { class: 'map-window', role: 'img', 'aria-label': label });
  const rects = [outline, ghost, ...taps.map((t) => ({ top: t.row, left: t.col, bottom: t.row, right: t.col }))].filter(Boolean);
  let border = 0;
  for (const r of rects) border = Math.max(border, -r.top, -r.left, r.bottom - (height - 1), r.right - (width - 1));
  border = Math.min(MAX_BORDER, border);
  const cells = Math.max(height, width) + 2 * border;
  const pixel = Math.max(1, size / Math.max(height, width));
  const side = cells * pixel;
  const context = prepareCanvas(canvas, (width + 2 * border) * pixel, (height + 2 * border) * pixel);
  const x = (col) => (col + border) * pixel;
  const y = (row) => (row + border) * pixel;
  if (border > 0) hatchPadding(context, side);
  paint(context, { data, offset, height, width, channels, colourOf, pixel, x, y });
  if (border > 0) {
    context.strokeStyle = '#8a93a3';
    context.lineWidth = 1;
    context.strokeRect(x(0) - 0.5, y(0) - 0.5, width * pixel + 1, height * pixel + 1);
  }
  const accent = cssVar('--accent', '#d81b60');
  const clip = (v, n) => Math.min(n - 1 + border, Math.max(-border, v));
  const box = (r) => ({ x: x(clip(r.left, width)), y: y(clip(r.top, height)),
    w: (clip(r.right, width) - clip(r.left, width) + 1) * pixel, h: (clip(r.bottom, height) - clip(r.top, height) + 1) * pixel });
  if (ghost) {
    const g = box(ghost);
    context.setLineDash([3, 3]);
    context.strokeStyle = '#5b6475';
    context.lineWidth = 1;
    context.strokeRect(g.x + 0.5, g.y + 0.5, g.w - 1, g.h - 1);
    context.setLineDash([]);
  }
  for (const tap of taps) {
    const t = box({ top: tap.row, left: tap.col, bottom: tap.row, right: tap.col });
    context.fillStyle = tap.padding ? 'rgba(120, 120, 120, 0.35)' : 'rgba(216, 27, 96, 0.22)';
    context.fillRect(t.x, t.y, t.w, t.h);
    context.strokeStyle = accent;
    context.lineWidth = pixel >= 6 ? 1.5 : 1;
    if (tap.padding) context.setLineDash([2, 2]);
    context.strokeRect(t.x + 0.5, t.y + 0.5, t.w - 1, t.h - 1);
    context.setLineDash([]);
  }
  if (outline) {
    const o = box(outline);
    context.strokeStyle = accent;
    context.lineWidth = 2;
    context.strokeRect(o.x + 1, o.y + 1, o.w - 2, o.h - 2);
  }
  if (winner) {
    const w = box({ top: winner.row, left: winner.col, bottom: winner.row, right: winner.col });
    context.strokeStyle = '#111';
    context.lineWidth = 2.5;
    context.strokeRect(w.x + 1.25, w.y + 1.25, w.w - 2.5, w.h - 2.5);
  }
  return canvas;
}

function paint(context, { data, offset, height, width, channels, colourOf, pixel, x, y }) {
  const plane = height * width;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = offset + r * width + c;
      context.fillStyle = channels === 3
        ? rgb([0, 1, 2].map((k) => Math.round(255 * Math.min(1, Math.max(0, data[i + k * plane])))))
        : rgb(colourOf(data[i]));
      context.fillRect(x(c), y(r), pixel + 0.5, pixel + 0.5);
    }
  }
}

