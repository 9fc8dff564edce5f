// The exporters' bundled libraries (vendor-entry.js, built into build/vendor/export-deps.mjs by
// scripts/build.sh), loaded once so this folder has no bare npm import and runs unchanged in
// Node, in a browser Worker and through a bundler (a literal dynamic import: bundlers emit it as
// a chunk). The engine loader (loader.js) waits for it, so the export calls stay synchronous; a
// missing bundle is reported when an export is asked for: training and inference do not need it.
let bundle = null;
let failure = null;
let loading = null;

/** Loads the bundle (once); never rejects: a failure is kept for exportLibraries() to report. */
export function loadExportLibraries() {
  loading ??= import('../../../build/vendor/export-deps.mjs').then((module) => { bundle = module; }, (error) => { failure = error; });
  return loading;
}

/** The bundle's exports ({create, toBinary, ModelProtoSchema, zipSync, unzipSync, ...}); throws when it is missing. */
export function exportLibraries() {
  if (!bundle) {
    throw new Error('wasmgrad: the export libraries (build/vendor/export-deps.mjs) ' +
      `${failure ? `could not be loaded: build them with scripts/build.sh (${failure.message})` : 'are not loaded yet: load() the engine first'}`);
  }
  return bundle;
}
