// Demo 1: the perceptron on AND / OR / NAND, one sample at a time, with its line moving; on XOR
// it never settles (not linearly separable); one hidden layer trained by the engine fixes it.
//
// The engine runs a linear unit with two class scores, the multiclass hinge loss and SGD with
// learning rate 1 on one sample per step (the four inputs in order, each given to
// trainer.trainBatch): on a mistake (or a margin below 1) that adds the
// sample to the right class's weights and subtracts it from the other's, which is the
// perceptron rule w <- w + y x with a margin. (The classic rule, engine/train/perceptron.h,
// replaces this once it is bound into the JS API.) The decision line is where the two scores tie.
import { el, select, button, slider, responsiveCanvas, short } from './ui.js';

export const blurb = 'A linear threshold unit learns AND, OR and NAND one sample at a time; on XOR its line never ' +
  'settles. One hidden layer, trained by the engine, separates XOR.';

export const params = {
  gate: { type: 'enum', values: ['and', 'or', 'nand', 'xor'], default: 'and' },
  hidden: { type: 'int', min: 2, max: 8, default: 4 },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
};

const POINTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const TRUTH = { and: [0, 0, 0, 1], or: [0, 1, 1, 1], nand: [1, 1, 1, 0], xor: [0, 1, 1, 0] };
const VIEW = { min: -0.5, max: 1.5 };
const GRID = 48;  // decision-region resolution of the hidden-layer network

export function mount(root, { engine, state, setState }) {
  const inputs = new Float32Array(POINTS.flat());
  let dataset = null;
  let model = null;
  let trainer = null;
  let mode = 'perceptron';  // or 'hidden'
  let updates = 0;
  let epochs = 0;
  let regions = null;       // Float32Array(GRID*GRID) of P(class 1) for the hidden-layer net
  let animation = 0;
  let lastStep = '';

  const status = el('p', { class: 'readout', 'data-role': 'status' });
  const weights = el('p', { class: 'readout', 'data-role': 'weights' });
  const stepText = el('p', { class: 'readout', 'data-role': 'last-step' });
  const view = responsiveCanvas(draw, { aspect: 1, maxWidth: 380, maxHeight: 380, label: 'the four inputs and the decision boundary' });
  const gate = select('gate', [['and', 'AND'], ['or', 'OR'], ['nand', 'NAND'], ['xor', 'XOR']], state.gate, (value) => {
    setState({ gate: value });
    reset();
  });
  const hidden = slider('hidden units', params.hidden, state.hidden, (value) => setState({ hidden: value }));
  const stepButton = button('Step (one sample)', () => perceptronSteps(1), { name: 'step' });
  const epochButton = button('Run 1 epoch', () => perceptronSteps(POINTS.length), { secondary: true, name: 'epoch' });
  const tenButton = button('Run 10 epochs', () => perceptronSteps(10 * POINTS.length), { secondary: true, name: 'epochs10' });
  const resetButton = button('Reset', () => reset(), { secondary: true, name: 'reset' });
  const hiddenButton = button('Fix it: one hidden layer', () => trainHidden(), { name: 'hidden' });

  root.append(
    el('div', { class: 'panel' }, view),
    el('div', { class: 'panel controls' }, gate,
      el('div', { class: 'buttons' }, stepButton, epochButton, tenButton, resetButton),
      status, stepText, weights,
      el('h3', {}, 'A hidden layer'), hidden, el('div', { class: 'buttons' }, hiddenButton),
      el('p', { class: 'blurb' }, 'Filled dots: output 1; hollow: output 0; red ring: currently wrong. Shading: the side the network calls 1.'),
      el('p', { class: 'blurb' }, 'Engine: a linear unit with two scores, hinge loss, SGD with learning rate 1, one sample per step ' +
        '(trainer.trainBatch): the perceptron rule w ← w + y·x, with a margin of 1.')),
  );

  function disposeAll() {
    cancelAnimationFrame(animation);
    trainer?.dispose();
    model?.dispose();
    dataset?.dispose();
    trainer = model = dataset = null;
  }

  function makeDataset() {
    return engine.arrayDataset(inputs, [2], new Int32Array(TRUTH[state.gate]), { classes: 2, name: state.gate });
  }

  function reset() {
    disposeAll();
    mode = 'perceptron';
    updates = 0;
    epochs = 0;
    lastStep = '';
    regions = null;
    dataset = makeDataset();
    model = engine.model({ input: [2], layers: [{ type: 'linear', units: 2 }], seed: state.seed });
    trainer = engine.trainer(model, { optimizer: 'sgd', learningRate: 1, batchSize: 1, epochs: 100000, loss: 'hinge', seed: state.seed });
    trainer.setData(dataset);
    for (const b of [stepButton, epochButton, tenButton]) b.disabled = false;
    report();
  }

  // Presents the four inputs in order, one per step, each as its own batch (trainer.trainBatch).
  function perceptronSteps(count) {
    if (mode !== 'perceptron') reset();
    for (let i = 0; i < count; i++) {
      const index = updates % POINTS.length;
      const x = inputs.subarray(2 * index, 2 * index + 2);
      const target = TRUTH[state.gate][index];
      const predicted = model.classify(x, 1)[0];
      const before = line();
      trainer.trainBatch(x, new Int32Array([target]));
      const after = line();
      const moved = before.w1 !== after.w1 || before.w2 !== after.w2 || before.b !== after.b;
      lastStep = `sample (${POINTS[index].join(', ')}), target ${target}: predicted ${predicted}` +
        (predicted !== target ? ' (a mistake): the weights moved' : moved ? ' (right, but inside the margin): the weights moved' : ': no change');
      updates += 1;
      if (index === POINTS.length - 1) epochs += 1;
    }
    report();
  }

  /** The line w.x + b = 0 where the two class scores tie: w = w1 - w0, b = b1 - b0. */
  function line() {
    const [weight, bias] = model.parameters();
    const w = weight.data;
    return { w1: w[2] - w[0], w2: w[3] - w[1], b: bias.data[1] - bias.data[0] };
  }

  function mistakes() {
    const predicted = model.classify(inputs, POINTS.length);
    return TRUTH[state.gate].filter((t, i) => predicted[i] !== t).length;
  }

  function report() {
    const wrong = mistakes();
    if (mode === 'perceptron') {
      const { w1, w2, b } = line();
      weights.textContent = `w1 = ${short(w1)}, w2 = ${short(w2)}, b = ${short(b)}   (output 1 when w·x + b > 0)`;
      stepText.textContent = lastStep;
      const where = `after ${updates} step${updates === 1 ? '' : 's'} (${epochs} epoch${epochs === 1 ? '' : 's'})`;
      if (wrong === 0) {
        status.className = 'readout ok';
        status.textContent = `${where}: all 4 inputs right.`;
      } else {
        status.className = `readout ${state.gate === 'xor' && epochs >= 5 ? 'bad' : ''}`;
        status.textContent = `${where}: ${wrong} of 4 wrong.` +
          (state.gate === 'xor' && epochs >= 5 ? ' XOR is not linearly separable: no line can get all four right.' : '');
      }
    } else {
      stepText.textContent = '';
      weights.textContent = `2 → ${state.hidden} (tanh) → 2, Adam, ${epochs} epochs, loss ${short(lastLoss)}`;
      status.className = `readout ${wrong === 0 ? 'ok' : ''}`;
      status.textContent = wrong === 0 ? `hidden layer: all 4 inputs of ${state.gate.toUpperCase()} right.` : `hidden layer: ${wrong} of 4 wrong so far…`;
    }
    view.redraw();
  }

  let lastLoss = NaN;
  function trainHidden() {
    disposeAll();
    mode = 'hidden';
    epochs = 0;
    dataset = makeDataset();
    model = engine.model({ input: [2], layers: [{ type: 'linear', units: state.hidden }, { type: 'tanh' }, { type: 'linear', units: 2 }], seed: state.seed });
    trainer = engine.trainer(model, { optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 100000, seed: state.seed });
    trainer.setData(dataset);
    for (const b of [stepButton, epochButton, tenButton]) b.disabled = false;
    const frame = () => {
      for (let i = 0; i < 10; i++) {
        trainer.step(1);
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
    if (!model) return;
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
      // Shade the side w.x + b > 0 by filling the polygon of the view square on that side.
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
    const predicted = model.classify(inputs, POINTS.length);
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
