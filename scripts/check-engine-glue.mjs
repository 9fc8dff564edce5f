// Checks that each engine build's JS glue offers every import its .wasm asks for, by the same
// (minified) names. emcc minifies the .wasm's import names with binaryen and rewrites the glue from
// the mapping binaryen prints; with the wrong binaryen on PATH the glue keeps the long names, and
// the engine only fails when a page or a test instantiates it ("LinkError: ... memory import must
// be a WebAssembly.Memory object"). Run by scripts/build.sh after the builds are copied:
//   node --experimental-wasm-relaxed-simd scripts/check-engine-glue.mjs build/engine
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'build/engine';
const BUILDS = ['simd-relaxed-threads', 'simd-relaxed', 'simd-threads', 'simd'];
const problems = [];
for (const build of BUILDS) {
  const base = path.join(dir, `wasmgrad-${build}`);
  if (!fs.existsSync(`${base}.wasm`)) continue;
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(`${base}.wasm`)));
  const glue = fs.readFileSync(`${base}.js`, 'utf8');
  const table = /var asmLibraryArg=\{([^}]*)\}/.exec(glue);
  if (!table) {
    problems.push(`${base}.js: no import table (asmLibraryArg) found`);
    continue;
  }
  const offered = new Set([...table[1].matchAll(/"([^"]+)":/g)].map((m) => m[1]));
  const missing = imports.filter((i) => !offered.has(i.name)).map((i) => `${i.module}.${i.name} (${i.kind})`);
  if (missing.length) {
    problems.push(`${base}.wasm imports ${missing.length} of ${imports.length} names its glue does not offer, e.g. ` +
      `${missing.slice(0, 3).join(', ')}; the glue offers e.g. ${[...offered].slice(0, 3).join(', ')}`);
  }
}
if (problems.length) {
  console.error(`check-engine-glue: ${problems.join('\n')}\n` +
    'The .wasm and its .js were post-processed by different binaryen versions: is npm\'s binaryen (node_modules/.bin) ' +
    'on PATH for a plain build? scripts/build.sh removes it; rebuild with scripts/build.sh after deleting build/wasm-*/.');
  process.exit(1);
}
