// The settings form: every control shows the store's settings, and what a user types is checked
// at once. A value a field cannot hold stays in the field with a message beside it (the store
// records it in fieldErrors, and Start waits until it is fixed); it is never replaced by the old
// value without a word. Limits in the help texts come from the schema (settings.js); the controls
// themselves are built from it (settings-markup.js), and the engine's menus fill from its catalog.
import { SCHEMA, limitsText, validateField, dataKind, KIND_SETTINGS, DEFAULT_MODEL, controlId } from './settings.js';
import { buildSettingsFields, fillMenus } from './settings-markup.js';

/** Field -> id of its control (text fields and selects): the Dataset menu and every field the schema builds. Checkbox groups go by name. */
export const CONTROL_IDS = Object.freeze(Object.fromEntries(Object.entries(SCHEMA)
  .filter(([field, spec]) => field === 'dataset' || spec.control).map(([field]) => [field, controlId(field)])));

const byId = (id) => document.getElementById(id);

/**
 * Binds the form to the store. `onCommit(field, value)` applies a valid value (the app decides
 * what a change of data kind or model brings along).
 */
export function bindSettingsForm(store, { onCommit }) {
  buildSettingsFields();
  for (const [field, id] of Object.entries(CONTROL_IDS)) {
    const help = byId(`${id}-help`);
    if (help) help.textContent = helpText(field);
    const control = byId(id);
    const check = (commit) => {
      const checked = validateField(field, control.value, store.get().engine);
      setFieldError(store, field, checked.error ? `${SCHEMA[field].label} ${checked.error}.` : null);
      if (commit && !checked.error) onCommit(field, checked.value);
    };
    if (control.tagName === 'SELECT') {
      control.addEventListener('change', () => check(true));
    } else {
      control.addEventListener('input', () => check(false));  // the message shows while typing
      control.addEventListener('change', () => check(true));  // the value applies when the field is left (or Enter)
    }
  }
  const slider = byId('learning-rate-slider');
  slider.addEventListener('input', () => {
    const value = Number((10 ** Number(slider.value)).toPrecision(2));
    byId('learning-rate').value = String(value);
    setFieldError(store, 'learningRate', null);
    onCommit('learningRate', value);
  });
  for (const box of document.querySelectorAll('input[name="augmentation"]')) {
    box.addEventListener('change', () => {
      onCommit('augmentation', [...document.querySelectorAll('input[name="augmentation"]:checked')].map((b) => b.value));
    });
  }
  store.subscribe(['settings', 'fieldErrors'], (state) => writeForm(state));
  store.subscribe(['engine'], ({ engine, settings }) => fillMenus(engine, settings));  // the catalog's menus, once it is known
  writeForm(store.get());
}

/** The settings a change of `field` to `value` brings: another kind of data brings its model and training settings. */
export function settingsAfter(settings, field, value) {
  const next = { ...settings, [field]: value };
  if (field === 'dataset' && dataKind(value) !== dataKind(settings.dataset)) {
    const kind = dataKind(value);
    Object.assign(next, KIND_SETTINGS[kind], { model: DEFAULT_MODEL[kind], layers: '' });
  }
  if (field === 'model' && value !== 'custom') next.layers = '';
  return next;
}

export function setFieldError(store, field, message) {
  const errors = store.get().fieldErrors;
  if ((errors[field] ?? null) === message) return;
  store.update('fieldErrors', () => {
    const next = { ...errors };
    if (message) next[field] = message;
    else delete next[field];
    return next;
  });
}

function helpText(field) {
  const spec = SCHEMA[field];
  const limits = limitsText(field);
  const parts = [limits ? `${spec.type === 'int' ? 'A whole number' : 'A number'} from ${limits}` : '', spec.help ?? ''];
  const text = parts.filter(Boolean).join('; ');
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : '';
}

function writeForm({ settings, fieldErrors, engine }) {
  fillMenus(engine, settings);  // the engine slice holds its catalog's lists once it has loaded (a value may be new)
  for (const [field, id] of Object.entries(CONTROL_IDS)) {
    const control = byId(id);
    // A field holding a value the user is fixing keeps what they typed.
    if (!fieldErrors[field] && (document.activeElement !== control || control.tagName === 'SELECT')) {
      control.value = String(settings[field]);
    }
    showError(id, fieldErrors[field]);
  }
  byId('learning-rate-slider').value = String(Math.log10(settings.learningRate));
  for (const box of document.querySelectorAll('input[name="augmentation"]')) box.checked = settings.augmentation.includes(box.value);
  showError('layers', fieldErrors.layers);
  // Controls a link hides, and those for the other kind of data.
  const kind = dataKind(settings.dataset);
  document.body.dataset.dataKind = kind;
  for (const node of document.querySelectorAll('[data-control], [data-kind]')) {
    const wrongKind = node.dataset.kind !== undefined && node.dataset.kind !== kind;
    if (node.tagName === 'OPTION') {
      node.hidden = wrongKind;
      node.disabled = wrongKind;
    } else {
      node.hidden = wrongKind || settings.hidden.includes(node.dataset.control);
    }
  }
}

/** Shows (or clears) the message under a control, and marks the control invalid for screen readers. */
export function showError(id, message) {
  const control = byId(id);
  const box = byId(`${id}-error`);
  if (!box) return;
  box.hidden = !message;
  box.textContent = message ?? '';
  control?.setAttribute('aria-invalid', String(Boolean(message)));
}
