// Model summary table: one row per layer with its output shape, learnable parameters and
// multiply-adds per example, and a totals row. Above it an error area shows why a configuration
// is invalid (e.g. "conv2: kernel 5 larger than input 3x3"), as text, announced to screen readers.
import { el, formatInteger } from './dom.js';

export class LayerTableView {
  constructor(container) {
    this.container = container;
    this.error = el('p', { class: 'inline-error', role: 'alert', hidden: true });
    this.table = el('table', { class: 'data-table layer-table' });
    container.replaceChildren(this.error, el('div', { class: 'table-scroll' }, this.table));
  }

  /** summary: [{name, type, outputShape, parameters, multiplyAdds, receptiveField, detail}] */
  render(summary) {
    this.showError(null);
    const head = el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Layer'), el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Output'),
      el('th', { scope: 'col', class: 'num' }, 'Parameters'), el('th', { scope: 'col', class: 'num' }, 'Multiply-adds')));
    const body = el('tbody');
    let parameters = 0, multiplyAdds = 0;
    for (const layer of summary) {
      parameters += layer.parameters;
      multiplyAdds += layer.multiplyAdds;
      body.append(el('tr', {},
        el('th', { scope: 'row' }, String(layer.name)),
        el('td', {}, String(layer.type), layer.detail ? el('span', { class: 'detail' }, ` ${layer.detail}`) : null),
        el('td', { class: 'shape' }, layer.outputShape.join('×')),
        el('td', { class: 'num' }, formatInteger(layer.parameters)),
        el('td', { class: 'num' }, formatInteger(layer.multiplyAdds))));
    }
    const foot = el('tfoot', {}, el('tr', {},
      el('th', { scope: 'row', colspan: '3' }, `Total (${summary.length} layers)`),
      el('td', { class: 'num' }, formatInteger(parameters)),
      el('td', { class: 'num' }, formatInteger(multiplyAdds))));
    this.table.replaceChildren(el('caption', {}, 'Per example; multiply-adds of the forward pass'), head, body, foot);
  }

  /** Show (or with null, hide) an error for an invalid configuration; the table stays as it was. */
  showError(message) {
    this.error.hidden = !message;
    this.error.textContent = message ? String(message) : '';
    this.table.classList.toggle('stale', Boolean(message));
  }
}
