// Demo 6: convolution arithmetic. Output size (W - K + 2P)/S + 1, parameters and multiply-adds
// come from the engine's model.summary of a one-layer model with these settings; the kernel
// window sweeps the padded input. Pooling of the lectures' 4x4 example is computed by the
// engine too (a one-layer maxpool / avgpool / l2pool model and model.outputs).
import { el, slider, button, responsiveCanvas, numberGrid, short, reducedMotion } from './ui.js';

export const blurb = 'Output size (W − K + 2P)/S + 1, parameters and multiply-adds of one conv layer, ' +
  'as the engine computes them; below, 2×2 pooling of the lectures\' 4×4 example.';

export const params = {
  size: { type: 'int', min: 3, max: 32, default: 7 },
  kernel: { type: 'int', min: 1, max: 11, default: 3 },
  stride: { type: 'int', min: 1, max: 4, default: 1 },
  pad: { type: 'int', min: 0, max: 5, default: 0 },
  channels: { type: 'int', min: 1, max: 16, default: 1 },
  filters: { type: 'int', min: 1, max: 64, default: 1 },
};

const PRESETS = [
  ['7×7, 3×3, stride 1', { size: 7, kernel: 3, stride: 1, pad: 0, channels: 1, filters: 1 }],
  ['stride 2', { size: 7, kernel: 3, stride: 2, pad: 0, channels: 1, filters: 1 }],
  ['stride 3', { size: 7, kernel: 3, stride: 3, pad: 0, channels: 1, filters: 1 }],
  ['pad 1', { size: 7, kernel: 3, stride: 1, pad: 1, channels: 1, filters: 1 }],
  ['3×32×32, 10 filters 5×5, pad 2', { size: 32, kernel: 5, stride: 1, pad: 2, channels: 3, filters: 10 }],
];

const LECTURE_POOL_INPUT = [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]];
const POOLS = [['maxpool', 'max pooling'], ['avgpool', 'average pooling'], ['l2pool', 'L2 pooling √Σh²']];

export function mount(root, { engine, state, setState }) {
  let layer = null;      // the engine's summary row of the conv layer, or null with an error
  let engineError = '';
  let position = 0;      // which output cell the kernel window is on
  let timer = null;

  const formula = el('div', { class: 'formula', 'data-role': 'formula' });
  const fit = el('p', { class: 'readout', 'data-role': 'fit' });
  const facts = el('div', { class: 'readout', 'data-role': 'facts' });
  const sliders = {};
  const onSlide = (key) => (value) => {
    setState({ [key]: value });
    position = 0;
    update();
  };
  const labels = { size: 'input W', kernel: 'kernel K', stride: 'stride S', pad: 'padding P', channels: 'depth D', filters: 'filters' };
  for (const key of Object.keys(params)) sliders[key] = slider(labels[key], params[key], state[key], onSlide(key));
  const presets = el('div', { class: 'buttons' }, ...PRESETS.map(([text, values]) => button(text, () => {
    setState(values);
    for (const [key, value] of Object.entries(values)) sliders[key].set(value);
    position = 0;
    update();
  }, { secondary: true })));

  const view = responsiveCanvas(draw, { aspect: 0.52, maxWidth: 640, label: 'kernel window sweeping the padded input, and the output grid' });
  const playButton = button('Pause', () => (timer ? stop() : play()), { name: 'play' });
  const stepButton = button('Step', () => { stop(); advance(); }, { secondary: true, name: 'step' });
  const windowText = el('p', { class: 'readout', 'data-role': 'window' });

  const poolInput = LECTURE_POOL_INPUT.map((row) => row.slice());
  const poolArea = el('div', { 'data-role': 'pooling' });
  const poolButtons = el('div', { class: 'buttons' },
    button('New random input', () => {
      for (const row of poolInput) for (let c = 0; c < 4; c++) row[c] = Math.floor(Math.random() * 10);
      renderPooling();
    }, { secondary: true, name: 'random-pool' }),
    button('Lectures\' example', () => {
      LECTURE_POOL_INPUT.forEach((row, r) => { poolInput[r] = row.slice(); });
      renderPooling();
    }, { secondary: true, name: 'lecture-pool' }));

  root.append(
    el('div', { class: 'panel controls' }, ...Object.values(sliders), presets, formula, fit, facts),
    el('div', { class: 'panel' }, view, el('div', { class: 'buttons' }, playButton, stepButton), windowText),
    el('div', { class: 'panel wide' }, el('h3', {}, '2×2 pooling, stride 2 (no parameters)'), poolButtons, poolArea),
  );

  function update() {
    const { size, kernel, stride, pad, channels, filters } = state;
    const spec = { input: [channels, size, size], layers: [{ type: 'conv2d', filters, kernel, stride, pad }] };
    let model = null;
    try {
      model = engine.model(spec);
      [layer] = model.summary;
      engineError = '';
    } catch (error) {
      layer = null;
      engineError = error.message;
    } finally {
      model?.dispose();
    }
    const exact = (size - kernel + 2 * pad) / stride + 1;
    formula.textContent = `(W − K + 2P)/S + 1 = (${size} − ${kernel} + 2·${pad})/${stride} + 1 = ${short(exact)}`;
    if (layer) {
      const out = layer.outputShape[1];
      const fits = Number.isInteger(exact);
      fit.className = `readout ${fits ? 'ok' : 'bad'}`;
      fit.textContent = fits
        ? `fits: the output is ${out}×${out}`
        : `stride ${stride} does not fit: the engine rounds down to ${out}×${out}, so ` +
          `${size + 2 * pad - ((out - 1) * stride + kernel)} input row(s)/column(s) at the edge are never covered`;
      const perFilter = kernel * kernel * channels + 1;
      facts.replaceChildren(
        el('div', {}, `engine model.summary: output ${layer.outputShape.join('×')}`),
        el('div', {}, `parameters (K·K·D + 1)·F = ${perFilter}·${filters} = `, el('b', { 'data-role': 'parameters' }, layer.parameters.toLocaleString('en'))),
        el('div', {}, `multiply-adds = `, el('b', { 'data-role': 'macs' }, layer.multiplyAdds.toLocaleString('en')),
          ` (${filters}·${out}·${out} outputs × ${kernel * kernel * channels})`),
        el('div', {}, `each output is a ${kernel}×${kernel}×${channels} = ${kernel * kernel * channels}-dim dot product + bias`),
      );
    } else {
      fit.className = 'readout bad';
      fit.textContent = `the engine refuses this layer: ${engineError}`;
      facts.replaceChildren();
    }
    view.redraw();
  }

  function outputSide() { return layer ? layer.outputShape[1] : 0; }

  function draw(ctx, width, height) {
    ctx.clearRect(0, 0, width, height);
    const { size, kernel, stride, pad } = state;
    const padded = size + 2 * pad;
    const out = outputSide();
    const gap = 24;
    const cell = Math.max(3, Math.min(28, Math.floor((width - gap - 8) / (padded + Math.max(out, 1))), Math.floor((height - 24) / padded)));
    const x0 = 4;
    const y0 = 20;
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = '#485466';
    ctx.fillText(`input ${size}×${size}${pad ? ` + padding ${pad}` : ''}`, x0, 13);
    for (let r = 0; r < padded; r++) {
      for (let c = 0; c < padded; c++) {
        const isPad = r < pad || c < pad || r >= pad + size || c >= pad + size;
        ctx.fillStyle = isPad ? '#eceff4' : '#dbe7fb';
        ctx.fillRect(x0 + c * cell, y0 + r * cell, cell - 1, cell - 1);
      }
    }
    const ox = x0 + padded * cell + gap;
    if (!out) return;
    const index = position % (out * out);
    const row = Math.floor(index / out);
    const col = index % out;
    ctx.strokeStyle = '#e08a00';
    ctx.lineWidth = 2;
    ctx.fillStyle = 'rgba(224, 138, 0, 0.25)';
    ctx.fillRect(x0 + col * stride * cell, y0 + row * stride * cell, kernel * cell - 1, kernel * cell - 1);
    ctx.strokeRect(x0 + col * stride * cell, y0 + row * stride * cell, kernel * cell - 1, kernel * cell - 1);
    ctx.fillStyle = '#485466';
    ctx.fillText(`output ${out}×${out}`, ox, 13);
    for (let r = 0; r < out; r++) {
      for (let c = 0; c < out; c++) {
        ctx.fillStyle = r === row && c === col ? '#e08a00' : '#cfe8d6';
        ctx.fillRect(ox + c * cell, y0 + r * cell, cell - 1, cell - 1);
      }
    }
    windowText.textContent = `output (${row}, ${col}) sees padded input rows ${row * stride}–${row * stride + kernel - 1}, ` +
      `columns ${col * stride}–${col * stride + kernel - 1}`;
  }

  function advance() {
    position += 1;
    view.redraw();
  }
  function play() {
    timer = setInterval(advance, 700);
    playButton.textContent = 'Pause';
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = 'Play';
  }

  function renderPooling() {
    const flat = new Float32Array(poolInput.flat());
    const grids = [numberGrid(poolInput, { caption: 'input 4×4' })];
    for (const [type, text] of POOLS) {
      const model = engine.model({ input: [1, 4, 4], layers: [{ type, kernel: 2 }] });
      try {
        const values = Array.from(model.outputs(flat, 1));
        grids.push(numberGrid([values.slice(0, 2), values.slice(2, 4)], { caption: `${text} (engine)`, format: short }));
      } finally {
        model.dispose();
      }
    }
    poolArea.replaceChildren(...grids);
  }

  update();
  renderPooling();
  if (reducedMotion()) stop();  // the window waits for Play
  else play();
  return { destroy() { stop(); view.disconnect(); } };
}
