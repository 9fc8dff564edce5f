// Models as files: Save model (a download, and a copy kept in this browser), Load model, the offer
// to restore the newer of the saved model and the autosave after a reload, and the training log
// as CSV. A model file carries the weights, the optimizer state, where training stood and its
// per-epoch history (the engine's checkpoint), plus the page's settings and curve: loading it
// brings all of that back, and Resume counts on from its epoch.
import { el } from '../views/dom.js';
import { validateSettings, trainSettings, SCHEMA } from './settings.js';
import { AUTOSAVE_KEY, SAVED_KEY, getValidCheckpoint, putCheckpoint } from './checkpoint-store.js';
import { userLocale } from '../locale.js';

const byId = (id) => document.getElementById(id);
const CURVE_POINTS = 2000;  // per-chunk points kept in a file (evenly thinned)

export class Files {
  /** app: {engine(), trainConfig(), commit(patch), notify(text, kind, key), ready(): Promise (engine and data), beforeLoad(), loadFailed(), showLoadedModel(loaded), showEvaluation(e)} */
  constructor(store, app) {
    Object.assign(this, { store, app });
    byId('save-model').addEventListener('click', () => this.save());
    byId('load-model').addEventListener('click', () => byId('load-model-file').click());
    byId('load-model-file').addEventListener('change', async (event) => {
      const file = event.target.files[0];
      event.target.value = '';
      if (file) await this.load(await file.arrayBuffer(), { name: file.name });
    });
    byId('export-log').addEventListener('click', () => this.exportLog());
  }

  /**
   * What the page adds to a model file's metadata: its settings (`page`), the trainer's settings in
   * the engine's form and the epochs done (`settings`, `epochs`: what the CLI writes too, and what
   * an export's train.py continues with), and the curve.
   */
  metadata() {
    const { settings, history, run } = this.store.get();
    const step = Math.max(1, Math.ceil(history.points.length / CURVE_POINTS));
    return { page: settings, settings: trainSettings(settings), epochs: run.epochsDone ?? 0, savedAt: new Date().toISOString(),
      curve: history.points.filter((_, i) => i % step === 0) };
  }

  /** A checkpoint for the supervisor: {bytes, metadata}. */
  async checkpoint() {
    const connection = this.app.engine();
    if (!connection || !this.store.get().model.spec) return null;
    const { run } = this.store.get();
    const p = run.progress;
    // Where training stood, for the crash message ("epoch 2, batch 40"); the file holds it too.
    const position = !p ? { epoch: run.epochsDone ?? 0 } : p.batch < p.batches ? { epoch: p.epoch, batch: p.batch } : { epoch: p.epoch };
    const metadata = { ...this.metadata(), autosave: true, position };
    const bytes = await connection.api.save({ metadata, config: this.app.trainConfig() });
    return { bytes: bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer, metadata };
  }

  async save() {
    const connection = this.app.engine();
    try {
      const bytes = await connection.api.save({ metadata: this.metadata(), config: this.app.trainConfig() });
      const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
      const name = `wasmgrad-${this.store.get().settings.model}-${stamp}.wgm`;
      download(bytes, name, 'application/octet-stream');
      try {
        await putCheckpoint(SAVED_KEY, { bytes: bytes.slice().buffer, name, savedAt: new Date().toISOString() });
        this.app.notify(`Saved ${name} (${Math.round(bytes.byteLength / 1024)} KB) as a download and in this browser.`, 'notice', 'files');
      } catch (error) {
        this.app.notify(`Saved ${name} as a download; keeping it in this browser failed: ${error.message}`, 'error', 'files');
      }
    } catch (error) {
      this.app.notify(`Saving the model: ${error.message}`, 'error', 'files');
    }
  }

  /**
   * A model file becomes the model: weights, optimizer state, training position and history, and
   * the settings it was trained with (validated like a link; the data set stays the user's choice).
   */
  async load(buffer, { name = 'model', restored = false } = {}) {
    await this.app.ready();
    const connection = this.app.engine();
    let loaded;
    try {
      this.app.beforeLoad();
      loaded = await connection.api.load(buffer);
    } catch (error) {
      this.app.loadFailed();
      this.app.notify(`Loading ${name}: ${error.message}`, 'error', 'files');
      return false;
    }
    const metadata = loaded.metadata && typeof loaded.metadata === 'object' ? loaded.metadata : {};
    this.applySettings(metadata.page);
    this.app.showLoadedModel(loaded);
    const history = { epochs: cleanHistory(loaded.history), points: cleanCurve(metadata.curve) };
    this.store.update('history', history);
    const epochs = history.epochs.length;
    this.app.notify(`Model ${restored ? 'restored' : 'loaded'}: ${loaded.parameterCount.toLocaleString('en')} parameters` +
      `${epochs ? `, trained for ${epochs} epoch${epochs === 1 ? '' : 's'}` : ''}.`, 'notice', 'files');
    const evaluation = await connection.api.evaluate(this.app.trainConfig());
    if (evaluation) {
      this.app.showEvaluation(evaluation);
      this.app.notify(`Model evaluated on the validation set: accuracy ${(evaluation.accuracy * 100).toFixed(1)}%, ` +
        `loss ${evaluation.loss.toFixed(3)} (${evaluation.samples} samples).`, 'notice', 'evaluation');
    }
    return true;
  }

  /** Training settings from a file: valid ones are taken, the rest left as they are (a file is input too). */
  applySettings(saved) {
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return;
    const keep = ['optimizer', 'learningRate', 'schedule', 'batchSize', 'weightDecay', 'loss', 'epochs', 'seed', 'augmentation', 'pace'];
    const { settings, errors: all } = validateSettings(saved, this.store.get().engine);
    const errors = all.filter((e) => keep.includes(e.field));  // the data and the model come from elsewhere
    const rejected = new Set(errors.map((e) => e.field));
    const patch = {};
    for (const field of keep) if (Object.hasOwn(saved, field) && !rejected.has(field)) patch[field] = settings[field];
    if (Object.keys(patch).length) this.app.commit(patch);
    if (errors.length) {
      this.app.notify(`Settings in the file that were not taken: ${errors.map((e) => `${SCHEMA[e.field].label} (${e.message})`).join('; ')}.`,
        'error', 'file-settings');
    }
  }

  /** After a reload: offers the newer of the autosave and the saved model. */
  async offerRestore() {
    let record;
    try {
      const [saved, autosave] = await Promise.all([getValidCheckpoint(SAVED_KEY), getValidCheckpoint(AUTOSAVE_KEY)]);
      const time = (r) => (r ? new Date(r.savedAt).getTime() || 0 : -1);
      record = time(autosave) > time(saved) ? { ...autosave, autosave: true } : saved;
    } catch {
      return;  // no IndexedDB (private mode): nothing to offer
    }
    if (!record) return;
    const banner = byId('restore-offer');
    const restore = el('button', { type: 'button', class: 'button primary small', id: 'restore-model' }, 'Restore it');
    const dismiss = el('button', { type: 'button', class: 'button secondary small' }, 'Not now');
    const when = new Date(record.savedAt);
    const on = Number.isNaN(when.getTime()) ? '' : `on ${when.toLocaleString(userLocale())} `;
    banner.replaceChildren(el('span', {}, record.autosave
      ? `Training autosaved ${on}is kept in this browser (model, settings and history).`
      : `A model you saved ${on}is kept in this browser (${String(record.name)}).`), restore, dismiss);
    banner.hidden = false;
    restore.addEventListener('click', async () => {
      banner.hidden = true;
      await this.load(record.bytes.slice(0), { name: String(record.name), restored: true });
    });
    dismiss.addEventListener('click', () => { banner.hidden = true; });
  }

  exportLog() {
    const { history, settings } = this.store.get();
    const rows = [['kind', 'epoch', 'x', 'loss', 'accuracy', 'validation_loss', 'validation_accuracy', 'seconds']];
    for (const p of history.points) rows.push(['chunk', Math.ceil(p.x), p.x, p.loss, p.accuracy, '', '', '']);
    for (const e of history.epochs) {
      rows.push(['epoch', e.epoch, e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy, e.seconds]);
    }
    if (rows.length === 1) {
      this.app.notify('The training log is empty: train first.', 'notice', 'files');
      return;
    }
    const cell = (v) => (typeof v === 'number' && !Number.isFinite(v) ? '' : String(v));
    download(`${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`, `wasmgrad-training-log-${settings.model}.csv`, 'text/csv');
  }
}

export function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The engine's per-epoch history as the curves take it (a file is input: numbers checked). */
function cleanHistory(history) {
  if (!Array.isArray(history)) return [];
  const number = (v) => (typeof v === 'number' ? v : NaN);
  return history.filter((e) => e && Number.isInteger(e.epoch) && e.epoch > 0).map((e) => ({
    epoch: e.epoch, trainLoss: number(e.trainLoss), trainAccuracy: number(e.trainAccuracy),
    validationLoss: number(e.validationLoss), validationAccuracy: number(e.validationAccuracy), seconds: number(e.seconds),
  }));
}

function cleanCurve(curve) {
  if (!Array.isArray(curve)) return [];
  return curve.filter((p) => p && Number.isFinite(p.x)).slice(0, 10 * CURVE_POINTS)
    .map((p) => ({ x: p.x, loss: Number.isFinite(p.loss) ? p.loss : NaN, accuracy: Number.isFinite(p.accuracy) ? p.accuracy : NaN }));
}
