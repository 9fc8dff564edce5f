// Demo 7: receptive fields. Stack conv and pool layers and watch the centre unit of each layer
// see more of the input. Sizes, jumps and offsets come from the engine's model.summary
// (receptiveField {size, jump, start}); the picture marks the input pixels the chosen unit sees.
import { el, button, slider, responsiveCanvas } from './ui.js';

export const blurb = 'Conv K×K (stride 1) then pool P×P: each pooled unit sees (P + K − 1)² input pixels; deeper units see more. ' +
  'Add layers and pick one: the engine\'s model.summary gives its receptive field.';

// layers: comma-separated c<K> (conv K×K, stride 1, "same" padding) and p<P> (max pool P×P).
export const params = {
  layers: { type: 'pattern', pattern: /^([cp][1-7])(,[cp][1-7]){0,11}$/, default: 'c5,p2,c5,p2',
    describe: 'a list like c5,p2,c3 (c = conv K×K, p = pool P×P, K and P in 1..7, at most 12)' },
  size: { type: 'int', min: 8, max: 64, default: 28 },
};

export function mount(root, { engine, state, setState }) {
  let layers = state.layers.split(',');
  let summary = [];
  let selected = layers.length - 1;
  let error = '';

  const view = responsiveCanvas(draw, { aspect: 1, maxWidth: 360, maxHeight: 360, label: 'input pixels seen by the selected unit' });
  const table = el('table', { class: 'info', 'data-role': 'table' });
  const note = el('p', { class: 'readout', 'data-role': 'rf' });
  const size = slider('input size', params.size, state.size, (value) => { setState({ size: value }); update(); });
  const add = (code) => () => {
    if (layers.length >= 12) return;
    layers.push(code);
    selected = layers.length - 1;
    update();
  };
  const buttons = el('div', { class: 'buttons' },
    button('+ conv 3×3', add('c3'), { name: 'add-c3' }),
    button('+ conv 5×5', add('c5'), { secondary: true, name: 'add-c5' }),
    button('+ pool 2×2', add('p2'), { secondary: true, name: 'add-p2' }),
    button('remove last', () => {
      if (layers.length > 1) layers.pop();
      selected = Math.min(selected, layers.length - 1);
      update();
    }, { secondary: true, name: 'remove' }));

  root.append(
    el('div', { class: 'panel' }, view, note),
    el('div', { class: 'panel controls' }, size, buttons, table,
      el('p', { class: 'blurb' }, 'Click a row to show that layer\'s centre unit. Conv layers pad to keep the size.')),
  );

  function spec() {
    return {
      input: [1, state.size, state.size],
      layers: layers.map((code) => {
        const k = Number(code.slice(1));
        return code[0] === 'c' ? { type: 'conv2d', filters: 1, kernel: k, pad: Math.floor(k / 2) } : { type: 'maxpool', kernel: k };
      }),
    };
  }

  function update() {
    setState({ layers: layers.join(',') });
    let model = null;
    try {
      model = engine.model(spec());
      summary = model.summary;
      error = '';
    } catch (e) {
      summary = [];
      error = e.message;
    } finally {
      model?.dispose();
    }
    const head = el('tr', {}, ...['layer', 'output', 'receptive field', 'jump'].map((h) => el('th', {}, h)));
    const rows = summary.map((layer, i) => {
      const row = el('tr', { class: i === selected ? 'selected' : '', tabindex: '0', 'data-layer': layer.name },
        el('td', {}, `${i === selected ? '▶ ' : ''}${layer.name} (${layer.detail})`),
        el('td', {}, layer.outputShape.slice(1).join('×')),
        el('td', {}, `${layer.receptiveField.size}×${layer.receptiveField.size}`),
        el('td', {}, String(layer.receptiveField.jump)));
      const choose = () => { selected = i; update(); };
      row.addEventListener('click', choose);
      row.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') choose(); });
      return row;
    });
    table.replaceChildren(head, ...rows);
    if (error) {
      note.className = 'readout bad';
      note.textContent = `the engine refuses this stack: ${error}`;
    } else {
      const rf = summary[selected].receptiveField;
      note.className = 'readout';
      note.textContent = `${summary[selected].name}: its centre unit sees ${rf.size}×${rf.size} input pixels ` +
        `(neighbouring units are ${rf.jump} pixel${rf.jump === 1 ? '' : 's'} apart).`;
    }
    view.redraw();
  }

  function draw(ctx, width, height) {
    ctx.clearRect(0, 0, width, height);
    const n = state.size;
    const cell = Math.floor(Math.min(width, height) / n);
    ctx.fillStyle = '#eef2f8';
    ctx.fillRect(0, 0, cell * n, cell * n);
    if (error || !summary.length) return;
    const layer = summary[selected];
    const { size, jump, start } = layer.receptiveField;
    const side = layer.outputShape[1];
    const centre = Math.floor((side - 1) / 2);
    const middle = start + centre * jump;          // input coordinate of the unit's centre
    const lo = Math.ceil(middle - (size - 1) / 2);
    const hi = Math.floor(middle + (size - 1) / 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const inside = r >= lo && r <= hi && c >= lo && c <= hi;
        ctx.fillStyle = inside ? '#f3b44a' : '#dbe7fb';
        ctx.fillRect(c * cell, r * cell, cell - (cell > 4 ? 1 : 0), cell - (cell > 4 ? 1 : 0));
      }
    }
    ctx.strokeStyle = '#b3261e';
    ctx.lineWidth = 2;
    const x = Math.max(0, lo) * cell;
    const x2 = (Math.min(n - 1, hi) + 1) * cell;
    ctx.strokeRect(x, x, x2 - x, x2 - x);
  }

  update();
  return { destroy() { view.disconnect(); } };
}
