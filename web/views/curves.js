// Training curves: loss and accuracy against epochs, drawn by uPlot (line-chart.js).
//   - per chunk of batches: the mean over the chunk's batches, at the chunk's middle (thin, pale);
//   - the same smoothed by a centred mean over SMOOTH chunks, so it does not lag the data;
//   - per epoch, training: the epoch's mean, drawn at the epoch's middle (the batches it averages);
//   - per epoch, validation: measured after the epoch, drawn at its end.
// The summary line under the charts says the last epoch's numbers and the train − validation gap
// (big gap: overfitting; none: underfitting).
import { el } from './dom.js';
import { LineChart } from './line-chart.js';

const SMOOTH = 9;  // chunks in the centred moving mean
const TRAIN = '#1565c0';
const VALIDATION = '#d84315';

export class CurvesView {
  constructor(container) {
    this.container = container;
    const lossHolder = el('div', { class: 'chart-holder' });
    const accuracyHolder = el('div', { class: 'chart-holder' });
    this.summary = el('p', { class: 'chart-summary', 'aria-live': 'polite' }, 'No training yet.');
    container.replaceChildren(el('div', { class: 'chart-pair' }, lossHolder, accuracyHolder), this.summary);
    const series = (what) => [
      { label: `training ${what}, per chunk of batches`, colour: TRAIN, width: 1, alpha: 0.3 },
      { label: `training ${what}, smoothed (centred mean of ${SMOOTH} chunks)`, colour: TRAIN, width: 2 },
      { label: `training ${what}, epoch mean (mid-epoch)`, colour: TRAIN, width: 2, points: 7 },
      { label: `validation ${what}, after each epoch`, colour: VALIDATION, width: 2, dash: [6, 4], points: 8 },
    ];
    this.epochCount = 1;
    const xRange = (min, max) => [0, Math.max(this.epochCount, Math.ceil(max ?? 1), 1)];
    this.loss = new LineChart(lossHolder, { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: series('loss'), xRange,
      yRange: (min, max) => [0, Number.isFinite(max) && max > 0 ? max * 1.1 : 1] });
    this.accuracy = new LineChart(accuracyHolder, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy', series: series('accuracy'),
      xRange, formatY: (v) => `${Math.round(v * 100)}%`,
      yRange: (min) => [Number.isFinite(min) ? Math.max(0, Math.floor(min * 10) / 10) : 0, 1] });
  }

  /** history: {points: [{x, loss, accuracy}], epochs: [{epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy}]}. */
  render({ points = [], epochs = [] }, epochCount = 1) {
    this.epochCount = epochCount;
    const xs = points.map((p) => p.x);
    const mid = epochs.map((e) => e.epoch - 0.5);
    const end = epochs.map((e) => e.epoch);
    const finite = (values) => values.map((v) => (Number.isFinite(v) ? v : null));
    const pairs = (key) => {
      const raw = finite(points.map((p) => p[key]));
      return [[xs, raw], [xs, centredMean(raw, SMOOTH)],
        [mid, finite(epochs.map((e) => e[`train${key === 'loss' ? 'Loss' : 'Accuracy'}`]))],
        [end, finite(epochs.map((e) => e[`validation${key === 'loss' ? 'Loss' : 'Accuracy'}`]))]];
    };
    const text = describe(points, epochs);
    this.summary.textContent = text;
    this.loss.setData(pairs('loss'), text);
    this.accuracy.setData(pairs('accuracy'), text);
  }
}

/** The mean of each value and its (window - 1) / 2 neighbours on each side (fewer at the ends). */
export function centredMean(values, window) {
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
      if (values[j] !== null) {
        sum += values[j];
        count += 1;
      }
    }
    return count ? sum / count : null;
  });
}

function describe(points, epochs) {
  const last = epochs.at(-1);
  if (last) {
    const percent = (v) => `${(v * 100).toFixed(1)}%`;
    if (!Number.isFinite(last.validationAccuracy)) {
      return `Epoch ${last.epoch}: train accuracy ${percent(last.trainAccuracy)}, loss ${last.trainLoss.toFixed(3)}.`;
    }
    const gap = (last.trainAccuracy - last.validationAccuracy) * 100;
    return `Epoch ${last.epoch}: train accuracy ${percent(last.trainAccuracy)}, validation ${percent(last.validationAccuracy)} ` +
      `(gap ${gap.toFixed(1)} points); loss ${last.trainLoss.toFixed(3)} / ${last.validationLoss.toFixed(3)}.`;
  }
  const point = points.at(-1);
  return point && Number.isFinite(point.loss) ? `Training loss over the last chunk ${point.loss.toFixed(3)}.` : 'No training yet.';
}
