// Demo 2: backpropagation on a computation graph, one node at a time. The graph, every forward
// value and every gradient come from the engine (engine.workedExample: the lectures' two worked
// examples built from the engine's ops, then one backward pass). The demo only reveals them in
// order: forward in topological order, then backward, a node's gradient as soon as all the
// nodes it feeds have theirs. The finite-difference check calls the engine again on nudged
// inputs: nothing here re-derives a gradient. The local derivatives written next to a backward
// step ("∂u1/∂t = cos t") are the lecture's hand formulas, shown to read the chain rule by.
import { el, button, select, short } from './ui.js';
import { parseParam } from './wasmgrad-demo.js';

export const blurb = 'Forward values, then gradients, node by node, on the lectures\' two worked examples; every number ' +
  'is the engine\'s, and each input\'s gradient is checked against a central finite difference.';

const EXAMPLES = {
  cos_sin_square: { title: 'J = cos(sin(x²) + 3x²)', inputs: ['x'] },
  tiny_relu_net: { title: 'y = w2·max(0, w1·x + b1) + b2,  L = (y − t)²', inputs: ['x', 'w1', 'b1', 'w2', 'b2', 't'] },
};
const INPUT = { type: 'number', min: -10, max: 10 };
export const params = {
  example: { type: 'enum', values: Object.keys(EXAMPLES), default: 'cos_sin_square' },
  // The engine's own test values of the ReLU example: every gradient is a whole number there.
  x: { ...INPUT, default: 2 },
  w1: { ...INPUT, default: 0.5 },
  b1: { ...INPUT, default: -0.5 },
  w2: { ...INPUT, default: 3 },
  b2: { ...INPUT, default: 1 },
  t: { ...INPUT, default: 4 },
  eps: { type: 'enum', values: ['1e-2', '1e-3', '1e-4', '1e-6'], default: '1e-3' },
  step: { type: 'int', min: 0, max: 40, default: 0 },
};

// The lecture's local derivatives ∂consumer/∂input, by the short names (left of " = ") of the
// engine's node labels: [formula, value from the forward values]. Display only.
const LOCAL = {
  cos_sin_square: {
    t: { x: ['2x', (v) => 2 * v.x] },
    u1: { t: ['cos t', (v) => Math.cos(v.t)] },
    u2: { t: ['3', () => 3] },
    u: { u1: ['1', () => 1], u2: ['1', () => 1] },
    J: { u: ['−sin u', (v) => -Math.sin(v.u)] },
  },
  tiny_relu_net: {
    a: { w1: ['x', (v) => v.x], x: ['w1', (v) => v.w1] },
    z: { a: ['1', () => 1], b1: ['1', () => 1] },
    h: { z: ['[z > 0]', (v) => (v.z > 0 ? 1 : 0)] },
    v: { w2: ['h', (v) => v.h], h: ['w2', (v) => v.w2] },
    y: { v: ['1', () => 1], b2: ['1', () => 1] },
    d: { y: ['1', () => 1] },
    L: { d: ['2d', (v) => 2 * v.d] },
  },
};

const BOX = { width: 124, height: 58, gapX: 34, gapY: 22 };
const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** short(), with a negative factor in brackets: "0.97 · (−0.65)". */
const signed = (value) => (value < 0 ? `(${short(value)})` : short(value));
const shortName = (node) => node.label.split(' = ')[0];
const isLeaf = (node) => node.inputs.length === 0;

/**
 * The order the demo reveals a graph in: forward = the computed nodes in topological order;
 * backward = the output, then each node once every node it feeds has its gradient (inputs and
 * parameters first, as soon as they are ready, then the latest computed node).
 */
export function revealOrder(nodes) {
  const forward = nodes.filter((n) => !isLeaf(n)).map((n) => n.id);
  const consumers = nodes.map(() => []);
  for (const n of nodes) for (const i of n.inputs) consumers[i].push(n.id);
  const backward = [];
  const done = new Set();
  const pending = new Set(nodes.filter((n) => n.hasGrad).map((n) => n.id));
  while (pending.size) {
    const ready = [...pending].filter((id) => consumers[id].every((c) => done.has(c) || !nodes[c].hasGrad));
    if (!ready.length) break;  // cannot happen for a graph from the engine; never loop forever
    const leaves = ready.filter((id) => isLeaf(nodes[id]));
    const next = leaves.length ? Math.min(...leaves) : Math.max(...ready);
    backward.push(next);
    done.add(next);
    pending.delete(next);
  }
  return { forward, backward, consumers };
}

/** Columns (forward depth) and rows of each node: computed nodes on row 0 where they can be. */
function layout(nodes, consumers) {
  const column = nodes.map(() => 0);
  for (const n of nodes) if (!isLeaf(n)) column[n.id] = 1 + Math.max(...n.inputs.map((i) => (isLeaf(nodes[i]) ? 0 : column[i])));
  for (const n of nodes) if (isLeaf(n) && consumers[n.id].length) column[n.id] = Math.min(...consumers[n.id].map((c) => column[c])) - 1;
  const columns = Math.max(...column) + 1;
  const row = nodes.map(() => 0);
  const used = Array.from({ length: columns }, () => 0);
  const ordered = [...nodes.filter((n) => !isLeaf(n)), ...nodes.filter(isLeaf)];
  for (const n of ordered) row[n.id] = used[column[n.id]]++;
  return { column, row, columns, rows: Math.max(...used) };
}

export function mount(root, { engine, state, setState }) {
  let graph = null;        // the engine's worked example {name, nodes}
  let order = null;        // revealOrder(graph.nodes)
  let checks = [];         // [{node, numerical}] per input; numerical null for a constant
  let vertical = false;

  const problem = el('p', { class: 'problem', 'data-role': 'problem', hidden: true });
  const title = el('div', { class: 'formula', 'data-role': 'title' });
  const exampleSelect = select('example', Object.entries(EXAMPLES).map(([key, e]) => [key, e.title]), state.example, (value) => {
    setState({ example: value, step: 0 });
    rebuild();
  });
  const inputRows = {};
  for (const name of ['x', 'w1', 'b1', 'w2', 'b2', 't']) {
    const input = el('input', { type: 'number', step: 'any', value: state[name], 'aria-label': `input ${name}`, 'data-input': name });
    input.addEventListener('change', () => onInput(name, input));
    inputRows[name] = el('label', { class: 'control' }, el('span', { class: 'control-label' }, name), input);
  }
  const inputs = el('div', { class: 'inputs' }, ...Object.values(inputRows));
  const forwardButton = button('Step forward', () => go(1), { name: 'forward' });
  const backwardButton = button('Step backward', () => go(1), { name: 'backward' });
  const allButton = button('Show all', () => go(Infinity), { secondary: true, name: 'all' });
  const undoButton = button('Back one step', () => go(-1), { secondary: true, name: 'undo' });
  const resetButton = button('Reset', () => go(-Infinity), { secondary: true, name: 'reset' });
  const stepText = el('p', { class: 'readout', 'data-role': 'step', 'aria-live': 'polite' });
  const explain = el('div', { class: 'formula', 'data-role': 'explain' });
  const picture = el('div', { class: 'graph-holder', 'data-role': 'graph' });
  const checkTable = el('table', { class: 'info', 'data-role': 'check' });
  const epsSelect = select('finite-difference ε', params.eps.values, state.eps, (value) => { setState({ eps: value }); computeChecks(); render(); });

  const graphPanel = el('div', { class: 'panel' }, title, picture);
  root.append(
    graphPanel,
    el('div', { class: 'panel controls' }, exampleSelect, inputs, problem,
      el('div', { class: 'buttons' }, forwardButton, backwardButton, undoButton, allButton, resetButton),
      stepText, explain),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Check: backprop against a central finite difference'), epsSelect, checkTable,
      el('p', { class: 'blurb' }, 'Backprop: the engine\'s gradient, shown once the backward pass reaches it. ' +
        'Numerical: (f(v + ε) − f(v − ε)) / 2ε, both values from the engine; ✓ when they agree to 1%. The lecture\'s ε = 1e-6 ' +
        'assumes double precision; the engine computes in float32 (about 7 digits), so at 1e-6 rounding dominates and the ' +
        'two differ by about 1%: try it. At a ReLU kink (z = 0) the two disagree: the function has no derivative there.')),
  );

  // Vertical (top to bottom) when the demo is too narrow to show the columns side by side at
  // a readable size; measured on the demo's body, which the graph's own size does not change.
  const wantVertical = () => root.clientWidth < layout(graph.nodes, order.consumers).columns * (BOX.width + BOX.gapX) * 0.85;
  const observer = new ResizeObserver(() => {
    if (!graph) return;
    const wanted = wantVertical();
    if (wanted !== vertical) {
      vertical = wanted;
      render();
    }
  });
  observer.observe(root);

  function values() {
    return EXAMPLES[state.example].inputs.map((name) => state[name]);
  }

  function onInput(name, input) {
    const { value, problem: why } = parseParam(params[name], input.value);
    if (why) {
      problem.hidden = false;
      problem.textContent = `${name} = "${input.value}" ignored: ${why}; ${name} stays ${state[name]}.`;
      input.value = state[name];
      return;
    }
    problem.hidden = true;
    setState({ [name]: value });
    rebuild();
  }

  /** Asks the engine for the example at the current inputs; the step stays (within range). */
  function rebuild() {
    graph = engine.workedExample(state.example, values());
    order = revealOrder(graph.nodes);
    const total = order.forward.length + order.backward.length;
    if (state.step > total) setState({ step: total });
    for (const [name, row] of Object.entries(inputRows)) row.hidden = !EXAMPLES[state.example].inputs.includes(name);
    title.textContent = EXAMPLES[state.example].title;
    vertical = wantVertical();
    computeChecks();
    render();
  }

  /** Central differences of the output with respect to each input, every value from the engine. */
  function computeChecks() {
    const eps = Number(state.eps);
    const base = values();
    const output = (v) => engine.workedExample(state.example, v).nodes.at(-1).value;
    const names = EXAMPLES[state.example].inputs;
    checks = graph.nodes.filter((n) => isLeaf(n)).map((n) => {
      const k = names.indexOf(shortName(n));
      if (!n.hasGrad || k < 0) return { node: n, numerical: null };
      const up = base.slice();
      const down = base.slice();
      up[k] = Math.fround(base[k] + eps);
      down[k] = Math.fround(base[k] - eps);
      // The engine sees float32 inputs: divide by the step it really got.
      return { node: n, numerical: (output(up) - output(down)) / (up[k] - down[k]) };
    });
  }

  function go(delta) {
    const total = order.forward.length + order.backward.length;
    const step = Math.max(0, Math.min(total, state.step + delta));
    setState({ step });
    render();
  }

  /** Which values and gradients are visible at the current step, and what the step did. */
  function visible() {
    const forwardDone = Math.min(state.step, order.forward.length);
    const backwardDone = Math.max(0, state.step - order.forward.length);
    const shown = new Set(graph.nodes.filter(isLeaf).map((n) => n.id));
    order.forward.slice(0, forwardDone).forEach((id) => shown.add(id));
    const grads = new Set(order.backward.slice(0, backwardDone));
    let current = null;
    let phase = 'start';
    if (backwardDone > 0) { current = order.backward[backwardDone - 1]; phase = 'backward'; }
    else if (forwardDone > 0) { current = order.forward[forwardDone - 1]; phase = 'forward'; }
    return { shown, grads, current, phase, forwardDone, backwardDone };
  }

  function render() {
    const view = visible();
    const total = order.forward.length + order.backward.length;
    forwardButton.disabled = view.forwardDone === order.forward.length;
    // Backward needs every forward value: it starts once the forward pass is complete.
    backwardButton.disabled = view.forwardDone < order.forward.length || state.step === total;
    backwardButton.title = view.forwardDone < order.forward.length ? 'finish the forward pass first: backward needs its values' : '';
    undoButton.disabled = resetButton.disabled = state.step === 0;
    allButton.disabled = state.step === total;
    const output = graph.nodes.at(-1);
    const out = shortName(output);
    const where = view.phase === 'start' ? 'Inputs set; nothing computed yet.'
      : view.phase === 'forward' ? `Forward pass: node ${view.forwardDone} of ${order.forward.length}.`
        : `Backward pass: gradient ${view.backwardDone} of ${order.backward.length}.`;
    stepText.textContent = `Step ${state.step} of ${total}. ${where}`;
    explain.textContent = view.current === null ? `Step forward to compute ${out} from the inputs, one node at a time.`
      : view.phase === 'forward' ? forwardText(graph.nodes[view.current]) : backwardText(graph.nodes[view.current], out);
    drawGraph(view, out);
    renderChecks(view, out);
  }

  function forwardText(node) {
    const given = node.inputs.map((i) => `${shortName(graph.nodes[i])} = ${short(graph.nodes[i].value)}`).join(', ');
    return `${node.label}   with ${given}   →   ${shortName(node)} = ${short(node.value)}`;
  }

  function backwardText(node, out) {
    const name = shortName(node);
    if (node === graph.nodes.at(-1)) return `∂${out}/∂${out} = 1: the backward pass starts at the output.`;
    const named = Object.fromEntries(graph.nodes.map((n) => [shortName(n), n.value]));
    const terms = order.consumers[node.id].filter((c) => graph.nodes[c].hasGrad).map((c) => {
      const consumer = graph.nodes[c];
      const local = LOCAL[graph.name]?.[shortName(consumer)]?.[name];
      return {
        symbol: `∂${out}/∂${shortName(consumer)} · ${local ? local[0] : `∂${shortName(consumer)}/∂${name}`}`,
        number: local ? `${signed(consumer.grad)} · ${signed(local[1](named))}` : signed(consumer.grad),
      };
    });
    const sum = terms.length > 1 ? `   (${name} feeds ${terms.length} nodes: their contributions add up, +=)` : '';
    return `∂${out}/∂${name} = ${terms.map((t) => t.symbol).join(' + ')} = ${terms.map((t) => t.number).join(' + ')} = ` +
      `${short(node.grad)}${sum}`;
  }

  function drawGraph(view, out) {
    const { column, row, columns, rows } = layout(graph.nodes, order.consumers);
    const place = (id) => {
      const [c, r] = vertical ? [row[id], column[id]] : [column[id], row[id]];
      return { x: 4 + c * (BOX.width + BOX.gapX), y: 4 + r * (BOX.height + BOX.gapY) };
    };
    const [across, down] = vertical ? [rows, columns] : [columns, rows];
    const width = 8 + across * BOX.width + (across - 1) * BOX.gapX;
    const height = 8 + down * BOX.height + (down - 1) * BOX.gapY;
    const picture2 = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: vertical ? 'vertical' : '',
      'aria-label': `computation graph of ${graph.name}: ${graph.nodes.map((n) => n.label).join('; ')}` });
    // Edges first (under the boxes), from the side of the input box to the side of its consumer.
    for (const node of graph.nodes) {
      for (const i of node.inputs) {
        const a = place(i);
        const b = place(node.id);
        const from = vertical ? { x: a.x + BOX.width / 2, y: a.y + BOX.height } : { x: a.x + BOX.width, y: a.y + BOX.height / 2 };
        const to = vertical ? { x: b.x + BOX.width / 2, y: b.y } : { x: b.x, y: b.y + BOX.height / 2 };
        const active = (view.phase === 'forward' && view.current === node.id) || (view.phase === 'backward' && view.current === i);
        const colour = active ? (view.phase === 'forward' ? '#2f6fde' : '#c2410c') : '#9aa4b5';
        picture2.append(svg('line', { x1: from.x, y1: from.y, x2: to.x, y2: to.y, stroke: colour, 'stroke-width': active ? 2.5 : 1.5 }));
        const angle = Math.atan2(to.y - from.y, to.x - from.x);
        const head = [[0, 0], [-8, -4], [-8, 4]].map(([dx, dy]) =>
          `${to.x + dx * Math.cos(angle) - dy * Math.sin(angle)},${to.y + dx * Math.sin(angle) + dy * Math.cos(angle)}`);
        picture2.append(svg('polygon', { points: head.join(' '), fill: colour }));
      }
    }
    for (const node of graph.nodes) {
      const { x, y } = place(node.id);
      const current = node.id === view.current;
      const group = svg('g', { 'data-node': shortName(node), class: current ? 'current' : '' });
      group.append(svg('rect', { x, y, width: BOX.width, height: BOX.height, rx: 7,
        fill: current ? '#fff4e0' : isLeaf(node) ? '#f4f6fa' : '#fff',
        stroke: current ? '#e08a00' : view.shown.has(node.id) ? '#2f6fde' : '#c5ccd8', 'stroke-width': current ? 2.5 : 1.5 }));
      group.append(svg('text', { x: x + 8, y: y + 17, 'font-weight': 600, 'font-size': 12.5, fill: '#1d2430' }, node.label));
      const value = view.shown.has(node.id) ? short(node.value) : '?';
      group.append(svg('text', { x: x + 8, y: y + 34, 'font-size': 12, fill: '#2f6fde', 'data-role': 'value' }, `value ${value}`));
      const grad = !node.hasGrad ? 'constant' : view.grads.has(node.id) ? short(node.grad) : '?';
      group.append(svg('text', { x: x + 8, y: y + 50, 'font-size': 12, fill: '#c2410c', 'data-role': 'grad' },
        node.hasGrad ? `∂${out}/∂${shortName(node)} ${grad}` : grad));
      group.append(svg('title', {}, `${node.label} (engine op "${node.op}")`));
      picture2.append(group);
    }
    picture.replaceChildren(picture2);
    graphPanel.classList.toggle('wide', !vertical);
  }

  function renderChecks(view, out) {
    const rows = checks.map(({ node, numerical }) => {
      const name = shortName(node);
      if (numerical === null) return el('tr', { 'data-input': name }, el('td', {}, name), el('td', { colspan: 3 }, 'constant: no gradient'));
      const revealed = view.grads.has(node.id);
      const error = Math.abs(node.grad - numerical) / Math.max(1e-3, Math.abs(node.grad) + Math.abs(numerical));
      const verdict = !revealed ? el('td', {}, '') : el('td', { class: error < 1e-2 ? 'ok' : 'bad', 'data-role': 'verdict',
        title: error < 1e-2 ? 'backprop and the finite difference agree' : 'backprop and the finite difference differ' },
      `${error === 0 ? '0' : error.toExponential(0)} ${error < 1e-2 ? '✓' : '✗'}`);
      return el('tr', { 'data-input': name }, el('td', {}, `∂${out}/∂${name}`),
        el('td', { 'data-role': 'backprop' }, revealed ? short(node.grad) : '?'),
        el('td', { 'data-role': 'numerical' }, short(numerical)), verdict);
    });
    checkTable.replaceChildren(
      el('tr', {}, el('th', {}, 'gradient'), el('th', {}, 'backprop'), el('th', {}, `numerical`), el('th', {}, 'rel. diff')),
      ...rows);
  }

  rebuild();
  return { destroy() { observer.disconnect(); } };
}
