// Filter tiles of one convolution layer. Each filter is normalised by its own largest |weight| and
// drawn with a diverging map (blue negative, white zero, red positive), so the sign pattern shows
// even when filters differ in scale. The canvas holds one pixel per weight; CSS scales it up with
// nearest-neighbour so a 5x5 filter is 25 crisp squares.
//
// Filters with several input channels (C > 1): mode 'mean' (default) shows one tile per filter,
// the mean over channels; mode 'channels' shows one row per filter with a tile per channel (at
// most MAX_CHANNELS). Normalisation is per filter in both modes, so channels compare fairly.
// A layer whose three input channels are a colour photo's red, green and blue (`colour`: the first
// layer on colour data) is drawn in colour in mode 'mean': one RGB tile per filter (colour.js
// filterColours), so edges and colour blobs show as the lectures describe them. Deeper layers'
// channels are not colours, and are never drawn as such.
import { el } from './dom.js';
import { diverging, paintPixels, paintColours, filterColours } from './colour.js';

const MAX_CHANNELS = 16;

export class FiltersView {
  constructor(container, { mode = 'mean', tileSize = 64 } = {}) {
    this.container = container;
    this.mode = mode;
    this.tileSize = tileSize;
  }

  /** A sentence in place of the tiles (no layer with image-shaped weights). */
  showNote(text) {
    this.last = null;
    this.container.replaceChildren(el('p', { class: 'view-note' }, String(text)));
  }

  setMode(mode) {
    this.mode = mode === 'channels' ? 'channels' : 'mean';
    if (this.last) this.render(this.last);
  }

  /**
   * data: {layer, shape:[K, C, KH, KW], data: Float32Array(K*C*KH*KW), total?: filters in the layer
   * (K may be the first few), colour?: the C = 3 channels are the input's red, green and blue}. For
   * a deeper conv layer the C input channels are the previous layer's output channels, not colours.
   */
  render(filters) {
    this.last = filters;
    const [count, channels, height, width] = filters.shape;
    const area = height * width;
    const perChannel = this.mode === 'channels' && channels > 1;
    const colour = !perChannel && filters.colour === true && channels === 3;
    const shownChannels = Math.min(channels, MAX_CHANNELS);
    const grid = el('div', { class: perChannel ? 'tile-rows' : 'tile-grid', role: 'list' });
    grid.style.setProperty('--tile', `${this.tileSize}px`);

    for (let k = 0; k < count; k++) {
      const start = k * channels * area;
      const weights = filters.data.subarray(start, start + channels * area);
      const scale = maxAbs(weights) || 1;
      const describe = `filter ${k + 1}: weights from ${min(weights).toFixed(3)} to ${max(weights).toFixed(3)}`;
      if (perChannel) {
        const row = el('div', { class: 'tile-row', role: 'listitem', 'aria-label': describe },
          el('span', { class: 'tile-label' }, String(k + 1)));
        for (let c = 0; c < shownChannels; c++) {
          row.append(this.tile(weights, c * area, width, height, scale, `${describe}; input channel ${c + 1}`));
        }
        grid.append(row);
      } else if (colour) {
        const canvas = el('canvas', { class: 'pixelated', role: 'img', 'aria-label': `${describe}; in colour (red, green, blue weights)`,
          title: describe });
        paintColours(canvas, width, height, filterColours(weights, height, width, scale));
        canvas.style.width = `${this.tileSize}px`;
        canvas.style.height = `${Math.round((this.tileSize * height) / width)}px`;
        grid.append(el('figure', { class: 'tile', role: 'listitem' }, canvas, el('figcaption', {}, String(k + 1))));
      } else {
        const mean = new Float32Array(area);
        for (let c = 0; c < channels; c++) for (let i = 0; i < area; i++) mean[i] += weights[c * area + i] / channels;
        const meanScale = channels > 1 ? maxAbs(mean) || 1 : scale;
        const item = el('figure', { class: 'tile', role: 'listitem' },
          this.tile(mean, 0, width, height, meanScale, describe), el('figcaption', {}, String(k + 1)));
        grid.append(item);
      }
    }

    const note = colour
      ? 'Each tile is one filter in colour: its weights on the red, green and blue inputs as red, green and blue, ' +
        'mid-grey = 0, scaled by the filter\u2019s largest |weight| (a red blob wants red there; cyan, less red). ' +
        'Pick "one tile per channel" to see the three apart.'
      : channels > 1
      ? (perChannel
        ? `One row per filter, one tile per input channel${channels > MAX_CHANNELS ? ` (first ${MAX_CHANNELS} of ${channels})` : ''}.`
        : `Each tile is the mean over the ${channels} input channels (pick "one tile per channel" to see them apart).`)
      : 'Each tile is one filter.';
    const total = filters.total ?? count;
    const shown = total > count ? `first ${count} of ${total} filters` : `${count} filters`;
    this.container.replaceChildren(
      el('p', { class: 'view-caption' },
        el('strong', {}, String(filters.layer)), ` · ${shown} of ${channels}×${height}×${width}. ${note} `,
        colour ? null : colourKey()),
      grid);
  }

  tile(values, offset, width, height, scale, label) {
    const canvas = el('canvas', { class: 'pixelated', role: 'img', 'aria-label': label, title: label });
    paintPixels(canvas, values, width, height, (v) => diverging(v / scale), offset);
    canvas.style.width = `${this.tileSize}px`;
    canvas.style.height = `${Math.round((this.tileSize * height) / width)}px`;
    return canvas;
  }
}

function colourKey() {
  return el('span', { class: 'colour-key diverging' },
    el('span', {}, 'negative'), el('span', { class: 'bar', 'aria-hidden': 'true' }), el('span', {}, 'positive'));
}

function maxAbs(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}
function min(values) {
  let m = Infinity;
  for (const v of values) m = Math.min(m, v);
  return m;
}
function max(values) {
  let m = -Infinity;
  for (const v of values) m = Math.max(m, v);
  return m;
}
