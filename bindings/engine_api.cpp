// Implementation of the JS-facing facade (see engine_api.h): conversions between JS
// values and wg:: types, and the one place where C++ exceptions become JS Errors.
#include "engine_api.h"
#include "js_interop.h"

#include <emscripten/emscripten.h>
#include <malloc.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <utility>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"

using emscripten::val;

namespace wg::api {

// The module's name as bindings/js/assets.js knows it (CMakeLists.txt, WASMGRAD_MODULE_NAME).
#if defined(__wasm_relaxed_simd__)
constexpr const char* kBuildThreads = "simd-relaxed-threads";
constexpr const char* kBuildOneThread = "simd-relaxed";
#else
constexpr const char* kBuildThreads = "simd-threads";
constexpr const char* kBuildOneThread = "simd";
#endif

BuildInfo build_info() {
  return guarded([] {
    return BuildInfo{threads_supported() ? kBuildThreads : kBuildOneThread, xsimd::default_arch::name(),
                     threads_supported(), max_threads(), wg::num_threads()};
  });
}

int num_threads() {
  return guarded([] { return wg::num_threads(); });
}

int set_num_threads(int threads) {
  return guarded([threads] {
    wg::set_num_threads(threads);
    return wg::num_threads();
  });
}

void trim_memory() {
  guarded([] { trim_buffer_pool(); });
}

MemoryStats memory_stats() {
  return guarded([] {
    const BufferPoolStats s = buffer_pool_stats();
    const struct mallinfo heap = mallinfo();
    return MemoryStats{double(s.live_bytes), double(s.cached_bytes), double(s.system_allocations),
                       double(heap.uordblks), double(reinterpret_cast<std::uintptr_t>(sbrk(0)))};
  });
}

TensorHandle TensorHandle::from_array(const val& data, const val& shape) {
  return guarded([&] {
    Shape dims = shape_from_js(shape, "Tensor.fromArray");
    WG_CHECK(data.instanceof(val::global("Float32Array")) || data.isArray(),
             "Tensor.fromArray: data must be a Float32Array or an array of numbers");
    const std::int64_t length = data["length"].as<double>();
    WG_CHECK(length == shape_numel(dims), "Tensor.fromArray: ", length, " values do not fill shape ",
             shape_str(dims), " (", shape_numel(dims), " elements)");
    Tensor t = Tensor::empty(dims);
    float32_view(t).call<void>("set", data);  // one copy, JS -> engine memory
    return TensorHandle(std::move(t));
  });
}

TensorHandle TensorHandle::zeros(const val& shape) {
  return guarded([&] { return TensorHandle(Tensor::zeros(shape_from_js(shape, "Tensor.zeros"))); });
}

val TensorHandle::shape() const {
  return guarded([&] {
    val result = val::array();
    for (int d : tensor_.shape()) result.call<void>("push", d);
    return result;
  });
}

double TensorHandle::size() const {
  return guarded([&] { return double(tensor_.size()); });
}

val TensorHandle::to_array() const {
  return guarded([&] { return float32_view(tensor_).call<val>("slice"); });
}

val TensorHandle::view() const {
  return guarded([&] { return float32_view(tensor_); });
}

}  // namespace wg::api
