// Demo 4: activations and losses. Each activation curve is the engine's: a one-layer model
// {"input":[1], "layers":[{"type": name}]} evaluated with model.outputs on a grid of x; its
// derivative is the central difference of those engine outputs (the JS API does not expose a
// single op's backward yet). The three losses are the engine's too: an identity model (flatten)
// passes the scores through and trainer.evaluate computes cross-entropy, hinge and squared error.
import { el, slider, select, responsiveCanvas, short } from './ui.js';

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
  const view = responsiveCanvas(draw, { aspect: 0.62, maxWidth: 560, maxHeight: 360, label: 'activation and its derivative' });
  const valueText = el('p', { class: 'readout', 'data-role': 'activation-value' });
  const activation = select('activation', ACTIVATIONS, state.activation, (value) => { setState({ activation: value }); computeCurve(); });
  const xSlider = slider('x', params.x, state.x, (value) => { setState({ x: value }); showValue(); view.redraw(); }, { step: 0.05, format: (v) => v.toFixed(2) });

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
    view.redraw();
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

  function draw(ctx, width, height) {
    ctx.clearRect(0, 0, width, height);
    if (!curve) return;
    const values = [...curve.y, ...curve.dy].filter(Number.isFinite);
    const yMin = Math.min(-1.1, ...values);
    const yMax = Math.max(1.1, Math.min(6, Math.max(...values)));
    const toX = (x) => (x - X_MIN) / (X_MAX - X_MIN) * (width - 20) + 10;
    const toY = (y) => height - 10 - (Math.min(y, yMax) - yMin) / (yMax - yMin) * (height - 20);
    ctx.fillStyle = '#f7f9fc';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#c5ccd8';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, toY(0)); ctx.lineTo(width, toY(0));
    ctx.moveTo(toX(0), 0); ctx.lineTo(toX(0), height);
    ctx.stroke();
    const line = (ys, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      curve.x.forEach((x, i) => {
        const jump = i > 0 && Math.abs(ys[i] - ys[i - 1]) > 0.5 * (yMax - yMin);  // step/sign: no vertical stroke
        if (!Number.isFinite(ys[i])) { pen = false; return; }
        if (pen && !jump) ctx.lineTo(toX(x), toY(ys[i])); else ctx.moveTo(toX(x), toY(ys[i]));
        pen = true;
      });
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(curve.y, '#2f6fde', []);
    line(curve.dy.map((d) => (Math.abs(d) > 50 ? NaN : d)), '#e08a00', [6, 4]);
    ctx.fillStyle = '#1d2430';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(`${state.activation}(x)`, 14, 16);
    ctx.fillStyle = '#e08a00';
    ctx.fillText('derivative (dashed)', 14, 32);
    ctx.strokeStyle = '#b3261e';
    ctx.beginPath();
    ctx.moveTo(toX(state.x), 0); ctx.lineTo(toX(state.x), height);
    ctx.stroke();
  }

  computeCurve();
  computeLosses();
  return {
    destroy() {
      view.disconnect();
      for (const t of Object.values(trainers)) t.dispose();
      identity.dispose();
    },
  };
}
