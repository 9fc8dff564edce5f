// Where npm's binaryen is: WASMGRAD_BINARYEN (a folder holding its package.json), else the
// project's node_modules/binaryen.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export function binaryenTool(name) {
  const root = process.env.WASMGRAD_BINARYEN ||
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/binaryen');
  const tool = path.join(root, 'bin', name);
  if (!existsSync(tool)) {
    process.stderr.write(`binaryen-relaxed: ${tool} not found: the relaxed-SIMD builds need npm's binaryen ` +
      '(a devDependency: run npm ci, or scripts/setup.sh start)\n');
    process.exit(1);
  }
  return tool;
}

// Run as a script (scripts/build.sh): fails with the message above when binaryen is missing.
if (process.argv[1] === fileURLToPath(import.meta.url)) binaryenTool('wasm-opt');
