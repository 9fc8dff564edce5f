// The network view: one input going through the whole network, as a node-link picture
// (model.networkFlow, docs/explain-unit.md). Layers are columns: a conv layer's maps are small
// images, a dense layer's units circles, the input its image (or its numbers). Edges are the
// strongest contributions weight x activation between two columns (red adds to the target's
// pre-activation, blue takes away; width and strength by size), as many as the "Edges" menu says.
// Hovering a node (or moving to it with the arrow keys) highlights what feeds it; clicking it (or
// Enter) dispatches 'unitselect' {layer, name, channel, row, col}, the same event the activation
// maps send, for the unit inspector. A map node selects the unit under the pointer (Enter: the
// map's strongest unit). For a model of 2-D points, given each unit's values over the plane, a
// unit is drawn as that picture with the input marked on it (as TensorFlow Playground does).
//
//   const view = new NetworkFlowView(container);
//   view.render(flow, {classNames, inputNames, planes, point});   // flow: model.networkFlow(input, {edges, edgesPerNode})
// After drawing it dispatches 'flowdrawn' {milliseconds} (how long the drawing took).
import { el, prepareCanvas, cssVar } from './dom.js';
import { diverging, sequential, ink, rgb } from './colour.js';
import { lookup, mapAtlas, planeAtlas, edge, ring, short, fit } from './network-paint.js';
import { argmax } from '../shared/argmax.js';

const EDGE_CHOICES = [8, 16, 32, 64, 128, 256];
const HEADER = 48;     // CSS px above the nodes: a column's layers and shape
const FOOTER = 8;
const GAP = 3;         // between nodes of a column

export class NetworkFlowView {
  constructor(container, { edges = 32 } = {}) {
    this.container = container;
    this.edges = edges;
    this.flow = null;
    this.options = {};
    this.hover = null;     // {column, node} under the pointer
    this.focus = { column: 0, node: 0 };
    const id = `flow-edges-${Math.random().toString(36).slice(2, 8)}`;
    this.edgeSelect = el('select', { id }, ...EDGE_CHOICES.map((n) => el('option', { value: String(n) }, String(n))));
    this.edgeSelect.value = String(edges);
    this.edgeSelect.addEventListener('change', () => {
      this.edges = Number(this.edgeSelect.value);
      this.draw();
    });
    this.canvas = el('canvas', { class: 'flow-canvas', tabindex: '0', role: 'application', 'aria-roledescription': 'network view',
      'aria-label': 'Network view: no model yet' });
    this.caption = el('p', { class: 'view-caption flow-caption', 'aria-live': 'polite' });
    this.summary = el('p', { class: 'view-note flow-summary' });
    container.replaceChildren(
      el('div', { class: 'flow-tools' },
        el('div', { class: 'field inline' }, el('label', { for: id }, 'Edges drawn between two layers'), this.edgeSelect),
        el('p', { class: 'flow-key' }, el('span', { class: 'flow-swatch positive', 'aria-hidden': 'true' }), 'adds to the unit it feeds ',
          el('span', { class: 'flow-swatch negative', 'aria-hidden': 'true' }), 'takes away (weight × activation)')),
      el('div', { class: 'flow-holder' }, this.canvas), this.caption, this.summary);
    this.canvas.addEventListener('pointermove', (event) => this.pointerAt(event));
    this.canvas.addEventListener('pointerleave', () => this.setHover(null));
    this.canvas.addEventListener('click', (event) => this.clickAt(event));
    this.canvas.addEventListener('keydown', (event) => this.key(event));
    this.canvas.addEventListener('focus', () => this.setHover(this.focus));
    this.canvas.addEventListener('blur', () => this.setHover(null));
    this.scheduled = false;
    new ResizeObserver(() => this.draw()).observe(container);
  }

  /**
   * flow: {columns} from model.networkFlow; options: {classNames (the last column's units),
   * inputNames (a vector input's values), planes: {extent, resolution, columns} (2-D inputs: each
   * unit's value over the plane, drawn as its node, TensorFlow Playground style), point: [x, y]
   * (the input, marked on those pictures)}.
   */
  render(flow, options = {}) {
    const shapeKey = (f) => f?.columns.map((c) => `${c.name}:${c.shape.join('x')}`).join('|');
    if (shapeKey(flow) !== shapeKey(this.flow)) {
      this.hover = null;
      this.focus = { column: 0, node: 0 };
    }
    this.flow = flow;
    this.options = options;
    this.atlases = flow.columns.map((column, k) => {
      const plane = this.planeOf(k);
      return plane ? planeAtlas(plane, column.nodes, options.planes.resolution, this.scaleOf(column, plane))
        : mapAtlas(column, this.scaleOf(column));
    });
    this.describe(this.hover);
    this.draw();
  }

  showNote(text) {
    this.flow = null;
    this.caption.textContent = text;
    this.summary.textContent = '';
    this.canvas.setAttribute('aria-label', `Network view: ${text}`);
    const context = prepareCanvas(this.canvas, this.width(), 120);
    context.clearRect(0, 0, this.width(), 120);
  }

  width() {
    return Math.max(320, Math.floor(this.container.clientWidth || 900));
  }

  /** Column k's units over the plane (options.planes), when they fit its nodes; else null. */
  planeOf(k) {
    const planes = this.options.planes;
    const column = this.flow.columns[k];
    const plane = planes?.columns[k];
    return plane && column.shape.length === 1 && plane.length === column.nodes * planes.resolution ** 2 ? plane : null;
  }

  /** A column's colours: ink for an image input in [0, 1], else scaled by its largest |value| (diverging when signed). */
  scaleOf(column, plane = null) {
    const data = plane ?? column.maps ?? column.values;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (column.type === 'input' && column.maps && lo >= 0 && hi <= 1) return lookup(ink, 0, 1);
    const peak = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return lo < 0 ? lookup((t) => diverging(t), -peak, peak) : lookup((t) => sequential(t), 0, peak);
  }

  // ---- layout: columns left to right, each column's nodes packed in a grid that fits its band

  layout() {
    const columns = this.flow.columns;
    const width = this.width();
    const crowded = columns.some((c) => c.nodes > 16);
    const height = crowded ? 470 : this.options.planes ? 420 : 330;
    const margin = 12;
    const step = (width - 2 * margin) / columns.length;
    const band = Math.min(130, step * 0.56);
    const available = height - HEADER - FOOTER;
    const placed = columns.map((column, index) => {
      const isMap = column.shape.length === 3;
      const tiled = isMap || this.planeOf(index) !== null;  // a 2-D unit drawn as its picture over the plane
      const [h, w] = isMap ? column.shape.slice(1) : [1, 1];
      const largest = isMap ? (column.nodes === 1 ? Math.min(band, 96) : 56) : tiled ? 40 : 22;
      let best = { size: 0, across: 1 };
      for (let across = 1; across <= column.nodes; across++) {
        const down = Math.ceil(column.nodes / across);
        const size = Math.min(largest, (band - (across - 1) * GAP) / across, (available - (down - 1) * GAP) / down);
        if (size > best.size) best = { size, across };
        if ((band - across * GAP) / (across + 1) < 2) break;
      }
      const size = Math.max(2, best.size);
      const gap = size < 6 ? 1 : GAP;
      const across = best.across;
      const down = Math.ceil(column.nodes / across);
      const nodeW = isMap ? size * Math.min(1, w / h) : size;
      const nodeH = isMap ? size * Math.min(1, h / w) : size;
      const blockW = across * nodeW + (across - 1) * gap;
      const blockH = down * nodeH + (down - 1) * gap;
      const centre = margin + step * (index + 0.5);
      const left = centre - blockW / 2;
      const top = HEADER + (available - blockH) / 2;
      const nodes = [];
      for (let n = 0; n < column.nodes; n++) {
        const a = Math.floor(n / down);  // fill down first, then the next sub-column: node order reads top to bottom
        const d = n % down;
        nodes.push({ x: left + a * (nodeW + gap), y: top + d * (nodeH + gap), w: nodeW, h: nodeH });
      }
      return { column, index, isMap, tiled, centre, left, right: left + blockW, nodes, size };
    });
    return { width, height, placed };
  }

  draw() {
    if (!this.flow || this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.drawNow();
    });
  }

  drawNow() {
    if (!this.flow) return;
    const started = performance.now();
    const geometry = this.layout();
    this.geometry = geometry;
    const { width, height, placed } = geometry;
    const context = prepareCanvas(this.canvas, width, height);
    context.fillStyle = cssVar('--paper', '#fff');
    context.fillRect(0, 0, width, height);
    const hover = this.hover;
    const feeds = hover ? this.feeders(hover) : null;
    let drawn = 0;
    let possible = 0;
    placed.forEach((p, k) => {
      const incoming = p.column.incoming;
      if (!incoming) return;
      possible += incoming.possible;
      const from = placed[k - 1];
      const count = incoming.kind === 'one-to-one' ? incoming.value.length : Math.min(this.edges, incoming.value.length);
      const peak = Math.abs(incoming.value[0]) || 1;
      drawn += count;
      // A residual's skip (kind 'block'): dashed, what the shortcut adds to each map beside the block's layers.
      context.setLineDash(incoming.kind === 'block' ? [5, 4] : []);
      for (let e = count - 1; e >= 0; e--) {
        const dim = hover && !(hover.column === k && incoming.target[e] === hover.node);
        edge(context, from.nodes[incoming.source[e]], p.nodes[incoming.target[e]], incoming.value[e] / peak, dim ? 0.12 : 1);
      }
      if (feeds && hover.column === k) {  // the hovered node's inputs, also those beyond the menu's count
        for (const e of feeds.edges) edge(context, from.nodes[incoming.source[e]], p.nodes[incoming.target[e]], incoming.value[e] / peak, 1, 1.5);
      }
      context.setLineDash([]);
    });
    placed.forEach((p, k) => this.drawColumn(context, p, this.atlases[k]));
    if (feeds) {
      context.strokeStyle = cssVar('--accent', '#d81b60');
      context.lineWidth = 2;
      for (const e of feeds.edges) ring(context, placed[hover.column - 1].nodes[this.flow.columns[hover.column].incoming.source[e]]);
    }
    if (hover) {
      context.strokeStyle = '#111';
      context.lineWidth = 2.5;
      ring(context, placed[hover.column].nodes[hover.node]);
    }
    this.summary.textContent = `${drawn.toLocaleString('en-US')} edges drawn of ${possible.toLocaleString('en-US')}: the strongest ` +
      `${this.edges} between each two layers (a pool passes each map on: all of those). Hover a node to see what feeds it; click it to inspect it.` +
      (placed.some((p) => p.column.incoming?.kind === 'block' && p.column.type === 'residual')
        ? ' A residual block is one column: its dashed edges are the skip, what the shortcut adds to each map beside the block\'s layers.' : '') +
      (placed.some((p) => p.column.type === 'concat') ? ' A concat block is one column of its branches\' maps side by side.' : '') +
      (this.atlases.some((a) => a.smooth) ? ' Each unit is drawn as its value over the whole plane (TensorFlow Playground style); the dot is this input.' : '');
    this.canvas.setAttribute('aria-label', `Network view: ${placed.map((p) => `${p.column.name} (${p.column.shape.join('×')})`).join(', then ')}`);
    this.container.dispatchEvent(new CustomEvent('flowdrawn', { detail: { milliseconds: performance.now() - started } }));
  }

  drawColumn(context, p, atlas) {
    const { column } = p;
    // The column's layers: the first in bold, those folded into it below ("+ relu1"), then the shape.
    const [first, ...folded] = column.name.split(' + ');
    const room = Math.max(p.right - p.left + 36, 60);
    context.textAlign = 'center';
    context.textBaseline = 'top';
    context.fillStyle = cssVar('--ink', '#1b2130');
    context.font = '600 12px system-ui, sans-serif';
    context.fillText(fit(context, first, room), p.centre, 2);
    context.font = '11px system-ui, sans-serif';
    context.fillStyle = cssVar('--ink-soft', '#4a5263');
    const block = { residual: '= layers + skip', concat: '= branches joined' }[column.type];
    if (folded.length || block) context.fillText(fit(context, [block, ...folded.map((f) => `+ ${f}`)].filter(Boolean).join(' '), room), p.centre, 16);
    context.fillText(column.shape.join('×'), p.centre, 30);
    const scale = atlas.scale;
    if (p.tiled) {
      const [h, w] = atlas.tile;
      context.imageSmoothingEnabled = atlas.smooth;
      p.nodes.forEach((node, n) => {
        if (atlas.canvas) context.drawImage(atlas.canvas, n * w, 0, w, h, node.x, node.y, node.w, node.h);
        else {
          context.fillStyle = rgb(scale.colourOf(column.values[n]));
          context.fillRect(node.x, node.y, node.w, node.h);
        }
        if (node.w >= 6) {
          context.strokeStyle = '#b9c0cc';
          context.lineWidth = 1;
          context.strokeRect(node.x - 0.5, node.y - 0.5, node.w + 1, node.h + 1);
        }
        if (atlas.smooth) this.markPoint(context, node);
      });
      if (p.isMap) return;
    }
    const labels = column.nodes <= 12 && p.size >= 12;
    const last = p.index === this.flow.columns.length - 1;
    const names = last ? this.options.classNames : p.index === 0 ? this.options.inputNames : null;
    const best = last ? argmax(column.values, 0, column.nodes) : -1;
    p.nodes.forEach((node, n) => {
      if (!p.tiled) {
        context.fillStyle = rgb(scale.colourOf(column.values[n]));
        context.beginPath();
        context.arc(node.x + node.w / 2, node.y + node.h / 2, node.w / 2, 0, 2 * Math.PI);
        context.fill();
      }
      if (node.w >= 5 && !p.tiled) {
        context.strokeStyle = n === best ? '#111' : '#8a93a3';
        context.lineWidth = n === best ? 2 : 1;
        context.stroke();
      }
      if (labels) {  // the value beside the node, on a white halo so edges do not cross it
        const name = names?.[n];
        const text = `${name === undefined ? '' : `${name}: `}${short(column.values[n])}`;
        context.font = `${n === best ? '600 ' : ''}11px system-ui, sans-serif`;
        context.textBaseline = 'middle';
        context.textAlign = 'left';
        context.lineJoin = 'round';
        context.lineWidth = 4;
        context.strokeStyle = 'rgba(255, 255, 255, 0.9)';
        context.strokeText(text, node.x + node.w + 4, node.y + node.h / 2);
        context.fillStyle = cssVar('--ink', '#1b2130');
        context.fillText(text, node.x + node.w + 4, node.y + node.h / 2);
      }
    });
  }

  /** The input point on a unit's picture over the plane. */
  markPoint(context, node) {
    const { planes, point } = this.options;
    if (!point) return;
    const { xMin, xMax, yMin, yMax } = planes.extent;
    const x = node.x + ((point[0] - xMin) / (xMax - xMin)) * node.w;
    const y = node.y + ((yMax - point[1]) / (yMax - yMin)) * node.h;
    if (x < node.x || x > node.x + node.w || y < node.y || y > node.y + node.h) return;
    context.fillStyle = '#fff';
    context.strokeStyle = '#111';
    context.lineWidth = 1.2;
    context.beginPath();
    context.arc(x, y, 2.5, 0, 2 * Math.PI);
    context.fill();
    context.stroke();
  }

  // ---- what feeds a node, and the pointer and keys

  /** The edges into node {column, node} the flow holds (the strongest into it, edgesPerNode at least). */
  feeders({ column, node }) {
    const incoming = this.flow.columns[column].incoming;
    const edges = [];
    if (incoming) for (let e = 0; e < incoming.value.length; e++) if (incoming.target[e] === node) edges.push(e);
    return { edges };
  }

  nodeAt(event) {
    if (!this.geometry) return null;
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    for (const p of this.geometry.placed) {
      if (x < p.left - 4 || x > p.right + 4) continue;
      const n = p.nodes.findIndex((r) => x >= r.x - 1 && x <= r.x + r.w + 1 && y >= r.y - 1 && y <= r.y + r.h + 1);
      if (n >= 0) return { column: p.index, node: n, x: (x - p.nodes[n].x) / p.nodes[n].w, y: (y - p.nodes[n].y) / p.nodes[n].h };
    }
    return null;
  }

  pointerAt(event) {
    const hit = this.nodeAt(event);
    this.canvas.style.cursor = hit && hit.column > 0 ? 'pointer' : 'default';
    this.setHover(hit ? { column: hit.column, node: hit.node } : null);
  }

  setHover(target) {
    const same = (a, b) => (a === null && b === null) || (a && b && a.column === b.column && a.node === b.node);
    if (same(this.hover, target)) return;
    this.hover = target;
    this.describe(target);
    this.draw();
  }

  describe(target) {
    if (!target || !this.flow) {
      this.caption.textContent = this.flow ? 'Hover a node to see what feeds it; click it to see how it got its value.' : '';
      return;
    }
    const column = this.flow.columns[target.column];
    const text = [`${column.name}, ${this.nodeName(target)}: ${column.shape.length === 3 ? `mean ${short(column.values[target.node])}, ` +
      `max ${short(column.maxima[target.node])}` : `value ${short(column.values[target.node])}`}.`];
    const { edges } = this.feeders(target);
    if (edges.length) {
      const from = this.flow.columns[target.column - 1];
      const strongest = edges.slice(0, 4).map((e) => `${this.nodeName({ column: target.column - 1, node: column.incoming.source[e] })} ` +
        `(${column.incoming.value[e] >= 0 ? '+' : ''}${short(column.incoming.value[e])})`);
      text.push(`Fed most by ${from.name}: ${strongest.join(', ')}.`);
    } else if (target.column === 0) {
      text.push('The input itself: pick a node in a later column to inspect it.');
    }
    this.caption.textContent = text.join(' ');
  }

  nodeName({ column, node }) {
    const c = this.flow.columns[column];
    if (c.shape.length === 3) return `map ${node + 1}`;
    const names = column === this.flow.columns.length - 1 ? this.options.classNames : column === 0 ? this.options.inputNames : null;
    return names?.[node] !== undefined ? `${column === 0 ? '' : 'class '}${names[node]}` : `unit ${node + 1}`;
  }

  clickAt(event) {
    const hit = this.nodeAt(event);
    if (!hit) return;
    this.focus = { column: hit.column, node: hit.node };
    this.select(hit);
  }

  /** Dispatches 'unitselect' for a node; a map node's unit is the one at (x, y) in [0, 1] of the tile, else its strongest. */
  select({ column, node, x = null, y = null }) {
    const c = this.flow.columns[column];
    if (column === 0 || c.layers.length === 0) {
      this.describe({ column, node });
      return;
    }
    const layer = c.layers[0];
    const name = c.name.split(' + ')[0];
    let row = 0;
    let col = 0;
    if (c.shape.length === 3) {
      const [, h, w] = c.shape;
      if (x !== null) {
        row = Math.min(h - 1, Math.max(0, Math.floor(y * h)));
        col = Math.min(w - 1, Math.max(0, Math.floor(x * w)));
      } else if (c.maps) {
        const best = argmax(c.maps, node * h * w, (node + 1) * h * w);
        row = Math.floor(best / w);
        col = best % w;
      } else {
        row = Math.floor(h / 2);
        col = Math.floor(w / 2);
      }
    }
    this.container.dispatchEvent(new CustomEvent('unitselect', { bubbles: true, detail: { layer, name, channel: node, row, col } }));
  }

  key(event) {
    if (!this.flow) return;
    const columns = this.flow.columns;
    let { column, node } = this.focus;
    const moves = {
      ArrowRight: () => { column = Math.min(columns.length - 1, column + 1); },
      ArrowLeft: () => { column = Math.max(0, column - 1); },
      ArrowDown: () => { node += 1; },
      ArrowUp: () => { node -= 1; },
    };
    if (moves[event.key]) {
      event.preventDefault();
      const before = columns[this.focus.column].nodes;
      moves[event.key]();
      if (column !== this.focus.column) node = Math.round((node / Math.max(1, before - 1)) * (columns[column].nodes - 1)) || 0;
      node = Math.min(columns[column].nodes - 1, Math.max(0, node));
      this.focus = { column, node };
      this.setHover(this.focus);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.select(this.focus);
    }
  }
}
