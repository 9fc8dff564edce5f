// The layer editor: one row per layer of the model's spec, with its type, its main fields (limits
// from the engine's layer catalog) and, from the engine's summary, its output shape, parameters
// and multiply-adds. It offers only edits that can work: a layer that needs an image input (conv,
// pools, lcn, instance norm) cannot be chosen where the input is a vector, and "Add layer" puts a
// new layer where it fits (an image layer after the last image-shaped output, any other before
// the classifier). What the engine still refuses is shown on the row and field it names.
// Rows are numbered from 1, as in the layer table; every edit calls onChange(layers).
// A block (residual, concat) is one row with its inner layers listed under it by path, each with
// its summary facts; a problem the engine locates inside a block (error.path) is shown at that
// inner layer. Layers can be selected and wrapped in a residual block (with a 1x1 projection
// shortcut when they change the shape), and a residual block unwrapped again.
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
    this.selected = new Set();  // indices of the rows chosen to wrap
    this.wrapButton = el('button', { type: 'button', class: 'button secondary small' }, 'Wrap selected in a residual block');
    this.wrapButton.addEventListener('click', () => this.wrapSelected());
    this.wrapNote = el('p', { class: 'help', 'aria-live': 'polite' });
    container.replaceChildren(this.list, this.message, el('div', { class: 'layer-editor-add' }, this.addType, this.addButton), this.addNote,
      el('div', { class: 'layer-editor-add' }, this.wrapButton), this.wrapNote, this.limits);
  }

  /** {catalog, layers, input, summary, error}: what the model panel knows (error: located, or null). */
  render({ catalog, layers, input, summary, error }) {
    this.fields = layerSyntax(catalog).fields;  // what each type's text writes: the fields a row shows
    this.blocks = layerSyntax(catalog).blocks;
    this.fullCatalog = catalog;
    this.catalog = catalog.filter((t) => Object.hasOwn(this.fields, t.type));  // the types a row's menu offers
    if (JSON.stringify(layers ?? []) !== JSON.stringify(this.layers)) this.selected.clear();  // another model: nothing chosen
    this.layers = layers ?? [];
    this.input = input ?? [];
    this.summary = summary;
    this.error = error;
    this.list.replaceChildren(...this.layers.map((layer, index) => this.row(layer, index)));
    this.message.hidden = !error || error.layer === null || error.layer >= this.layers.length;
    this.message.textContent = error ? describeError(error, this.layers) : '';
    this.fillAddMenu();
    this.fillWrap();
    this.limits.textContent = limitsText(this.catalog, this.fields);
  }

  /** The chosen rows, if they are consecutive and none is a block: [first, last]; else null. */
  selection() {
    const chosen = [...this.selected].filter((i) => i < this.layers.length).sort((a, b) => a - b);
    if (!chosen.length || chosen.at(-1) - chosen[0] !== chosen.length - 1) return null;
    return chosen.some((i) => this.isBlock(this.layers[i])) ? null : [chosen[0], chosen.at(-1)];
  }

  isBlock(layer) {
    return Object.hasOwn(this.blocks ?? {}, layer?.type);
  }

  fillWrap() {
    const range = this.selection();
    this.wrapButton.disabled = !range || !Object.hasOwn(this.blocks ?? {}, 'residual');
    this.wrapNote.textContent = range
      ? `Wraps layer${range[0] === range[1] ? ` ${range[0] + 1}` : `s ${range[0] + 1} to ${range[1] + 1}`} in a residual block: output = layers(x) + x${this.projection(range) ? ', with a 1×1 conv2d shortcut where they change the shape' : ''}.`
      : this.selected.size ? 'Choose consecutive layers (not blocks) to wrap.' : 'Select layers (the boxes on the rows) to wrap them in a residual block.';
  }

  /** The shortcut that makes a residual around rows [first, last] add up: null (the identity) or a 1x1 conv2d. */
  projection([first, last]) {
    const before = first === 0 ? this.input : this.summary?.[first - 1]?.outputShape;
    const after = this.summary?.[last]?.outputShape;
    if (!before || !after || JSON.stringify(before) === JSON.stringify(after)) return null;
    if (before.length !== 3 || after.length !== 3 || before[1] % after[1] !== 0) return null;  // the engine will say why
    const stride = before[1] / after[1];
    return [{ type: 'conv2d', filters: after[0], kernel: 1, ...(stride > 1 ? { stride } : {}) }];
  }

  wrapSelected() {
    const range = this.selection();
    if (!range) return;
    const [first, last] = range;
    const shortcut = this.projection(range);
    const block = { type: 'residual', layers: this.layers.slice(first, last + 1), ...(shortcut ? { shortcut } : {}) };
    this.selected.clear();
    this.commit([...this.layers.slice(0, first), block, ...this.layers.slice(last + 1)]);
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

  /** A block's row: its type, its inner layers by path (facts from the summary), Unwrap for a residual. */
  blockRow(layer, index) {
    const faulty = this.error && this.error.layer === index;
    const steps = faulty ? pathSteps(this.error.path) : [];
    const innerSummary = this.error && this.error.layer !== null && this.error.layer <= index ? [] : this.summary?.[index]?.inner ?? [];
    const { lists, branches } = this.blocks[layer.type];
    const paths = branches ? (layer[branches] ?? []).map((list, k) => [`${branches}.${k}`, list]) : lists.map((name) => [name, layer[name] ?? []]);
    const pathItems = paths.map(([branch, list]) => {
      const facts = innerSummary.filter((row) => row.branch === branch);
      const items = list.map((inner, k) => {
        const here = steps.length > 0 && steps[0].list === branch && steps[0].index === k;  // deeper: this inner block
        const row = facts[k];
        const text = `${k + 1}. ${inner.type}${row?.detail ? ` · ${row.detail}` : ''}${row ? ` → ${row.outputShape.join('×')}` : ''}`;
        return el('li', { class: `layer-editor-inner-row${here ? ' has-error' : ''}`, 'aria-invalid': here ? 'true' : null },
          text, here ? el('span', { class: 'field-error layer-error' },
            ` ${steps.length > 1 ? `${this.error.path.split(' › ').slice(2).join(' › ')}: ` : ''}${innerProblem(this.error)}`) : null);
      });
      const empty = list.length ? null : el('li', { class: 'layer-editor-inner-row' }, branch === 'shortcut' ? 'the identity: x itself' : 'the input itself');
      return el('li', { class: 'layer-editor-path' }, el('span', { class: 'layer-editor-path-name' }, branch),
        el('ol', { class: 'layer-editor-inner', 'aria-label': `${layer.type} ${index + 1}: ${branch}` }, ...items, empty));
    });
    const buttons = this.rowButtons(index);
    if (layer.type === 'residual') {
      const unwrap = el('button', { type: 'button', class: 'button secondary small', 'aria-label': `Unwrap layer ${index + 1}` }, 'Unwrap');
      unwrap.title = 'Replace the block by its layers (the shortcut goes)';
      unwrap.addEventListener('click', () => this.commit([...this.layers.slice(0, index), ...(layer.layers ?? []), ...this.layers.slice(index + 1)]));
      buttons.prepend(unwrap);
    }
    const summary = !this.error || this.error.layer === null || this.error.layer > index ? this.summary?.[index] : null;
    const facts = summary
      ? `${summary.name} → ${summary.outputShape.join('×')} · ${formatInteger(summary.parameters)} params · ${formatInteger(summary.multiplyAdds)} MACs (${summary.detail})`
      : '';
    const blockProblem = faulty && !steps.length;
    return el('li', { class: `layer-editor-row layer-editor-block${faulty ? ' has-error' : ''}`, 'aria-invalid': faulty ? 'true' : null },
      el('div', { class: 'layer-editor-line' }, el('span', { class: 'layer-index', 'aria-hidden': 'true' }, String(index + 1)),
        el('span', { class: 'layer-editor-block-type' }, layer.type), buttons),
      el('ul', { class: 'layer-editor-paths' }, ...pathItems),
      blockProblem ? el('p', { class: 'field-error layer-error' }, describeError(this.error, this.layers)) : el('div', { class: 'layer-editor-facts' }, facts));
  }

  /** Move up, Move down, Remove for row `index`. */
  rowButtons(index) {
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
    return el('span', { class: 'layer-editor-buttons' }, move(-1, 'Move up', '↑'), move(1, 'Move down', '↓'), removeButton);
  }

  row(layer, index) {
    if (this.isBlock(layer)) return this.blockRow(layer, index);
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
    const pick = el('input', { type: 'checkbox', class: 'layer-pick', 'aria-label': `Select layer ${index + 1}`, checked: this.selected.has(index) });
    pick.addEventListener('change', () => {
      if (pick.checked) this.selected.add(index);
      else this.selected.delete(index);
      this.fillWrap();
    });
    const summary = !this.error || this.error.layer === null || this.error.layer > index ? this.summary?.[index] : null;
    const facts = summary
      ? `${summary.name} → ${summary.outputShape.join('×')} · ${formatInteger(summary.parameters)} params · ${formatInteger(summary.multiplyAdds)} MACs`
      : '';
    return el('li', { class: `layer-editor-row${faulty ? ' has-error' : ''}`, 'aria-invalid': faulty ? 'true' : null },
      el('div', { class: 'layer-editor-line' }, pick, el('span', { class: 'layer-index', 'aria-hidden': 'true' }, String(index + 1)),
        typeSelect, ...fields, this.rowButtons(index)),
      faulty ? el('p', { class: 'field-error layer-error' }, describeError(this.error, this.layers)) : el('div', { class: 'layer-editor-facts' }, facts));
  }
}

/**
 * A block's error path ("layers › 1 (conv2d)", "branches › 2 › 0 (conv2d)", the text's "layers › 1")
 * as steps into it: [{list: 'layers' | 'shortcut' | 'branches.2', index}], outermost first.
 */
export function pathSteps(path) {
  if (!path) return [];
  const parts = path.split(' › ');
  const steps = [];
  for (let i = 0; i < parts.length; i++) {
    let list = parts[i];
    if (list === 'branches') list = `branches.${parseInt(parts[++i], 10)}`;
    const index = parseInt(parts[++i], 10);
    if (!Number.isInteger(index)) break;  // "layers" alone: the list as a whole
    steps.push({ list, index });
  }
  return steps;
}

/** The problem without the way into the block the engine starts it with ("1 (conv2d): kernel 7 ..." -> "kernel 7 ..."). */
export function innerProblem(error) {
  const problem = error.problem || error.message || '';
  const rest = (error.path ?? '').split(' › ').slice(1).join(' › ');
  return rest && problem.startsWith(`${rest}: `) ? problem.slice(rest.length + 2) : problem;
}

/** A located problem as the page says it: "Layer 3 (conv2d), kernel: kernel 11 larger than input 9x9". */
export function describeError(error, layers = []) {
  if (!error) return '';
  if (error.layer === null || error.layer === undefined) return error.message ?? error.problem;
  if (error.layer < 0) return `Model input${error.field && error.field !== 'input' ? `, ${error.field}` : ''}: ${error.problem || error.message}`;
  const type = layers[error.layer]?.type || error.layerType || '';
  if (error.path) return `Layer ${error.layer + 1}${type ? ` (${type})` : ''} › ${error.path}: ${innerProblem(error)}`;
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
