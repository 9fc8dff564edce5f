// Which Node peers exist, in table order, and which module/variant runs each.
// (The wasmgrad native row is a C++ child, bench/native_train/train_bench.cpp; PyTorch rows are Python children: see bench/run.mjs and bench/peers/torch_bench.py.)
const here = (file) => new URL(file, import.meta.url).href;

export const NODE_PEERS = {
  'wasmgrad-wasm-1': { module: here('./wasmgrad.mjs'), variant: { build: 'simd', threads: 1 } },
  'wasmgrad-wasm-2': { module: here('./wasmgrad.mjs'), variant: { build: 'simd-threads', threads: 2 } },
  // The threaded build on one thread: its per-thread cost (JS-based C++ exceptions, shared memory)
  // apart from how it scales.
  'wasmgrad-wasm-threads-1': { module: here('./wasmgrad.mjs'), variant: { build: 'simd-threads', threads: 1 } },
  // The relaxed-SIMD builds (FMA in the GEMM kernels); Node 20 validates them only with this flag
  // (bench/run.mjs passes nodeFlags to the child).
  'wasmgrad-wasm-relaxed-1': { module: here('./wasmgrad.mjs'), variant: { build: 'simd-relaxed', threads: 1 },
    nodeFlags: ['--experimental-wasm-relaxed-simd'] },
  'wasmgrad-wasm-relaxed-2': { module: here('./wasmgrad.mjs'), variant: { build: 'simd-relaxed-threads', threads: 2 },
    nodeFlags: ['--experimental-wasm-relaxed-simd'] },
  // Against wasmgrad-wasm-threads-1: the same threaded build's per-thread cost, plain vs relaxed.
  'wasmgrad-wasm-relaxed-threads-1': { module: here('./wasmgrad.mjs'), variant: { build: 'simd-relaxed-threads', threads: 1 },
    nodeFlags: ['--experimental-wasm-relaxed-simd'] },
  'tfjs-wasm': { module: here('./tfjs.mjs'), variant: { backend: 'wasm' } },
  'tfjs-cpu': { module: here('./tfjs.mjs'), variant: { backend: 'cpu' } },
  'jax-js-wasm': { module: here('./jaxjs.mjs'), variant: {} },
  convnetjs: { module: here('./convnetjs.mjs'), variant: {} },
};
