// The layer editor: one row per layer of the model's spec, with its type, its main fields (limits
// from the engine's layer catalog) and, from the engine's summary, its output shape, parameters
// and multiply-adds. It offers only edits that can work: a layer that needs an image input (conv,
// pools, lcn, instance norm) cannot be chosen where the input is a vector, and "Add layer" puts a
// new layer where it fits (an image layer after the last image-shaped output, any other before
// the classifier). What the engine still refuses is shown on the row and field it names.
// Rows are numbered from 1, as in the layer table; every edit calls onChange(layers).
import { el, formatInteger } from '../views/dom.js';
import { layerSyntax } from './model-text.js';

/**
 * What a new layer's required fields start at (the engine has no default for them); other fields
 * are left to the engine's defaults. A required field not named here starts at its minimum.
 */
const START = Object.freeze({ filters: 8, kernel: 3, units: 64 });

/** A new layer of a catalog type: its required fields set (START), the rest the engine's defaults. */
export function newLayer(info) {
  const layer = { type: info.type };
  for (const field of info.fields) if (field.required) layer[field.name] = START[field.name] ?? field.min;
  // A conv starts "same" (stride 1, padded so its output keeps its input's size), as the lectures draw it.
  if (info.fields.some((f) => f.name === 'pad') && layer.kernel) Object.assign(layer, { stride: 1, pad: (layer.kernel - 1) / 2 });
  return layer;
}

export class LayerEditor {
  /** catalog: the engine's layer types; onChange(layers) after every edit. */
  constructor(container, { onChange }) {
    this.container = container;
    this.onChange = onChange;
    this.catalog = [];
    this.layers = [];
    this.input = [];
    this.summary = null;
    this.error = null;
    this.list = el('ol', { class: 'layer-editor-list' });
    this.message = el('p', { class: 'field-error', role: 'alert', hidden: true });
    this.addType = el('select', { 'aria-label': 'Type of the layer to add' });
    this.addButton = el('button', { type: 'button', class: 'button secondary small' }, 'Add layer');
    this.addButton.addEventListener('click', () => this.add(this.addType.value));
    this.addNote = el('p', { class: 'help' });
    this.limits = el('p', { class: 'help layer-limits' });
    container.replaceChildren(this.list, this.message, el('div', { class: 'layer-editor-add' }, this.addType, this.addButton), this.addNote,
      this.limits);
  }

  /** {catalog, layers, input, summary, error}: what the model panel knows (error: located, or null). */
  render({ catalog, layers, input, summary, error }) {
    this.fields = layerSyntax(catalog).fields;  // what each type's text writes: the fields a row shows
    this.catalog = catalog.filter((t) => Object.hasOwn(this.fields, t.type));  // the types a layer list can hold
    this.layers = layers ?? [];
    this.input = input ?? [];
    this.summary = summary;
    this.error = error;
    this.list.replaceChildren(...this.layers.map((layer, index) => this.row(layer, index)));
    this.message.hidden = !error || error.layer === null || error.layer >= this.layers.length;
    this.message.textContent = error ? describeError(error, this.layers) : '';
    this.fillAddMenu();
    this.limits.textContent = limitsText(this.catalog, this.fields);
  }

  /** Whether the input of row `index` is an image [C, H, W]. */
  spatialInput(index) {
    if (index === 0) return this.input.length === 3;
    const shape = this.summary?.[index - 1]?.outputShape;
    if (shape) return shape.length === 3;
    // Without a summary (an invalid model), the layers before say it: any vector-making layer ends the images.
    return this.input.length === 3 && !this.layers.slice(0, index).some((l) => l.type === 'flatten' || l.type === 'linear');
  }

  /** Where a new layer of `type` goes: an image layer after the last image-shaped output, any other before the classifier. */
  insertionPoint(type) {
    const info = this.catalog.find((t) => t.type === type);
    if (info?.needsImage) {
      let at = 0;
      for (let i = 0; i <= this.layers.length; i++) if (this.spatialInput(i)) at = i;
      return this.spatialInput(at) ? at : -1;
    }
    const last = this.layers.length - 1;
    return last >= 0 && this.layers[last].type === 'linear' ? last : this.layers.length;
  }

  fillAddMenu() {
    const chosen = this.addType.value;
    const options = this.catalog.map((t) => {
      const fits = this.insertionPoint(t.type) >= 0;
      return el('option', { value: t.type, disabled: !fits }, fits ? t.type : `${t.type} (needs an image input)`);
    });
    this.addType.replaceChildren(...options);
    if (chosen && options.some((o) => o.value === chosen && !o.disabled)) this.addType.value = chosen;
    const type = this.addType.value;
    const at = this.insertionPoint(type);
    this.addNote.textContent = at < 0 ? '' : `Adds it as layer ${at + 1}${at < this.layers.length ? `, before ${this.layers[at].type}` : ', at the end'}.`;
    this.addType.onchange = () => this.fillAddMenu();
  }

  add(type) {
    const at = this.insertionPoint(type);
    if (at < 0) return;
    this.commit([...this.layers.slice(0, at), newLayer(this.catalog.find((t) => t.type === type)), ...this.layers.slice(at)]);
  }

  commit(layers) {
    this.onChange(layers);
  }

  row(layer, index) {
    const spatial = this.spatialInput(index);
    const typeSelect = el('select', { 'aria-label': `Layer ${index + 1} type` },
      ...this.catalog.map((t) => el('option', { value: t.type, selected: t.type === layer.type, disabled: t.needsImage && !spatial },
        t.needsImage && !spatial ? `${t.type} (needs an image input)` : t.type)));
    typeSelect.addEventListener('change', () => {
      this.commit(this.layers.map((l, i) => (i === index ? newLayer(this.catalog.find((t) => t.type === typeSelect.value)) : l)));
    });
    const info = this.catalog.find((t) => t.type === layer.type);
    const faulty = this.error && this.error.layer === index;
    const fields = (this.fields[layer.type] ?? []).map((name) => {
      const limits = info?.fields.find((f) => f.name === name);
      const value = Array.isArray(layer[name]) ? layer[name][0] : layer[name];
      const badField = faulty && this.error.field === name;
      const input = el('input', {
        type: 'text', inputmode: limits?.kind === 'number' ? 'decimal' : 'numeric', class: 'layer-param', autocomplete: 'off',
        value: value === undefined ? '' : String(value), 'aria-label': `Layer ${index + 1} ${name}`,
        placeholder: limits?.defaultText ?? '', 'aria-invalid': badField ? 'true' : 'false',
        title: limits ? `${name}: ${limits.min} to ${limits.max}${limits.defaultText ? `, default ${limits.defaultText}` : ''}` : name,
      });
      input.addEventListener('change', () => {
        const text = input.value.trim();
        const next = { ...layer };
        if (text === '' && !limits?.required) delete next[name];
        else next[name] = Number(text);  // the engine says what is wrong with it, next to this field
        if (text !== '' && !/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
          this.error = { layer: index, field: name, problem: `"${text.slice(0, 20)}" is not a number` };
          this.render(this);
          return;
        }
        this.commit(this.layers.map((l, i) => (i === index ? next : l)));
      });
      return el('label', { class: 'layer-field' }, el('span', {}, name), input);
    });
    const move = (delta, label, text) => {
      const target = index + delta;
      const button = el('button', { type: 'button', class: 'icon-button', 'aria-label': `${label} layer ${index + 1}`, title: label }, text);
      button.disabled = delta !== 0 && (target < 0 || target >= this.layers.length);
      button.addEventListener('click', () => {
        const layers = [...this.layers];
        if (delta === 0) layers.splice(index, 1);
        else [layers[index], layers[target]] = [layers[target], layers[index]];
        this.commit(layers);
      });
      return button;
    };
    const removeButton = move(0, 'Remove', '✕');
    removeButton.disabled = this.layers.length <= 1;
    const summary = !this.error || this.error.layer === null || this.error.layer > index ? this.summary?.[index] : null;
    const facts = summary
      ? `${summary.name} → ${summary.outputShape.join('×')} · ${formatInteger(summary.parameters)} params · ${formatInteger(summary.multiplyAdds)} MACs`
      : '';
    return el('li', { class: `layer-editor-row${faulty ? ' has-error' : ''}`, 'aria-invalid': faulty ? 'true' : null },
      el('div', { class: 'layer-editor-line' }, el('span', { class: 'layer-index', 'aria-hidden': 'true' }, String(index + 1)),
        typeSelect, ...fields, el('span', { class: 'layer-editor-buttons' }, move(-1, 'Move up', '↑'), move(1, 'Move down', '↓'), removeButton)),
      faulty ? el('p', { class: 'field-error layer-error' }, describeError(this.error, this.layers)) : el('div', { class: 'layer-editor-facts' }, facts));
  }
}

/** A located problem as the page says it: "Layer 3 (conv2d), kernel: kernel 11 larger than input 9x9". */
export function describeError(error, layers = []) {
  if (!error) return '';
  if (error.layer === null || error.layer === undefined) return error.message ?? error.problem;
  if (error.layer < 0) return `Model input${error.field && error.field !== 'input' ? `, ${error.field}` : ''}: ${error.problem || error.message}`;
  const type = layers[error.layer]?.type || error.layerType || '';
  return `Layer ${error.layer + 1}${type ? ` (${type})` : ''}${error.field && error.field !== 'type' ? `, ${error.field}` : ''}: ${error.problem || error.message}`;
}

/** "Limits: conv2d filters 1 to 4,096, kernel 1 to 64, ...; linear units 1 to 65,536; ..." from the engine's catalog. */
function limitsText(catalog, textFields) {
  const format = (v) => v.toLocaleString('en-US');
  const parts = catalog.filter((t) => textFields[t.type]?.length).map((t) => `${t.type} ${textFields[t.type].map((name) => {
    const f = t.fields.find((x) => x.name === name);
    return f ? `${name} ${format(f.min)} to ${format(f.max)}` : name;
  }).join(', ')}`);
  return parts.length ? `Limits (the engine's): ${parts.join('; ')}.` : '';
}
