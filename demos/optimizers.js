// Demo 5: an optimizer race. Six copies of a 2-parameter model y = w x + b (one engine model
// each, same seed, so the same start) fit the same line t = 3x - 4 by full-batch squared error;
// each is trained by the engine's optimizer of that name, and its (w, b) after every step is
// drawn over the loss surface. The contours are the same squared error, evaluated on a grid
// here only to draw them; every path point comes from model.parameters(). Below, each one's loss
// per step as the engine's trainer reports it, on a log scale (a uPlot chart: web/views/line-chart.js).
import { el, button, frameLoop, slider, select, responsiveCanvas, short } from './ui.js';
import { LineChart } from '../web/views/line-chart.js';

export const blurb = 'SGD, momentum, Nesterov, Adagrad, RMSProp and Adam, each the engine\'s, on the same loss ' +
  'surface (a linear fit y = w·x + b with squared error), from the same start.';

export const params = {
  surface: { type: 'enum', values: ['ravine', 'bowl'], default: 'ravine' },
  steps: { type: 'int', min: 10, max: 1000, default: 200 },
  lr: { type: 'number', min: 0.1, max: 5, default: 1 },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
};

// Learning rates that give each optimizer a fair run on the ravine (multiplied by `lr`).
const RACERS = [
  { optimizer: 'sgd', label: 'SGD', lr: 0.08, colour: '#1d2430' },
  { optimizer: 'momentum', label: 'momentum 0.9', lr: 0.02, colour: '#2f6fde' },
  { optimizer: 'nesterov', label: 'Nesterov', lr: 0.02, colour: '#8a3ffc' },
  { optimizer: 'adagrad', label: 'Adagrad', lr: 0.5, colour: '#1b7f3b' },
  { optimizer: 'rmsprop', label: 'RMSProp', lr: 0.02, colour: '#e08a00' },
  { optimizer: 'adam', label: 'Adam', lr: 0.05, colour: '#b3261e' },
];
const TARGET = { w: 3, b: -4 };
const SAMPLES = 16;

export function mount(root, { engine, state, setState }) {
  let dataset = null;
  let runners = [];
  let stepCount = 0;
  let xs = null;
  let bounds = null;
  let surfaceImage = null;

  const view = responsiveCanvas(draw, { aspect: 0.8, maxWidth: 560, maxHeight: 460, label: 'loss surface with optimizer paths' });
  const legend = el('div', { class: 'controls', 'data-role': 'legend' });
  const counter = el('p', { class: 'readout', 'data-role': 'steps' });
  const loop = frameLoop('Run', () => stepAll());
  const stepButton = button('Step', () => { loop.pause(); stepAll(); }, { secondary: true, name: 'step' });
  const resetButton = button('Reset', () => reset(), { secondary: true, name: 'reset' });
  const surface = select('surface', [['ravine', 'ravine: x in [1, 3] (w and b correlated)'], ['bowl', 'bowl: x in [-1, 1]']], state.surface,
    (value) => { setState({ surface: value }); reset(); });
  const steps = slider('steps', params.steps, state.steps, (value) => setState({ steps: value }), { step: 10 });
  const lr = slider('learning rate ×', params.lr, state.lr, (value) => { setState({ lr: value }); }, { step: 0.1, format: (v) => v.toFixed(1) });
  lr.input.addEventListener('change', () => reset());

  const chartHolder = el('div', { class: 'chart-holder', 'data-role': 'loss-chart' });
  const chart = new LineChart(chartHolder, { title: 'Loss per step', xLabel: 'step', yLabel: 'loss (log scale)', height: 240, yLog: true,
    series: RACERS.map((r) => ({ label: r.label, colour: r.colour, width: 2 })) });

  root.append(
    el('div', { class: 'panel' }, view),
    el('div', { class: 'panel controls' }, surface, steps, lr,
      el('div', { class: 'buttons' }, loop.button, stepButton, resetButton), counter, legend,
      el('p', { class: 'blurb' }, `Fitting t = ${TARGET.w}x ${TARGET.b < 0 ? '−' : '+'} ${Math.abs(TARGET.b)} on ${SAMPLES} points, ` +
        'full batch. The cross marks the minimum; darker is lower loss (log scale).')),
    chartHolder,
  );

  function disposeAll() {
    for (const r of runners) { r.trainer.dispose(); r.model.dispose(); }
    runners = [];
    dataset?.dispose();
    dataset = null;
  }

  function reset() {
    loop.pause();
    disposeAll();
    const [lo, hi] = state.surface === 'ravine' ? [1, 3] : [-1, 1];
    xs = Float32Array.from({ length: SAMPLES }, (_, i) => lo + (hi - lo) * i / (SAMPLES - 1));
    const targets = xs.map((x) => TARGET.w * x + TARGET.b);
    dataset = engine.arrayDataset(xs, [1], targets, { classes: 0, name: 'line' });
    runners = RACERS.map((racer) => {
      const model = engine.model({ input: [1], layers: [{ type: 'linear', units: 1 }], seed: state.seed });
      const trainer = engine.trainer(model, { optimizer: racer.optimizer, learningRate: racer.lr * state.lr, batchSize: SAMPLES,
        epochs: 100000, loss: 'mse', seed: state.seed });
      trainer.setData(dataset);
      return { ...racer, model, trainer, path: [point(model)], loss: NaN, failed: '', steps: [], losses: [] };
    });
    stepCount = 0;
    const start = runners[0].path[0];
    const pad = 1.5;
    bounds = {
      wMin: Math.min(start.w, TARGET.w) - pad, wMax: Math.max(start.w, TARGET.w) + pad,
      bMin: Math.min(start.b, TARGET.b) - pad, bMax: Math.max(start.b, TARGET.b) + pad,
    };
    surfaceImage = null;
    report();
  }

  function point(model) {
    const [weight, bias] = model.parameters();
    return { w: weight.data[0], b: bias.data[0] };
  }

  function stepAll() {
    if (stepCount >= state.steps) return false;
    for (const r of runners) {
      if (r.failed) continue;
      const progress = r.trainer.step(1);  // one batch: the whole surface's one point
      if (progress.diverged) {
        r.failed = 'diverged';
        continue;
      }
      r.loss = progress.epochEnd.trainLoss;
      r.steps.push(stepCount + 1);
      r.losses.push(r.loss);
      r.path.push(point(r.model));
    }
    stepCount += 1;
    report();
    return true;
  }

  function report() {
    counter.textContent = `step ${stepCount} of ${state.steps}`;
    legend.replaceChildren(...runners.map((r) => {
      const swatch = el('i');
      swatch.style.background = r.colour;
      const last = r.path[r.path.length - 1];
      const text = r.failed ? `${r.label}: ${r.failed}` :
        `${r.label} (lr ${short(r.lr * state.lr)}): loss ${Number.isFinite(r.loss) ? short(r.loss) : '–'}, w ${short(last.w)}, b ${short(last.b)}`;
      return el('div', { class: 'legend', 'data-optimizer': r.optimizer }, el('span', {}, swatch, text));
    }));
    view.redraw();
    chart.setData(runners.map((r) => [r.steps, r.losses]), runners.map((r) => (r.losses.length
      ? `${r.label}: loss ${short(r.losses[0])} at step 1, ${short(r.losses.at(-1))} at step ${r.steps.at(-1)}${r.failed ? ` (${r.failed})` : ''}`
      : `${r.label}: no step yet`)).join('; '));
  }

  function lossAt(w, b) {
    let sum = 0;
    for (const x of xs) {
      const e = w * x + b - (TARGET.w * x + TARGET.b);
      sum += e * e;
    }
    return sum / xs.length;
  }

  function draw(ctx, width, height) {
    ctx.clearRect(0, 0, width, height);
    if (!bounds) return;
    const toX = (w) => (w - bounds.wMin) / (bounds.wMax - bounds.wMin) * width;
    const toY = (b) => height - (b - bounds.bMin) / (bounds.bMax - bounds.bMin) * height;
    // The surface: log loss as grey levels, plus contour bands.
    const N = 90;
    if (!surfaceImage || surfaceImage.width !== N) {
      surfaceImage = document.createElement('canvas');
      surfaceImage.width = surfaceImage.height = N;
      const image = surfaceImage.getContext('2d').createImageData(N, N);
      let max = -Infinity;
      const values = new Float32Array(N * N);
      for (let r = 0; r < N; r++) {
        for (let c = 0; c < N; c++) {
          const w = bounds.wMin + (c + 0.5) / N * (bounds.wMax - bounds.wMin);
          const b = bounds.bMax - (r + 0.5) / N * (bounds.bMax - bounds.bMin);
          values[r * N + c] = Math.log(lossAt(w, b) + 1e-3);
          max = Math.max(max, values[r * N + c]);
        }
      }
      const min = Math.log(1e-3);
      values.forEach((v, i) => {
        const t = (v - min) / (max - min);
        const band = Math.floor(t * 14) % 2 ? 8 : 0;
        const level = Math.round(150 + 100 * t) - band;
        image.data.set([level - 10, level - 4, level + 4 > 255 ? 255 : level + 4, 255], 4 * i);
      });
      surfaceImage.getContext('2d').putImageData(image, 0, 0);
    }
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(surfaceImage, 0, 0, width, height);
    // Axes labels and the minimum.
    ctx.fillStyle = '#1d2430';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('w →', width - 30, height - 6);
    ctx.fillText('b ↑', 4, 14);
    ctx.strokeStyle = '#1d2430';
    ctx.lineWidth = 2;
    const mx = toX(TARGET.w);
    const my = toY(TARGET.b);
    ctx.beginPath();
    ctx.moveTo(mx - 6, my - 6); ctx.lineTo(mx + 6, my + 6);
    ctx.moveTo(mx - 6, my + 6); ctx.lineTo(mx + 6, my - 6);
    ctx.stroke();
    for (const r of runners) {
      ctx.strokeStyle = r.colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      r.path.forEach((p, i) => (i ? ctx.lineTo(toX(p.w), toY(p.b)) : ctx.moveTo(toX(p.w), toY(p.b))));
      ctx.stroke();
      const last = r.path[r.path.length - 1];
      ctx.fillStyle = r.colour;
      ctx.beginPath();
      ctx.arc(toX(last.w), toY(last.b), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  reset();
  return { destroy() { loop.pause(); disposeAll(); view.disconnect(); chart.destroy(); } };
}
