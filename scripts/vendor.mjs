// Copies the browser files of the npm libraries the pages use into build/vendor/, where the
// playground, the demos and dist/ load them from (the servers publish build/vendor/, never
// node_modules/). Each library's licence travels with it. Run by scripts/build.sh. fflate (zip) ships
// once, inside the exporters' bundle (build/vendor/export-deps.mjs), which the page's dropped .zip
// files and webcam captures use too; its licence is copied here beside the bundle.
//   comlink  the engine worker's RPC (web/playground/engine-client.js, worker/main.js): the UMD
//            build for the classic worker's importScripts, the ES module for the page
//   uplot    the training curves and the demos' line charts (web/views/line-chart.js)
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build/vendor');

/** [package, file in the package, name in build/vendor] */
export const VENDOR_FILES = [
  ['comlink', 'dist/umd/comlink.min.js', 'comlink.js'],
  ['comlink', 'dist/esm/comlink.min.mjs', 'comlink.mjs'],
  ['comlink', 'LICENSE', 'comlink.LICENSE.txt'],
  ['uplot', 'dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['uplot', 'dist/uPlot.min.css', 'uPlot.min.css'],
  ['uplot', 'LICENSE', 'uPlot.LICENSE.txt'],
  ['fflate', 'LICENSE', 'fflate.LICENSE.txt'],
];

/**
 * Changes to a library's file, each with why; a change whose text is not found exactly once fails
 * the build (a new version of the library then needs a look, not a silent skip).
 *   uPlot formats axis numbers with `new Intl.NumberFormat(navigator.language)` when its module
 *   loads. WebKitGTK under LANG=C reports the language "C", for which Intl throws a RangeError:
 *   the module, and every page importing it, then never ran (issue 24). The locale is checked
 *   first and falls back to en-US, as web/locale.js does for the pages' own formatting.
 */
export const PATCHES = {
  'uPlot.esm.js': [{
    find: "new Intl.NumberFormat(domEnv ? nav.language : 'en-US')",
    replace: "new Intl.NumberFormat(domEnv ? (() => { try { return Intl.getCanonicalLocales(nav.language)[0] || 'en-US'; } " +
      "catch (e) { return 'en-US'; } })() : 'en-US') /* wasmgrad: scripts/vendor.mjs PATCHES */",
  }],
};

/** The file's text with its PATCHES applied; throws naming a change that does not fit. */
export function patched(name, text) {
  for (const { find, replace } of PATCHES[name] ?? []) {
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`vendor: ${name}: the text to change was found ${count} times, not once: ${find}`);
    text = text.replace(find, () => replace);
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await vendor();

/** Copies (and patches) every VENDOR_FILES entry into build/vendor/, writing only what changed. */
async function vendor() {
  await fs.mkdir(out, { recursive: true });
  for (const [pkg, file, name] of VENDOR_FILES) {
    const source = path.join(root, 'node_modules', pkg, file);
    const target = path.join(out, name);
    let from;
    try {
      from = await fs.readFile(source, PATCHES[name] ? 'utf8' : null);
    } catch (error) {
      console.error(`vendor: ${pkg}/${file} is missing (${error.code ?? error.message}); run npm ci`);
      process.exit(1);
    }
    const bytes = PATCHES[name] ? patched(name, from) : from;
    const current = await fs.readFile(target, PATCHES[name] ? 'utf8' : null).catch(() => null);
    if (current !== null && (PATCHES[name] ? current === bytes : Buffer.compare(current, bytes) === 0)) continue;
    await fs.writeFile(target, bytes);
  }
}
