// The Embind declaration list: which C++ names JavaScript sees. No logic here; the
// facade (engine_api.h) does conversions and errors, bindings/wasmgrad.js the ergonomics.
#include <emscripten/bind.h>

#include "engine_api.h"

using namespace emscripten;
using namespace wg::api;

EMSCRIPTEN_BINDINGS(wasmgrad) {
  value_object<BuildInfo>("BuildInfo")
      .field("build", &BuildInfo::build)
      .field("simdArch", &BuildInfo::simd_arch)
      .field("threadsSupported", &BuildInfo::threads_supported)
      .field("maxThreads", &BuildInfo::max_threads)
      .field("numThreads", &BuildInfo::num_threads);
  value_object<MemoryStats>("MemoryStats")
      .field("liveBytes", &MemoryStats::live_bytes)
      .field("cachedBytes", &MemoryStats::cached_bytes)
      .field("systemAllocations", &MemoryStats::system_allocations);

  function("buildInfo", &build_info);
  function("numThreads", &num_threads);
  function("setNumThreads", &set_num_threads);
  function("memoryStats", &memory_stats);

  class_<TensorHandle>("Tensor")
      .class_function("fromArray", &TensorHandle::from_array)
      .class_function("zeros", &TensorHandle::zeros)
      .function("shape", &TensorHandle::shape)
      .function("size", &TensorHandle::size)
      .function("toArray", &TensorHandle::to_array)
      .function("view", &TensorHandle::view);
}
