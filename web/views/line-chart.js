// A line chart drawn by uPlot (a small, fast, well-kept charting library; build/vendor/, from
// npm): this module only turns a list of series into uPlot's configuration, keeps the chart as
// wide as its container, and gives it an accessible description. The legend is uPlot's own,
// built from the series (colour, width, dash), so it always matches what is drawn.
//
//   const chart = new LineChart(container, {title, xLabel, yLabel, series: [{label, colour, width, dash, points}], yRange, xRange});
//   chart.setData([[x0, y0], [x1, y1], ...]);  // one [xs, ys] pair per series; xs need not agree
import uPlot from '../../build/vendor/uPlot.esm.js';
import { el } from './dom.js';

export class LineChart {
  /**
   * options: {title, xLabel, yLabel, height, series: [{label, colour, width = 1.5, dash, alpha = 1,
   * points: false | radius, line: true (false: points only), gaps: false (true: a missing value breaks the line)}],
   * formatY: (v) => text, yRange: (min, max) => [lo, hi], xRange: (min, max) => [lo, hi], yLog: a log-scaled y axis}
   */
  constructor(container, options) {
    this.options = options;
    this.figure = el('figure', { class: 'line-chart', role: 'img', 'aria-label': `${options.title}: no data yet` });
    container.append(this.figure);
    this.data = [[]];
    this.plot = null;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
    this.container = container;
  }

  width() {
    return Math.max(240, Math.floor(this.container.clientWidth || 480));
  }

  create() {
    const o = this.options;
    const formatY = o.formatY ?? ((v) => String(Number(v.toPrecision(3))));
    const config = {
      title: o.title,
      width: this.width(),
      height: o.height ?? 220,
      // Each legend marker drawn from its series: the same colour, width and dash as the line.
      legend: { live: false, markers: { width: (u, i) => u.series[i].width, dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') } },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: o.xRange ? (u, min, max) => o.xRange(min, max) : undefined },
        // yLog: a base-10 log axis (values <= 0 are left out: uPlot draws gaps there).
        y: { range: o.yRange ? (u, min, max) => o.yRange(min, max) : undefined, ...(o.yLog ? { distr: 3, log: 10 } : {}) },
      },
      axes: [
        { label: o.xLabel, stroke: '#4a5263', grid: { stroke: '#e8eaef' } },
        // A log axis leaves some ticks unlabelled (null).
        { label: o.yLabel, stroke: '#4a5263', grid: { stroke: '#e8eaef' }, values: (u, values) => values.map((v) => (v === null ? '' : formatY(v))), size: 56 },
      ],
      series: [{ label: o.xLabel }, ...o.series.map((s) => ({
        label: s.label,
        stroke: s.alpha && s.alpha < 1 ? withAlpha(s.colour, s.alpha) : s.colour,
        width: s.width ?? 1.5,
        dash: s.dash,
        spanGaps: !s.gaps,
        ...(s.line === false ? { paths: () => null } : {}),
        points: s.points ? { show: true, size: s.points, fill: s.colour, stroke: s.colour } : { show: false },
      }))],
    };
    this.figure.replaceChildren();
    this.plot = new uPlot(config, this.data, this.figure);
  }

  /** pairs: one [xs, ys] per series (in the order of options.series); a value that is not finite is a gap. */
  setData(pairs, description = '') {
    // A log axis cannot show values <= 0: those are gaps too.
    const shown = this.options.yLog ? (y) => Number.isFinite(y) && y > 0 : Number.isFinite;
    const finite = (ys) => Array.from(ys, (y) => (shown(y) ? y : null));
    this.data = pairs.length ? uPlot.join(pairs.map(([xs, ys]) => [Array.from(xs), finite(ys)])) : [[]];
    if (!this.plot) this.create();
    else this.plot.setData(this.data);
    if (description) this.figure.setAttribute('aria-label', `${this.options.title}. ${description}`);
  }

  resize() {
    if (!this.plot) return;
    const width = this.width();
    if (width !== this.plot.width) this.plot.setSize({ width, height: this.plot.height });
  }

  destroy() {
    this.observer.disconnect();
    this.plot?.destroy();
  }
}

function withAlpha(colour, alpha) {
  const hex = colour.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
