// The page without the engine: creates every view, keeps the settings form, the state object and
// the URL hash in step, and exposes it all as `ui` for app.js (which owns the worker and enables
// the engine-driven buttons marked data-engine). Nothing here pretends to train.
import {
  SCHEMA, defaultState, parseHash, serializeState, validateField, parseLayers, presetLayers, dataKind,
  KIND_SETTINGS, DEFAULT_MODEL,
} from './state.js';
import { CurvesView } from './views/curves.js';
import { FiltersView } from './views/filters.js';
import { ActivationsView } from './views/activations.js';
import { ReceptiveFieldView } from './views/receptive-field.js';
import { ConfusionView } from './views/confusion.js';
import { HistogramView } from './views/histogram.js';
import { LayerTableView } from './views/layer-table.js';
import { DrawPad } from './views/draw-pad.js';
import { ProbabilitiesView } from './views/probabilities.js';
import { ProgressView } from './views/progress.js';
import { GalleryView } from './views/gallery.js';
import { BuildBadge } from './views/build-badge.js';
import { DecisionBoundaryView } from './views/decision-boundary.js';
import { SaliencyView } from './views/saliency.js';
import { ClassImagesView } from './views/class-images.js';

const byId = (id) => document.getElementById(id);

// Form controls per state field (numbers and selects by id; checkbox groups by name).
const CONTROL_IDS = {
  dataset: 'dataset', toyNoise: 'toy-noise', toySamples: 'toy-samples', model: 'model', layers: 'layers', optimizer: 'optimizer', learningRate: 'learning-rate',
  schedule: 'schedule', batchSize: 'batch-size', weightDecay: 'weight-decay', loss: 'loss', epochs: 'epochs', seed: 'seed',
};

const listeners = new Set();

export const ui = {
  state: defaultState(),
  views: {
    badge: new BuildBadge(byId('build-badge')),
    progress: new ProgressView(byId('progress-view')),
    curves: new CurvesView(byId('curves-view')),
    drawPad: new DrawPad(byId('draw-pad-view')),
    probabilities: new ProbabilitiesView(byId('probabilities-view')),
    layerTable: new LayerTableView(byId('layer-table-view')),
    filters: new FiltersView(byId('filters-view')),
    activations: new ActivationsView(byId('activations-view')),
    receptiveField: new ReceptiveFieldView(byId('receptive-field-view')),
    confusion: new ConfusionView(byId('confusion-view')),
    confusionExamples: new GalleryView(byId('confusion-examples'), { tileSize: 44 }),
    histograms: new HistogramView(byId('histogram-view')),
    gallery: new GalleryView(byId('gallery-view')),
    boundary: new DecisionBoundaryView(byId('boundary-view')),
    saliency: new SaliencyView(byId('saliency-view')),
    classImages: new ClassImagesView(byId('class-images-view')),
  },

  /** 'image' or 'points': the kind of the current dataset (decides which views show). */
  get dataKind() { return dataKind(ui.state.dataset); },

  /** fn(state, changedField) after every valid change (form or URL). Returns an unsubscribe function. */
  onStateChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },

  /** Enable or disable every engine-driven control (buttons marked data-engine). */
  setEngineReady(ready, reason = 'loading engine…') {
    for (const node of document.querySelectorAll('[data-engine]')) {
      node.disabled = !ready;
      if (ready) node.removeAttribute('title');
      else node.title = reason;
    }
  },

  /** Set one field programmatically (validated); updates form and URL. */
  set(field, value) {
    const checked = validateField(field, value);
    if (checked.error) return checked;
    applyState({ ...ui.state, [field]: checked.value }, field);
    return checked;
  },
};

function applyState(next, changedField) {
  const { state } = parseHash(serializeState(next)); // one validation path for every source
  ui.state = state;
  writeForm(state);
  const hash = `#${serializeState(state)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  for (const fn of listeners) fn(state, changedField);
}

function writeForm(state) {
  for (const [field, id] of Object.entries(CONTROL_IDS)) {
    const control = byId(id);
    if (field === 'learningRate') {
      control.value = String(Math.log10(state.learningRate));
      byId('learning-rate-value').textContent = formatRate(state.learningRate);
    } else if (field === 'layers') {
      if (document.activeElement !== control) control.value = state.layers;
    } else if (document.activeElement !== control || control.tagName === 'SELECT') {
      control.value = String(state[field]);
    }
  }
  for (const box of document.querySelectorAll('input[name="augmentation"]')) box.checked = state.augmentation.includes(box.value);
  // Controls a link hides, and everything that is for the other kind of data (image views for
  // 2-D points, the decision boundary for images; presets of the other kind in the model menu).
  const kind = dataKind(state.dataset);
  document.body.dataset.dataKind = kind;
  for (const node of document.querySelectorAll('[data-control], [data-kind]')) {
    const wrongKind = node.dataset.kind !== undefined && node.dataset.kind !== kind;
    if (node.tagName === 'OPTION') {
      node.hidden = wrongKind;
      node.disabled = wrongKind;
    } else {
      node.hidden = wrongKind || state.hidden.includes(node.dataset.control);
    }
  }
}

function formatRate(rate) {
  return rate >= 0.001 ? String(Number(rate.toPrecision(2))) : rate.toExponential(1);
}

function showStateErrors(errors) {
  const area = byId('state-errors');
  area.hidden = errors.length === 0;
  area.textContent = errors.length
    ? `Ignored from the link: ${errors.map((e) => `${SCHEMA[e.field].key} (${e.message})`).join('; ')}.`
    : '';
}

function readControl(field) {
  const control = byId(CONTROL_IDS[field]);
  if (field === 'learningRate') return Number((10 ** Number(control.value)).toPrecision(2));
  return control.value;
}

function bindForm() {
  for (const field of Object.keys(CONTROL_IDS)) {
    const control = byId(CONTROL_IDS[field]);
    if (field === 'layers') {
      control.addEventListener('input', () => {
        const { error } = parseLayers(control.value.trim());
        const area = byId('layers-error');
        area.hidden = !error;
        area.textContent = error ?? '';
        control.setAttribute('aria-invalid', String(Boolean(error)));
        if (!error) applyState({ ...ui.state, model: 'custom', layers: control.value.trim() }, 'layers');
      });
      continue;
    }
    const event = control.tagName === 'SELECT' || control.type === 'range' ? 'input' : 'change';
    control.addEventListener(event, () => {
      const checked = validateField(field, readControl(field));
      control.setAttribute('aria-invalid', String(Boolean(checked.error)));
      if (checked.error) {
        control.title = checked.error;
        return;
      }
      control.removeAttribute('title');
      let next = { ...ui.state, [field]: checked.value };
      if (field === 'model' && checked.value !== 'custom') next.layers = presetLayers(checked.value, next.dataset);
      // Another kind of data: its default model (a list made for images does not take points) and
      // settings that suit it.
      if (field === 'dataset' && dataKind(checked.value) !== dataKind(ui.state.dataset)) {
        const kind = dataKind(checked.value);
        next = { ...next, ...KIND_SETTINGS[kind], model: DEFAULT_MODEL[kind] };
        next.layers = presetLayers(next.model, next.dataset);
      }
      applyState(next, field);
    });
  }
  for (const box of document.querySelectorAll('input[name="augmentation"]')) {
    box.addEventListener('change', () => {
      const chosen = [...document.querySelectorAll('input[name="augmentation"]:checked')].map((b) => b.value);
      applyState({ ...ui.state, augmentation: chosen }, 'augmentation');
    });
  }
  byId('filters-mode').addEventListener('input', (event) => ui.views.filters.setMode(event.target.value));
  byId('copy-link').addEventListener('click', async () => {
    const button = byId('copy-link');
    try {
      await navigator.clipboard.writeText(location.href);
      button.textContent = 'Link copied';
    } catch {
      button.textContent = 'Copy the address bar';
    }
    setTimeout(() => { button.textContent = 'Copy link'; }, 2000);
  });
}

function loadFromHash() {
  const { state, errors } = parseHash(location.hash);
  showStateErrors(errors);
  applyState(state, null);
}

bindForm();
loadFromHash();
window.addEventListener('hashchange', loadFromHash);
ui.views.badge.render(null);
ui.views.progress.render(null);
ui.views.curves.render({ epochCount: ui.state.epochs });
ui.views.probabilities.render(null);
ui.views.receptiveField.render({});
