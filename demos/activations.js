// Demo 4: activations and losses. Each activation curve is the engine's: a one-layer model
// {"input":[1], "layers":[{"type": name}]} evaluated with model.outputs on a grid of x; its
// derivative is the central difference of those engine outputs (the JS API does not expose a
// single op's backward yet). The three losses are the engine's too: an identity model (flatten)
// passes the scores through and trainer.evaluate computes cross-entropy, hinge and squared error.
import { el, slider, select, short } from './ui.js';
import { LineChart } from '../web/views/line-chart.js';

export const blurb = 'Activation curves and their derivatives; cross-entropy, multiclass hinge and squared error ' +
  'on the same three class scores (all values computed by the engine).';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'softplus', 'step', 'sign'];
export const params = {
  activation: { type: 'enum', values: ACTIVATIONS, default: 'sigmoid' },
  x: { type: 'number', min: -5, max: 5, default: 0 },
  s0: { type: 'number', min: -10, max: 10, default: 3.2 },
  s1: { type: 'number', min: -10, max: 10, default: 5.1 },
  s2: { type: 'number', min: -10, max: 10, default: -1.7 },
  label: { type: 'int', min: 0, max: 2, default: 0 },
};

const POINTS = 401;
const X_MIN = -5;
const X_MAX = 5;
const H = 1e-3;

export function mount(root, { engine, state, setState }) {
  let curve = null;  // {x, y, dy}
  const view = el('div', { class: 'chart-holder' });
  const chart = new LineChart(view, { title: 'Activation and its derivative', xLabel: 'x', yLabel: 'value', height: 260,
    yRange: (min, max) => [Math.min(-1.1, min ?? 0), Math.max(1.1, Math.min(6, max ?? 1))],
    series: [{ label: 'f(x), from the engine', colour: '#2f6fde', width: 2.5, gaps: true },
      { label: 'f′(x), central difference of the engine\'s f', colour: '#e08a00', width: 2.5, dash: [6, 4], gaps: true },
      { label: 'f at the slider\'s x', colour: '#b3261e', line: false, points: 9 }] });
  const valueText = el('p', { class: 'readout', 'data-role': 'activation-value' });
  const activation = select('activation', ACTIVATIONS, state.activation, (value) => { setState({ activation: value }); computeCurve(); });
  const xSlider = slider('x', params.x, state.x, (value) => { setState({ x: value }); showValue(); draw(); }, { step: 0.05, format: (v) => v.toFixed(2) });

  const scoreSliders = ['s0', 's1', 's2'].map((key, k) =>
    slider(`score s${k}`, params[key], state[key], (value) => { setState({ [key]: value }); computeLosses(); }, { step: 0.1, format: (v) => v.toFixed(1) }));
  const label = select('true class', [['0', 'class 0'], ['1', 'class 1'], ['2', 'class 2']], String(state.label),
    (value) => { setState({ label: Number(value) }); computeLosses(); });
  const lossTable = el('table', { class: 'info', 'data-role': 'losses' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Activation f(x) and f′(x)'), view, activation, xSlider, valueText),
    el('div', { class: 'panel controls' }, el('h3', {}, 'Three losses on the same scores'), ...scoreSliders, label, lossTable,
      el('p', { class: 'blurb' }, 'Hinge: Σ_{j≠y} max(0, s_j − s_y + 1). Cross-entropy: −log softmax(s)_y. ' +
        'Squared error: mean over classes of (s_j − onehot_j)². The default scores are the lectures\' cat/car/frog example.')),
  );

  const identity = engine.model({ input: [3], layers: [{ type: 'flatten' }] });
  const trainers = Object.fromEntries(['cross_entropy', 'hinge', 'mse'].map((loss) => [loss, engine.trainer(identity, { loss })]));

  function computeCurve() {
    const model = engine.model({ input: [1], layers: [{ type: state.activation }] });
    try {
      const x = Float32Array.from({ length: POINTS }, (_, i) => X_MIN + (X_MAX - X_MIN) * i / (POINTS - 1));
      const y = model.outputs(x, POINTS);
      const shifted = (d) => model.outputs(x.map((v) => v + d), POINTS);
      const up = shifted(H);
      const down = shifted(-H);
      const dy = up.map((v, i) => (v - down[i]) / (2 * H));
      curve = { x, y, dy, model: null };
    } finally {
      model.dispose();
    }
    showValue();
    draw();
  }

  function showValue() {
    const model = engine.model({ input: [1], layers: [{ type: state.activation }] });
    try {
      const at = (v) => model.outputs(new Float32Array([v]), 1)[0];
      const fx = at(state.x);
      const slope = (at(state.x + H) - at(state.x - H)) / (2 * H);
      valueText.textContent = `f(${state.x.toFixed(2)}) = ${short(fx)},  f′(${state.x.toFixed(2)}) ≈ ${short(slope)}` +
        (state.activation === 'sigmoid' ? `   (σ(1 − σ) = ${short(fx * (1 - fx))})` : '');
    } finally {
      model.dispose();
    }
  }

  function computeLosses() {
    const scores = new Float32Array([state.s0, state.s1, state.s2]);
    const dataset = engine.arrayDataset(scores, [3], new Int32Array([state.label]), { classes: 3, name: 'scores' });
    try {
      const loss = (name) => trainers[name].evaluate(dataset).loss;
      const max = Math.max(...scores);
      const exp = Array.from(scores, (s) => Math.exp(s - max));
      const total = exp.reduce((a, b) => a + b, 0);
      const probabilities = exp.map((e) => e / total);
      lossTable.replaceChildren(
        el('tr', {}, el('th', {}, 'loss (engine)'), el('th', {}, 'value')),
        el('tr', {}, el('td', {}, 'cross-entropy'), el('td', { 'data-loss': 'cross_entropy' }, short(loss('cross_entropy')))),
        el('tr', {}, el('td', {}, 'multiclass hinge'), el('td', { 'data-loss': 'hinge' }, short(loss('hinge')))),
        el('tr', {}, el('td', {}, 'squared error'), el('td', { 'data-loss': 'mse' }, short(loss('mse')))),
        el('tr', {}, el('td', {}, 'softmax p'), el('td', {}, probabilities.map((p) => p.toFixed(3)).join(', '))),
      );
    } finally {
      dataset.dispose();
    }
  }

  /** The curve and its derivative on the chart; a jump (step, sign) breaks the line instead of drawing a wall. */
  function draw() {
    if (!curve) return;
    const broken = (ys, limit) => Array.from(ys, (y, i) => (Math.abs(y) > limit || (i > 0 && Math.abs(y - ys[i - 1]) > 0.5) ? NaN : y));
    const at = Math.round((state.x - X_MIN) / (X_MAX - X_MIN) * (POINTS - 1));
    chart.setData([[curve.x, broken(curve.y, 1e6)], [curve.x, broken(curve.dy, 50)], [[curve.x[at]], [curve.y[at]]]],
      `${state.activation}(x) and its derivative, from x = ${X_MIN} to ${X_MAX}`);
  }

  computeCurve();
  computeLosses();
  return {
    destroy() {
      chart.destroy();
      for (const t of Object.values(trainers)) t.dispose();
      identity.dispose();
    },
  };
}
