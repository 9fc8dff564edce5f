// Inside one unit: the unit inspector ("How this unit got its value") and the network view, for
// the input being inspected. Images: the input of inspect-panel.js (the drawn digit, a clicked
// example, else the first training example). 2-D points: the point under the pointer on the
// decision boundary, else the point last clicked there, else the first training point.
// The unit is store.inspect.unit (set by a click in the activation maps, the network view or the
// receptive-field view); with none chosen the inspector explains the output unit the model
// predicts. Both are asked for again when the input, the unit or the model changes, and after an
// epoch and when a run stops (app.js), at most one request at a time: while drawing, the newest
// input wins and no answers queue up, and the network view goes first (the unit follows when the
// pen rests).
//
// The time from a 'digit' event (the pad) to the frame that shows the network for it is recorded
// as a performance measure named FLOW_MEASURE (performance.getEntriesByName), for the browser test.
import { argmax } from '../shared/argmax.js';

export const FLOW_MEASURE = 'wasmgrad: digit to network frame';
const PLANES_MS = 500;  // 2-D units' pictures while training: every half second

const byId = (id) => document.getElementById(id);

export class UnitPanel {
  /** views: {unitExplainer, network, boundary}; engine(): the connection or null; imageInput(): inspect-panel.js's input. */
  constructor(store, { views, engine, imageInput }) {
    Object.assign(this, { store, views, engine, imageInput });
    this.requested = false;
    this.busy = false;
    this.point = { hover: null, pinned: null };  // 2-D inputs chosen on the decision boundary
    this.digitAt = null;
    this.planes = { data: null, stale: true, at: 0 };  // 2-D points: each unit over the plane (weights, not the input)
    this.weights = 0;     // counts weight changes: with the input, unit and model, key() says whether the views are current
    this.shown = null;    // the key of what the views show
    // The pad's new input (inspect-panel.js has just put it in the store): asked for at once, ahead
    // of the other views' requests in the worker's queue.
    document.addEventListener('digit', (event) => {
      this.digitAt ??= event.timeStamp;
      this.refresh();
    });
    document.addEventListener('unitselect', (event) => {
      // A unit picked in the activation maps or the network view: bring its explanation into sight.
      if (event.target.closest?.('#activations-view, #network-view')) {
        byId('unit-panel').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      }
    });
    document.addEventListener('planepoint', (event) => this.pickPoint(event.detail));
    store.subscribe(['model', 'data', 'engine'], () => { this.planes.stale = true; });
    store.subscribe(['inspect', 'model', 'data', 'engine'], () => this.refresh());
    store.subscribe(['data'], ({ data }) => {
      if (data.version === this.dataVersion) return;
      this.dataVersion = data.version;
      this.point = { hover: null, pinned: null };
    });
  }

  /** {x, y, pinned}: the pointer on the decision boundary (pinned: a click), or null when it leaves. */
  pickPoint(detail) {
    if (detail === null) this.point.hover = null;
    else if (detail.pinned) this.point = { hover: null, pinned: [detail.x, detail.y] };
    else this.point.hover = [detail.x, detail.y];
    this.refresh();
  }

  /** The input inspected: {values, text, shape}, or null while there is none. */
  input() {
    const { data } = this.store.get();
    if (data.info?.kind === 'points') {
      const points = data.points;
      const chosen = this.point.hover ?? this.point.pinned ?? (points ? [points.x[0], points.x[1]] : null);
      if (!chosen) return null;
      const how = this.point.hover ? 'the point under the pointer' : this.point.pinned ? 'the point you clicked' : 'the first training point';
      return { values: Float32Array.from(chosen), shape: [2], text: `${how}, (${chosen.map((v) => v.toFixed(2)).join(', ')})` };
    }
    const image = this.imageInput();
    return image ? { values: Float32Array.from(image.pixels), shape: image.shape, text: null } : null;
  }

  /**
   * Asks for both views again; while a request runs, the next one waits and takes the newest input.
   * weights: the weights changed (an epoch ended, a run stopped), so 2-D units' pictures are redrawn too.
   */
  refresh({ weights = false } = {}) {
    if (weights) {
      this.planes.stale = true;
      this.weights += 1;
    }
    this.requested = true;
    if (!this.busy) this.run();
  }

  async run() {
    this.busy = true;
    try {
      while (this.requested) {
        this.requested = false;
        await this.update();
      }
    } finally {
      this.busy = false;
    }
  }

  async update() {
    const state = this.store.get();
    const connection = this.engine();
    const { unitExplainer, network } = this.views;
    const problem = !connection ? 'Waiting for the engine…'
      : state.data.status !== 'ready' ? 'Waiting for the data…'
        : state.model.error ? 'The model does not fit the data: fix it in the Model panel to look inside it.'
          : !state.model.spec || !state.model.summary ? 'Waiting for the model…' : null;
    const input = problem ? null : this.input();
    const expected = state.model.spec?.input?.reduce((a, b) => a * b, 1);
    if (problem || !input || input.values.length !== expected) {
      const note = problem ?? 'Waiting for an input…';
      this.shown = null;
      network.showNote(note);
      unitExplainer.showNote(note);
      return;
    }
    // Nothing new since the last answer (e.g. the store's notice of an input already asked for at its digit event).
    const key = this.key();
    if (sameKey(key, this.shown)) return;
    const digitAt = this.digitAt;
    this.digitAt = null;
    byId('network-input').textContent = input.text ? `Showing ${input.text}. Move over the decision boundary to follow the pointer; ` +
      'click there to keep a point.' : 'Showing the input being inspected: draw on the pad or click an example to change it.';
    const classNames = state.data.info?.classNames?.length ? state.data.info.classNames : null;
    const summary = state.model.summary;
    try {
      const flow = await connection.api.flow(input.values);
      if (!flow) return;
      if (this.points) await this.updatePlanes(connection, flow, state.run.status === 'training');
      network.render(flow, { classNames: classNames ?? undefined, inputNames: input.shape.length === 1 ? ['x', 'y'] : undefined,
        planes: this.points ? this.planes.data : null, point: this.points ? Array.from(input.values) : null });
      if (digitAt !== null) this.measure(digitAt);
      if (this.points) this.views.boundary.markPoint(Array.from(input.values));
      // A newer input waits (the pen moves on): the network first, the unit once it rests.
      if (this.requested && !sameKey(this.key(), key)) return;
      const unit = this.unitRequest(summary, flow);
      const explained = await connection.api.explainUnit(input.values, unit);
      if (!explained) return;
      byId('unit-note').textContent = this.store.get().inspect.unit ? 'Click any unit in the activation maps or the network view to see how it got its value.'
        : `No unit chosen yet: this is the output unit the model predicts. Click any unit in the activation maps or the network view.`;
      unitExplainer.render({ ...explained, classNames: classNames ?? [], outputLayer: unit.layer === summary.length - 1 });
      this.shown = key;
    } catch (error) {
      this.shown = null;
      if (this.store.get().model.spec !== state.model.spec) return;  // the model changed under the request
      unitExplainer.showNote(`Inside one unit: ${error.message}`);
    }
  }

  get points() { return this.store.get().data.info?.kind === 'points'; }

  /** What the views show depends on: the input, the unit, the model and its weights. */
  key() {
    const { inspect, model, data } = this.store.get();
    return [inspect.input, inspect.unit, model.spec, data.version, this.point.hover, this.point.pinned, this.weights];
  }

  /** 2-D points: every unit's picture over the plane, asked for again when the weights changed (at most twice a second while training). */
  async updatePlanes(connection, flow, training) {
    const shapes = flow.columns.map((c) => c.nodes).join();
    if (!this.planes.stale && this.planes.shapes === shapes) return;
    if (training && this.planes.shapes === shapes && performance.now() - this.planes.at < PLANES_MS) return;
    this.planes = { data: await connection.api.planes(flow.columns.map((c) => c.layers)), stale: false, at: performance.now(), shapes };
  }

  /** store.inspect.unit as an explainUnit request; with none, the output unit the model predicts. */
  unitRequest(summary, flow) {
    const unit = this.store.get().inspect.unit;
    const index = unit ? summary.findIndex((l) => l.name === unit.layer) : -1;
    if (index >= 0) {
      const shape = summary[index].outputShape;
      const channel = Math.min(unit.channel ?? 0, shape[0] - 1);
      return shape.length === 3 ? { layer: index, channel, row: Math.min(unit.row ?? 0, shape[1] - 1), col: Math.min(unit.col ?? 0, shape[2] - 1) }
        : { layer: index, channel };
    }
    return { layer: summary.length - 1, channel: argmax(flow.columns.at(-1).values) };
  }

  /** Records the time from a 'digit' event to the end of drawing the network for it (in the animation frame that shows it). */
  measure(digitAt) {
    this.views.network.container.addEventListener('flowdrawn', () => {
      performance.measure(FLOW_MEASURE, { start: digitAt, end: performance.now() });
    }, { once: true });
  }
}

const sameKey = (a, b) => a !== null && b !== null && a.every((part, i) => part === b[i]);
