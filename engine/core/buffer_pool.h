// Aligned float buffers, recycled by exact size. A training step asks for the same
// sizes every time, so after the first step it takes every buffer from the pool and
// calls no allocator: this is the engine's activation/gradient arena.
#pragma once
#include <cstddef>

namespace wg {

inline constexpr std::size_t kBufferAlignment = 64;  // bytes; >= one cache line and any SIMD width

float* acquire_buffer(std::size_t floats);            // uninitialised; never null (throws wg::Error)
void release_buffer(float* buffer, std::size_t floats);

struct BufferPoolStats {
  std::size_t live_bytes = 0;    // handed out and not yet released
  std::size_t cached_bytes = 0;  // released, kept for reuse
  std::size_t system_allocations = 0;
};
BufferPoolStats buffer_pool_stats();
void trim_buffer_pool();  // return every cached buffer to the system

}  // namespace wg
