// Seeing inside the model for one input: the drawn digit, or any training or validation example
// the user clicks (the gallery, the examples of a confusion cell). The input in store.inspect
// drives the probabilities, the activation maps, the saliency map and the receptive field of the
// chosen unit (layer, channel, row, column); they are asked for again when the weights change
// (an epoch ends, a run stops, a new model). Also the class images and the filters' layer menu.
// Photos (data.info.display 'photo', in colour or grey) are inspected in colour, and picked as a
// file or taken with the camera (photo-input.js) instead of drawn.
import { el } from '../views/dom.js';

const byId = (id) => document.getElementById(id);

export class InspectPanel {
  /** views: the page's view objects; engine(): the connection or null; notify(text, kind, key). */
  constructor(store, { views, engine, notify }) {
    Object.assign(this, { store, views, engine, notify });
    this.sequence = 0;
    const root = document;
    root.addEventListener('digit', (event) => {
      const { pixels, empty } = event.detail;
      this.select(empty ? null : { source: 'drawn', pixels, shape: [1, 28, 28] });
    });
    root.addEventListener('exampleselect', (event) => this.pickExample(event.detail));
    root.addEventListener('photopick', (event) => this.select(event.detail));
    root.addEventListener('cellselect', (event) => this.cell(event.detail));
    root.addEventListener('unitselect', (event) => {
      const { layer, name, channel = 0, row, col } = event.detail;
      this.store.update('inspect', { unit: { layer: typeof layer === 'string' ? layer : name, channel, row, col } });
    });
    root.addEventListener('layerselect', (event) => {
      const layer = this.store.get().model.summary?.find((l) => l.name === event.detail.layer);
      if (layer) this.store.update('inspect', { unit: { layer: layer.name, channel: 0, ...centre(layer) } });
    });
    root.addEventListener('saliencyclass', (event) => this.store.update('inspect', { saliencyClass: event.detail.classIndex }));
    root.addEventListener('classimages', () => this.classImages());
    byId('filters-layer').addEventListener('change', (event) => {
      const value = event.target.value;
      this.engine()?.api.setFilterLayer(value === '' ? null : Number(value));
    });
    byId('filters-mode').addEventListener('change', (event) => views.filters.setMode(event.target.value));
    store.subscribe(['inspect'], () => this.refresh());
    store.subscribe(['inspect'], ({ inspect }) => views.activations.setSelected(inspect.unit));
    store.subscribe(['data'], (state) => this.onData(state));
    store.subscribe(['model'], (state) => this.onModel(state));
  }

  /** The input to inspect: {source: 'drawn' | 'example', pixels, shape, set?, index?, label?}, or null for the first example. */
  select(input) {
    this.store.update('inspect', { input });
  }

  async pickExample({ set, index }) {
    const connection = this.engine();
    if (!connection) return;
    try {
      const sample = await connection.api.sample(set, index);
      const pixels = sample.pixels;
      const [height, width] = sample.shape.slice(-2);
      const input = { source: 'example', set, index, label: sample.label, pixels, shape: sample.shape };
      if (this.display() === 'photo') this.views.imagePicker.show({ data: pixels, shape: sample.shape }, sourceText(input, this.names()));
      else this.views.drawPad.show(pixels, width, height);
      this.select(input);
    } catch (error) {
      this.notify(`Inspecting that example: ${error.message}`, 'error', 'inspect');
    }
  }

  async cell({ trueClass, predictedClass }) {
    const connection = this.engine();
    if (!connection) return;
    const result = await connection.api.examples(trueClass, predictedClass);
    if (result.kind === 'points') this.views.boundary.highlight({ x: result.x, title: result.title });
    else this.views.confusionExamples.render({ ...result, channels: this.store.get().data.info?.sampleShape[0] ?? 1 });
  }

  /** How the data's images look: 'ink' (digits) or 'photo' (colour.js sampleColours). */
  display() { return this.store.get().data.info?.display ?? 'ink'; }
  names() { return this.store.get().data.info?.classNames ?? []; }

  onData(state) {
    const info = state.data.info;
    const names = info?.classNames ?? [];
    for (const view of [this.views.saliency, this.views.classImages]) view.setClassNames(names);
    this.views.probabilities.setClassNames(names);
    this.views.activations.setClassNames(names);
    this.views.gallery.setClassNames(names);
    this.views.confusionExamples.setClassNames(names);
    for (const view of [this.views.gallery, this.views.confusionExamples, this.views.classImages]) view.setDisplay(this.display());
    byId('draw-heading').textContent = info?.source === 'digits' || !info ? 'Try it: draw a digit'
      : info.display === 'photo' ? 'Try it: pick an image or take a photo'
      : /fashion/i.test(info.source) ? 'Try it: draw a piece of clothing' : 'Try it: draw an input';
    if (state.data.samples && state.data.version !== this.shownSamples) {
      this.shownSamples = state.data.version;
      this.views.gallery.render(state.data.samples);
      const kept = this.store.get().inspect.input;
      // A drawn digit stays for other digits; a picked photo stays for photos of the same shape.
      const fits = kept && kept.shape.join() === (info?.sampleShape ?? []).join();
      if (!(fits && (kept.source === 'drawn' || kept.source === 'picked'))) this.select(null);
    }
  }

  onModel(state) {
    const summary = state.model.summary;
    if (!summary || summary === this.shownSummary) return;
    this.shownSummary = summary;
    const spatial = summary.filter((l) => l.outputShape.length === 3);
    const unit = state.inspect.unit;
    if (!unit || !spatial.some((l) => l.name === unit.layer)) {
      const layer = spatial.at(-1);
      this.store.update('inspect', { unit: layer ? { layer: layer.name, channel: 0, ...centre(layer) } : null });
    }
    this.views.classImages.reset();
  }

  /** The input shown: the chosen one, else the first training example. */
  input() {
    const { inspect, data } = this.store.get();
    if (inspect.input) return inspect.input;
    const samples = data.samples;
    if (!samples || data.info?.kind !== 'image') return null;
    const [height, width] = samples.shape;
    const channels = samples.channels ?? 1;
    return { source: 'first', index: samples.indices?.[0] ?? 0, pixels: samples.images.subarray(0, channels * height * width),
      shape: [channels, height, width], label: samples.labels[0] };
  }

  /** Asks the engine again for everything the views show of the input (weights or input changed). */
  async refresh() {
    const state = this.store.get();
    const connection = this.engine();
    const input = this.input();
    this.describeSource(input);
    if (!connection || !input || state.data.info?.kind !== 'image' || !state.model.spec || state.model.error) return;
    if (state.model.spec.input.join() !== input.shape.join()) return;  // new data of another shape: its model is on the way
    const sequence = ++this.sequence;
    const pixels = Float32Array.from(input.pixels);
    const image = { data: pixels, shape: input.shape, display: this.display() };
    try {
      const explained = await connection.api.explain(pixels);
      if (sequence !== this.sequence || !explained) return;
      this.views.probabilities.render({ probabilities: explained.probabilities });
      this.views.activations.render(explained.activations);
      this.views.saliency.render({ image, source: sourceText(input, this.names()) });
      const map = await connection.api.saliency(pixels, state.inspect.saliencyClass);
      if (sequence !== this.sequence) return;
      this.views.saliency.render({ map });
      const unit = state.inspect.unit;
      const index = state.model.summary.findIndex((l) => l.name === unit?.layer);
      this.views.receptiveField.render({ image, summary: protocolSummary(state.model.summary), layer: unit?.layer ?? null,
        unit: unit ? { row: unit.row, col: unit.col } : { row: 0, col: 0 }, channel: unit?.channel ?? 0 });
      if (index >= 0) {
        const erf = await connection.api.effectiveReceptiveField(pixels, { layer: index, channel: unit.channel, row: unit.row, col: unit.col });
        if (sequence !== this.sequence) return;
        this.views.receptiveField.render({ map: erf });
      }
    } catch (error) {
      this.notify(`Inspecting the input: ${error.message}`, 'error', 'inspect');
    }
  }

  describeSource(input) {
    const names = this.store.get().data.info?.classNames ?? [];
    const how = this.display() === 'photo' ? 'Pick an image or take a photo' : 'Draw on the pad';
    byId('input-source').textContent = input ? `Showing ${sourceText(input, names)}. ${how}, or click a training example ` +
      'below or an example of a confusion cell, to inspect another.' : `${how}, or click a training example below.`;
    // The example a prediction is for is on show where a drawing would be (the pad and its 28x28
    // preview), so nobody reads it as the prediction for an empty pad.
    if (input?.source === 'first') {
      if (this.display() === 'photo') this.views.imagePicker.show({ data: input.pixels, shape: input.shape }, sourceText(input, names));
      else this.views.drawPad.show(input.pixels, input.shape.at(-1), input.shape.at(-2), { placeholder: true });
    }
  }

  /** "What does class k look like" for every class, one engine call each, so the page stays responsive. */
  async classImages() {
    const connection = this.engine();
    const state = this.store.get();
    if (!connection || !state.data.info) return;
    const classes = state.data.info.classes;
    const model = state.model.spec;
    this.views.classImages.start(classes, 100);
    for (let k = 0; k < classes; k++) {
      if (this.store.get().model.spec !== model) return;  // a new model: its images would describe another
      try {
        this.views.classImages.render(await connection.api.classImage(k));
      } catch (error) {
        this.notify(`Class images: ${error.message}`, 'error', 'class-images');
        return;
      }
    }
  }

  /** The filter view's layer menu: the layers whose weights are images, as the worker lists them. */
  showFilterChoices(choices, chosen) {
    const select = byId('filters-layer');
    const options = choices.map((c) => el('option', { value: String(c.layer) }, `${c.name}${c.kind === 'linear' ? ' (units as images)' : ''}`));
    if (options.length === 0) options.push(el('option', { value: '' }, 'none'));
    select.replaceChildren(...options);
    select.disabled = choices.length < 2;
    if (chosen !== undefined) select.value = String(chosen);
  }
}

function centre(layer) {
  const s = layer.outputShape;
  return s.length === 3 ? { row: Math.floor(s[1] / 2), col: Math.floor(s[2] / 2) } : { row: 0, col: 0 };
}

function sourceText(input, names = []) {
  const label = input.label === undefined ? '' : `, label ${names[input.label] ?? input.label}`;
  if (input.source === 'drawn') return 'the drawn input';
  if (input.source === 'picked') return input.name;
  if (input.source === 'first') return `the first training example${label}`;
  return `${input.set === 'validation' ? 'validation' : 'training'} example ${input.index + 1}${label}`;
}

/**
 * The engine's layer summary with the receptive field's `start` as the top-left input pixel unit 0
 * sees (the engine gives its centre: start = centre - (size - 1) / 2, see web/README.md); vector
 * outputs (flatten, linear) see the whole input: null there.
 */
export function protocolSummary(summary) {
  return summary.map((layer) => {
    const rf = layer.receptiveField;
    const spatial = layer.outputShape.length === 3 && rf;
    return { ...layer, receptiveField: spatial ? { size: rf.size, jump: rf.jump, start: Math.round(rf.start - (rf.size - 1) / 2) } : null };
  });
}
