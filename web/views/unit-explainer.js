// The unit inspector: how one unit of a network got its value for one input, step by step, with
// the engine's numbers (model.explainUnit, docs/explain-unit.md). Where the unit reads is drawn on
// the input (its receptive field) and on the map its layer reads (the window's taps; padding
// hatched, the next unit's window dashed, so stride and dilation show as gaps). Then per kind:
//   conv2d   per input channel the patch, the kernel, their products and sum; the sum over
//            channels, + bias = the pre-activation; then the activation after it (`next`)
//   pools    the window's values: which one won (max), or the average, or the L2 norm
//   linear   the largest weight x input terms, the rest summed, + bias; a contribution map
//   norms, lcn, activations, dropout, flatten: their formula with the numbers
//   residual the two terms, layers(x) and shortcut(x) at the unit (x itself for the identity), and their sum
//   concat   the branch and the channel of it the unit comes from, and that branch's value
// and last the value the steps arrive at beside the engine's activation map at the unit.
//
//   const view = new UnitExplainerView(container);
//   view.render({explanation, input: {shape, data}, source: {layer, name, shape, data}, classNames});
//   view.showNote('text');   // instead of an explanation
// It emits no events: the unit is chosen elsewhere (activation maps, network view).
import { el } from './dom.js';
import { diverging, rgb, paintPixels } from './colour.js';
import { mapCanvas, colourScale, windowTaps, windowRect } from './map-window.js';

const DETAILED_CHANNELS = 4;  // conv input channels shown in full at first (the largest |sum|); a button shows all
const MAX_CONTRIBUTION_MAPS = 32;

/** A number for a projector: 4 significant digits, exponent when tiny or huge. */
export function formatValue(value, digits = 4) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) return value.toExponential(digits - 2);
  return String(Number(value.toPrecision(digits)));
}
const precise = (value) => formatValue(value, 7);

/** Each activation written out for its input x (a number). */
const v = (x) => formatValue(x);
const FUNCTIONS = {
  relu: (x) => `max(0, ${v(x)})`,
  leaky_relu: (x, slope) => (x > 0 ? `${v(x)} (positive: unchanged)` : `${formatValue(slope)} × ${v(x)} (not positive: times the slope)`),
  sigmoid: (x) => `1 / (1 + e^(${v(-x)}))`,
  tanh: (x) => `tanh(${v(x)})`,
  softplus: (x) => `log(1 + e^(${v(x)}))`,
  sign: (x) => `sign(${v(x)})`,
  step: (x) => `step(${v(x)}) (1 if > 0, else 0)`,
};

export class UnitExplainerView {
  constructor(container, { mapSize = 120 } = {}) {
    this.container = container;
    this.mapSize = mapSize;
    this.showAllChannels = false;
    this.shownUnit = '';
  }

  showNote(text) {
    this.container.replaceChildren(el('p', { class: 'view-note' }, text));
  }

  /** {explanation, input: {shape, data}, source: {layer, name, shape, data}, classNames: for the output layer's units}. */
  render({ explanation: e, input, source, classNames = [], outputLayer = false }) {
    const key = `${e.layer}:${e.unit.channel}:${e.unit.row}:${e.unit.col}`;
    if (key !== this.shownUnit) this.showAllChannels = false;  // another unit: start with the few largest channels
    this.shownUnit = key;
    this.context = { e, input, source, classNames, outputLayer };
    this.sourceColours = null;  // one colour scale for every channel of the map the unit reads
    const steps = el('ol', { class: 'unit-steps' });
    const add = (...nodes) => steps.append(el('li', {}, ...nodes));
    const build = STEPS[e.kind];
    if (!build) throw new Error(`the unit inspector cannot show a "${e.kind}" layer yet`);
    build.call(this, e, add);
    if (e.next) add(this.activationStep(e.next.type, e.next.slope, e.next.input, e.next.result, e.next.name));
    this.container.replaceChildren(this.title(e), this.where(e), steps, this.check(e));
  }

  // ---- the frame: what the unit is, where it reads, and the check against the map

  unitText(e) {
    const shape = e.outputShape;
    if (shape.length === 3) {
      return `channel ${e.unit.channel + 1} of ${shape[0]}, row ${e.unit.row}, column ${e.unit.col}`;
    }
    const className = this.context.outputLayer ? this.context.classNames[e.unit.channel] : undefined;
    return `unit ${e.unit.channel + 1} of ${shape[0]}${className === undefined ? '' : ` (class ${className})`}`;
  }

  title(e) {
    const final = e.next ? e.next.result : e.result;
    return el('p', { class: 'unit-title' },
      el('strong', {}, e.name), ` (${e.type === e.kind ? e.kind : `${e.kind}: ${e.type}`}${e.next ? ` + ${e.next.type}` : ''}), `,
      this.unitText(e), ': ', el('strong', { 'data-role': 'unit-value' }, formatValue(final)));
  }

  /**
   * What the unit reads, and the input with its receptive field outlined (image inputs; not when
   * the unit's window is on the input itself: its maps below show that), or the input's numbers.
   */
  where(e) {
    const { input, source } = this.context;
    const reads = el('p', { class: 'view-note unit-reads' }, `It reads ${e.inputLayer < 0 ? 'the input' : `the output of ${source.name}`} ` +
      `(${e.inputShape.join('×')})${source.layer !== e.inputLayer ? `, drawn below as ${source.name}'s ${source.shape.join('×')} map` : ''}.`);
    const figures = el('div', { class: 'unit-where' });
    const shape = input.shape;
    if (shape.length === 3 && e.receptiveField && !(e.inputLayer < 0 && e.window)) {
      const [channels, height, width] = shape;
      const { full, clipped } = e.receptiveField;
      const rect = (r) => ({ top: r.top, left: r.left, bottom: r.top + r.height - 1, right: r.left + r.width - 1 });
      const outside = full.height * full.width - clipped.height * clipped.width;
      const where = `rows ${full.top}…${full.top + full.height - 1}, columns ${full.left}…${full.left + full.width - 1}`;
      figures.append(el('figure', {},
        mapCanvas({ data: input.data, height, width, channels: channels === 3 ? 3 : 1, size: this.mapSize,
          colourOf: colourScale(input.data, { count: height * width, image: true }), outline: rect(full),
          label: `The input with the unit's receptive field outlined: ${where}` }),
        el('figcaption', {}, `The input: the unit sees ${full.height}×${full.width} pixels, ${where}` +
          `${outside > 0 ? `, ${outside} of them in the zero padding` : ''}.`)));
    } else if (shape.length === 1 && shape[0] <= 8) {
      figures.append(el('p', { class: 'unit-input' }, `Input: (${Array.from(input.data, (v) => formatValue(v)).join(', ')})`));
    }
    return el('div', {}, reads, figures);
  }

  /**
   * The value the steps arrive at beside the engine's activation map at the unit, before and after
   * `next`. data-role="unit-result" marks the final value; data-pre-activation a conv or linear unit's sum.
   */
  check(e) {
    const linearKind = e.kind === 'conv2d' || e.kind === 'linear';
    const line = (text, value, layer, map, { final, pre }) => {
      const difference = Math.abs(value - map);
      return el('p', {}, text, el('strong', { 'data-role': final ? 'unit-result' : null, 'data-pre-activation': pre }, precise(value)),
        `: the activation map of ${layer} holds `, el('strong', { 'data-role': final ? 'map-value' : null }, precise(map)), ' at this unit',
        difference === 0 ? ' (the same).' : ` (they differ by ${difference.toExponential(1)}: float rounding, the engine adds the terms in another order).`);
    };
    const box = el('div', { class: 'unit-check', 'data-role': 'unit-check' },
      line(linearKind ? 'Pre-activation ' : '= ', e.result, e.name, e.value, { final: !e.next, pre: linearKind }));
    if (e.next) box.append(line(`After ${e.next.type}: `, e.next.result, e.next.name, e.next.value, { final: true, pre: false }));
    return box;
  }

  // ---- step pieces

  activationStep(type, slope, x, result, name) {
    const formula = FUNCTIONS[type] ?? ((value) => `${type}(${v(value)})`);
    return el('p', { class: 'unit-eq' }, `${name} applies ${type}: ${formula(x, slope)} = `,
      el('strong', { 'data-role': 'activation-result' }, formatValue(result)));
  }

  /** The map a window layer reads (one channel of the source) with the window's taps and the next unit's window. */
  windowMap(e, channel, { winner = null } = {}) {
    const { source } = this.context;
    const [channels, height, width] = source.shape;
    const plane = height * width;
    const w = e.window;
    const outWidth = e.outputShape[2];
    const colShift = e.unit.col + 1 < outWidth ? w.stride : e.unit.col > 0 ? -w.stride : 0;
    const isInput = source.layer < 0;
    // At least 6 px a cell, so a small window on a large map stays visible.
    return mapCanvas({ data: source.data, offset: channel * plane, height, width, size: Math.min(200, Math.max(this.mapSize, 6 * Math.max(height, width))),
      colourOf: this.sourceColours ?? (this.sourceColours = colourScale(source.data, { image: isInput })),
      taps: windowTaps(w), ghost: colShift ? windowRect(w, { colShift }) : null, winner,
      label: `${source.name} channel ${channel + 1} of ${channels}, with the ${w.rows}×${w.cols} window the unit reads marked` });
  }

  windowText(e) {
    const w = e.window;
    const parts = [`a ${w.rows}×${w.cols} window at rows ${w.top}…${w.top + (w.rows - 1) * w.step}, columns ${w.left}…${w.left + (w.cols - 1) * w.step}`];
    if (w.step > 1) parts.push(`dilation ${w.step}: its taps are ${w.step} pixels apart (the gaps)`);
    parts.push(`stride ${w.stride}: the next unit's window (dashed) starts ${w.stride} pixel${w.stride === 1 ? '' : 's'} further`);
    const padded = w.padding.reduce((a, b) => a + b, 0);
    if (padded > 0) parts.push(`${padded} tap${padded === 1 ? '' : 's'} fall in the zero padding (pad ${w.pad}, hatched, read as 0)`);
    else if (w.pad > 0) parts.push(`pad ${w.pad}, but this window lies inside the map`);
    return `It reads ${parts.join('; ')}.`;
  }

  /**
   * A rows x cols grid of numbers (3 decimals, so the columns stay narrow; each cell's title holds
   * its full value); padding taps say "pad"; `tint` colours cells by value.
   */
  grid(values, window, { caption, tint = false, winner = -1 } = {}) {
    let peak = 0;
    for (const v of values) peak = Math.max(peak, Math.abs(v));
    const format = peak < 100 ? (v) => (v === 0 ? '0' : v.toFixed(3)) : (v) => formatValue(v, 3);
    const table = el('table', { class: 'unit-grid' }, el('caption', {}, caption));
    for (let i = 0; i < window.rows; i++) {
      const tr = el('tr');
      for (let j = 0; j < window.cols; j++) {
        const tap = i * window.cols + j;
        const padding = window.padding[tap] === 1;
        const td = el('td', { class: padding ? 'pad' : tap === winner ? 'winner' : null, title: padding ? 'zero padding' : String(values[tap]) },
          padding ? 'pad' : format(values[tap]));
        if (tint && !padding && peak > 0) td.style.background = rgb(diverging((0.6 * values[tap]) / peak));
        tr.append(td);
      }
      table.append(tr);
    }
    return table;
  }

  // ---- linear

  /** A linear unit's terms drawn where their inputs are: one contribution map per input channel (red adds, blue takes away). */
  contributions(e) {
    const { source } = this.context;
    const products = e.products;
    let peak = 0;
    for (const v of products) peak = Math.max(peak, Math.abs(v));
    const colourOf = (v) => diverging(v / (peak || 1));
    const figure = el('div', { class: 'unit-contributions' });
    if (source.shape.length === 3) {
      const [channels, height, width] = source.shape;
      const plane = height * width;
      if (channels === 1) {  // one map (an image): the input itself beside its terms
        figure.append(el('figure', {}, mapCanvas({ data: source.data, height, width, size: this.mapSize,
          colourOf: colourScale(source.data, { image: source.layer < 0 }), label: `${source.name}, the values the unit reads` }),
        el('figcaption', {}, `${source.name}: the values it reads`)));
      }
      for (let c = 0; c < Math.min(channels, MAX_CONTRIBUTION_MAPS); c++) {
        let sum = 0;
        for (let i = 0; i < plane; i++) sum += products[c * plane + i];
        figure.append(el('figure', {}, mapCanvas({ data: products, offset: c * plane, height, width, colourOf,
          size: channels === 1 ? this.mapSize : 56, label: `weight × input of channel ${c + 1}, summing to ${formatValue(sum)}` }),
        el('figcaption', {}, channels === 1 ? `weight × input per pixel (red adds, blue takes away); sum ${formatValue(sum)}` : `ch ${c + 1}: ${formatValue(sum)}`)));
      }
      if (channels > MAX_CONTRIBUTION_MAPS) figure.append(el('p', { class: 'view-note' }, `First ${MAX_CONTRIBUTION_MAPS} of ${channels} channels.`));
    } else {
      const strip = el('canvas', { class: 'pixelated bar-strip', role: 'img', 'aria-label': `weight × input of each of the ${products.length} inputs` });
      paintPixels(strip, products, products.length, 1, colourOf);
      figure.append(el('figure', {}, strip, el('figcaption', {}, 'weight × input of each input, in order (red adds, blue takes away)')));
    }
    return figure;
  }

  // ---- conv2d

  convChannel(e, term) {
    const w = e.window;
    return el('div', { class: 'unit-channel', 'data-channel': String(term.channel) },
      el('p', { class: 'unit-channel-head' }, `Input channel ${term.channel + 1}: sum of the products = `,
        el('strong', { 'data-role': 'channel-term' }, formatValue(term.sum))),
      el('div', { class: 'unit-channel-body' },
        this.windowMap(e, term.channel),
        this.grid(term.patch, w, { caption: 'input patch' }),
        el('span', { class: 'unit-op', 'aria-hidden': 'true' }, '×'),
        this.grid(term.weights, { ...w, padding: new Uint8Array(w.rows * w.cols) }, { caption: 'kernel weights', tint: true }),
        el('span', { class: 'unit-op', 'aria-hidden': 'true' }, '='),
        this.grid(term.products, w, { caption: 'products', tint: true })));
  }
}

/** Per kind: the steps (each add(...) is one numbered step). `this` is the view. */
const STEPS = {
  conv2d(e, add) {
    const channels = e.channels;
    const order = [...channels].sort((a, b) => Math.abs(b.sum) - Math.abs(a.sum));
    const shown = this.showAllChannels ? channels : order.slice(0, DETAILED_CHANNELS).sort((a, b) => a.channel - b.channel);
    const blocks = el('div', { class: 'unit-channels' }, ...shown.map((term) => this.convChannel(e, term)));
    const parts = [el('p', {}, this.windowText(e), ` Per input channel: the patch under the window times the kernel, summed.`), blocks];
    if (channels.length > DETAILED_CHANNELS) {
      const toggle = el('button', { type: 'button', class: 'button secondary', 'aria-expanded': String(this.showAllChannels) },
        this.showAllChannels ? `Show the ${DETAILED_CHANNELS} largest channels only` : `Show all ${channels.length} input channels`);
      toggle.addEventListener('click', () => {
        this.showAllChannels = !this.showAllChannels;
        this.render(this.context);
      });
      parts.push(el('p', { class: 'view-note' }, this.showAllChannels ? '' : `The ${DETAILED_CHANNELS} channels with the largest |sum| in full; every channel's sum below. `, toggle));
    }
    add(...parts);
    const sums = el('p', { class: 'unit-eq unit-sum-list' }, 'Sum over the input channels: ',
      ...channels.flatMap((term, i) => [i ? ' + ' : '', el('span', { 'data-role': 'channel-sum-term', title: `channel ${term.channel + 1}` },
        term.sum < 0 ? `(${formatValue(term.sum)})` : formatValue(term.sum))]),
      ' = ', el('strong', { 'data-role': 'channel-sum' }, formatValue(e.channelSum)));
    add(sums);
    add(el('p', { class: 'unit-eq' }, `${formatValue(e.channelSum)} + bias ${e.hasBias ? formatValue(e.bias) : '(none) 0'} = pre-activation `,
      el('strong', { 'data-role': 'pre-activation' }, formatValue(e.preActivation))));
  },

  maxpool(e, add) {
    const { winner } = e;
    add(el('p', {}, this.windowText(e)),
      el('div', { class: 'unit-channel-body' },
        this.windowMap(e, e.unit.channel, { winner: { row: winner.row, col: winner.col } }),
        this.grid(e.values, e.window, { caption: `channel ${e.unit.channel + 1}, window values`, winner: winner.tap })));
    add(el('p', { class: 'unit-eq' }, `The largest value wins (outlined; padding never wins): row ${winner.row}, column ${winner.col} holds `,
      el('strong', { 'data-role': 'pool-result' }, formatValue(winner.value)), '.'));
  },

  avgpool(e, add) {
    add(el('p', {}, this.windowText(e)),
      el('div', { class: 'unit-channel-body' }, this.windowMap(e, e.unit.channel),
        this.grid(e.values, e.window, { caption: `channel ${e.unit.channel + 1}, window values` })));
    add(el('p', { class: 'unit-eq' }, `Average: sum ${formatValue(e.sum)} / ${e.divisor} = `,
      el('strong', { 'data-role': 'pool-result' }, formatValue(e.result)),
      e.window.padding.some((p) => p) ? ' (padding counts as zeros: the divisor is always the window\'s size).' : '.'));
  },

  l2pool(e, add) {
    add(el('p', {}, this.windowText(e)),
      el('div', { class: 'unit-channel-body' }, this.windowMap(e, e.unit.channel),
        this.grid(e.values, e.window, { caption: `channel ${e.unit.channel + 1}, window values` })));
    add(el('p', { class: 'unit-eq' }, `L2 norm: √(sum of squares) = √${formatValue(e.sumOfSquares)} = `,
      el('strong', { 'data-role': 'pool-result' }, formatValue(e.result))));
  },

  linear(e, add) {
    const { source } = this.context;
    // Where term t's input sits in the map shown (the map a flatten before the layer read, if any).
    const position = (t) => {
      if (source.shape.length !== 3) return `${source.layer < 0 ? 'input' : 'unit'} ${t.input + 1}`;
      const [, height, width] = source.shape;
      const within = t.input % (height * width);
      return `channel ${Math.floor(t.input / (height * width)) + 1}, (${Math.floor(within / width)}, ${within % width})`;
    };
    const head = el('tr', {}, ...['', `${source.name}`, 'value', '× weight', '= product'].map((h) => el('th', { scope: 'col' }, h)));
    const rows = e.top.map((t, i) => el('tr', {},
      el('td', {}, String(i + 1)), el('td', {}, position(t)), el('td', { class: 'num' }, formatValue(t.inputValue)),
      el('td', { class: 'num' }, formatValue(t.weight)), el('td', { class: 'num', 'data-role': 'product' }, formatValue(t.product))));
    const table = el('table', { class: 'data-table unit-terms' },
      el('caption', {}, e.top.length < e.inputs ? `The ${e.top.length} largest of the ${e.inputs} terms weight × input (by size)`
        : `The ${e.inputs} terms weight × input, largest first`), el('thead', {}, head), el('tbody', {}, ...rows));
    add(el('p', {}, `Every input value times its weight: ${e.inputs} terms.`), this.contributions(e), table);
    const topSum = e.top.reduce((s, t) => s + t.product, 0);
    add(e.rest.count > 0
      ? el('p', { class: 'unit-eq' }, `The ${e.top.length} largest add up to ${formatValue(topSum)}; the other ${e.rest.count} add up to `,
        el('span', { 'data-role': 'rest-sum' }, formatValue(e.rest.sum)), '; all together ', el('strong', { 'data-role': 'product-sum' }, formatValue(e.productSum)))
      : el('p', { class: 'unit-eq' }, `All ${e.top.length} terms add up to `, el('strong', { 'data-role': 'product-sum' }, formatValue(e.productSum))));
    add(el('p', { class: 'unit-eq' }, `${formatValue(e.productSum)} + bias ${e.hasBias ? formatValue(e.bias) : '(none) 0'} = pre-activation `,
      el('strong', { 'data-role': 'pre-activation' }, formatValue(e.preActivation))));
  },

  batchnorm(e, add) { normSteps.call(this, e, add, 'the running mean and variance (learned while training)'); },
  layernorm(e, add) { normSteps.call(this, e, add, `the mean and variance of this sample's ${e.count} values`); },
  instancenorm(e, add) { normSteps.call(this, e, add, `the mean and variance of channel ${e.unit.channel + 1}'s ${e.count} values`); },

  lcn(e, add) {
    add(el('p', { class: 'unit-eq' }, `Input ${formatValue(e.input)}; the local mean over a ${e.window.rows}×${e.window.cols} box across all ` +
      `${e.inputChannels} channels (zero padded) is ${formatValue(e.localMean)}, so centred: ${formatValue(e.centered)}.`),
    el('div', { class: 'unit-channel-body' }, this.windowMap(e, e.unit.channel)));
    const from = { local: 'the local standard deviation', mean: 'the mean local standard deviation over the image', eps: 'eps' }[e.divisorFrom];
    add(el('p', { class: 'unit-eq' }, `Divisor = max(local std ${formatValue(e.localStd)}, mean std ${formatValue(e.meanStd)}, eps ${formatValue(e.eps)}) = ` +
      `${formatValue(e.divisor)} (${from}).`));
    add(el('p', { class: 'unit-eq' }, `${formatValue(e.centered)} / ${formatValue(e.divisor)} = `, el('strong', {}, formatValue(e.result))));
  },

  activation(e, add) {
    add(this.activationStep(e.type, e.slope, e.input, e.result, e.name));
  },

  dropout(e, add) {
    add(el('p', { class: 'unit-eq' }, `Dropout (rate ${formatValue(e.rate)}) is off when the model is used, not trained: it passes `,
      el('strong', {}, formatValue(e.result)), ' on unchanged.'));
  },

  residual(e, add) {
    const { source } = this.context;
    const inner = (n) => `${n} layer${n === 1 ? '' : 's'}`;
    add(el('p', { class: 'unit-eq' }, `The block's layers (${inner(e.layersCount)}) give `,
      el('strong', { 'data-role': 'layers-term' }, formatValue(e.layersTerm)), ' at this unit: layers(x).'));
    add(el('p', { class: 'unit-eq' }, e.identity
      ? `The shortcut is the identity: x itself, the output of ${e.inputLayer < 0 ? 'the input' : source.name} at this unit, `
      : `The shortcut (a projection, ${inner(e.shortcutCount)}) gives `,
    el('strong', { 'data-role': 'shortcut-term' }, formatValue(e.shortcutTerm)), e.identity ? '.' : ' at this unit: shortcut(x).'));
    add(el('p', { class: 'unit-eq' }, 'Added: ', formatValue(e.layersTerm), ' + ', formatValue(e.shortcutTerm), ' = ',
      el('strong', { 'data-role': 'residual-sum' }, formatValue(e.result)),
      '. The sum lets the gradient reach x along the shortcut unchanged, however deep the layers.'));
  },

  concat(e, add) {
    const ranges = [];
    let first = 0;
    for (const count of e.branchChannels) {
      ranges.push(`${first + 1}…${first + count}`);
      first += count;
    }
    add(el('p', { class: 'unit-eq' }, `The block joins ${e.branchChannels.length} branches along the channels: `,
      ranges.map((range, b) => `branch ${b + 1} gives channels ${range}`).join(', '), '.'));
    add(el('p', { class: 'unit-eq' }, `Channel ${e.unit.channel + 1} is channel `,
      el('strong', { 'data-role': 'concat-channel' }, String(e.channel + 1)), ' of ',
      el('strong', { 'data-role': 'concat-branch' }, `branch ${e.branch + 1}`),
      e.identity ? ' (an empty branch: the block\'s input itself)' : ` (${e.layersCount} layer${e.layersCount === 1 ? '' : 's'})`,
      ', which gives ', el('strong', {}, formatValue(e.input)), ' here.'));
  },

  flatten(e, add) {
    const s = e.source;
    add(el('p', { class: 'unit-eq' }, `Flatten copies channel ${s.channel + 1}, row ${s.row}, column ${s.col} of its input: `,
      el('strong', {}, formatValue(e.result)), '.'));
  },
};

function normSteps(e, add, statistics) {
  add(el('p', { class: 'unit-eq' }, `Input ${formatValue(e.input)}; ${statistics}: mean ${formatValue(e.mean)}, variance ${formatValue(e.variance)}.`));
  add(el('p', { class: 'unit-eq' }, `Normalised: (${formatValue(e.input)} − ${formatValue(e.mean)}) / √(${formatValue(e.variance)} + ${formatValue(e.eps)}) = ` +
    `${formatValue(e.input - e.mean)} / ${formatValue(e.std)} = ${formatValue(e.normalized)}.`));
  add(el('p', { class: 'unit-eq' }, e.affine ? `Scaled and shifted: ${formatValue(e.normalized)} × γ ${formatValue(e.gamma)} + β ${formatValue(e.beta)} = `
    : 'No learned scale and shift (γ 1, β 0): ', el('strong', {}, formatValue(e.result))));
}
