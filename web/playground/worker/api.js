// The methods the page calls on the engine worker (through Comlink: each returns a promise on the
// page), and the events the worker sends back through the page's onEvent callback. The jobs are
// split by file: data.js (data sets), session.js (model, trainer, run), inspect.js (what the
// views draw). Calls that change the session run one after another; a run trains between them.
//
// Events: status {run, status, epochsDone} · progress {...} · epochEnd {...} · confusion ·
// filters · histograms · boundary · notice {message} · error {context, message} ·
// imageLoad {key, phase, done, total, path, skipped} (photos being read: worker/photos.js).
import { load } from '../../../bindings/wasmgrad.js';
import { DataSets } from './data.js';
import { Session, located } from './session.js';
import { Inspector } from './inspect.js';
import { photoMetadata } from './photos.js';

export function createApi(Comlink) {
  let engine = null;
  let data = null;
  let session = null;
  let inspector = null;
  let onEvent = null;
  let loading = null;  // the AbortController of a loadData in progress
  let staged = { id: null, entries: [] };  // a folder's files, handed over in chunks (stageFiles)
  let queue = Promise.resolve();

  /** Posts an event to the page, transferring `transfer` (typed arrays' buffers). */
  const emit = (type, payload = {}, transfer = []) => {
    onEvent?.(Comlink.transfer({ type, ...payload }, transfer));
  };
  /** fn runs after every earlier serial call has finished (a failure does not block the next). */
  const serial = (fn) => (...args) => {
    const result = queue.then(() => fn(...args));
    queue = result.catch(() => {});
    return result;
  };
  const ready = () => {
    if (!session) throw new Error('the engine has not loaded yet');
  };
  const withTransfer = (value, buffers) => Comlink.transfer(value, buffers.filter(Boolean));

  return {
    /** Loads the engine; onEvent (a Comlink proxy) receives the events. */
    init: serial(async (callback, { threads } = {}) => {
      onEvent = callback;
      const isolated = Boolean(self.crossOriginIsolated);
      engine = await load(threads === false ? { threads: false } : { pthreadsFromBlob: isolated });
      data = new DataSets(engine);
      session = new Session({ engine, data, emit, onChunk: (progress, options) => inspector.onChunk(progress, options) });
      inspector = new Inspector({ data, session, emit });
      // Without isolation a browser has no SharedArrayBuffer: the root cause a lecturer can fix.
      const oneThread = !engine.build.endsWith('-threads');
      const reason = oneThread && !isolated && threads !== false ? 'not cross-origin isolated' : engine.reason;
      return { build: engine.build, threads: engine.threads, reason, detail: engine.reason, simdArch: engine.simdArch,
        crossOriginIsolated: isolated, ...engine.catalog, architectures: engine.architectures };  // layerTypes, presets, optimizers, losses, schedules
    }),

    /** A big architecture's layer table from shapes alone (engine.describe(name): nothing built). */
    architecture(name) {
      ready();
      return engine.describe(name);
    },

    /** The supervisor's heartbeat: answered between training chunks, never queued. */
    ping() {
      try {
        return engine ? engine.memoryStats() : null;
      } catch {
        return null;  // an aborted engine
      }
    },

    loadData: serial(async (request) => {
      ready();
      if (request.staged !== undefined) {
        if (staged.id !== request.staged) throw new Error('the files of that folder are not in the engine\'s worker: choose or drop it again');
        request = { ...request, entries: staged.entries };
      }
      await session.stopRun();
      session.dropTrainer();
      // Photos decode for a while: progress events ({key} names the request), and cancelLoad.
      loading = new AbortController();
      const loaded = await data.load(request, { signal: loading.signal,
        onProgress: (p) => emit('imageLoad', { key: request.key ?? null, ...p }) }).finally(() => { loading = null; });
      session.postStatus();
      if (loaded.points) return withTransfer(loaded, [loaded.points.x.buffer, loaded.points.labels.buffer]);
      return withTransfer(loaded, [loaded.samples.images.buffer, loaded.info.photos?.preview.images.buffer]);
    }),
    /**
     * A chosen or dropped folder's files, a chunk at a time (image-panel.js: cloning a File costs the
     * page a look at the disk, so the page sends a few hundred per task); a new `id` starts afresh.
     * loadData({staged: id}) reads them. Not queued. Returns how many the worker holds.
     */
    stageFiles(id, entries) {
      if (staged.id !== id) staged = { id, entries: [] };
      for (const entry of entries) staged.entries.push(entry);
      return staged.entries.length;
    },
    /** Stops decoding photos (loadData then rejects); not queued, so it reaches a load in progress. */
    cancelLoad() { loading?.abort(); },

    /** {spec, summary, parameterCount, error}: the engine's reading of {preset} or {layers} (never throws for the spec). */
    describe: serial((request) => {
      ready();
      try {
        return session.describe(request);
      } catch (error) {
        return { spec: null, summary: null, parameterCount: 0, error: located(error) };
      }
    }),

    setModel: serial((spec) => {
      ready();
      return session.setModel(spec);
    }),
    start: serial((request) => session.start(request)),
    resume: serial((request) => session.resume(request)),
    step: serial((request) => session.step(request)),
    reset: serial((request) => session.reset(request)),
    /** Queued like Start, so a Pause right after a Start stops that run; it waits only for the chunk in progress. */
    pause: serial(() => session?.pause()),
    setLearningRate(lr) { session?.setLearningRate(lr); },
    setEpochGap(ms) { session?.setEpochGap(ms); },
    status() { return session?.status() ?? null; },

    setFilterLayer: serial((layer) => inspector.setFilterLayer(layer)),
    /** {probabilities, activations} of one input. */
    explain: serial((pixels) => {
      const result = inspector.explain(pixels);
      return result ? withTransfer(result, [result.probabilities.buffer, ...result.activations.map((a) => a.data.buffer)]) : null;
    }),
    saliency: serial((pixels, classIndex) => {
      const map = inspector.saliency(pixels, classIndex);
      return withTransfer(map, [map.data.buffer]);
    }),
    effectiveReceptiveField: serial((pixels, unit) => {
      const map = inspector.effectiveReceptiveField(pixels, unit);
      return withTransfer(map, [map.data.buffer]);
    }),
    classImage: serial((classIndex) => {
      const image = inspector.classImage(classIndex);
      return withTransfer(image, [image.data.buffer]);
    }),
    examples: serial((trueClass, predictedClass) => {
      const result = inspector.examples(trueClass, predictedClass);
      return withTransfer(result, [result.images?.buffer, result.x?.buffer]);
    }),
    /** One training (or validation) sample: {pixels, label, shape}. */
    sample: serial((set, index) => {
      const sample = data.sample(set, index);
      return withTransfer(sample, [sample.pixels.buffer]);
    }),
    evaluate: serial((config) => {
      const result = inspector.evaluate(config);
      return result ? withTransfer(result, [result.matrix.buffer]) : null;
    }),

    // Inside one unit (web/playground/unit-panel.js): one unit's computation, and the network view.
    /** {explanation, input, source} of one unit ({layer, channel, row, col}) for one input. */
    explainUnit: serial((values, unit) => {
      const result = inspector.explainUnit(values, unit);
      return result ? withTransfer(result, [result.input.data.buffer, result.source.layer >= 0 ? result.source.data.buffer : null]) : null;
    }),
    /** model.networkFlow of one input: columns of node values and maps, and the strongest edges between them. */
    flow: serial((values) => {
      const flow = inspector.flow(values);
      return flow ? withTransfer(flow, flow.columns.flatMap((c) => [c.values.buffer, c.maxima.buffer, c.maps?.buffer,
        c.incoming?.source.buffer, c.incoming?.target.buffer, c.incoming?.value.buffer])) : null;
    }),
    /** 2-D points: each network-view column's units over the plane (columnLayers: the flow's layers per column). */
    planes: serial((columnLayers) => {
      const planes = inspector.planes(columnLayers);
      return planes ? withTransfer(planes, planes.columns.map((c) => c.buffer)) : null;
    }),

    save: serial((request) => {
      // A model trained on photos carries their class names and fitting, as the CLI's files do.
      const bytes = session.save({ ...request, metadata: { ...request.metadata, ...photoMetadata(data.info) } });
      return withTransfer(bytes, [bytes.buffer]);
    }),
    load: serial((bytes) => session.load(bytes)),
    /** The model as ONNX, a PyTorch folder (.zip) or safetensors: {bytes, name}. */
    exportModel: serial((format, options) => {
      const file = session.exportModel(format, options);
      return withTransfer(file, [file.bytes.buffer]);
    }),
    /** Weights from a safetensors file for the model of `spec` (names and shapes checked). */
    importWeights: serial((bytes, spec) => session.importWeights(bytes, spec)),
  };
}
