// The playground's one state store. What the page shows comes from here: the settings (mirrored
// in the URL), the engine and its catalog, the data in use, the model, the run (numbered by the
// page: run.id) and its history, what is being inspected, and the messages (messages.js). Views
// subscribe to the slices they draw; what can be derived from a slice is derived, not kept beside
// it (how many runs started is run.id; whether a run trains is run.status). The engine worker
// holds the engine objects, not the settings: each command carries what it needs.
//
// Not kept here, on purpose: the pictures the worker sends while a run trains (confusion,
// filters, histograms, boundary) go from its event straight to their view (app.js handlers ->
// views.js). They are typed arrays of up to megabytes, replaced at every epoch, read by nothing
// but the view that draws them, and cleared with the run (clearRunViews); a slice would be a
// second copy with no other reader. A model file keeps what a later session needs (history).
//
//   store.get()                      the whole state (treat as read-only)
//   store.update(slice, patch)       shallow-merges an object into the slice; a function of the slice returns its replacement
//   store.subscribe(slices, fn)      fn(state, changedSlices) after updates touching any of slices

/** The initial state; `settings` comes from the URL (settings.js). */
export function initialState(settings) {
  return {
    settings,
    fieldErrors: {},     // field -> message: a value the user typed that the field cannot hold (shown beside it)
    engine: { status: 'loading', build: null, threads: 1, reason: '', detail: '', presets: [], layerTypes: [], problem: null },  // + optimizers, losses, schedules: engine.catalog, once loaded
    data: { status: 'none', info: null, error: null, cancelled: false, note: '' },
    // spec: the engine's normalised spec of the model being edited; summary: its layers; error:
    // {layer, field, problem, message} when it is not a valid model for the data.
    model: { spec: null, summary: null, error: null, parameterCount: 0, origin: 'preset', textReason: null },
    run: { id: 0, status: 'idle', progress: null },
    history: { epochs: [], points: [] },  // per-epoch results and per-chunk curve points, across continued runs
    inspect: { input: null, unit: null, filterLayer: null, filterMode: 'mean', saliencyClass: -1 },
    messages: [],
  };
}

export function createStore(state) {
  const listeners = new Set();
  let changed = new Set();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const slices = changed;
    changed = new Set();
    for (const listener of listeners) {
      if (listener.slices.some((s) => slices.has(s))) listener.fn(state, slices);
    }
  };

  return {
    get: () => state,
    /** state[slice] becomes {...state[slice], ...patch}, or patch(state[slice]); listeners run once per microtask. */
    update(slice, patch) {
      const current = state[slice];
      const next = typeof patch === 'function' ? patch(current) : { ...current, ...patch };
      state = { ...state, [slice]: next };
      changed.add(slice);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    subscribe(slices, fn) {
      const listener = { slices, fn };
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
