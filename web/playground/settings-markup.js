// The settings' form controls, built from the schema (settings.js SCHEMA): each
// `<div data-setting="FIELD">` in index.html becomes the field's block (its label, its text box or
// menu, its help and its error line), so a label, a limit or a menu's choices are written once.
// A menu whose values are the engine's (optimizers, losses, schedules) shows the setting alone and
// waits, disabled, until the engine's catalog fills it (fillMenus).
import { el } from '../views/dom.js';
import { SCHEMA, controlId, enumValues } from './settings.js';

/** Builds every `[data-setting]` placeholder's field block; throws on a placeholder the schema has no control for. */
export function buildSettingsFields(root = document) {
  for (const slot of root.querySelectorAll('[data-setting]')) {
    const field = slot.dataset.setting;
    const spec = Object.hasOwn(SCHEMA, field) ? SCHEMA[field] : null;
    if (!spec?.control) throw new Error(`index.html asks for a control of "${field}", which settings.js SCHEMA does not describe`);
    slot.replaceWith(fieldBlock(field, spec));
  }
}

function fieldBlock(field, spec) {
  const id = controlId(field);
  const described = spec.describedBy
    ?? [spec.help || spec.min !== undefined ? `${id}-help` : '', `${id}-error`].filter(Boolean).join(' ');
  let control;
  if (spec.control === 'select') {
    control = el('select', { id, name: field, 'aria-describedby': described });
    fillMenu(control, field, null);
  } else {
    control = el('input', { type: 'text', id, name: field, inputmode: spec.type === 'int' ? 'numeric' : 'decimal', autocomplete: 'off',
      'aria-describedby': described });
  }
  if (spec.slider === 'log') {
    const slider = el('input', { type: 'range', id: `${id}-slider`, min: String(Math.log10(spec.min)), max: String(Math.log10(spec.max)),
      step: '0.05', 'aria-label': `${spec.label} (log scale)`, 'aria-describedby': `${id}-help` });
    control = el('div', { class: 'range-pair' }, slider, control);
  }
  const block = el('div', { class: 'field', 'data-control': field },
    el('label', { for: id }, spec.label), control,
    ...(spec.describedBy ? [] : [  // a help text of its own, and its error line
      described.includes(`${id}-help`) ? el('p', { id: `${id}-help`, class: 'help' }) : null,
      el('p', { id: `${id}-error`, class: 'field-error', hidden: true })]));
  if (spec.kind) block.dataset.kind = spec.kind;
  return block;
}

/**
 * The menu of an enum field: its values with their titles. Without the catalog, a menu of the
 * engine's values holds only the current setting (`current`) and is disabled.
 */
function fillMenu(select, field, catalog, current = SCHEMA[field].default) {
  const spec = SCHEMA[field];
  const values = enumValues(field, catalog);
  const option = (value) => el('option', { value }, spec.titles?.[value] ?? value);
  const shown = values ?? [current];
  if (!spec.groups) {
    select.replaceChildren(...shown.map(option));
  } else {  // <optgroup>s in the order their first value comes
    const groups = new Map();
    for (const value of shown) {
      const label = spec.groups[value];
      if (!groups.has(label)) groups.set(label, el('optgroup', { label }));
      groups.get(label).append(option(value));
    }
    select.replaceChildren(...groups.values());
  }
  select.disabled = !values;
}

/** Fills the menus of the engine's lists from its catalog (once it is known), keeping each one's value. */
export function fillMenus(catalog, settings, root = document) {
  for (const [field, spec] of Object.entries(SCHEMA)) {
    if (spec.control !== 'select' || !spec.catalog) continue;
    const select = root.getElementById(controlId(field));
    if (!select) continue;
    const offered = [...select.options].map((o) => o.value).join();
    const values = enumValues(field, catalog);
    if (values && offered === values.join() && !select.disabled) continue;
    fillMenu(select, field, catalog, settings[field]);
    select.value = settings[field];
  }
}
