// Loads the exporters' bundled libraries (vendor-entry.js, built into build/vendor/export-deps.mjs
// by scripts/build.sh) once, by URL, so this folder has no bare npm import and runs unchanged in
// Node and in a browser Worker. A missing bundle is reported when an export is asked for, not
// when the package is imported: training and inference do not need it.
const BUNDLE_URL = new URL('../../../build/vendor/export-deps.mjs', import.meta.url);

let bundle = null;
let failure = null;
try {
  bundle = await import(BUNDLE_URL.href);
} catch (error) {
  failure = error;
}

/** The bundle's exports ({create, toBinary, ModelProtoSchema, zipSync, ...}); throws when it is missing. */
export function exportLibraries() {
  if (!bundle) {
    throw new Error(`wasmgrad: the export libraries (${BUNDLE_URL.href}) could not be loaded: ` +
      `build them with scripts/build.sh (${failure?.message ?? 'unknown error'})`);
  }
  return bundle;
}
