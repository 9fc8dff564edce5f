// A persistent thread pool (std::thread natively, pthreads in the threaded WASM build,
// nothing in the single-threaded build). parallel_for splits [begin, end) into
// contiguous chunks, a few per thread. Each thread owns a contiguous share of them and runs
// its own first, so the same thread touches the same data from op to op and step to step;
// then it takes what is left of the others' shares: a thread that is slowed down (another
// process on its core, a late wake-up) loses chunks instead of holding everyone up at the end.
// On a busy machine, where waiting for a thread that lost its core costs more than the threads
// save, the pool runs the calls on the caller alone, and tries the threads again now and then
// (core/threads_or_alone.h): it times both.
//
// Determinism rule for every kernel: split only over independent outputs (rows,
// batch items, channels) and never change the order of a reduction with the thread
// count, so 1, 2 and 4 threads give bit-identical results.
#pragma once
#include <cstdint>
#include <functional>

namespace wg {

// Number of threads parallel_for uses (>= 1). Set at most hardware/pool size.
int num_threads();
// Clamped to [1, max_threads()]; threads are created once and reused. After a smaller count than
// before, the extra workers stay idle. Not from inside a parallel_for chunk (throws wg::Error).
void set_num_threads(int threads);
// Threads a parallel_for started here would really use: 1 inside a parallel_for chunk (nested
// calls run inline), else num_threads(). Lets a kernel size its work split for what it gets.
int parallel_threads();
// The most threads this build can use (1 in the single-threaded WASM build).
int max_threads();
bool threads_supported();

// Runs body(chunk_begin, chunk_end) over [begin, end), each chunk at least min_chunk long.
// Ranges smaller than 2 * min_chunk run inline on the caller. Which thread runs which
// chunk, and how many chunks there are, varies: results must not depend on either.
// Not re-entrant: a nested call runs inline.
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t min_chunk,
                  const std::function<void(std::int64_t, std::int64_t)>& body);

}  // namespace wg
