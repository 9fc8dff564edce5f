// Demo 1: the perceptron on AND / OR / NAND, one sample at a time, with its line moving; on XOR
// it never settles (not linearly separable); one hidden layer trained by the engine fixes it.
//
// The perceptron is the engine's (engine.perceptron: Rosenblatt's rule from the lectures,
// engine/train/perceptron.h): y = sign(w·x + b); on a mistake w ← w + η·y·x and b ← b + η·y,
// nothing when right, labels ±1. The demo presents the four inputs in order, one per step, and
// calls it converged after a whole epoch without a mistake. The hidden-layer network is an
// engine model (2 → H tanh → 2) trained by the engine's trainer with Adam.
import { el, select, button, slider, responsiveCanvas, short } from './ui.js';

export const blurb = 'Rosenblatt\'s perceptron learns AND, OR and NAND one sample at a time; on XOR its line never ' +
  'settles. One hidden layer, trained by the engine, separates XOR.';

export const params = {
  gate: { type: 'enum', values: ['and', 'or', 'nand', 'xor'], default: 'and' },
  rate: { type: 'number', min: 0.01, max: 2, default: 1 },
  epochs: { type: 'int', min: 1, max: 1000, default: 20 },
  hidden: { type: 'int', min: 2, max: 8, default: 4 },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
};

const POINTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const TRUTH = { and: [0, 0, 0, 1], or: [0, 1, 1, 1], nand: [1, 1, 1, 0], xor: [0, 1, 1, 0] };
const VIEW = { min: -0.5, max: 1.5 };
const GRID = 48;  // decision-region resolution of the hidden-layer network
// SEEDS: threshold units for NAND, w1 = w2 = -0.2 with bias 0.3.
const LECTURE_NAND = { weights: [-0.2, -0.2], bias: 0.3 };

export function mount(root, { engine, state, setState }) {
  const inputs = new Float32Array(POINTS.flat());
  let perceptron = null;
  let dataset = null;
  let model = null;
  let trainer = null;
  let mode = 'perceptron';  // or 'hidden'
  let presented = 0;        // samples presented since the reset
  let epochs = 0;           // whole epochs presented
  let mistakesThisEpoch = 0;
  let history = [];         // mistakes in each whole epoch
  let converged = false;    // an epoch without a mistake
  let gaveUp = false;       // "train until converged" hit the epoch limit
  let regions = null;       // Float32Array(GRID*GRID) of P(class 1) for the hidden-layer net
  let animation = 0;
  let lastStep = '';
  let lastLoss = NaN;

  const status = el('p', { class: 'readout', 'data-role': 'status', 'aria-live': 'polite' });
  const weights = el('p', { class: 'readout', 'data-role': 'weights' });
  const stepText = el('p', { class: 'readout', 'data-role': 'last-step' });
  const historyText = el('p', { class: 'readout', 'data-role': 'history' });
  const view = responsiveCanvas(draw, { aspect: 1, maxWidth: 380, maxHeight: 380, label: 'the four inputs and the decision boundary' });
  const gate = select('gate', [['and', 'AND'], ['or', 'OR'], ['nand', 'NAND'], ['xor', 'XOR']], state.gate, (value) => {
    setState({ gate: value });
    reset();
  });
  const rate = slider('learning rate η', params.rate, state.rate, (value) => { setState({ rate: value }); reset(); },
    { step: 0.05, format: (v) => v.toFixed(2) });
  const hidden = slider('hidden units', params.hidden, state.hidden, (value) => setState({ hidden: value }));
  const stepButton = button('Step (one sample)', () => perceptronSteps(1), { name: 'step' });
  const epochButton = button('Run 1 epoch', () => perceptronSteps(POINTS.length - (presented % POINTS.length)), { secondary: true, name: 'epoch' });
  const untilButton = button(`Train until no mistakes (max ${state.epochs} epochs)`, () => trainUntilConverged(), { secondary: true, name: 'converge' });
  const resetButton = button('Reset', () => reset(), { secondary: true, name: 'reset' });
  const lectureButton = button('Lecture\'s NAND unit (w = −0.2, −0.2, b = 0.3)', () => lectureWeights(), { secondary: true, name: 'lecture' });
  const hiddenButton = button('Fix it: one hidden layer', () => trainHidden(), { name: 'hidden' });

  root.append(
    el('div', { class: 'panel' }, view),
    el('div', { class: 'panel controls' }, gate, rate,
      el('div', { class: 'buttons' }, stepButton, epochButton, untilButton, resetButton, lectureButton),
      status, stepText, weights, historyText,
      el('h3', {}, 'A hidden layer'), hidden, el('div', { class: 'buttons' }, hiddenButton),
      el('p', { class: 'blurb' }, 'Filled dots: output 1; hollow: output 0; red ring: currently wrong. Shading: the side the unit calls 1.'),
      el('p', { class: 'blurb' }, 'Engine: engine.perceptron, the lectures\' rule y = sign(w·x + b); on a mistake w ← w + η·y·x, ' +
        'b ← b + η·y (labels ±1); nothing when right. It starts from w = 0, b = 0, where sign(0) = −1; from there η only ' +
        'scales w and b, so the line moves the same way whatever η (it matters from the lecture\'s NAND weights).')),
  );

  function disposeAll() {
    cancelAnimationFrame(animation);
    for (const owned of [perceptron, trainer, model, dataset]) owned?.dispose();
    perceptron = trainer = model = dataset = null;
  }

  function reset() {
    disposeAll();
    mode = 'perceptron';
    presented = epochs = mistakesThisEpoch = 0;
    history = [];
    converged = gaveUp = false;
    lastStep = '';
    regions = null;
    perceptron = engine.perceptron(2, state.rate);
    report();
  }

  function lectureWeights() {
    reset();
    perceptron.setWeights(LECTURE_NAND.weights, LECTURE_NAND.bias);
    lastStep = 'weights set to the lecture\'s NAND unit: w1 = w2 = −0.2, b = 0.3';
    report();
  }

  const target = (index) => TRUTH[state.gate][index];
  const output = (x) => (perceptron.predict(x) === 1 ? 1 : 0);

  // Presents the next `count` samples, in order, to the engine's perceptron rule.
  function perceptronSteps(count) {
    if (mode !== 'perceptron') reset();
    for (let i = 0; i < count; i++) {
      const index = presented % POINTS.length;
      const x = inputs.subarray(2 * index, 2 * index + 2);
      const predicted = output(x);
      const label = target(index) ? 1 : -1;
      const mistake = perceptron.learn(x, label);
      if (mistake) {
        mistakesThisEpoch += 1;
        const sign = label > 0 ? '+' : '−';
        lastStep = `sample (${POINTS[index].join(', ')}), target ${target(index)}: predicted ${predicted}, a mistake: ` +
          `w ← w ${sign} ${short(state.rate)}·(${POINTS[index].join(', ')}), b ← b ${sign} ${short(state.rate)}`;
      } else {
        lastStep = `sample (${POINTS[index].join(', ')}), target ${target(index)}: predicted ${predicted}, right: no change`;
      }
      presented += 1;
      if (index === POINTS.length - 1) {
        epochs += 1;
        history.push(mistakesThisEpoch);
        if (mistakesThisEpoch === 0) converged = true;
        mistakesThisEpoch = 0;
      }
    }
    report();
  }

  // Whole epochs until one has no mistake, or the epoch limit: XOR never gets there.
  function trainUntilConverged() {
    if (mode !== 'perceptron') reset();
    if (presented % POINTS.length) perceptronSteps(POINTS.length - (presented % POINTS.length));
    let run = 0;
    while (!converged && run < state.epochs) {
      perceptronSteps(POINTS.length);
      run += 1;
    }
    gaveUp = !converged;
    report();
  }

  function line() {
    const [w1, w2] = perceptron.weights;
    return { w1, w2, b: perceptron.bias };
  }

  function predictions() {
    if (mode === 'perceptron') return POINTS.map((p) => output(p));
    return Array.from(model.classify(inputs, POINTS.length));
  }

  function report() {
    const predicted = predictions();
    const wrong = TRUTH[state.gate].filter((t, i) => predicted[i] !== t).length;
    if (mode === 'perceptron') {
      const { w1, w2, b } = line();
      weights.textContent = `w1 = ${short(w1)}, w2 = ${short(w2)}, b = ${short(b)}   (output 1 when w·x + b > 0)`;
      stepText.textContent = lastStep;
      historyText.textContent = history.length ? `mistakes per epoch: ${history.slice(-20).join(', ')}${history.length > 20 ? ' (last 20)' : ''}` : '';
      const where = `after ${presented} step${presented === 1 ? '' : 's'} (${epochs} epoch${epochs === 1 ? '' : 's'})`;
      if (converged) {
        status.className = 'readout ok';
        status.textContent = `${where}: converged: a whole epoch without a mistake, all 4 inputs right.`;
      } else if (gaveUp) {
        status.className = 'readout bad';
        status.textContent = `${where}: no convergence after ${state.epochs} epochs: every epoch still makes a mistake.` +
          (state.gate === 'xor' ? ' XOR is not linearly separable: no line gets all four right, so the perceptron never settles.' : '');
      } else {
        status.className = 'readout';
        status.textContent = wrong === 0 ? `${where}: all 4 inputs right.` : `${where}: ${wrong} of 4 wrong now.` +
          (state.gate === 'xor' && epochs >= 5 ? ' Still no epoch without a mistake: XOR is not linearly separable.' : '');
      }
      for (const b of [stepButton, epochButton, untilButton]) b.disabled = false;
    } else {
      stepText.textContent = '';
      historyText.textContent = '';
      weights.textContent = `2 → ${state.hidden} (tanh) → 2, Adam, ${epochs} epochs, loss ${short(lastLoss)}`;
      status.className = `readout ${wrong === 0 ? 'ok' : ''}`;
      status.textContent = wrong === 0 ? `hidden layer: all 4 inputs of ${state.gate.toUpperCase()} right.` : `hidden layer: ${wrong} of 4 wrong so far…`;
    }
    view.redraw();
  }

  function trainHidden() {
    disposeAll();
    mode = 'hidden';
    epochs = 0;
    dataset = engine.arrayDataset(inputs, [2], new Int32Array(TRUTH[state.gate]), { classes: 2, name: state.gate });
    model = engine.model({ input: [2], layers: [{ type: 'linear', units: state.hidden }, { type: 'tanh' }, { type: 'linear', units: 2 }], seed: state.seed });
    trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 100000, seed: state.seed });
    trainer.setData(dataset);
    const frame = () => {
      for (let i = 0; i < 10; i++) {
        lastLoss = trainer.trainEpoch().trainLoss;
        epochs += 1;
      }
      regions = probabilitiesOnGrid();
      report();
      if (epochs < 300) animation = requestAnimationFrame(frame);
    };
    frame();
  }

  function probabilitiesOnGrid() {
    const grid = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        grid[2 * (r * GRID + c)] = VIEW.min + (c + 0.5) / GRID * (VIEW.max - VIEW.min);
        grid[2 * (r * GRID + c) + 1] = VIEW.max - (r + 0.5) / GRID * (VIEW.max - VIEW.min);
      }
    }
    const p = model.predict(grid, GRID * GRID);
    return Float32Array.from({ length: GRID * GRID }, (_, i) => p[2 * i + 1]);
  }

  function draw(ctx, width, height) {
    const size = Math.min(width, height);
    const toX = (x) => (x - VIEW.min) / (VIEW.max - VIEW.min) * size;
    const toY = (y) => size - (y - VIEW.min) / (VIEW.max - VIEW.min) * size;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#f7f9fc';
    ctx.fillRect(0, 0, size, size);
    if (mode === 'perceptron' ? !perceptron : !model) return;
    if (mode === 'hidden' && regions) {
      // One pixel per grid point, scaled up smoothly (no seams between cells).
      const small = document.createElement('canvas');
      small.width = small.height = GRID;
      const image = small.getContext('2d').createImageData(GRID, GRID);
      for (let i = 0; i < GRID * GRID; i++) {
        const p = regions[i];
        image.data.set([Math.round(247 - 200 * p), Math.round(249 - 138 * p), Math.round(252 - 30 * p), 255], 4 * i);
      }
      small.getContext('2d').putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(small, 0, 0, size, size);
    } else if (mode === 'perceptron') {
      // Shade the side w·x + b > 0 (where the engine's unit outputs 1) by filling the polygon of the view square on that side.
      const { w1, w2, b } = line();
      const corners = [[VIEW.min, VIEW.min], [VIEW.max, VIEW.min], [VIEW.max, VIEW.max], [VIEW.min, VIEW.max]];
      const f = ([x, y]) => w1 * x + w2 * y + b;
      const polygon = [];
      for (let i = 0; i < 4; i++) {
        const p = corners[i];
        const q = corners[(i + 1) % 4];
        if (f(p) > 0) polygon.push(p);
        if ((f(p) > 0) !== (f(q) > 0)) {
          const t = f(p) / (f(p) - f(q));
          polygon.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
        }
      }
      if (polygon.length > 2) {
        ctx.fillStyle = 'rgba(47, 111, 222, 0.18)';
        ctx.beginPath();
        polygon.forEach(([x, y], i) => (i ? ctx.lineTo(toX(x), toY(y)) : ctx.moveTo(toX(x), toY(y))));
        ctx.closePath();
        ctx.fill();
        ctx.strokeStyle = '#2f6fde';
        ctx.lineWidth = 2;
        const edge = polygon.filter(([x, y]) => Math.abs(f([x, y])) < 1e-6 * (1 + Math.abs(w1) + Math.abs(w2) + Math.abs(b)));
        if (edge.length === 2) {
          ctx.beginPath();
          ctx.moveTo(toX(edge[0][0]), toY(edge[0][1]));
          ctx.lineTo(toX(edge[1][0]), toY(edge[1][1]));
          ctx.stroke();
        }
      }
    }
    // Axes through 0 and the four inputs.
    ctx.strokeStyle = '#c5ccd8';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(toX(0), 0); ctx.lineTo(toX(0), size);
    ctx.moveTo(0, toY(0)); ctx.lineTo(size, toY(0));
    ctx.stroke();
    ctx.font = '12px system-ui, sans-serif';
    const predicted = predictions();
    POINTS.forEach(([x, y], i) => {
      const target = TRUTH[state.gate][i];
      ctx.beginPath();
      ctx.arc(toX(x), toY(y), 9, 0, 2 * Math.PI);
      ctx.fillStyle = target ? '#1d2430' : '#fff';
      ctx.fill();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = predicted[i] === target ? '#1d2430' : '#b3261e';
      ctx.stroke();
      ctx.fillStyle = '#485466';
      ctx.fillText(`(${x},${y})→${target}`, toX(x) + 12, toY(y) - 10);
    });
  }

  reset();
  return { destroy() { disposeAll(); view.disconnect(); } };
}
