// Checks that what `npm pack` will ship is built and current (run by `scripts/build.sh package`,
// the prepack step, after it has rebuilt the modules):
//   - every file bindings/js/assets.js names exists (the engine builds, their ES-module forms, the
//     pthread worker script, the digits), and build/package.json keeps Node reading the
//     Emscripten scripts as CommonJS;
//   - build/engine/ holds the build trees' latest outputs, and each .mjs is the ES-module form of
//     the .js beside it (so the browser and Node get the same factory for the same .wasm).
// Exits 1 naming each problem and the command that fixes it.
//   node scripts/check-package.mjs
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toEsModule } from './make-esm-factories.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = path.join(ROOT, 'bindings/js/assets.js');
const BUILD_OUTPUTS = {  // build/engine/<name> is a copy of this build tree's output
  'wasmgrad-simd-threads.js': 'build/wasm-threads', 'wasmgrad-simd-threads.wasm': 'build/wasm-threads',
  'wasmgrad-simd-threads.worker.js': 'build/wasm-threads', 'wasmgrad-simd.js': 'build/wasm-simd', 'wasmgrad-simd.wasm': 'build/wasm-simd',
  'wasmgrad-simd-relaxed-threads.js': 'build/wasm-relaxed-threads', 'wasmgrad-simd-relaxed-threads.wasm': 'build/wasm-relaxed-threads',
  'wasmgrad-simd-relaxed-threads.worker.js': 'build/wasm-relaxed-threads',
  'wasmgrad-simd-relaxed.js': 'build/wasm-relaxed', 'wasmgrad-simd-relaxed.wasm': 'build/wasm-relaxed',
};

const read = (file, encoding) => fs.readFile(path.join(ROOT, file), encoding).catch(() => null);

/** Repository-relative paths of the files assets.js names with new URL('<literal>', import.meta.url). */
export async function assetFiles() {
  const source = await fs.readFile(ASSETS, 'utf8');
  const literals = [...source.matchAll(/new URL\('(\.\.?\/[^']+)', import\.meta\.url\)/g)].map((m) => m[1].split('?')[0]);
  return literals.map((literal) => path.relative(ROOT, path.resolve(path.dirname(ASSETS), literal)));
}

async function problems() {
  const found = [];
  const files = await assetFiles();
  if (files.length === 0) found.push('bindings/js/assets.js names no files: the check cannot read it');
  for (const file of files) {
    if ((await read(file)) === null) found.push(`${file} is missing (scripts/build.sh package builds it)`);
  }
  const marker = await read('build/package.json', 'utf8');
  if (!marker || JSON.parse(marker).type !== 'commonjs') {
    found.push('build/package.json must say {"type": "commonjs"} (scripts/build.sh writes it)');
  }
  for (const [name, tree] of Object.entries(BUILD_OUTPUTS)) {
    const built = await read(`${tree}/${name}`);
    const copy = await read(`build/engine/${name}`);
    if (built && copy && !built.equals(copy)) found.push(`build/engine/${name} is older than ${tree}/${name} (scripts/build.sh package)`);
  }
  for (const build of ['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd']) {
    const classic = await read(`build/engine/wasmgrad-${build}.js`, 'utf8');
    const esm = await read(`build/engine/wasmgrad-${build}.mjs`, 'utf8');
    if (classic && esm !== null && esm !== toEsModule(classic, `wasmgrad-${build}.js`)) {
      found.push(`build/engine/wasmgrad-${build}.mjs is not the ES-module form of wasmgrad-${build}.js (scripts/build.sh package)`);
    }
  }
  return { files, found };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, found } = await problems();
  if (found.length) {
    for (const problem of found) console.error(`check-package: ${problem}`);
    process.exit(1);
  }
  let bytes = 0;
  for (const file of files) bytes += (await fs.stat(path.join(ROOT, file))).size;
  console.log(`check-package: ${files.length} built files present and current (${(bytes / 1e6).toFixed(1)} MB before packing)`);
}
