// Decision boundary of a classifier on 2-D points: the plane coloured by the class the model
// predicts at each point of a grid (paler where it is less sure), with the training points drawn
// on top in their true class's colour. The worker evaluates the grid (the page never runs the
// model) and sends it a few times a second while training; this view only paints it.
//
// Messages (web/README.md): `points` once per data set, `boundary` per update. Grid row 0 is the
// top of the picture (y = yMax), column 0 the left (x = xMin); cell (r, c) is the model's answer at
// the cell's centre. Clicking a confusion cell for 2-D data rings its validation points
// (`highlight`).
import { el, prepareCanvas, cssVar } from './dom.js';

// Okabe-Ito: distinguishable with the common colour-vision deficiencies, and on a projector.
export const CLASS_COLOURS = ['#e69f00', '#0072b2', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#f0e442', '#000000',
  '#999999', '#8c510a'];

const hexToRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

export class DecisionBoundaryView {
  constructor(container, { maxSize = 440 } = {}) {
    this.container = container;
    this.maxSize = maxSize;
    this.canvas = el('canvas', { class: 'boundary-canvas', role: 'img', 'aria-label': 'Decision boundary: no model yet' });
    this.legend = el('ul', { class: 'boundary-legend' });
    this.caption = el('p', { class: 'view-caption', 'aria-live': 'polite' }, 'The boundary appears once the model is built.');
    this.highlightNote = el('p', { class: 'view-note', hidden: true });
    container.replaceChildren(
      el('div', { class: 'boundary-layout' },
        el('figure', { class: 'boundary-figure' }, this.canvas),
        el('div', { class: 'boundary-side' }, this.legend, this.caption, this.highlightNote,
          el('p', { class: 'help' }, 'Background: the class the model predicts at each point, paler where it is less sure. ' +
            'Dots: the training points in their true class\u2019s colour.'))));
    this.points = null;
    this.grid = null;
    this.highlighted = null;
    new ResizeObserver(() => this.draw()).observe(container);
    this.listenForPoints();
  }

  // ---- a point of the plane as an input (the network view, web/playground/unit-panel.js): moving over the
  // plot dispatches 'planepoint' {x, y, pinned: false}, a click {x, y, pinned: true}, leaving it null.

  listenForPoints() {
    this.marked = null;
    const send = (event, pinned) => {
      const extent = this.grid?.extent ?? this.points?.extent;
      if (!extent) return;
      const box = this.canvas.getBoundingClientRect();
      const x = extent.xMin + ((event.clientX - box.left) / box.width) * (extent.xMax - extent.xMin);
      const y = extent.yMax - ((event.clientY - box.top) / box.height) * (extent.yMax - extent.yMin);
      this.container.dispatchEvent(new CustomEvent('planepoint', { bubbles: true, detail: { x, y, pinned } }));
    };
    this.canvas.addEventListener('pointermove', (event) => send(event, false));
    this.canvas.addEventListener('click', (event) => send(event, true));
    this.canvas.addEventListener('pointerleave', () => this.container.dispatchEvent(new CustomEvent('planepoint', { bubbles: true, detail: null })));
  }

  /** Marks the point being inspected ([x, y], or null). */
  markPoint(point) {
    this.marked = point;
    this.draw();
  }

  drawMarked(context, toX, toY) {
    if (!this.marked) return;
    const [x, y] = this.marked;
    context.save();
    context.strokeStyle = '#111';
    context.lineWidth = 2;
    context.beginPath();
    context.arc(toX(x), toY(y), 8, 0, 2 * Math.PI);
    context.moveTo(toX(x) - 12, toY(y));
    context.lineTo(toX(x) + 12, toY(y));
    context.moveTo(toX(x), toY(y) - 12);
    context.lineTo(toX(x), toY(y) + 12);
    context.stroke();
    context.restore();
  }

  /** {x: Float32Array(2N) as x0, y0, x1, y1…, labels: Int32Array(N), classes, classNames, extent, name} */
  setPoints(points) {
    this.points = points;
    this.grid = null;
    this.highlighted = null;
    this.highlightNote.hidden = true;
    this.drawLegend();
    this.caption.textContent = `${points.labels.length} training points. The boundary appears once the model is built.`;
    this.draw();
  }

  /**
   * {extent: {xMin, xMax, yMin, yMax}, resolution: G, predicted: Uint8Array(G*G),
   *  confidence: Float32Array(G*G), classes, epoch, accuracy}
   */
  render(grid) {
    this.grid = grid;
    const counts = new Array(grid.classes).fill(0);
    for (const k of grid.predicted) counts[k] += 1;
    const shares = counts.map((c, k) => `${this.className(k)} ${Math.round((100 * c) / grid.predicted.length)}%`);
    this.canvas.setAttribute('aria-label', `Decision boundary; share of the plane predicted as each class: ${shares.join(', ')}`);
    this.caption.textContent = grid.epoch > 0 || grid.batch > 0
      ? `After ${grid.epoch > 0 ? `epoch ${grid.epoch}` : `${grid.batch} batch${grid.batch === 1 ? '' : 'es'}`}` +
        (Number.isFinite(grid.accuracy) ? `: training accuracy ${(grid.accuracy * 100).toFixed(1)}%.` : '.')
      : 'Untrained model (random weights).';
    this.draw();
  }

  /** Ring some points (e.g. the validation points of a confusion cell): {x: Float32Array(2M), title}; null clears. */
  highlight(selection) {
    this.highlighted = selection;
    this.highlightNote.hidden = !selection;
    this.highlightNote.textContent = selection ? `Ringed: ${selection.title}` : '';
    this.draw();
  }

  className(k) {
    return this.points?.classNames?.[k] ?? `class ${k}`;
  }

  drawLegend() {
    const counts = new Array(this.points.classes).fill(0);
    for (const label of this.points.labels) counts[label] += 1;
    this.legend.replaceChildren(...counts.map((count, k) => {
      const swatch = el('span', { class: 'class-swatch', 'aria-hidden': 'true' });
      swatch.style.background = CLASS_COLOURS[k % CLASS_COLOURS.length];  // CSSOM: allowed under a strict CSP
      return el('li', {}, swatch, `${this.className(k)} (${count} points)`);
    }));
  }

  draw() {
    const extent = this.grid?.extent ?? this.points?.extent;
    if (!extent) return;
    const available = this.canvas.parentElement.clientWidth || this.maxSize;
    const size = Math.max(200, Math.min(this.maxSize, available));
    const context = prepareCanvas(this.canvas, size, size);
    const toX = (x) => ((x - extent.xMin) / (extent.xMax - extent.xMin)) * size;
    const toY = (y) => ((extent.yMax - y) / (extent.yMax - extent.yMin)) * size;
    context.fillStyle = cssVar('--paper', '#fff');
    context.fillRect(0, 0, size, size);
    if (this.grid) this.paintGrid(context, size);
    drawAxes(context, extent, toX, toY, size);
    if (this.points) {
      const { x, labels } = this.points;
      const radius = labels.length > 1500 ? 2.2 : labels.length > 600 ? 2.8 : 3.6;
      context.lineWidth = 1;
      context.strokeStyle = 'rgba(20, 20, 30, 0.75)';
      for (let i = 0; i < labels.length; i++) {
        context.fillStyle = CLASS_COLOURS[labels[i] % CLASS_COLOURS.length];
        context.beginPath();
        context.arc(toX(x[2 * i]), toY(x[2 * i + 1]), radius, 0, 2 * Math.PI);
        context.fill();
        context.stroke();
      }
    }
    this.drawMarked(context, toX, toY);
    if (this.highlighted) {
      context.lineWidth = 2;
      context.strokeStyle = cssVar('--accent', '#d81b60');
      const { x } = this.highlighted;
      for (let i = 0; i < x.length / 2; i++) {
        context.beginPath();
        context.arc(toX(x[2 * i]), toY(x[2 * i + 1]), 7, 0, 2 * Math.PI);
        context.stroke();
      }
    }
  }

  /** The grid as a small image (one pixel per cell), scaled up smoothly over the plot. */
  paintGrid(context, size) {
    const { resolution: g, predicted, confidence, classes } = this.grid;
    const small = document.createElement('canvas');
    small.width = g;
    small.height = g;
    const smallContext = small.getContext('2d');
    const image = smallContext.createImageData(g, g);
    const colours = CLASS_COLOURS.map(hexToRgb);
    const chance = 1 / classes;
    for (let i = 0; i < g * g; i++) {
      const colour = colours[predicted[i] % colours.length];
      // Surety from chance (pale) to certain (strong), so the boundary shows as a pale band.
      const sure = Math.min(1, Math.max(0, (confidence[i] - chance) / (1 - chance)));
      const strength = 0.15 + 0.5 * sure;
      for (let c = 0; c < 3; c++) image.data[4 * i + c] = Math.round(255 + (colour[c] - 255) * strength);
      image.data[4 * i + 3] = 255;
    }
    smallContext.putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(small, 0, 0, size, size);
  }
}

/** Zero lines (when inside the range) and the range at the edges, in input units. */
function drawAxes(context, extent, toX, toY, size) {
  context.save();
  context.strokeStyle = 'rgba(40, 40, 60, 0.35)';
  context.setLineDash([4, 4]);
  context.lineWidth = 1;
  if (extent.xMin < 0 && extent.xMax > 0) {
    context.beginPath();
    context.moveTo(toX(0), 0);
    context.lineTo(toX(0), size);
    context.stroke();
  }
  if (extent.yMin < 0 && extent.yMax > 0) {
    context.beginPath();
    context.moveTo(0, toY(0));
    context.lineTo(size, toY(0));
    context.stroke();
  }
  context.setLineDash([]);
  context.strokeStyle = cssVar('--line', '#d9dde4');
  context.strokeRect(0.5, 0.5, size - 1, size - 1);
  context.fillStyle = cssVar('--ink-soft', '#4a5263');
  context.font = '11px system-ui, sans-serif';
  const label = (v) => Number(v.toFixed(1)).toString();
  context.textBaseline = 'bottom';
  context.textAlign = 'left';
  context.fillText(`x ${label(extent.xMin)}`, 4, size - 3);
  context.textAlign = 'right';
  context.fillText(label(extent.xMax), size - 4, size - 3);
  context.textBaseline = 'top';
  context.textAlign = 'left';
  context.fillText(`y ${label(extent.yMax)}`, 4, 3);
  context.restore();
}
