#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"

#if defined(__EMSCRIPTEN__) && defined(WG_THREADS)
#include <emscripten/em_asm.h>
#endif

namespace wg {

#if defined(WG_THREADS)

namespace {

// The cap on threads, WASMGRAD_MAX_THREADS in CMakeLists.txt (16 unless configured otherwise).
#ifndef WG_MAX_THREADS
#define WG_MAX_THREADS 16
#endif
constexpr int kThreadCap = WG_MAX_THREADS;

#if defined(__EMSCRIPTEN__)
// A pthread beyond Emscripten's preloaded worker pool would wait for the JS event loop to
// spawn its worker, which never comes while the engine waits for it: so the most threads are
// as many as the pool has workers (the caller counts as one thread, one worker stays spare).
// The pool's size is chosen when the module starts (-sPTHREAD_POOL_SIZE in CMakeLists.txt:
// the loader passes navigator.hardwareConcurrency / os.availableParallelism(), capped).
int pool_limit() {
  static const int limit = [] {
    const int workers = EM_ASM_INT({ return PThread.unusedWorkers.length + PThread.runningWorkers.length; });
    return std::clamp(workers, 1, kThreadCap);
  }();
  return limit;
}
#else
int pool_limit() { return kThreadCap; }
#endif

// Chunks per thread: enough that a slowed thread's share moves to the others, few enough
// that per-chunk setup (scratch buffers) stays negligible.
constexpr int kChunksPerThread = 4;

// True on a thread that is running a parallel_for chunk (the caller and every pool
// worker), so a nested parallel_for runs inline instead of waiting for the busy pool.
thread_local bool t_inside_parallel = false;

// Hand-off between the caller and the workers. A training step issues hundreds of
// parallel_for calls a few microseconds apart, and waking a sleeping thread through a
// futex costs tens of microseconds (more in WASM, where it is Atomics.wait/notify on a
// worker): so both sides first spin on atomics for a short while and only then sleep on
// the condition variables. The spin bound keeps an idle engine from burning a core.
//
// Who runs which chunk: owner first, then stealing. Thread k of a run (the caller is 0, worker
// w is w + 1) owns the k-th contiguous share of the chunks and takes them from the front; a
// thread with none left takes the others' from the back. So when nobody is slowed down, the
// same thread runs the same part of every op of the same size, step after step, and of ops
// split alike (a layer's forward product, its weight gradient and the optimizer's update over
// the same weights): that data stays in its core's cache instead of moving to the other core
// (a 400 KB update of data last written by the other core takes 3x as long on this 2-core
// Xeon). A thread that is slowed down still loses its chunks to the others.
class ThreadPool {
 public:
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  int threads() const { return threads_; }

  // Only between runs (parallel_for holds g_run_mutex, and so does set_num_threads). Workers
  // beyond threads - 1 stay idle (asleep after their spin) until a later resize wants them.
  void resize(int threads) {
    threads = std::clamp(threads, 1, pool_limit());
    while (static_cast<int>(workers_.size()) < threads - 1) {
      const int slot = static_cast<int>(workers_.size()) + 1;
      const std::uint64_t start_generation = generation_of(run_state_.load());  // a new worker joins from the next run on
      workers_.emplace_back([this, slot, start_generation] { worker_loop(slot, start_generation); });
    }
    threads_ = threads;
  }

  void run(std::int64_t begin, std::int64_t end, int chunks,
           const std::function<void(std::int64_t, std::int64_t)>& body) {
    const int participants = threads_;  // >= 2: parallel_for runs single-thread work inline
    body_ = &body;
    begin_ = begin;
    end_ = end;
    chunks_ = chunks;
    error_ = nullptr;
    for (int k = 0; k < participants; ++k)
      shares_[k].bounds.store(pack(chunks * k / participants, chunks * (k + 1) / participants), std::memory_order_relaxed);
    // Every participating worker acknowledges the run, even if others took all its chunks: so
    // none can still be reading this run's fields when the caller starts writing the next's.
    pending_.store(participants - 1);
    // Publishes the fields above, with who takes part, to workers that see the new generation.
    run_state_.store(((generation_of(run_state_.load()) + 1) << kCountBits) | static_cast<std::uint64_t>(participants));
    // Only a sleeping worker that takes part needs the wake-up (idle ones after a smaller
    // set_num_threads would otherwise cost every run a futex wake).
    const std::uint32_t taking_part = ((std::uint32_t{1} << participants) - 1) & ~std::uint32_t{1};  // slots 1 .. participants - 1
    if (sleeping_slots_.load() & taking_part) {
      std::lock_guard<std::mutex> lock(mutex_);  // a worker between its check and its wait holds it
      wake_.notify_all();
    }
    run_chunks(0, participants);
    if (!spin_until([this] { return pending_.load() == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      caller_sleeping_.store(true);
      done_.wait(lock, [this] { return pending_.load() == 0; });
      caller_sleeping_.store(false);
    }
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // run_state_ = generation << kCountBits | threads taking part in that run (caller included).
  static constexpr int kCountBits = 8;
  static_assert(kThreadCap < (1 << kCountBits), "the thread count must fit in run_state_'s low bits");
  static std::uint64_t generation_of(std::uint64_t state) { return state >> kCountBits; }
  static int participants_of(std::uint64_t state) { return static_cast<int>(state & ((1u << kCountBits) - 1)); }
  static_assert(kThreadCap < 32, "sleeping_slots_ has one bit per worker slot");

  // A thread's share of a run's chunks, [front, back): the owner takes from the front, thieves
  // from the back, both by compare-and-swap on one word, so each chunk is taken exactly once.
  struct alignas(64) Share {  // one cache line each: owners do not contend over their counters
    std::atomic<std::uint64_t> bounds{0};
  };
  static std::uint64_t pack(int front, int back) {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(back)) << 32 | static_cast<std::uint32_t>(front);
  }
  // The next chunk of share k (from the front if own, else from the back), or -1 if none is left.
  int take(int k, bool own) {
    std::uint64_t bounds = shares_[k].bounds.load();
    for (;;) {
      const int front = static_cast<int>(bounds & 0xffffffffu), back = static_cast<int>(bounds >> 32);
      if (front >= back) return -1;
      const std::uint64_t next = own ? pack(front + 1, back) : pack(front, back - 1);
      if (shares_[k].bounds.compare_exchange_weak(bounds, next)) return own ? front : back - 1;
    }
  }

  // Spins until ready() or about kSpinSeconds pass; returns ready(). Yields between
  // rounds, so that on a busy machine the thread being waited for can get the core.
  // 2 ms outlasts the gap between two training steps called from JS (about 0.2 ms in Node,
  // 0.3 ms in Chromium), so the workers stay awake through back-to-back steps instead of
  // paying a wake-up at each one's first parallel_for (with 0.2 ms, the CNN's split step
  // waited 0.2-0.3 ms longer for its second chunk); an idle engine still sleeps after 2 ms.
  template <class Ready>
  static bool spin_until(const Ready& ready) {
    constexpr double kSpinSeconds = 2e-3;
    for (int i = 0; i < 64; ++i)
      if (ready()) return true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kSpinSeconds);
    for (;;) {
      for (int i = 0; i < 256; ++i)
        if (ready()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return ready();
      std::this_thread::yield();
    }
  }

  // Thread `self`'s own chunks, then the others' until none is left.
  void run_chunks(int self, int participants) {
    for (int index = take(self, true); index >= 0; index = take(self, true)) run_chunk(index);
    for (int d = 1; d < participants; ++d) {
      const int victim = (self + d) % participants;
      for (int index = take(victim, false); index >= 0; index = take(victim, false)) run_chunk(index);
    }
  }

  void run_chunk(int index) {
    const std::int64_t n = end_ - begin_;
    const std::int64_t lo = begin_ + n * index / chunks_;
    const std::int64_t hi = begin_ + n * (index + 1) / chunks_;
    try {
      if (lo < hi) (*body_)(lo, hi);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  // Worker `slot` (1, 2, ...) joins the runs whose participant count includes it.
  void worker_loop(int slot, std::uint64_t seen) {
    t_inside_parallel = true;  // workers only ever run chunks: nested calls must run inline
    for (;;) {
      std::uint64_t state = 0;
      auto has_news = [&] {
        if (stopping_.load()) return true;
        state = run_state_.load();
        return generation_of(state) != seen && slot < participants_of(state);
      };
      if (!spin_until(has_news)) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_slots_.fetch_or(std::uint32_t{1} << slot);
        wake_.wait(lock, has_news);
        sleeping_slots_.fetch_and(~(std::uint32_t{1} << slot));
      }
      if (stopping_.load()) return;
      seen = generation_of(state);
      run_chunks(slot, participants_of(state));
      if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller between its check and its wait holds it
        done_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  // Written by the caller before the run_state_ store that publishes them (all atomics here
  // are sequentially consistent, which also orders the sleep checks).
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  std::int64_t begin_ = 0, end_ = 0;
  int chunks_ = 1, threads_ = 1;
  std::exception_ptr error_;
  Share shares_[kThreadCap];
  std::atomic<std::uint64_t> run_state_{0};
  std::atomic<int> pending_{0};
  std::atomic<std::uint32_t> sleeping_slots_{0};  // bit w + 1: worker w waits on wake_
  std::atomic<bool> caller_sleeping_{false};
  std::atomic<bool> stopping_{false};
};

ThreadPool& pool() {
  static ThreadPool instance;
  return instance;
}

std::mutex g_run_mutex;  // one parallel_for at a time across caller threads

}  // namespace

int max_threads() { return pool_limit(); }
bool threads_supported() { return true; }
int num_threads() { return pool().threads(); }
int parallel_threads() { return t_inside_parallel ? 1 : pool().threads(); }
void set_num_threads(int threads) {
  WG_CHECK(!t_inside_parallel, "set_num_threads: called from inside a parallel_for chunk");
  std::lock_guard<std::mutex> serial(g_run_mutex);  // never while a run is using the workers
  pool().resize(threads);
}

void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t min_chunk,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (end <= begin) return;
  const std::int64_t n = end - begin;
  const int threads = pool().threads();
  const std::int64_t by_size = n / std::max<std::int64_t>(min_chunk, 1);
  if (std::min<std::int64_t>(threads, by_size) <= 1 || t_inside_parallel) {
    body(begin, end);
    return;
  }
  std::lock_guard<std::mutex> serial(g_run_mutex);
  t_inside_parallel = true;
  try {
    pool().run(begin, end, static_cast<int>(std::min<std::int64_t>(threads * kChunksPerThread, by_size)), body);
  } catch (...) {
    t_inside_parallel = false;
    throw;
  }
  t_inside_parallel = false;
}

#else  // single-threaded build

int max_threads() { return 1; }
bool threads_supported() { return false; }
int num_threads() { return 1; }
int parallel_threads() { return 1; }
void set_num_threads(int) {}
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (end > begin) body(begin, end);
}

#endif

}  // namespace wg
