// How the engine loads in Node.js: the classic (CommonJS) factory through require(), with the
// .wasm bytes read from disk and handed over (Emscripten 3.1.6 would fetch() a file path under
// Node 20 and fail: TOOLCHAIN.md trap 2). Threads are worker_threads: no flag, no isolation needed.
// build/package.json says "type": "commonjs", so Node reads the factory and its pthread worker
// script as the scripts they are, inside this "type": "module" package.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export function threadSupport() {
  return { available: true, reason: 'Node.js: worker_threads' };
}

/** Why load() falls back to a plain SIMD128 build here. */
export function noRelaxedSimd() {
  const major = Number(process.versions.node.split('.')[0]);
  return major <= 20 ? `no relaxed SIMD in Node.js ${process.versions.node} without --experimental-wasm-relaxed-simd`
    : `no relaxed SIMD in Node.js ${process.versions.node}`;
}

export async function factory(files) {
  const path = fileURLToPath(files.script);
  if (!existsSync(path)) throw new Error(`wasmgrad: ${path} is missing: build it with scripts/build.sh wasm`);
  return createRequire(import.meta.url)(path);
}

export async function moduleOptions(files, names) {
  const located = { [names.wasm]: files.wasm, [names.worker]: files.worker };
  return {
    locateFile: (name) => fileURLToPath(located[name] ?? new URL(name, files.script)),
    wasmBinary: await readFile(files.wasm),
  };
}

/** Idle pthread workers would keep Node running after the user's script is done. */
export function started(module) {
  if (!module.PThread) return;
  for (const worker of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) worker.unref();
}

export async function hardwareThreads() {
  return availableParallelism();
}

/** Why the file at `url` cannot be read (it is missing), or null. */
export async function unreachable(url) {
  const path = fileURLToPath(url);
  return existsSync(path) ? null : `${path} is missing`;
}

export async function readBytes(url) {
  return new Uint8Array(await readFile(url));
}
