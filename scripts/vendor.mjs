// Copies the browser files of the npm libraries the pages use into build/vendor/, where the
// playground, the demos and dist/ load them from (the servers publish build/vendor/, never
// node_modules/). Each library's licence travels with it. Run by scripts/build.sh.
//   comlink  the engine worker's RPC (web/playground/engine-client.js, worker/main.js): the UMD
//            build for the classic worker's importScripts, the ES module for the page
//   uplot    the training curves and the demos' line charts (web/views/line-chart.js)
//   fflate   zip archives: a dropped .zip of images unzipped in the engine worker
//            (web/playground/worker/data.js), webcam captures zipped for download; its ES module
//            build for browsers, which a worker imports by path (it cannot resolve npm names)
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
  ['fflate', 'esm/browser.js', 'fflate.mjs'],
  ['fflate', 'LICENSE', 'fflate.LICENSE.txt'],
];

await fs.mkdir(out, { recursive: true });
for (const [pkg, file, name] of VENDOR_FILES) {
  const source = path.join(root, 'node_modules', pkg, file);
  const target = path.join(out, name);
  try {
    const [from, to] = await Promise.all([fs.stat(source), fs.stat(target).catch(() => null)]);
    if (to && to.mtimeMs >= from.mtimeMs && to.size === from.size) continue;
    await fs.copyFile(source, target);
  } catch (error) {
    console.error(`vendor: ${pkg}/${file} is missing (${error.code ?? error.message}); run npm ci`);
    process.exit(1);
  }
}
