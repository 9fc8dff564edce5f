// The engine as JavaScript sees it: a thin facade of plain values, JS arrays and typed
// arrays over wg:: types, so bindings.cpp can stay a list of declarations.
// Every entry point runs inside guarded(): a wg::Error (or any std::exception) thrown by
// the engine reaches JavaScript as a plain `Error` carrying the same message, in both
// WASM builds (JS exceptions in simd-threads, wasm exceptions in simd).
#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <string>

#include "core/tensor.h"

namespace wg::api {

// What this module is and can do; shown to the user so it is clear which build runs.
struct BuildInfo {
  std::string build;       // "simd-threads" or "simd"
  std::string simd_arch;   // xsimd's pick, e.g. "sse4.1" (lowered to WebAssembly SIMD128)
  bool threads_supported;  // false in the single-thread build
  int max_threads;         // upper bound for set_num_threads
  int num_threads;         // threads parallel_for uses now
};
BuildInfo build_info();
int num_threads();
int set_num_threads(int threads);  // clamped to [1, max_threads]; returns the count now in effect

struct MemoryStats {
  // The engine's buffer pool (see core/buffer_pool.h).
  double live_bytes;
  double cached_bytes;
  double system_allocations;
  // The whole C++ heap, for leak checks (bench/soak.mjs, tests/js/api/leak.test.mjs): bytes malloc
  // has handed out and not got back, and the top of the heap (sbrk(0)), which never shrinks.
  double malloc_bytes;
  double heap_top_bytes;
};
MemoryStats memory_stats();
// Returns the buffer pool's cached buffers to malloc. The pool recycles by exact size, so each
// new architecture adds sizes it keeps; the playground trims when it replaces a model.
void trim_memory();

// A tensor owned by JavaScript. Embind gives the JS object a delete(); until then the
// tensor's storage stays alive, so view() can hand out a zero-copy Float32Array.
class TensorHandle {
 public:
  explicit TensorHandle(Tensor tensor) : tensor_(std::move(tensor)) {}

  // data: Float32Array (or array of numbers); shape: array of positive integers
  // whose product is data.length. Copies data into engine memory.
  static TensorHandle from_array(const emscripten::val& data, const emscripten::val& shape);
  static TensorHandle zeros(const emscripten::val& shape);

  emscripten::val shape() const;     // a new JS array of integers
  double size() const;               // number of elements
  emscripten::val to_array() const;  // a new Float32Array (a copy)
  // A Float32Array over the engine's memory (no copy): it sees later writes by the
  // engine and is valid only until delete(); copy it (slice()) to keep values longer.
  emscripten::val view() const;

  const Tensor& tensor() const { return tensor_; }

 private:
  Tensor tensor_;
};

}  // namespace wg::api
