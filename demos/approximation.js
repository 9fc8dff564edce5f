// Demo 3: universal approximation. A 1-D network x -> H ReLU units -> y, trained by the engine on
// one of its toy regression curves, is a linear spline: each hidden unit i bends the output at
// x = -b_i / w_i (read from model.parameters()). More hidden units, more linear pieces.
import { el, button, frameLoop, slider, select, short } from './ui.js';
import { LineChart } from '../web/views/line-chart.js';

export const blurb = 'One hidden layer of ReLU units is a linear spline: every unit adds one kink at x = −b/w. ' +
  'More hidden units, more linear pieces, a closer fit.';

export const params = {
  curve: { type: 'enum', values: ['sin', 'abs', 'step', 'cubic'], default: 'sin' },
  hidden: { type: 'int', min: 1, max: 64, default: 6 },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
};

const EPOCHS_PER_FRAME = 5;
const EPOCHS_PER_RUN = 600;  // one press of Train (and the first run, by itself)
const CURVE_POINTS = 240;

export function mount(root, { engine, state, setState }) {
  let dataset = null;
  let model = null;
  let trainer = null;
  let epochs = 0;
  let lastLoss = NaN;
  let target = 0;  // the epoch this run trains to
  let xs = null;
  let ts = null;
  let range = null;

  const view = el('div', { class: 'chart-holder' });
  const chart = new LineChart(view, { title: 'The data, the network\'s output and its kinks', xLabel: 'x', yLabel: 'y', height: 300,
    series: [{ label: 'training points', colour: '#5b6472', line: false, points: 4 },
      { label: 'network output (the engine\'s, on a fine grid)', colour: '#2f6fde', width: 2.5 },
      { label: 'kinks: where a hidden unit switches on or off', colour: '#e08a00', line: false, points: 9 }] });
  const status = el('p', { class: 'readout', 'data-role': 'status' });
  const pieces = el('p', { class: 'readout', 'data-role': 'pieces' });
  const curve = select('curve', [['sin', 'sin x'], ['abs', '|x|'], ['step', 'step'], ['cubic', 'x³']], state.curve, (value) => {
    setState({ curve: value });
    reset(true);
  });
  const hidden = slider('hidden units', params.hidden, state.hidden, (value) => setState({ hidden: value }));
  hidden.input.addEventListener('change', () => reset(true));
  // Trains to the end of this run; after a run has ended, Train goes on for another EPOCHS_PER_RUN epochs.
  const loop = frameLoop('Train', () => {
    for (let i = 0; i < EPOCHS_PER_FRAME; i++) {
      lastLoss = trainer.trainEpoch().trainLoss;
      epochs += 1;
    }
    report();
    return epochs < target;
  }, { onRun: () => { if (epochs >= target) target = epochs + EPOCHS_PER_RUN; }, onPause: () => { if (model) report(); } });
  const resetButton = button('Reset', () => reset(false), { secondary: true, name: 'reset' });

  root.append(
    el('div', { class: 'panel' }, view),
    el('div', { class: 'panel controls' }, curve, hidden, el('div', { class: 'buttons' }, loop.button, resetButton), status, pieces,
      el('p', { class: 'blurb' }, 'Engine: 1 → H (ReLU) → 1, squared error, Adam (lr 0.01), batch 32. ' +
        'Orange ticks: where a hidden unit switches on or off inside the data range.')),
  );

  function disposeAll() {
    loop.pause();
    trainer?.dispose();
    model?.dispose();
    dataset?.dispose();
    trainer = model = dataset = null;
  }

  function reset(autoRun) {
    disposeAll();
    dataset = engine.toyDataset(state.curve, { n: 200, noise: 0.03, seed: state.seed });
    xs = dataset.inputs();
    ts = dataset.targets();
    range = { xMin: Math.min(...xs), xMax: Math.max(...xs), yMin: Math.min(...ts), yMax: Math.max(...ts) };
    const spare = 0.25 * (range.yMax - range.yMin);
    range.yMin -= spare;
    range.yMax += spare;
    model = engine.model({ input: [1], layers: [{ type: 'linear', units: state.hidden }, { type: 'relu' }, { type: 'linear', units: 1 }], seed: state.seed });
    trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 100000, loss: 'mse', seed: state.seed });
    trainer.setData(dataset);
    epochs = 0;
    target = 0;
    lastLoss = NaN;
    report();
    if (autoRun) loop.run();
  }

  /** x positions inside the data range where a hidden unit's input w x + b crosses 0. */
  function kinks() {
    const [w1, b1, w2] = model.parameters();
    const result = [];
    for (let i = 0; i < state.hidden; i++) {
      const w = w1.data[i];
      const b = b1.data[i];
      if (Math.abs(w) < 1e-12 || Math.abs(w2.data[i]) < 1e-6) continue;  // a unit the output ignores bends nothing
      const x = -b / w;
      if (x > range.xMin && x < range.xMax) result.push(x);
    }
    return result.sort((a, b) => a - b);
  }

  function report() {
    status.textContent = `epoch ${epochs}, training loss ${Number.isFinite(lastLoss) ? short(lastLoss) : '–'}` +
      (loop.running || epochs === 0 ? '' : ` (Train goes on for ${EPOCHS_PER_RUN} more epochs; Reset starts again)`);
    const k = kinks();
    pieces.textContent = `${state.hidden} hidden unit${state.hidden === 1 ? '' : 's'}: ${k.length} kink${k.length === 1 ? '' : 's'} ` +
      `in the data range, so ${k.length + 1} linear piece${k.length ? 's' : ''}`;
    draw();
  }

  function draw() {
    if (!model) return;
    // The network's output on a fine grid, from the engine.
    const grid = Float32Array.from({ length: CURVE_POINTS }, (_, i) => range.xMin + (range.xMax - range.xMin) * i / (CURVE_POINTS - 1));
    const y = model.outputs(grid, CURVE_POINTS);
    const bends = kinks();
    const atBends = bends.length ? model.outputs(Float32Array.from(bends), bends.length) : [];
    const order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b]);  // the chart takes each series in x order
    chart.setData([[order.map((i) => xs[i]), order.map((i) => ts[i])], [grid, y], [bends, atBends]],
      `${state.hidden} hidden units on ${state.curve}: ${bends.length} kinks`);
  }

  reset(true);
  return { destroy() { disposeAll(); chart.destroy(); } };
}
