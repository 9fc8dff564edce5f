// The model editor: one row per layer with its type, its settings and, from the engine's summary,
// its output shape, parameters and multiply-adds; buttons move a layer up or down or remove it, and
// a row at the end adds one. Every edit calls onChange(layerListText) in web/state.js's layer
// format; the engine's answer comes back through setSummary (or setError for an invalid model).
// Rows are numbered from 1, as in the layer table and in error messages ("... at layer 3 (conv2d)"):
// the row an error names is marked.
import { el, formatInteger } from './dom.js';
import { LAYER_TYPES, parseLayers, formatLayers } from '../state.js';

const DEFAULTS = { conv: { filters: 8, kernel: 3, stride: 1, padding: 1 }, maxpool: { size: 2, stride: 2 },
  avgpool: { size: 2, stride: 2 }, linear: { units: 64 }, dropout: { p: 0.5 } };

export class LayerEditor {
  constructor(container, { onChange }) {
    this.container = container;
    this.onChange = onChange;
    this.layers = [];
    this.summary = null;
    this.list = el('ol', { class: 'layer-editor-list' });
    this.error = el('p', { class: 'inline-error', role: 'alert', hidden: true });
    this.addType = el('select', { 'aria-label': 'Type of the layer to add' },
      ...Object.keys(LAYER_TYPES).map((t) => el('option', { value: t }, t)));
    const addButton = el('button', { type: 'button', class: 'button secondary small' }, 'Add layer');
    addButton.addEventListener('click', () => {
      const type = this.addType.value;
      // A new layer goes before the last linear (the classifier) so the model stays valid.
      const at = this.layers.length && this.layers[this.layers.length - 1].type === 'linear' ? this.layers.length - 1 : this.layers.length;
      this.layers.splice(at, 0, { type, ...(DEFAULTS[type] ?? {}) });
      this.commit();
    });
    container.replaceChildren(this.list, this.error, el('div', { class: 'layer-editor-add' }, this.addType, addButton));
  }

  /** text: the state's layer list. Rebuilds the rows unless it is what the editor just sent. */
  render(text) {
    if (text === this.sent) return;
    const { layers, error } = parseLayers(text);
    if (error) return;
    this.layers = layers;
    this.summary = null;
    this.draw();
  }

  /** The engine's summary for the current list (index i describes row i). */
  setSummary(summary) {
    this.summary = summary;
    this.errorRow = null;
    this.error.hidden = true;
    this.draw();
  }

  setError(message) {
    this.error.hidden = !message;
    this.error.textContent = message ?? '';
    const named = /\blayer (\d+)\b/.exec(message ?? '');
    this.errorRow = named ? Number(named[1]) - 1 : null;
    this.summary = null;
    this.draw();
  }

  commit() {
    this.sent = formatLayers(this.layers);
    this.draw();
    this.onChange(this.sent);
  }

  draw() {
    const rows = this.layers.map((layer, index) => this.row(layer, index));
    this.list.replaceChildren(...rows);
  }

  row(layer, index) {
    const typeSelect = el('select', { 'aria-label': `Layer ${index + 1} type` },
      ...Object.keys(LAYER_TYPES).map((t) => el('option', { value: t, selected: t === layer.type }, t)));
    typeSelect.addEventListener('change', () => {
      this.layers[index] = { type: typeSelect.value, ...(DEFAULTS[typeSelect.value] ?? {}) };
      this.commit();
    });
    const fields = LAYER_TYPES[layer.type].map((param) => {
      const input = el('input', {
        type: 'number', min: String(param.min), max: String(param.max), step: param.type === 'int' ? '1' : '0.05',
        value: String(layer[param.name]), 'aria-label': `Layer ${index + 1} ${param.name}`, class: 'layer-param',
      });
      input.addEventListener('change', () => {
        const value = Number(input.value);
        const ok = Number.isFinite(value) && value >= param.min && value <= param.max && (param.type !== 'int' || Number.isInteger(value));
        input.setAttribute('aria-invalid', String(!ok));
        input.title = ok ? '' : `${param.name}: ${param.type === 'int' ? 'an integer' : 'a number'} in [${param.min}, ${param.max}]`;
        if (!ok) return;
        this.layers[index] = { ...layer, [param.name]: value };
        this.commit();
      });
      return el('label', { class: 'layer-field' }, el('span', {}, param.name), input);
    });
    const move = (delta, label, text) => {
      const button = el('button', { type: 'button', class: 'icon-button', 'aria-label': `${label} layer ${index + 1}`, title: label }, text);
      const target = index + delta;
      button.disabled = delta !== 0 && (target < 0 || target >= this.layers.length);
      button.addEventListener('click', () => {
        if (delta === 0) this.layers.splice(index, 1);
        else [this.layers[index], this.layers[target]] = [this.layers[target], this.layers[index]];
        this.commit();
      });
      return button;
    };
    const removeButton = move(0, 'Remove', '✕');
    removeButton.disabled = this.layers.length <= 1;
    const info = this.summary?.[index];
    const facts = info
      ? `${info.name} → ${info.outputShape.join('×')} · ${formatInteger(info.parameters)} params · ${formatInteger(info.multiplyAdds)} MACs`
      : '';
    const faulty = index === this.errorRow;
    return el('li', { class: `layer-editor-row${faulty ? ' has-error' : ''}`, 'aria-invalid': faulty ? 'true' : null },
      el('div', { class: 'layer-editor-line' }, el('span', { class: 'layer-index', 'aria-hidden': 'true' }, String(index + 1)),
        typeSelect, ...fields,
        el('span', { class: 'layer-editor-buttons' }, move(-1, 'Move up', '↑'), move(1, 'Move down', '↓'), removeButton)),
      el('div', { class: 'layer-editor-facts' }, facts));
  }
}
