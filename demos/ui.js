// Controls and drawing helpers shared by the demos (sliders, selects, buttons, a canvas that
// follows its container's width). The playground's DOM helpers are reused: text goes in
// through textContent only.
import { el, prepareCanvas } from '../web/views/dom.js';

export { el, prepareCanvas };

/** A labelled range slider for an int/number param; onChange(value) on every move. */
export function slider(label, spec, value, onChange, { step = spec.type === 'int' ? 1 : 0.01, format = String } = {}) {
  const input = el('input', { type: 'range', min: spec.min, max: spec.max, step, value, 'aria-label': label });
  const output = el('output', {}, format(value));
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.textContent = format(v);
    onChange(v);
  });
  const row = el('label', { class: 'control' }, el('span', { class: 'control-label' }, label), input, output);
  row.input = input;
  row.set = (v) => { input.value = v; output.textContent = format(v); };
  return row;
}

/** A labelled <select>; options are [value, text] pairs or plain values. */
export function select(label, options, value, onChange) {
  const input = el('select', { 'aria-label': label });
  for (const option of options) {
    const [v, text] = Array.isArray(option) ? option : [option, option];
    const node = el('option', { value: v }, text);
    if (v === value) node.selected = true;
    input.append(node);
  }
  input.addEventListener('change', () => onChange(input.value));
  const row = el('label', { class: 'control' }, el('span', { class: 'control-label' }, label), input);
  row.input = input;
  return row;
}

export function button(text, onClick, { secondary = false, name } = {}) {
  const node = el('button', { type: 'button', class: secondary ? 'secondary' : '', 'data-action': name }, text);
  node.addEventListener('click', onClick);
  return node;
}

/**
 * A Run/Pause button that calls step() once a frame while running: step() returns false when the
 * run is over (the loop pauses). onRun() before a run starts, onPause() after it stops.
 * Returns {button, run(), pause(), running}.
 */
export function frameLoop(label, step, { name = 'run', onRun = () => {}, onPause = () => {} } = {}) {
  let running = false;
  let animation = 0;
  const loop = {
    get running() { return running; },
    run() {
      onRun();
      running = true;
      loop.button.textContent = 'Pause';
      const frame = () => {
        if (!running) return;
        if (!step()) return loop.pause();
        animation = requestAnimationFrame(frame);
      };
      frame();
    },
    pause() {
      running = false;
      cancelAnimationFrame(animation);
      loop.button.textContent = label;
      onPause();
    },
  };
  loop.button = button(label, () => (running ? loop.pause() : loop.run()), { name });
  return loop;
}

/**
 * A canvas whose CSS width follows its container (height = width * aspect, capped at maxHeight);
 * draw(ctx, width, height) runs on every resize and on redraw().
 */
export function responsiveCanvas(draw, { aspect = 0.75, maxWidth = 520, maxHeight = 420, label = '' } = {}) {
  const canvas = el('canvas', { role: 'img', 'aria-label': label });
  const holder = el('div', { class: 'canvas-holder' }, canvas);
  let width = 0;
  let height = 0;
  const redraw = () => {
    const available = Math.min(maxWidth, holder.clientWidth || maxWidth);
    width = Math.max(120, Math.floor(available));
    height = Math.min(maxHeight, Math.round(width * aspect));
    const ctx = prepareCanvas(canvas, width, height);
    draw(ctx, width, height);
  };
  const observer = new ResizeObserver(() => redraw());
  observer.observe(holder);
  holder.redraw = redraw;
  holder.canvas = canvas;
  holder.disconnect = () => observer.disconnect();
  return holder;
}

/** A small number grid (pooling inputs/outputs, kernel windows) as a table of text cells. */
export function numberGrid(rows, { highlight = () => false, format = (v) => String(v), caption = '' } = {}) {
  const table = el('table', { class: 'grid' });
  if (caption) table.append(el('caption', {}, caption));
  rows.forEach((row, r) => {
    const tr = el('tr');
    row.forEach((value, c) => tr.append(el('td', { class: highlight(r, c) ? 'hl' : '' }, format(value))));
    table.append(tr);
  });
  return table;
}

/** Formats a float for a projector: up to 4 significant digits, no trailing zeros. */
/** True when the reader asked for less motion (prefers-reduced-motion): animations then wait for Play. */
export function reducedMotion() {
  return globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

export function short(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
