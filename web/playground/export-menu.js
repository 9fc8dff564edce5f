// Models leave the tab, and come back: the Export menu writes the model as ONNX (opset 17, weights
// inside), as a PyTorch folder in a .zip (model.py, a train.py that continues with this page's
// optimizer, schedule, augmentation and loss from the epoch reached, README.md, spec.json,
// weights.safetensors), or as safetensors alone; "Import PyTorch weights" takes a safetensors
// file (e.g. what that train.py wrote after training at scale) into the model it fits: the
// model in use, or the one described by a spec.json chosen with it. The engine checks every tensor's
// name and shape and says which does not fit. The work runs in the worker (bindings/js/export/).
import { trainSettings } from './settings.js';
import { download } from './files.js';

const byId = (id) => document.getElementById(id);
const TYPES = { onnx: 'application/octet-stream', pytorch: 'application/zip', safetensors: 'application/octet-stream' };

export class ExportMenu {
  /** app: {engine(), notify(text, kind, key), beforeLoad(), loadFailed(), showLoadedModel(loaded)} */
  constructor(store, app) {
    Object.assign(this, { store, app });
    for (const button of document.querySelectorAll('#export-menu [data-format]')) {
      button.addEventListener('click', () => this.export(button.dataset.format));
    }
    byId('import-weights').addEventListener('click', () => byId('import-weights-file').click());
    byId('import-weights-file').addEventListener('change', async (event) => {
      const files = [...event.target.files];
      event.target.value = '';
      if (files.length) await this.import(files);
    });
  }

  async export(format) {
    byId('export-menu').open = false;
    const { settings, model } = this.store.get();
    try {
      const file = await this.app.engine().api.exportModel(format, { config: trainSettings(settings) });
      const stem = `wasmgrad-${settings.model}`;
      const name = format === 'pytorch' ? `${stem}-pytorch.zip` : format === 'onnx' ? `${stem}.onnx` : `${stem}.safetensors`;
      download(file.bytes, name, TYPES[format]);
      this.app.notify(`Exported ${name} (${Math.max(1, Math.round(file.bytes.byteLength / 1024)).toLocaleString('en')} KB, ` +
        `${model.parameterCount.toLocaleString('en')} parameters).`, 'notice', 'export');
    } catch (error) {
      this.app.notify(`Export (${format}): ${error.message}`, 'error', 'export');
    }
  }

  /** files: a .safetensors file, and optionally the spec.json of the same export. */
  async import(files) {
    const weights = files.find((f) => /\.safetensors$/i.test(f.name)) ?? files.find((f) => !/\.json$/i.test(f.name));
    const specFile = files.find((f) => /\.json$/i.test(f.name));
    if (!weights) {
      this.app.notify('Import PyTorch weights: choose a .safetensors file (and, if it is for another architecture, its spec.json).', 'error', 'import');
      return;
    }
    let spec = this.store.get().model.spec;
    let from = 'the model in use';
    if (specFile) {
      try {
        spec = JSON.parse(await specFile.text());
        from = specFile.name;
      } catch (error) {
        this.app.notify(`Import PyTorch weights: ${specFile.name} is not JSON (${error.message}).`, 'error', 'import');
        return;
      }
    }
    if (!spec) {
      this.app.notify('Import PyTorch weights: there is no model to put the weights in yet.', 'error', 'import');
      return;
    }
    let loaded = null;
    try {
      const bytes = await weights.arrayBuffer();
      this.app.beforeLoad();
      loaded = await this.app.engine().api.importWeights(bytes, spec);
      this.app.showLoadedModel(loaded);
      this.store.update('history', { epochs: [], points: [] });
      this.app.notify(`Imported ${weights.name} into ${from}: ${loaded.parameterCount.toLocaleString('en')} parameters.`, 'notice', 'import');
      this.app.afterImport?.();
    } catch (error) {
      if (!loaded) this.app.loadFailed();  // the reading superseded by the import is asked for again
      this.app.notify(`Import PyTorch weights (${weights.name}): ${error.message}`, 'error', 'import');
    }
  }
}
