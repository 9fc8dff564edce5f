// Demo: the 8-3-8 autoencoder of the lectures. Eight one-hot inputs go through a hidden layer of
// three sigmoid units to eight sigmoid outputs, and the engine trains the network to give back its
// input (squared error, all eight inputs in every step). Three units are the only way through, so
// the network has to invent a code, and the code becomes binary-like: each input ends near its own
// corner of the unit cube, three bits for eight things. Drawn: the three hidden values of every
// input as a point in the cube and as a table (with the bits they round to), the outputs, and the
// loss and the code's distance from binary per step (uPlot, web/views/line-chart.js).
import { el, button, select, slider, responsiveCanvas, short } from './ui.js';
import { LineChart } from '../web/views/line-chart.js';
import { rgb, textOn } from '../web/views/colour.js';
import { argmax } from '../web/shared/argmax.js';

export const blurb = 'Eight one-hot inputs, three hidden sigmoid units, eight outputs: trained to reproduce its input, ' +
  'the network squeezes eight things through three units and invents a binary-like code for them.';

export const params = {
  optimizer: { type: 'enum', values: ['adam', 'rmsprop', 'momentum', 'sgd'], default: 'adam' },
  lr: { type: 'number', min: 0.001, max: 10, default: 0.05 },
  steps: { type: 'int', min: 100, max: 20000, default: 3000 },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
};

const INPUTS = 8;
const HIDDEN = 3;
const STEPS_PER_FRAME = 25;
const BINARY_DISTANCE = 0.1;  // mean distance of the code values from 0 or 1 below which the code counts as binary-like
const COLOURS = ['#1d2430', '#2f6fde', '#8a3ffc', '#1b7f3b', '#e08a00', '#b3261e', '#0f8b8d', '#c2185b'];

/** The spec: 8 -> 3 sigmoid -> 8 sigmoid, regression on the one-hot targets. */
export const SPEC = {
  input: [INPUTS],
  layers: [{ type: 'linear', units: HIDDEN }, { type: 'sigmoid' }, { type: 'linear', units: INPUTS }, { type: 'sigmoid' }],
};

/** How binary-like codes are: {distance: mean of min(h, 1 - h), distinct: how many different bit patterns}. */
export function binariness(codes) {
  let distance = 0;
  for (const code of codes) for (const h of code) distance += Math.min(h, 1 - h);
  const patterns = new Set(codes.map((code) => code.map((h) => (h >= 0.5 ? 1 : 0)).join('')));
  return { distance: distance / (codes.length * HIDDEN), distinct: patterns.size };
}

export function mount(root, { engine, state, setState }) {
  const oneHot = new Float32Array(INPUTS * INPUTS);
  for (let i = 0; i < INPUTS; i++) oneHot[i * INPUTS + i] = 1;
  let dataset = null;
  let model = null;
  let trainer = null;
  let stepCount = 0;
  let running = false;
  let animation = 0;
  let codes = [];
  let outputs = [];
  let loss = NaN;
  const history = { steps: [], losses: [], distances: [] };

  const cube = responsiveCanvas(drawCube, { aspect: 0.85, maxWidth: 360, maxHeight: 320,
    label: 'the three hidden values of each input as a point in the unit cube' });
  const table = el('table', { class: 'info code-table', 'data-role': 'codes' });
  const status = el('p', { class: 'readout', 'data-role': 'status' });
  const binary = el('p', { class: 'readout', 'data-role': 'binary' });
  const verdict = el('p', { class: 'readout', 'data-role': 'verdict' });
  const runButton = button('Train', () => (running ? pause() : run()), { name: 'run' });
  const stepButton = button(`Step ×${STEPS_PER_FRAME}`, () => { pause(); train(STEPS_PER_FRAME); }, { secondary: true, name: 'step' });
  const resetButton = button('Reset', () => reset(), { secondary: true, name: 'reset' });
  const optimizer = select('optimizer', params.optimizer.values, state.optimizer, (value) => { setState({ optimizer: value }); reset(); });
  const lr = slider('learning rate', params.lr, state.lr, (value) => setState({ lr: value }),
    { step: 0.005, format: (v) => v.toFixed(3) });
  lr.input.max = '0.5';  // the useful range on the slider; an attribute may ask for more
  lr.input.addEventListener('change', () => reset());
  const seed = slider('seed', params.seed, state.seed, (value) => setState({ seed: value }));
  seed.input.max = '50';
  seed.input.addEventListener('change', () => reset());
  const chartHolder = el('div', { class: 'chart-holder' });
  const chart = new LineChart(chartHolder, { title: 'Loss and the code\'s distance from binary, per step', xLabel: 'step',
    yLabel: 'log scale', height: 200, yLog: true, series: [
      { label: 'loss (squared error)', colour: '#2f6fde', width: 2 },
      { label: 'code: mean distance from 0 or 1', colour: '#e08a00', width: 2 },
    ] });

  root.append(
    el('div', { class: 'panel' }, cube, el('p', { class: 'blurb' }, 'Each numbered dot is one input\'s code (h1, h2, h3); ' +
      'the cube\'s corners are the eight 3-bit codes.')),
    el('div', { class: 'panel controls' }, optimizer, lr, seed,
      el('div', { class: 'buttons' }, runButton, stepButton, resetButton), status, binary, verdict),
    el('div', { class: 'panel wide' }, table),
    chartHolder,
  );

  function dispose() {
    trainer?.dispose();
    model?.dispose();
    dataset?.dispose();
    trainer = model = dataset = null;
  }

  function reset() {
    pause();
    dispose();
    dataset = engine.arrayDataset(oneHot, [INPUTS], oneHot, { classes: 0, name: 'one-hot' });
    model = engine.model({ ...SPEC, seed: state.seed });
    trainer = engine.trainer(model, { optimizer: state.optimizer, learningRate: state.lr, batchSize: INPUTS, epochs: 100000,
      loss: 'mse', seed: state.seed });
    trainer.setData(dataset);
    stepCount = 0;
    loss = NaN;
    history.steps = [];
    history.losses = [];
    history.distances = [];
    look();
  }

  /** The hidden code and the output of every input, from the engine's activations. */
  function look() {
    codes = [];
    outputs = [];
    for (let i = 0; i < INPUTS; i++) {
      const layers = model.activations(oneHot.subarray(i * INPUTS, (i + 1) * INPUTS));
      codes.push(Array.from(layers[1].data));
      outputs.push(Array.from(layers[3].data));
    }
    show();
  }

  function train(steps) {
    const todo = Math.min(steps, state.steps - stepCount);
    for (let s = 0; s < todo; s++) {
      const progress = trainer.step(1);
      stepCount += 1;
      loss = progress.lastBatchLoss;
      if (progress.diverged) {
        pause();
        status.textContent = `step ${stepCount}: the loss diverged; lower the learning rate and press Reset.`;
        return false;
      }
    }
    look();
    const { distance } = binariness(codes);
    history.steps.push(stepCount);
    history.losses.push(loss);
    history.distances.push(distance);
    chart.setData([[history.steps, history.losses], [history.steps, history.distances]],
      `At step ${stepCount}: loss ${short(loss)}, mean distance of the code from binary ${short(distance)}`);
    return stepCount < state.steps;
  }

  function run() {
    if (stepCount >= state.steps) reset();
    running = true;
    runButton.textContent = 'Pause';
    const frame = () => {
      if (!running) return;
      if (!train(STEPS_PER_FRAME)) return pause();
      animation = requestAnimationFrame(frame);
    };
    frame();
  }

  function pause() {
    running = false;
    cancelAnimationFrame(animation);
    runButton.textContent = stepCount >= state.steps ? 'Train again' : 'Train';
  }

  function show() {
    const { distance, distinct } = binariness(codes);
    status.textContent = `step ${stepCount} of ${state.steps}: loss ${Number.isFinite(loss) ? short(loss) : '–'}`;
    binary.textContent = `Mean distance of the code from 0 or 1: ${distance.toFixed(3)} (0 is binary); ` +
      `${distinct} of ${INPUTS} inputs have different 3-bit codes.`;
    const done = distance < BINARY_DISTANCE && distinct === INPUTS;
    verdict.textContent = done ? `Binary-like: every input has its own 3-bit code, each value within ${BINARY_DISTANCE} of 0 or 1 on average.`
      : stepCount === 0 ? 'Untrained: the codes sit near the middle of the cube. Press Train.'
        : 'Not binary-like yet: the codes are still moving to the corners.';
    verdict.className = `readout ${done ? 'ok' : ''}`;
    verdict.dataset.binary = String(done);
    drawTable();
    cube.redraw();
  }

  function drawTable() {
    const shade = (v) => {
      const cell = el('td', { class: 'num' }, v.toFixed(2));
      const level = Math.round(255 - 200 * Math.min(1, Math.max(0, v)));
      cell.style.background = rgb([level, level, 255]);
      cell.style.color = textOn([level, level, 255]);
      return cell;
    };
    const head = el('tr', {}, el('th', {}, 'input'), ...Array.from({ length: HIDDEN }, (_, k) => el('th', {}, `h${k + 1}`)),
      el('th', {}, 'bits'), el('th', {}, 'output'));
    const rows = codes.map((code, i) => {
      const best = argmax(outputs[i]);
      const oneHot = Array.from({ length: INPUTS }, (_, k) => (k === i ? '1' : '0')).join('');
      return el('tr', { 'data-input': String(i + 1) },
        el('td', { title: `one-hot input ${oneHot}` }, String(i + 1)),
        ...code.map(shade),
        el('td', { 'data-role': 'bits' }, code.map((h) => (h >= 0.5 ? '1' : '0')).join('')),
        el('td', { class: best === i ? 'ok' : 'bad', title: `output ${best + 1} is the largest, ${outputs[i][best].toFixed(3)}` },
          `${best + 1}${best === i ? ' ✓' : ' ✗'}`));
    });
    table.replaceChildren(el('caption', {}, 'The code of each one-hot input: the hidden units\' values (darker is nearer 1), ' +
      'the bits they round to, and which output is largest (✓: the input comes back)'), el('thead', {}, head), el('tbody', {}, ...rows));
  }

  function drawCube(ctx, width, height) {
    ctx.clearRect(0, 0, width, height);
    const side = Math.min(width, height) * 0.62;
    const depth = side * 0.45;
    const origin = { x: width * 0.16, y: height * 0.86 };
    // (h1, h2, h3): h1 to the right, h3 up, h2 into the page (up and to the right).
    const at = ([a, b, c]) => ({ x: origin.x + a * side + b * depth, y: origin.y - c * side - b * depth * 0.6 });
    const corners = [];
    for (let k = 0; k < 8; k++) corners.push([k >> 2 & 1, k >> 1 & 1, k & 1]);
    ctx.strokeStyle = '#c5ccd8';
    ctx.lineWidth = 1;
    for (const a of corners) {
      for (const b of corners) {
        const differ = a.filter((v, i) => v !== b[i]).length;
        if (differ !== 1 || a.join('') > b.join('')) continue;
        const p = at(a);
        const q = at(b);
        ctx.beginPath();
        ctx.moveTo(p.x, p.y);
        ctx.lineTo(q.x, q.y);
        ctx.stroke();
      }
    }
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#8a93a3';
    for (const corner of corners) {
      const p = at(corner);
      ctx.fillText(corner.join(''), p.x + 3, p.y - 3);
    }
    ctx.fillStyle = '#485466';
    ctx.font = '11px system-ui, sans-serif';
    const axis = (to, text) => {
      const p = at(to);
      ctx.fillText(text, p.x + 4, p.y + 12);
    };
    axis([1, 0, 0], 'h1 →');
    ctx.fillText('h3 ↑', origin.x - 28, at([0, 0, 1]).y + 4);
    axis([0, 1, 0], 'h2 ↗');
    codes.forEach((code, i) => {
      const p = at(code);
      ctx.fillStyle = COLOURS[i];
      ctx.beginPath();
      ctx.arc(p.x, p.y, 7, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#fff';
      ctx.font = '600 10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(i + 1), p.x, p.y + 0.5);
      ctx.textAlign = 'start';
      ctx.textBaseline = 'alphabetic';
    });
  }

  reset();
  return { destroy() { pause(); dispose(); cube.disconnect(); chart.destroy(); } };
}
