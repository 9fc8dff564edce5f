// The model panel: the architecture menu (the engine's presets that fit the data, and Custom),
// the layer-list text and the layer editor, all views of one model description: the engine's
// spec. Whenever the settings or the data change, the engine reads the model (describe) and the
// store's `model` holds its answer: the spec, the per-layer summary, or the problem located at a
// layer and field. A valid model becomes the engine's model at once, unless a run is training
// (then it waits for Start or Reset, and the page says so).
import { el } from '../views/dom.js';
import { DEFAULT_MODEL, dataKind } from './settings.js';
import { layersFromText, textFromLayers } from './model-text.js';
import { LayerEditor, describeError } from './layer-editor.js';
import { setFieldError, showError } from './settings-form.js';

const byId = (id) => document.getElementById(id);

export class ModelPanel {
  /** engine(): the engine connection or null; commit(patch): applies settings; notify(text, kind, key). */
  constructor(store, { engine, commit, notify }) {
    Object.assign(this, { store, engine, commit, notify });
    this.sequence = 0;
    this.select = byId('model');
    this.text = byId('layers');
    this.editor = new LayerEditor(byId('layer-editor'), {
      onChange: (layers) => this.editLayers(layers),
    });
    this.select.addEventListener('change', () => {
      const { model, settings, engine: info } = this.store.get();
      // Custom starts from the model shown, so there is something to edit.
      if (this.select.value === 'custom' && !settings.layers && model.spec) {
        this.commit({ model: 'custom', layers: textFromLayers(model.spec.layers, info.layerTypes).text ?? '' });
      } else {
        this.commit({ model: this.select.value });
      }
    });
    // Before the engine has loaded there is no catalog to read the text with: the text is kept,
    // and read (refresh) once the engine is ready.
    this.text.addEventListener('input', () => {
      const { engine: info } = this.store.get();
      const { error } = info.layerTypes.length ? layersFromText(this.text.value, info.layerTypes) : { error: null };
      setFieldError(store, 'layers', error ? describeError(error) : null);
    });
    this.text.addEventListener('change', () => {
      const text = this.text.value.trim();
      const { layerTypes } = this.store.get().engine;
      if (!layerTypes.length || !layersFromText(text, layerTypes).error) this.commit({ model: 'custom', layers: text });
    });
    store.subscribe(['model', 'engine', 'data', 'fieldErrors'], () => this.draw());
    // Text typed before this script ran (the page shows the box at once) is an edit too, not lost.
    const typed = this.text.value.trim();
    if (typed && typed !== store.get().settings.layers) queueMicrotask(() => this.text.dispatchEvent(new Event('change')));
    store.subscribe(['settings', 'engine', 'data'], (state, slices) => {
      const s = state.settings;
      const key = JSON.stringify([s.model, s.layers, s.seed, state.engine.status, state.data.info?.name]);
      if (key !== this.describedKey || slices.has('engine')) this.refresh();
    });
  }

  /** The engine's presets that suit the data in use (or, before data, the settings' kind). */
  presetsFor(state) {
    const kind = state.data.info?.kind ?? dataKind(state.settings.dataset);
    return state.engine.presets.filter((p) => p.data === 'any' || p.data === (kind === 'points' ? 'points' : 'images'));
  }

  editLayers(layers) {
    const catalog = this.store.get().engine.layerTypes;
    const { text, reason } = textFromLayers(layers, catalog);
    if (text === null) {
      this.notify(`This edit cannot be written as a layer list: ${reason}.`, 'error', 'model');
      return;
    }
    setFieldError(this.store, 'layers', null);
    this.commit({ model: 'custom', layers: text });
  }

  /** The spec the engine now trains (after Start or Reset), so later edits wait for the next Start. */
  trained(spec) {
    this.sessionSpec = spec;
  }

  /**
   * A model file became the engine's model: its architecture is the model now (as a preset, a
   * layer list, or, when a layer list cannot hold it, as it is until the user edits the model).
   */
  /**
   * A model file or imported weights are about to become the engine's model: a reading still in
   * flight (e.g. the one new data asked for just before a Restore) must not rebuild the model
   * after them, over the loaded weights. Called before the load is sent to the worker.
   */
  supersede() {
    ++this.sequence;
  }

  showLoaded(loaded) {
    const state = this.store.get();
    ++this.sequence;
    this.dataVersion = state.data.version;  // the loaded weights are the model for the data in use
    this.sessionSpec = loaded.spec;
    this.store.update('model', { spec: loaded.spec, summary: loaded.summary, parameterCount: loaded.parameterCount, error: null, pending: false });
    const { text, reason } = textFromLayers(loaded.spec.layers, state.engine.layerTypes);
    const seed = Number.isInteger(loaded.spec.seed) ? loaded.spec.seed : state.settings.seed;
    if (loaded.preset) this.commit({ model: loaded.preset, seed });
    else if (text !== null) this.commit({ model: 'custom', layers: text, seed });
    else {
      const s = state.settings;
      this.heldKey = JSON.stringify([s.model, s.layers, s.seed, state.engine.status, state.data.info?.name]);
      this.describedKey = this.heldKey;
      this.notify(`The loaded model cannot be written as a layer list (${reason}): the link does not hold its architecture.`, 'notice', 'model');
    }
  }

  /** Asks the engine to read the model the settings describe; the latest answer wins. */
  async refresh() {
    const state = this.store.get();
    const s = state.settings;
    this.describedKey = JSON.stringify([s.model, s.layers, s.seed, state.engine.status, state.data.info?.name]);
    if (this.describedKey === this.heldKey) return;  // a loaded model the settings cannot describe
    this.heldKey = null;
    const connection = this.engine();
    if (state.engine.status !== 'ready' || !connection) return;
    const sequence = ++this.sequence;
    let request;
    if (s.model === 'custom') {
      const { layers, error } = layersFromText(s.layers, state.engine.layerTypes);
      if (error) {
        this.store.update('model', { spec: null, summary: null, error, parameterCount: 0 });
        setFieldError(this.store, 'layers', describeError(error));
        return;
      }
      request = { layers, seed: s.seed };
    } else {
      const preset = state.engine.presets.find((p) => p.name === s.model);
      const fits = this.presetsFor(state).some((p) => p.name === s.model);
      if (!preset || !fits) {
        const kind = state.data.info?.kind ?? dataKind(s.dataset);
        const fallback = DEFAULT_MODEL[kind];
        this.notify(preset ? `"${s.model}" is not a model for ${kind === 'points' ? '2-D points' : 'images'}: using "${fallback}".`
          : `"${s.model}" is not one of the engine's presets (${state.engine.presets.map((p) => p.name).join(', ')}): using "${fallback}".`,
        'error', 'model');
        this.commit({ model: fallback });
        return;
      }
      request = { preset: s.model, seed: s.seed };
    }
    const answer = await connection.api.describe(request);
    if (sequence !== this.sequence) return;  // a later edit has been asked about meanwhile
    this.store.update('model', { spec: answer.spec, summary: answer.summary, error: answer.error, parameterCount: answer.parameterCount });
    setFieldError(this.store, 'layers', answer.error && s.model === 'custom' ? describeError(answer.error, answer.spec?.layers ?? request.layers ?? []) : null);
    if (!answer.spec || answer.error || !state.data.info) return;
    // A model that has trained stays until Start or Reset: an edit must not throw its training away.
    const status = this.store.get().run.status;
    if (status !== 'idle' && this.sessionSpec && !sameArchitecture(this.sessionSpec, answer.spec)) {
      this.store.update('model', { pending: true });
      this.notify('The edited model is built when you press Start or Reset; the trained one stays until then.', 'notice', 'model');
      return;
    }
    this.store.update('model', { pending: false });
    const freshData = state.data.version !== this.dataVersion;
    this.dataVersion = state.data.version;
    this.sessionSpec = answer.spec;
    // New data: a model with fresh weights (weights trained on other data would mislead).
    if (freshData && status === 'idle') await connection.api.reset({ spec: answer.spec });
    else await connection.api.setModel(answer.spec);
  }

  draw() {
    const state = this.store.get();
    const { engine, model, settings } = state;
    if (engine.status === 'ready') {
      const options = this.presetsFor(state).map((p) => el('option', { value: p.name }, p.title));
      options.push(el('option', { value: 'custom' }, 'Custom…'));
      const values = options.map((o) => o.value).join();
      if (values !== this.shownOptions) {
        this.select.replaceChildren(...options);
        this.shownOptions = values;
      }
      this.select.disabled = false;
      if (options.some((o) => o.value === settings.model)) this.select.value = settings.model;
    } else if (engine.status === 'failed' && this.shownOptions !== 'failed') {
      this.select.replaceChildren(el('option', { value: '' }, 'the engine did not start'));
      this.shownOptions = 'failed';
    }
    const layers = model.spec?.layers ?? (settings.model === 'custom' ? layersFromText(settings.layers, engine.layerTypes).layers : null);
    if (document.activeElement !== this.text && !state.fieldErrors.layers) {
      this.text.value = settings.model === 'custom' ? settings.layers
        : (model.spec ? textFromLayers(model.spec.layers, engine.layerTypes).text ?? '' : '');
    }
    showError('layers', state.fieldErrors.layers ?? (model.error && settings.model !== 'custom' ? describeError(model.error, layers ?? []) : null));
    this.editor.render({ catalog: engine.layerTypes, layers: layers ?? [], input: model.spec?.input ?? state.data.info?.sampleShape ?? [],
      summary: model.summary, error: model.error });
  }
}

function sameArchitecture(a, b) {
  const key = (spec) => JSON.stringify([spec.input, spec.layers, spec.seed ?? 1]);
  return key(a) === key(b);
}
