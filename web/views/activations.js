// Activation maps for one input image: a section per layer with its name and shape as a caption,
// a grid of channel images for [C, H, W] outputs and a strip of cells for dense [F] outputs.
// Each layer is scaled by its own largest |value|: non-negative maps (after ReLU) use the
// sequential map, signed maps the diverging one. Clicking a unit (or pressing Enter on a focused
// channel) dispatches 'unitselect' {layer, name, channel, row, col} for the receptive-field view
// and the unit inspector; a dense layer's strip is a click target per unit (channel = the unit).
// The chosen unit (setSelected) is outlined where it is drawn, and its map is the pressed button.
// A block (residual, concat) with `paths` (model.blockActivations) has its inner layers' maps in a
// disclosure under its own, per path ('layers', 'shortcut', 'branches.0'); those are drawn only: the
// unit inspector explains the block's own units (the sum, the join), not its inner layers' yet.
import { el } from './dom.js';
import { diverging, sequential, paintPixels } from './colour.js';
import { argmax } from '../shared/argmax.js';

const MAX_CHANNELS = 32;

export class ActivationsView {
  constructor(container, { tileSize = 64 } = {}) {
    this.container = container;
    this.tileSize = tileSize;
    this.classNames = null;
    this.selected = null;
    this.frames = new Map();  // "name/channel" -> {frame, canvas, height, width}; a dense layer's channel is -1
  }

  /** The chosen unit {layer (name), channel, row, col}, or null: outlined in its map. */
  setSelected(unit) {
    this.selected = unit ?? null;
    this.mark();
  }

  mark() {
    for (const node of this.container.querySelectorAll('.unit-marker')) node.remove();
    for (const node of this.container.querySelectorAll('.unit-picker[aria-pressed]')) node.removeAttribute('aria-pressed');
    const unit = this.selected;
    if (!unit) return;
    const spatial = this.frames.get(`${unit.layer}/${unit.channel ?? 0}`);
    const dense = this.frames.get(`${unit.layer}/-1`);
    const target = spatial ?? dense;
    if (!target) return;  // another layer's unit, or a channel past the ones shown
    const [x, y, w, h] = spatial
      ? [(unit.col ?? 0) / target.width, (unit.row ?? 0) / target.height, 1 / target.width, 1 / target.height]
      : [(unit.channel ?? 0) / target.width, 0, 1 / target.width, 1];
    const marker = el('span', { class: 'unit-marker', 'aria-hidden': 'true' });
    for (const [name, value] of Object.entries({ '--x': x, '--y': y, '--w': w, '--h': h })) marker.style.setProperty(name, String(value));
    target.frame.append(marker);
    target.canvas.setAttribute('aria-pressed', 'true');
  }

  /** The data's class names: the output layer's cells are labelled with them (a folder's names, not 0, 1, 2). */
  setClassNames(names) {
    this.classNames = names?.length ? names.map(String) : null;
  }

  /** list: [{layer, name, shape:[C,H,W] or [F], data: Float32Array}] */
  render(list) {
    this.list = list;
    this.frames.clear();
    this.container.replaceChildren(...list.map((entry, i) => this.section(entry, i === list.length - 1)));
    this.mark();
  }

  /** The value drawn at a unit: {layer (name), channel, row, col} (row and col 0 for a dense layer); undefined when not shown. */
  valueAt({ layer, channel = 0, row = 0, col = 0 }) {
    const entry = this.list?.find((e) => e.name === layer);
    if (!entry) return undefined;
    const [, height = 1, width = 1] = entry.shape;
    return entry.data[(channel * height + row) * width + col];
  }

  /** A block's inner maps, per path, in a closed disclosure (kept open across redraws while open). */
  insideBlock(entry) {
    this.openBlocks ??= new Set();
    const details = el('details', { class: 'activation-block', open: this.openBlocks.has(entry.name) });
    details.addEventListener('toggle', () => (details.open ? this.openBlocks.add(entry.name) : this.openBlocks.delete(entry.name)));
    const count = entry.paths.reduce((n, p) => n + p.layers.length, 0);
    details.append(el('summary', {}, `Inside ${entry.name}: ${count} layer${count === 1 ? '' : 's'} on ${entry.paths.length} paths`));
    for (const path of entry.paths) {
      const body = path.identity
        ? [el('p', { class: 'view-note' }, path.branch === 'shortcut' ? 'The identity: the block\'s input itself, added as it is.' : 'Empty: the block\'s input itself, joined as it is.')]
        : path.layers.map((inner) => this.section({ ...inner, data: inner.data }, false, { pickable: false }));
      details.append(el('div', { class: 'activation-path' }, el('p', { class: 'activation-path-name' }, `${entry.name} · ${path.branch}`), ...body));
    }
    return details;
  }

  section(entry, last = false, { pickable = true } = {}) {
    const { shape, data } = entry;
    let lo = Infinity, hi = -Infinity;
    for (const v of data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const signed = lo < 0;
    const scale = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const colourOf = signed ? (v) => diverging(v / scale) : (v) => sequential(v / scale);
    const caption = el('figcaption', {},
      el('strong', {}, String(entry.name)), ` · ${shape.join('×')} · range ${lo.toFixed(2)} to ${hi.toFixed(2)}`);
    const figure = el('figure', { class: 'activation-layer' }, caption);

    if (shape.length === 3) {
      const [channels, height, width] = shape;
      const shown = Math.min(channels, MAX_CHANNELS);
      const grid = el('div', { class: 'tile-grid' });
      grid.style.setProperty('--tile', `${this.tileSize}px`);
      for (let c = 0; c < shown; c++) {
        const label = `${entry.name} channel ${c + 1}`;
        const canvas = pickable ? el('canvas', { class: 'pixelated unit-picker', role: 'button', tabindex: '0', 'aria-label': label, title: label })
          : el('canvas', { class: 'pixelated', role: 'img', 'aria-label': label, title: label });
        paintPixels(canvas, data, width, height, colourOf, c * height * width);
        canvas.style.width = `${this.tileSize}px`;
        canvas.style.height = `${Math.round((this.tileSize * height) / width)}px`;
        if (!pickable) {
          grid.append(el('div', { class: 'tile' }, el('span', { class: 'unit-frame' }, canvas)));
          continue;
        }
        const select = (row, col) => this.container.dispatchEvent(new CustomEvent('unitselect', {
          bubbles: true, detail: { layer: entry.layer, name: entry.name, channel: c, row, col },
        }));
        canvas.addEventListener('click', (event) => {
          const box = canvas.getBoundingClientRect();
          const col = Math.min(width - 1, Math.floor(((event.clientX - box.left) / box.width) * width));
          const row = Math.min(height - 1, Math.floor(((event.clientY - box.top) / box.height) * height));
          select(row, col);
        });
        canvas.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            select(Math.floor(height / 2), Math.floor(width / 2));
          }
        });
        const frame = el('span', { class: 'unit-frame' }, canvas);
        this.frames.set(`${entry.name}/${c}`, { frame, canvas, height, width });
        grid.append(el('div', { class: 'tile' }, frame));
      }
      figure.append(grid);
      if (channels > shown) figure.append(el('p', { class: 'view-note' }, `First ${shown} of ${channels} channels.`));
      if (entry.paths) figure.append(this.insideBlock(entry));
    } else {
      const [features] = shape;
      if (!pickable) {
        const strip = el('canvas', { class: 'pixelated bar-strip', role: 'img', 'aria-label': `${entry.name}: ${features} units` });
        paintPixels(strip, data, features, 1, colourOf);
        figure.append(el('span', { class: 'unit-frame strip' }, strip));
        return figure;
      }
      // A click target per unit: the unit under the pointer; Enter picks the strongest one.
      const label = `${entry.name}: ${features} units, pick one to see how it got its value`;
      const canvas = el('canvas', { class: 'pixelated bar-strip unit-picker', role: 'button', tabindex: '0', 'aria-label': label, title: label });
      paintPixels(canvas, data, features, 1, colourOf);
      const select = (unit) => this.container.dispatchEvent(new CustomEvent('unitselect', {
        bubbles: true, detail: { layer: entry.layer, name: entry.name, channel: unit, row: 0, col: 0 },
      }));
      canvas.addEventListener('click', (event) => {
        const box = canvas.getBoundingClientRect();
        select(Math.min(features - 1, Math.floor(((event.clientX - box.left) / box.width) * features)));
      });
      canvas.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        select(argmax(data, 0, features));
      });
      const frame = el('span', { class: 'unit-frame strip' }, canvas);
      this.frames.set(`${entry.name}/-1`, { frame, canvas, height: 1, width: features });
      figure.append(frame);
      const names = last && this.classNames?.length === features ? this.classNames : null;
      if (features <= 10) {
        figure.append(el('div', { class: 'strip-labels', 'aria-hidden': 'true' },
          ...Array.from({ length: features }, (_, i) => el('span', {}, names ? names[i] : String(i)))));
      }
    }
    return figure;
  }
}
