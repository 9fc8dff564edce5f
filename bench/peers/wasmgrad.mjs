// Peer: wasmgrad itself, through its JavaScript API (bindings/wasmgrad.js), in the same protocol
// as every other peer: the benchmark hands it the same batches (trainer.trainBatch) and asks
// for predictions (model.classify). Variants: { build: 'simd', threads: 1 } (WASM, one thread),
// { build: 'simd-threads', threads: 2 } (WASM, two threads), and the same with 'simd-relaxed*'
// (relaxed SIMD: FMA kernels). The native row is
// bench/native_train/train_bench.cpp (a C++ driver); the Chromium rows are bench/browser/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWasmgradTrainer } from './wasmgrad-trainer.mjs';

export { PRESETS } from './wasmgrad-trainer.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = path.join(ROOT, 'bindings', 'wasmgrad.js');

async function loadEngine(build, threads) {
  const api = await import(pathToFileURL(API).href);
  let engine;
  try {
    engine = await api.load({ build, numThreads: threads });
  } catch (e) {
    const err = new Error(`not available: the ${build} engine did not load (npm run build first?): ${String(e.message ?? e).split('\n')[0]}`);
    err.notAvailable = true;
    throw err;
  }
  if (engine.build !== build) throw new Error(`asked for the ${build} build, loaded ${engine.build}`);
  engine.setThreads(threads);
  return engine;
}

export default function makePeer({ build, threads = 1 }) {
  return {
    describe() {
      const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
      const relaxed = build.startsWith('simd-relaxed') ? ' relaxed SIMD' : '';
      const name = threads === 1 && build.endsWith('-threads') ? `wasmgrad WASM${relaxed} threads build, 1 thread`
        : `wasmgrad WASM${relaxed} ${threads} thread${threads > 1 ? 's' : ''}`;
      return { framework: name, version };
    },

    async createTrainer({ model, learningRate }) {
      return createWasmgradTrainer(await loadEngine(build, threads), { model, learningRate });
    },
  };
}
