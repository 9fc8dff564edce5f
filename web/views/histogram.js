// Weight and gradient histograms: one small bar chart per (layer, kind), side by side, with the
// value range under each. Heights use sqrt(count) so the tails stay visible next to the peak at
// zero; the tallest bar's count is printed so the scale is honest.
import { el, prepareCanvas, cssVar, formatCompact } from './dom.js';

export class HistogramView {
  constructor(container, { width = 200, height = 90 } = {}) {
    this.container = container;
    this.width = width;
    this.height = height;
  }

  /** list: [{layer, name, kind:'weight'|'gradient', min, max, counts:[...]}] */
  render(list) {
    // Two per row even on a phone.
    const available = this.container.clientWidth;
    this.width = available > 0 && available < 440 ? Math.floor((available - 20) / 2) : 200;
    const figures = list.map((h) => {
      const canvas = el('canvas', { role: 'img', 'aria-label': `${h.kind} histogram of ${h.name}, ${h.min.toPrecision(3)} to ${h.max.toPrecision(3)}` });
      this.draw(canvas, h);
      const peak = Math.max(0, ...h.counts);
      return el('figure', { class: `histogram ${h.kind === 'gradient' ? 'gradient' : 'weight'}` },
        el('figcaption', {}, el('strong', {}, String(h.name)), ` · ${h.kind}s`),
        canvas,
        el('div', { class: 'axis-row' },
          el('span', {}, h.min.toPrecision(2)), el('span', {}, `peak ${formatCompact(peak)}`), el('span', {}, h.max.toPrecision(2))));
    });
    this.container.replaceChildren(...figures);
  }

  draw(canvas, h) {
    const context = prepareCanvas(canvas, this.width, this.height);
    const peak = Math.sqrt(Math.max(1, ...h.counts));
    const bins = h.counts.length;
    const barWidth = this.width / bins;
    context.fillStyle = h.kind === 'gradient' ? cssVar('--validation', '#e65100') : cssVar('--train', '#1565c0');
    h.counts.forEach((count, i) => {
      const barHeight = (Math.sqrt(count) / peak) * (this.height - 4);
      context.fillRect(i * barWidth, this.height - barHeight, Math.max(1, barWidth - 1), barHeight);
    });
    // Mark zero when it lies inside the range: weights should straddle it.
    if (h.min < 0 && h.max > 0) {
      const x = ((0 - h.min) / (h.max - h.min)) * this.width;
      context.strokeStyle = cssVar('--ink', '#222');
      context.setLineDash([3, 3]);
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, this.height);
      context.stroke();
    }
    context.strokeStyle = cssVar('--ink-soft', '#555');
    context.setLineDash([]);
    context.beginPath();
    context.moveTo(0, this.height - 0.5);
    context.lineTo(this.width, this.height - 0.5);
    context.stroke();
  }
}
