// Training curves: loss and accuracy against epochs. Per-batch training loss is drawn faint with
// an exponentially smoothed line over it; per-epoch train and validation values are dots joined by
// lines. The accuracy chart shades the band between train and validation accuracy: the
// overfitting gap a lecture asks students to watch (big gap: overfitting; none: underfitting).
import { el, prepareCanvas, cssVar, frameThrottle } from './dom.js';
import { drawAxes, polyline, dots } from './chart.js';

const SMOOTHING = 0.9; // weight of the past in the exponential moving average of batch loss

export class CurvesView {
  constructor(container) {
    this.container = container;
    this.lossCanvas = el('canvas', { role: 'img', 'aria-label': 'Loss curve: no data yet' });
    this.accuracyCanvas = el('canvas', { role: 'img', 'aria-label': 'Accuracy curve: no data yet' });
    this.summary = el('p', { class: 'chart-summary', 'aria-live': 'polite' });
    container.replaceChildren(
      legend(),
      el('div', { class: 'chart-pair' },
        el('figure', { class: 'chart' }, el('figcaption', {}, 'Loss'), this.lossCanvas),
        el('figure', { class: 'chart' }, el('figcaption', {}, 'Accuracy'), this.accuracyCanvas)),
      this.summary);
    this.reset();
    this.scheduleDraw = frameThrottle(() => this.draw());
    new ResizeObserver(() => this.scheduleDraw()).observe(container);
  }

  reset() {
    this.batches = []; // {x, loss, smoothed, accuracy}
    this.epochs = []; // epochEnd messages
    this.average = 0;
    this.averageSteps = 0;
    this.scheduleDraw?.();
  }

  /** One `progress` message (epoch and batch are 1-based; batch = batches completed so far). */
  addProgress(progress) {
    if (!Number.isFinite(progress.loss)) return;
    this.averageSteps += 1;
    this.average = SMOOTHING * this.average + (1 - SMOOTHING) * progress.loss;
    const smoothed = this.average / (1 - SMOOTHING ** this.averageSteps); // bias-corrected like Adam
    const x = progress.epoch - 1 + progress.batch / progress.batches;
    this.epochCount = progress.epochs;
    this.batches.push({ x, loss: progress.loss, smoothed, accuracy: progress.accuracy });
    this.scheduleDraw();
  }

  /** One `epochEnd` message. */
  addEpoch(epochEnd) {
    this.epochs = this.epochs.filter((e) => e.epoch !== epochEnd.epoch);
    this.epochs.push(epochEnd);
    this.epochs.sort((a, b) => a.epoch - b.epoch);
    this.scheduleDraw();
  }

  /** Replace everything: {progress: [progress...], epochs: [epochEnd...], epochCount?}. */
  render({ progress = [], epochs = [], epochCount } = {}) {
    this.reset();
    progress.forEach((p) => this.addProgress(p));
    epochs.forEach((e) => this.addEpoch(e));
    if (epochCount) this.epochCount = epochCount;
    this.draw();
  }

  draw() {
    const width = Math.max(240, this.lossCanvas.parentElement.clientWidth);
    const height = Math.round(Math.min(260, Math.max(180, width * 0.55)));
    const colours = {
      axis: cssVar('--ink-soft', '#555'), grid: cssVar('--grid', '#e6e6e6'), text: cssVar('--ink-soft', '#555'),
      train: cssVar('--train', '#1565c0'), validation: cssVar('--validation', '#e65100'),
      gap: cssVar('--gap', 'rgba(230, 81, 0, 0.15)'),
    };
    const lastX = Math.max(0, ...this.batches.map((b) => b.x), ...this.epochs.map((e) => e.epoch));
    const xMax = Math.max(1, this.epochCount ?? 0, Math.ceil(lastX));
    const trainPoints = (key) => this.epochs.map((e) => ({ x: e.epoch, y: e[key] }));

    // Loss: scale to the smoothed curve and epoch values, so single noisy batches do not flatten it.
    const lossValues = [...this.batches.map((b) => b.smoothed), ...this.epochs.flatMap((e) => [e.trainLoss, e.validationLoss])]
      .filter(Number.isFinite);
    const lossMax = lossValues.length ? Math.max(...lossValues) * 1.15 : 1;
    let context = prepareCanvas(this.lossCanvas, width, height);
    let scales = drawAxes(context, width, height, {
      xMin: 0, xMax, yMin: 0, yMax: lossMax, xLabel: 'epoch', yLabel: 'loss', colours, formatY: trimNumber,
    });
    clipTo(context, scales.plot, () => {
      context.globalAlpha = 0.25;
      context.strokeStyle = colours.train;
      polyline(context, this.batches.map((b) => ({ x: b.x, y: Math.min(b.loss, lossMax) })), scales);
      context.globalAlpha = 1;
      context.lineWidth = 2;
      polyline(context, this.batches.map((b) => ({ x: b.x, y: b.smoothed })), scales);
      drawEpochSeries(context, trainPoints('trainLoss'), trainPoints('validationLoss'), scales, colours);
    });

    // Accuracy, as a percentage; the lower end follows the data so 97% vs 99% is visible.
    const accuracyValues = [...this.batches.map((b) => b.accuracy), ...this.epochs.flatMap((e) => [e.trainAccuracy, e.validationAccuracy])]
      .filter(Number.isFinite);
    const low = accuracyValues.length ? Math.max(0, Math.floor(Math.min(...accuracyValues) * 10 - 0.5) / 10) : 0;
    context = prepareCanvas(this.accuracyCanvas, width, height);
    scales = drawAxes(context, width, height, {
      xMin: 0, xMax, yMin: low, yMax: 1, xLabel: 'epoch', yLabel: 'accuracy', colours,
      formatY: (v) => `${Math.round(v * 100)}%`,
    });
    const trainAccuracy = trainPoints('trainAccuracy');
    const validationAccuracy = trainPoints('validationAccuracy');
    clipTo(context, scales.plot, () => {
      if (trainAccuracy.length > 0) {
        context.fillStyle = colours.gap;
        context.beginPath();
        const band = [...trainAccuracy, ...validationAccuracy.slice().reverse()];
        band.forEach((p, i) => (i === 0 ? context.moveTo(scales.x(p.x), scales.y(p.y)) : context.lineTo(scales.x(p.x), scales.y(p.y))));
        context.closePath();
        context.fill();
      }
      context.globalAlpha = 0.35;
      context.strokeStyle = colours.train;
      context.lineWidth = 1;
      polyline(context, this.batches.filter((b) => Number.isFinite(b.accuracy)).map((b) => ({ x: b.x, y: b.accuracy })), scales);
      context.globalAlpha = 1;
      drawEpochSeries(context, trainAccuracy, validationAccuracy, scales, colours);
    });

    this.describe();
  }

  describe() {
    const last = this.epochs.at(-1);
    const batch = this.batches.at(-1);
    let text = 'No training yet.';
    if (last) {
      const gap = (last.trainAccuracy - last.validationAccuracy) * 100;
      text = `Epoch ${last.epoch}: train accuracy ${percent(last.trainAccuracy)}, validation ${percent(last.validationAccuracy)} ` +
        `(gap ${gap.toFixed(1)} points); loss ${last.trainLoss.toFixed(3)} / ${last.validationLoss.toFixed(3)}.`;
    } else if (batch) {
      text = `Smoothed training loss ${batch.smoothed.toFixed(3)}.`;
    }
    this.summary.textContent = text;
    this.lossCanvas.setAttribute('aria-label', `Loss curve. ${text}`);
    this.accuracyCanvas.setAttribute('aria-label', `Accuracy curve. ${text}`);
  }
}

function drawEpochSeries(context, train, validation, scales, colours) {
  context.lineWidth = 2;
  context.setLineDash([]);
  context.strokeStyle = colours.train;
  context.fillStyle = colours.train;
  polyline(context, train, scales);
  dots(context, train, scales);
  context.setLineDash([6, 4]);
  context.strokeStyle = colours.validation;
  context.fillStyle = colours.validation;
  polyline(context, validation, scales);
  context.setLineDash([]);
  dots(context, validation, scales, 4.5);
}

function clipTo(context, plot, draw) {
  context.save();
  context.beginPath();
  context.rect(plot.left, plot.top - 6, plot.width + 6, plot.height + 6);
  context.clip();
  draw();
  context.restore();
}

function legend() {
  const item = (cls, text) => el('li', {}, el('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return el('ul', { class: 'legend' },
    item('swatch-batch', 'training, per batch (smoothed)'),
    item('swatch-train', 'training, per epoch'),
    item('swatch-validation', 'validation, per epoch'),
    item('swatch-gap', 'train − validation gap'));
}

const percent = (v) => `${(v * 100).toFixed(1)}%`;
const trimNumber = (v) => String(Number(v.toPrecision(3)));
