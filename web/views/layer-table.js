// Model summary table: one row per layer (numbered from 1) with its output shape, learnable
// parameters and multiply-adds per example, and a totals row. Above it an error area shows why a
// configuration is invalid (e.g. "kernel 11 larger than input 9x9 at layer 3 (conv2d)"), as text,
// announced to screen readers.
import { el, formatInteger } from './dom.js';

export class LayerTableView {
  constructor(container) {
    this.container = container;
    this.error = el('p', { class: 'inline-error', role: 'alert', hidden: true });
    this.table = el('table', { class: 'data-table layer-table' });
    container.replaceChildren(this.error, el('div', { class: 'table-scroll' }, this.table));
  }

  /**
   * summary: [{name, type, outputShape, parameters, multiplyAdds, receptiveField, detail}].
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
      body.append(el('tr', {},
        el('td', { class: 'num index' }, String(index + 1)),
        el('th', { scope: 'row' }, el('span', { class: 'layer-name' }, String(layer.name)),
          el('span', { class: 'layer-type' }, String(layer.type), layer.detail ? ` · ${layer.detail}` : '')),
        el('td', { class: 'shape' }, layer.outputShape.join('×')),
        el('td', { class: 'num' }, formatInteger(layer.parameters)),
        el('td', { class: 'num' }, formatInteger(layer.multiplyAdds))));
    });
    const foot = el('tfoot', {}, el('tr', {},
      el('th', { scope: 'row', colspan: '3' }, `Total (${summary.length} layers)`),
      el('td', { class: 'num' }, formatInteger(parameters)),
      el('td', { class: 'num' }, formatInteger(multiplyAdds))));
    this.table.replaceChildren(
      el('caption', {}, 'Per example: learnable parameters (Params) and multiply-adds of the forward pass (MACs).'),
      head, body, foot);
  }

  /** Show (or with null, hide) an error for an invalid configuration; the table stays as it was. */
  showError(message) {
    this.error.hidden = !message;
    this.error.textContent = message ? String(message) : '';
    this.table.classList.toggle('stale', Boolean(message));
  }
}
