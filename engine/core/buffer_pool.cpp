#include "core/buffer_pool.h"

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace wg {
namespace {

// Cached memory above this is returned to the system, so evaluation at an unusual
// batch size cannot pin memory for ever.
constexpr std::size_t kMaxCachedBytes = std::size_t(256) << 20;

struct Pool {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<float*>> free_by_size;
  BufferPoolStats stats;
};

Pool& pool() {
  static Pool* instance = new Pool();  // never destroyed: buffers may be released during static teardown
  return *instance;
}

std::size_t padded_bytes(std::size_t floats) {
  std::size_t bytes = (floats == 0 ? 1 : floats) * sizeof(float);
  return (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
}

void free_all_cached(Pool& p) {
  for (auto& [size, buffers] : p.free_by_size)
    for (float* b : buffers) std::free(b);
  p.free_by_size.clear();
  p.stats.cached_bytes = 0;
}

}  // namespace

float* acquire_buffer(std::size_t floats) {
  const std::size_t bytes = padded_bytes(floats);
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free_by_size.find(bytes);
    if (it != p.free_by_size.end() && !it->second.empty()) {
      float* buffer = it->second.back();
      it->second.pop_back();
      p.stats.cached_bytes -= bytes;
      p.stats.live_bytes += bytes;
      return buffer;
    }
  }
  void* memory = std::aligned_alloc(kBufferAlignment, bytes);
  if (memory == nullptr) {
    std::lock_guard<std::mutex> lock(p.mutex);
    free_all_cached(p);
    memory = std::aligned_alloc(kBufferAlignment, bytes);
  }
  if (memory == nullptr) fail("out of memory: could not allocate ", bytes, " bytes for a tensor");
  std::lock_guard<std::mutex> lock(p.mutex);
  p.stats.live_bytes += bytes;
  p.stats.system_allocations++;
  return static_cast<float*>(memory);
}

void release_buffer(float* buffer, std::size_t floats) {
  if (buffer == nullptr) return;
  const std::size_t bytes = padded_bytes(floats);
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.stats.live_bytes -= bytes;
  if (p.stats.cached_bytes + bytes > kMaxCachedBytes) free_all_cached(p);
  p.free_by_size[bytes].push_back(buffer);
  p.stats.cached_bytes += bytes;
}

BufferPoolStats buffer_pool_stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.stats;
}

void trim_buffer_pool() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  free_all_cached(p);
}

}  // namespace wg
