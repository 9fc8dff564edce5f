// Receptive fields: which input pixels one unit of a layer can see.
//
// Geometry (documented in web/README.md, computed by the engine): each layer carries
// receptiveField {size, jump, start} in input-pixel units, where `size` is the side of the square
// region one unit sees, `jump` the distance in input pixels between neighbouring units, and
// `start` the input coordinate of the first (top-left) pixel seen by unit 0 — negative when the
// region reaches into zero padding. Unit (row, col) therefore sees rows start + row*jump ...
// start + row*jump + size - 1 (same for columns). The input itself is {size 1, jump 1, start 0};
// a conv or pool with kernel K, stride S, padding P maps {r, j, s} to {r + (K-1)j, jS, s - Pj}.
// (The engine's own summary gives the centre of unit 0 instead; the worker converts, and the
// table's caption states the convention: web/README.md.)
//
// The view draws the input image with the exact region outlined (the part inside the image solid
// and shaded, the part over padding dashed over a hatched border), the effective receptive field
// heat map from the worker beside it with the same outline, and the per-layer table.
import { el, prepareCanvas, cssVar, formatInteger, hatchPadding } from './dom.js';
import { sequential, sampleColours, rgb } from './colour.js';

/** Input rows/cols seen by unit (row, col): {top, left, bottom, right} inclusive, may exceed the image. */
export function receptiveFieldRegion({ size, jump, start }, row, col) {
  const top = start + row * jump;
  const left = start + col * jump;
  return { top, left, bottom: top + size - 1, right: left + size - 1 };
}

/** The region clipped to an image of height x width, or null if it lies entirely in padding. */
export function clipRegion(region, height, width) {
  const clipped = {
    top: Math.max(0, region.top), left: Math.max(0, region.left),
    bottom: Math.min(height - 1, region.bottom), right: Math.min(width - 1, region.right),
  };
  return clipped.top > clipped.bottom || clipped.left > clipped.right ? null : clipped;
}

export class ReceptiveFieldView {
  constructor(container, { displaySize = 252 } = {}) {
    this.container = container;
    this.displaySize = displaySize;
    this.imageCanvas = el('canvas', { class: 'rf-canvas', role: 'img', 'aria-label': 'Input image with receptive field' });
    this.mapCanvas = el('canvas', { class: 'rf-canvas', role: 'img', 'aria-label': 'Effective receptive field: no data yet' });
    this.caption = el('p', { class: 'view-caption', 'aria-live': 'polite' });
    this.mapNote = el('p', { class: 'view-note rf-map-note' });
    this.table = el('table', { class: 'data-table rf-table' });
    this.channelSelect = el('select', { id: 'rf-channel' });
    this.channelSelect.addEventListener('change', () => {
      const channel = Number(this.channelSelect.value);
      this.render({ channel });
      this.container.dispatchEvent(new CustomEvent('unitselect', {
        bubbles: true, detail: { layer: this.state.layer, name: this.state.layer, channel, ...this.state.unit },
      }));
    });
    this.channelField = el('div', { class: 'field inline' }, el('label', { for: 'rf-channel' }, 'Channel'), this.channelSelect);
    container.replaceChildren(
      this.channelField,
      el('div', { class: 'rf-pair' },
        el('figure', {}, el('figcaption', {}, 'Input and theoretical receptive field'), this.imageCanvas),
        el('figure', {}, el('figcaption', {}, 'Effective receptive field (|∂unit/∂input|)'), this.mapCanvas, this.mapNote)),
      this.caption,
      this.table);
    this.imageCanvas.addEventListener('click', (event) => this.pickUnitAt(event));
    this.state = { image: null, summary: [], layer: null, unit: { row: 0, col: 0 }, channel: 0, map: null,
      mapNote: 'waiting for the engine' };
  }

  /**
   * Any subset of {image: {data: Float32Array(C*H*W), shape: [H, W] or [C, H, W], display?: 'ink' |
   * 'photo' (colour.js sampleColours: three channels are drawn in colour)}, summary: [layer summaries],
   * layer: name, unit: {row, col}, channel, map: {kind:'effectiveReceptiveField', shape:[H,W], data},
   * mapNote: text shown under the heat map while there is none}.
   */
  render(update) {
    Object.assign(this.state, update);
    const stale = ['layer', 'unit', 'channel', 'image'].some((k) => update[k] !== undefined);
    if (stale && update.map === undefined) this.state.map = null;  // the map was of another unit or input
    this.drawChannels();
    this.drawTable();
    this.drawImage();
    this.drawMap();
  }

  /** The channel menu of the chosen layer: its output channels (a unit is a channel, a row and a column). */
  drawChannels() {
    const layer = this.selectedLayer();
    const channels = layer?.outputShape.length === 3 ? layer.outputShape[0] : 0;
    this.channelField.hidden = channels === 0;
    if (String(channels) !== this.channelSelect.dataset.count) {
      this.channelSelect.replaceChildren(...Array.from({ length: channels }, (_, c) => el('option', { value: String(c) }, `${c + 1} of ${channels}`)));
      this.channelSelect.dataset.count = String(channels);
    }
    if (layer && this.state.channel >= channels) this.state.channel = 0;  // a dense unit keeps its index
    this.channelSelect.value = String(this.state.channel);
  }

  selectedLayer() {
    return this.state.summary.find((l) => l.name === this.state.layer && l.receptiveField) ?? null;
  }

  drawTable() {
    const head = el('thead', {}, el('tr', {},
      ...['Layer', 'Output', 'RF size', 'Jump', 'Start (top-left)'].map((h, i) => el('th', { scope: 'col', class: i >= 2 ? 'num' : null }, h))));
    const body = el('tbody');
    for (const layer of this.state.summary.filter((l) => l.receptiveField)) {
      const rf = layer.receptiveField;
      const button = el('button', { type: 'button', class: 'link-button', 'aria-pressed': String(layer.name === this.state.layer) }, layer.name);
      button.addEventListener('click', () => {
        this.container.dispatchEvent(new CustomEvent('layerselect', { bubbles: true, detail: { layer: layer.name } }));
        this.render({ layer: layer.name, unit: centreUnit(layer) });
      });
      body.append(el('tr', { class: layer.name === this.state.layer ? 'selected' : null },
        el('th', { scope: 'row' }, button),
        el('td', {}, layer.outputShape.join('×')),
        el('td', { class: 'num' }, `${rf.size}×${rf.size}`),
        el('td', { class: 'num' }, formatInteger(rf.jump)),
        el('td', { class: 'num' }, formatInteger(rf.start))));
    }
    this.table.replaceChildren(el('caption', {},
      'Receptive field per layer, in input pixels. Start is the top-left input pixel that unit (0, 0) sees ',
      '(negative: the region reaches into the zero padding); unit (row, col) sees rows start + row·jump to ',
      'start + row·jump + size − 1, columns likewise. Its centre is start + (size − 1)/2.'), head, body);
  }

  /** Geometry shared by both canvases: the image plus enough border to show the padding part. */
  frame() {
    const [height, width] = this.state.image?.shape.slice(-2) ?? [28, 28];
    const layer = this.selectedLayer();
    const region = layer ? receptiveFieldRegion(layer.receptiveField, this.state.unit.row, this.state.unit.col) : null;
    const border = region
      ? Math.max(0, -region.top, -region.left, region.bottom - (height - 1), region.right - (width - 1))
      : 0;
    const cells = Math.max(height, width) + 2 * border;
    const pixel = this.displaySize / cells;
    return { height, width, region, border, pixel, layer };
  }

  drawImage() {
    const f = this.frame();
    const size = (Math.max(f.height, f.width) + 2 * f.border) * f.pixel;
    const context = prepareCanvas(this.imageCanvas, size, size);
    paintBorder(context, f, size);
    if (this.state.image) {
      const { data, shape, display } = this.state.image;
      const colourAt = sampleColours(data, shape, { display });
      for (let y = 0; y < f.height; y++) {
        for (let x = 0; x < f.width; x++) {
          context.fillStyle = rgb(colourAt(y * f.width + x));
          context.fillRect((x + f.border) * f.pixel, (y + f.border) * f.pixel, f.pixel + 0.5, f.pixel + 0.5);
        }
      }
    }
    drawRegion(context, f);
    this.describe(f);
  }

  drawMap() {
    const f = this.frame();
    const size = (Math.max(f.height, f.width) + 2 * f.border) * f.pixel;
    const context = prepareCanvas(this.mapCanvas, size, size);
    paintBorder(context, f, size);
    const map = this.state.map;
    let peak = 0;
    if (map) for (const v of map.data) peak = Math.max(peak, Math.abs(v));
    let note = this.state.mapNote;
    if (map && peak === 0) {
      // A unit behind a ReLU that is off for this input: no input pixel changes it.
      note = 'All zero: this unit is off for this input (a ReLU passes no gradient). Pick another unit or input.';
    }
    this.mapNote.textContent = map && peak > 0 ? '' : String(note);
    if (map && peak > 0 && map.shape[0] === f.height && map.shape[1] === f.width) {
      for (let y = 0; y < f.height; y++) {
        for (let x = 0; x < f.width; x++) {
          context.fillStyle = rgb(sequential(Math.abs(map.data[y * f.width + x]) / (peak || 1)));
          context.fillRect((x + f.border) * f.pixel, (y + f.border) * f.pixel, f.pixel + 0.5, f.pixel + 0.5);
        }
      }
      this.mapCanvas.setAttribute('aria-label', 'Effective receptive field heat map');
    } else {
      context.fillStyle = cssVar('--paper', '#fff');
      context.fillRect(f.border * f.pixel, f.border * f.pixel, f.width * f.pixel, f.height * f.pixel);
      this.mapCanvas.setAttribute('aria-label', map && peak === 0 ? 'Effective receptive field heat map: all zero for this input'
        : 'Effective receptive field: no data yet');
    }
    drawRegion(context, f);
  }

  describe(f) {
    const vector = f.layer ? null : this.state.summary.find((l) => l.name === this.state.layer && l.outputShape.length === 1);
    if (vector) {
      // A dense (or flattened) unit has no window: it is connected to every input pixel.
      const units = vector.outputShape[0];
      this.caption.textContent = `Unit ${this.state.channel + 1} of ${units} in ${vector.name} is connected to every input pixel: ` +
        `its receptive field is the whole ${f.height}×${f.width} image. The heat map shows how much each pixel moves it for this input.`;
      return;
    }
    if (!f.layer) {
      this.caption.textContent = 'Pick a layer in the table, then click a unit in its activation map or a point on the image.';
      return;
    }
    const r = f.region;
    const clipped = clipRegion(r, f.height, f.width);
    const rf = f.layer.receptiveField;
    const inside = clipped ? (clipped.bottom - clipped.top + 1) * (clipped.right - clipped.left + 1) : 0;
    const padding = rf.size * rf.size - inside;
    const shape = f.layer.outputShape;
    const channel = shape.length === 3 ? ` (channel ${this.state.channel + 1} of ${shape[0]})` : '';
    this.caption.textContent = `Unit (${this.state.unit.row}, ${this.state.unit.col}) of ${f.layer.name}${channel} sees input rows ` +
      `${r.top}…${r.bottom}, columns ${r.left}…${r.right}: ${rf.size}×${rf.size} pixels` +
      (padding > 0 ? `, of which ${padding} lie in the zero padding.` : '.');
  }

  /** Click on the input: select the unit of the current layer whose region is centred nearest. */
  pickUnitAt(event) {
    const f = this.frame();
    if (!f.layer) return;
    const box = this.imageCanvas.getBoundingClientRect();
    const cells = Math.max(f.height, f.width) + 2 * f.border;
    const x = ((event.clientX - box.left) / box.width) * cells - f.border;
    const y = ((event.clientY - box.top) / box.height) * cells - f.border;
    const { size, jump, start } = f.layer.receptiveField;
    const shape = f.layer.outputShape;
    const [rows, cols] = shape.length === 3 ? [shape[1], shape[2]] : [1, 1];
    const nearest = (p, count) => Math.min(count - 1, Math.max(0, Math.round((p - 0.5 - start - (size - 1) / 2) / jump)));
    const unit = { row: nearest(y, rows), col: nearest(x, cols) };
    this.render({ unit });
    this.container.dispatchEvent(new CustomEvent('unitselect', {
      bubbles: true, detail: { layer: f.layer.name, name: f.layer.name, channel: this.state.channel, ...unit },
    }));
  }
}

function centreUnit(layer) {
  const s = layer.outputShape;
  return s.length === 3 ? { row: Math.floor(s[1] / 2), col: Math.floor(s[2] / 2) } : { row: 0, col: 0 };
}

/** Hatched border standing for zero padding around the image. */
function paintBorder(context, f, size) {
  if (f.border === 0) return;
  hatchPadding(context, size);
  context.strokeStyle = '#999';
  context.strokeRect(f.border * f.pixel - 0.5, f.border * f.pixel - 0.5, f.width * f.pixel + 1, f.height * f.pixel + 1);
}

function drawRegion(context, f) {
  if (!f.region) return;
  const accent = cssVar('--accent', '#d81b60');
  const toPixels = (r) => ({
    x: (r.left + f.border) * f.pixel, y: (r.top + f.border) * f.pixel,
    w: (r.right - r.left + 1) * f.pixel, h: (r.bottom - r.top + 1) * f.pixel,
  });
  const full = toPixels(f.region);
  const clipped = clipRegion(f.region, f.height, f.width);
  context.lineWidth = 2;
  if (clipped) {
    const c = toPixels(clipped);
    context.fillStyle = 'rgba(216, 27, 96, 0.18)';
    context.fillRect(c.x, c.y, c.w, c.h);
    context.strokeStyle = accent;
    context.strokeRect(c.x + 1, c.y + 1, c.w - 2, c.h - 2);
  }
  if (!clipped || full.w !== toPixels(clipped).w || full.h !== toPixels(clipped).h) {
    context.setLineDash([5, 4]);
    context.strokeStyle = accent;
    context.strokeRect(full.x + 1, full.y + 1, full.w - 2, full.h - 2);
    context.setLineDash([]);
  }
}
