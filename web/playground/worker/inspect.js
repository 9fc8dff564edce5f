// What the engine worker computes for the page's views, beyond training: the live views while a
// run goes (filters, weight and gradient histograms, the confusion matrix, the 2-D decision
// boundary), and on request what one input does inside the model (probabilities, activations,
// saliency, effective receptive field), class images and the examples of a confusion cell.
// Every answer is plain data with transferable typed arrays; the views draw it as it comes.

const LIVE_MS = 120;          // decision boundary while training
const VIEWS_MS = 400;         // histograms, filters, confusion matrix while training 2-D points
const IMAGE_VIEWS_MS = 2000;  // the same within a long image epoch (CNNs: seconds per epoch)
const MAX_FILTERS = 32;
const HISTOGRAM_BINS = 40;
const EXAMPLES_PER_CELL = 24;
const CLASS_IMAGE_STEPS = 100;

export class Inspector {
  constructor({ data, session, emit }) {
    Object.assign(this, { data, session, emit });
    this.filterLayer = null;  // the summary index the filters view shows; null: the first with filters
    this.last = { boundary: 0, views: 0 };
    this.confusion = null;    // the latest confusion matrix not yet posted
  }

  get model() { return this.session.model; }
  get points() { return this.data.kind === 'points'; }

  /**
   * After a training chunk (progress) or a model change (null): posts what is due. `force` posts
   * everything now (a run stopped, a step, an image epoch's end, a new model).
   */
  onChunk(progress, { force = false } = {}) {
    if (!this.model) return;
    const validation = progress?.epochEnd?.validation;
    if (validation && progress.epochEnd !== this.lastEpochEnd) {  // each epoch's matrix once (its buffer is transferred)
      this.lastEpochEnd = progress.epochEnd;
      this.confusion = { classes: validation.classes, matrix: validation.confusion };
    }
    if (progress === null) this.confusion = null;
    const now = performance.now();
    if (this.points && (force || now - this.last.boundary >= LIVE_MS)) this.postBoundary(progress);
    if (!force && now - this.last.views < (this.points ? VIEWS_MS : IMAGE_VIEWS_MS)) return;
    this.last.views = now;
    if (this.confusion) {
      const { classes, matrix } = this.confusion;
      this.confusion = null;
      this.emit('confusion', { classes, matrix }, [matrix.buffer]);
    }
    this.postFilters();
    this.postHistograms();
  }

  // ---- filters and histograms

  /**
   * Layers whose weights can be drawn as images: every conv layer ([K, C, KH, KW]), and a linear
   * layer that sees the input image itself (only flatten or dropout before it).
   */
  filterChoices() {
    if (this.model.inputShape.length !== 3) return [];
    const choices = [];
    let onImage = true;
    this.model.summary.forEach((layer, index) => {
      if (layer.type === 'conv2d') choices.push({ layer: index, name: layer.name, kind: 'conv', seesInput: onImage });
      else if (layer.type === 'linear' && onImage) choices.push({ layer: index, name: layer.name, kind: 'linear' });
      if (layer.type !== 'flatten' && layer.type !== 'dropout') onImage = false;
    });
    return choices;
  }

  setFilterLayer(layer) {
    this.filterLayer = Number.isInteger(layer) ? layer : null;
    if (this.model) this.postFilters();
  }

  postFilters() {
    const choices = this.filterChoices();
    const chosen = choices.find((c) => c.layer === this.filterLayer) ?? choices[0];
    if (!chosen) {
      this.emit('filters', { choices, data: null,
        note: this.points ? 'the inputs are 2-D points, not images' : 'no layer of this model has image-shaped weights' });
      return;
    }
    let shape;
    let weights;
    if (chosen.kind === 'conv') {
      ({ shape, data: weights } = this.model.filters(chosen.layer));
    } else {
      const parameter = this.model.parameters().find((p) => p.name === `${chosen.name}.weight`);
      weights = parameter.data;
      shape = [parameter.shape[0], ...this.model.inputShape];
    }
    const count = Math.min(shape[0], MAX_FILTERS);
    const values = weights.slice(0, count * shape[1] * shape[2] * shape[3]);
    // Weights on the input's own red, green and blue (a first layer on colour photos) are drawn in colour.
    const colour = chosen.kind === 'linear' || chosen.seesInput ? shape[1] === 3 && this.data.info?.display === 'photo' : false;
    this.emit('filters', { layer: chosen.name, layerIndex: chosen.layer, shape: [count, shape[1], shape[2], shape[3]],
      data: values, total: shape[0], choices, colour }, [values.buffer]);
  }

  postHistograms() {
    const list = this.model.histograms(HISTOGRAM_BINS).filter((h) => h.name.endsWith('.weight'))
      .map((h) => ({ layer: h.layerName, name: h.name, kind: h.kind, min: h.min, max: h.max, counts: Array.from(h.counts) }));
    this.emit('histograms', { list });
  }

  // ---- 2-D points

  /** The model's class and its probability at every grid cell of the plane. */
  postBoundary(progress) {
    this.last.boundary = performance.now();
    const grid = this.data.grid;
    if (!grid || this.model.inputShape.join() !== '2') return;
    const cells = grid.resolution * grid.resolution;
    const probabilities = this.model.predict(grid.inputs, cells);
    const predicted = this.model.classify(grid.inputs, cells);
    const classes = probabilities.length / cells;
    const confidence = new Float32Array(cells);
    for (let i = 0; i < cells; i++) confidence[i] = probabilities[i * classes + predicted[i]];
    const end = progress?.epochEnd;
    this.emit('boundary', { extent: grid.extent, resolution: grid.resolution, predicted: Uint8Array.from(predicted), confidence,
      classes, epoch: end ? end.epoch : (progress ? progress.epoch - 1 : 0), batch: progress?.batch ?? 0,
      accuracy: end ? end.trainAccuracy : progress ? progress.accuracy : NaN }, [confidence.buffer]);
  }

  // ---- one input

  /** What `pixels` does in the model: {probabilities, activations}; a block's entry has its `paths` (model.blockActivations). */
  explain(pixels) {
    if (!this.model || this.points) return null;
    const input = Float32Array.from(pixels);
    const probabilities = this.model.predict(input, 1);
    const activations = this.model.activations(input);
    for (const entry of activations) {
      if (entry.type === 'residual' || entry.type === 'concat') entry.paths = this.model.blockActivations(input, entry.layer);
    }
    return { probabilities, activations };
  }

  saliency(pixels, classIndex) {
    return this.model.saliency(Float32Array.from(pixels), classIndex);
  }

  effectiveReceptiveField(pixels, unit) {
    return this.model.effectiveReceptiveField(Float32Array.from(pixels), unit);
  }

  classImage(classIndex) {
    return { classIndex, ...this.model.classImage(classIndex, { steps: CLASS_IMAGE_STEPS }) };
  }

  /** The validation examples of one confusion cell: images (or, for 2-D points, the points). */
  examples(trueClass, predictedClass) {
    const set = this.data.validation;
    const labels = set.labels();
    const names = this.data.info.classNames;
    const cell = `true ${names[trueClass] ?? trueClass} → predicted ${names[predictedClass] ?? predictedClass}`;
    if (this.points) {
      const inputs = set.inputs(0, set.size);
      const predicted = this.model.classify(inputs, set.size);
      const picked = [];
      for (let i = 0; i < set.size; i++) {
        if (labels[i] === trueClass && predicted[i] === predictedClass) picked.push(inputs[2 * i], inputs[2 * i + 1]);
      }
      const count = picked.length / 2;
      return { kind: 'points', x: Float32Array.from(picked),
        title: `${cell}: ${count ? `${count} validation point${count === 1 ? '' : 's'}` : 'none'}` };
    }
    const perSample = set.sampleShape.reduce((a, b) => a * b, 1);
    const picked = [];
    const block = 256;
    for (let start = 0; start < set.size && picked.length < EXAMPLES_PER_CELL; start += block) {
      const count = Math.min(block, set.size - start);
      const inputs = set.inputs(start, count);
      const predicted = this.model.classify(inputs, count);
      for (let i = 0; i < count && picked.length < EXAMPLES_PER_CELL; i++) {
        if (labels[start + i] === trueClass && predicted[i] === predictedClass) {
          picked.push({ index: start + i, pixels: inputs.subarray(i * perSample, (i + 1) * perSample) });
        }
      }
    }
    const images = new Float32Array(picked.length * perSample);
    picked.forEach((p, i) => images.set(p.pixels, i * perSample));
    return { kind: 'images', images, indices: picked.map((p) => p.index), labels: picked.map(() => trueClass),
      predictions: picked.map(() => predictedClass), shape: set.sampleShape.slice(-2),
      title: `${cell}: ${picked.length ? `${picked.length} example${picked.length === 1 ? '' : 's'}${picked.length === EXAMPLES_PER_CELL ? ' (first)' : ''}` : 'none'}` };
  }

  /** Loss, accuracy and confusion of the model on the validation set. */
  evaluate(config) {
    if (!this.data.validation || !this.model) return null;
    const trainer = this.session.trainer ?? this.session.engine.trainer(this.model, config);
    try {
      const r = trainer.evaluate(this.data.validation);
      return { loss: r.loss, accuracy: r.accuracy, samples: r.samples, classes: r.classes, matrix: r.confusion };
    } finally {
      if (trainer !== this.session.trainer) trainer.dispose();
    }
  }

  // ---- inside one unit: the unit inspector and the network view (web/playground/unit-panel.js)

  /**
   * How one unit got its value for `values` (one input: an image or a 2-D point), with the
   * engine's numbers: {explanation (model.explainUnit), input: {shape, data} (the model input),
   * source: {layer, name, shape, data}: the map the unit's layer reads (the model input for layer 0; for
   * a linear layer behind a flatten, the map before it, so its terms can be shown in place)}.
   */
  explainUnit(values, unit) {
    if (!this.model) return null;
    const input = Float32Array.from(values);
    const explanation = this.model.explainUnit(input, { ...unit, topK: UNIT_TOP_K });
    const activations = explanation.inputLayer >= 0 ? this.model.activations(input) : [];
    const mapOf = (layer) => (layer < 0 ? { layer, name: 'input', shape: this.model.inputShape, data: input }
      : { layer, name: activations[layer].name, shape: activations[layer].shape, data: activations[layer].data });
    let layer = explanation.inputLayer;
    if (explanation.kind === 'linear') {
      while (layer >= 0 && PASS_THROUGH.has(this.model.summary[layer].type)) layer -= 1;
    }
    let source = mapOf(layer);
    if (explanation.kind === 'linear' && source.data.length !== explanation.inputs) source = mapOf(explanation.inputLayer);
    return { explanation, input: { shape: this.model.inputShape, data: input }, source };
  }

  /** One input through the whole network (model.networkFlow): the network view's columns and edges. */
  flow(values) {
    if (!this.model) return null;
    return this.model.networkFlow(Float32Array.from(values), { edges: FLOW_EDGES, edgesPerNode: FLOW_EDGES_PER_NODE });
  }

  /**
   * 2-D points: every unit's value over the plane, as TensorFlow Playground draws its neurons.
   * columnLayers: per network-view column its layers (the flow's `layers`); a column's nodes are
   * the values after its last layer. Returns {extent, resolution, columns: [Float32Array(nodes * r * r)]}
   * (row 0 at the top, y = yMax), or null when the model's input is not a point.
   */
  planes(columnLayers) {
    const grid = this.data.grid;
    if (!this.model || !grid || this.model.inputShape.join() !== '2') return null;
    const r = PLANE_RESOLUTION;
    const { xMin, xMax, yMin, yMax } = grid.extent;
    const sizes = columnLayers.map((layers) => (layers.length ? this.model.summary[layers.at(-1)].outputShape[0] : 2));
    const columns = sizes.map((nodes) => new Float32Array(nodes * r * r));
    const point = new Float32Array(2);
    for (let row = 0; row < r; row++) {
      for (let col = 0; col < r; col++) {
        point[0] = xMin + ((col + 0.5) / r) * (xMax - xMin);
        point[1] = yMax - ((row + 0.5) / r) * (yMax - yMin);
        const activations = this.model.activations(point);
        columnLayers.forEach((layers, k) => {
          const values = layers.length ? activations[layers.at(-1)].data : point;
          for (let n = 0; n < sizes[k]; n++) columns[k][n * r * r + row * r + col] = values[n];
        });
      }
    }
    return { extent: grid.extent, resolution: r, columns };
  }
}

const PLANE_RESOLUTION = 24;    // grid cells per side of a 2-D unit's picture

const UNIT_TOP_K = 12;          // a linear unit's terms listed one by one; the rest are summed
const FLOW_EDGES = 256;         // edges kept per column pair; the view draws the strongest N of them (its menu)
const FLOW_EDGES_PER_NODE = 3;  // and the strongest few into every node, for hovering
const PASS_THROUGH = new Set(['flatten', 'dropout']);  // keep every value: a linear layer's terms map back through them
