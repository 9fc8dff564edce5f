// Model summary table: one row per layer (numbered from 1) with its output shape, learnable
// parameters and multiply-adds per example, and a totals row. A block (residual, concat) is one
// row holding its totals, with a button that shows its inner layers below it, indented and tagged
// with the path they are on ('layers', 'shortcut', 'branches.0', ...; numbered 4.1, 4.2, ...).
// Above it an error area shows why a configuration is invalid (e.g. "kernel 11 larger than input
// 9x9 at layer 3 (conv2d)"), as text, announced to screen readers.
import { el, formatInteger } from './dom.js';

/** A summary row's inner rows with their depth and number, depth first: [{layer, depth, number}]. */
export function innerRows(layer, number, depth = 1) {
  const rows = [];
  (layer.inner ?? []).forEach((inner, k) => {
    const innerNumber = `${number}.${k + 1}`;
    rows.push({ layer: inner, depth, number: innerNumber });
    rows.push(...innerRows(inner, innerNumber, depth + 1));
  });
  return rows;
}

export class LayerTableView {
  constructor(container) {
    this.container = container;
    this.expanded = new Set();  // names of the blocks whose inner rows are shown (kept across renders)
    this.error = el('p', { class: 'inline-error', role: 'alert', hidden: true });
    this.table = el('table', { class: 'data-table layer-table' });
    container.replaceChildren(this.error, el('div', { class: 'table-scroll' }, this.table));
  }

  /**
   * summary: [{name, type, outputShape, parameters, multiplyAdds, receptiveField, detail, inner?, branch?}].
   * Layers are numbered from 1, like the editor's rows and the error messages. Type and detail sit
   * under the name, so five narrow columns fit a phone (390 px) without scrolling.
   */
  render(summary) {
    this.showError(null);
    const head = el('thead', {}, el('tr', {},
      el('th', { scope: 'col', class: 'num index' }, '#'), el('th', { scope: 'col' }, 'Layer'),
      el('th', { scope: 'col' }, 'Output'),
      el('th', { scope: 'col', class: 'num' }, el('abbr', { title: 'learnable parameters' }, 'Params')),
      el('th', { scope: 'col', class: 'num' }, el('abbr', { title: 'multiply-adds of the forward pass' }, 'MACs'))));
    const body = el('tbody');
    let parameters = 0, multiplyAdds = 0;
    summary.forEach((layer, index) => {
      parameters += layer.parameters;
      multiplyAdds += layer.multiplyAdds;
      const inner = innerRows(layer, String(index + 1));
      const shown = this.expanded.has(layer.name);
      const innerNodes = inner.map(({ layer: row, depth, number }) => this.row(row, number, { depth, hidden: !shown }));
      let toggle = null;
      if (inner.length) {
        toggle = el('button', { type: 'button', class: 'icon-button block-toggle', 'aria-expanded': String(shown) },
          shown ? '▾' : '▸');
        toggle.setAttribute('aria-label', `Layers inside ${layer.name} (${layer.inner.length})`);
        toggle.addEventListener('click', () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          if (open) this.expanded.add(layer.name);
          else this.expanded.delete(layer.name);
          toggle.setAttribute('aria-expanded', String(open));
          toggle.textContent = open ? '▾' : '▸';
          for (const node of innerNodes) node.hidden = !open;
        });
      }
      body.append(this.row(layer, String(index + 1), { toggle }), ...innerNodes);
    });
    const foot = el('tfoot', {}, el('tr', {},
      el('th', { scope: 'row', colspan: '3' }, `Total (${summary.length} layers)`),
      el('td', { class: 'num' }, formatInteger(parameters)),
      el('td', { class: 'num' }, formatInteger(multiplyAdds))));
    this.table.replaceChildren(
      el('caption', {}, 'Per example: learnable parameters (Params) and multiply-adds of the forward pass (MACs).'
        + (summary.some((l) => l.inner?.length) ? ' A block’s row holds the totals of the layers inside it.' : '')),
      head, body, foot);
  }

  /** One row: a layer of the model (depth 0) or of a block (depth 1, 2: indented, with its path). */
  row(layer, number, { depth = 0, hidden = false, toggle = null } = {}) {
    const name = el('span', { class: 'layer-name' }, toggle, String(layer.name));
    const type = el('span', { class: 'layer-type' }, depth ? `${layer.branch} · ` : '', String(layer.type),
      layer.detail ? ` · ${layer.detail}` : '');
    return el('tr', { class: depth ? `inner-row depth-${Math.min(depth, 3)}` : null, hidden, 'data-layer': layer.name },
      el('td', { class: 'num index' }, number),
      el('th', { scope: 'row' }, name, type),
      el('td', { class: 'shape' }, layer.outputShape.join('×')),
      el('td', { class: 'num' }, formatInteger(layer.parameters)),
      el('td', { class: 'num' }, formatInteger(layer.multiplyAdds)));
  }

  /** Show (or with null, hide) an error for an invalid configuration; the table stays as it was. */
  showError(message) {
    this.error.hidden = !message;
    this.error.textContent = message ? String(message) : '';
    this.table.classList.toggle('stale', Boolean(message));
  }
}
