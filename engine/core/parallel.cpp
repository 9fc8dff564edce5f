#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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

  void resize(int threads) {
    threads = std::clamp(threads, 1, pool_limit());
    while (static_cast<int>(workers_.size()) < threads - 1) {
      const std::uint64_t start_generation = generation_.load();  // a new worker joins from the next run on
      workers_.emplace_back([this, start_generation] { worker_loop(start_generation); });
    }
    threads_ = threads;
  }

  void run(std::int64_t begin, std::int64_t end, int chunks,
           const std::function<void(std::int64_t, std::int64_t)>& body) {
    body_ = &body;
    begin_ = begin;
    end_ = end;
    chunks_ = chunks;
    error_ = nullptr;
    // Every worker acknowledges every run, even one with no chunk for it: so no worker can
    // still be reading this run's fields when the caller starts writing the next run's.
    pending_.store(static_cast<int>(workers_.size()));
    next_chunk_.store(0);
    generation_.fetch_add(1);  // publishes the fields above to workers that see the new generation
    if (sleeping_workers_.load() > 0) {
      std::lock_guard<std::mutex> lock(mutex_);  // a worker between its check and its wait holds it
      wake_.notify_all();
    }
    run_chunks();
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

  // Takes chunks from the shared counter until none is left.
  void run_chunks() {
    for (int index = next_chunk_.fetch_add(1); index < chunks_; index = next_chunk_.fetch_add(1)) run_chunk(index);
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

  void worker_loop(std::uint64_t seen) {
    t_inside_parallel = true;  // workers only ever run chunks: nested calls must run inline
    for (;;) {
      auto has_news = [&] { return stopping_.load() || generation_.load() != seen; };
      if (!spin_until(has_news)) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_workers_.fetch_add(1);
        wake_.wait(lock, has_news);
        sleeping_workers_.fetch_sub(1);
      }
      if (stopping_.load()) return;
      seen = generation_.load();
      run_chunks();
      if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller between its check and its wait holds it
        done_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  // Written by the caller before the generation_ increment that publishes them (all
  // atomics here are sequentially consistent, which also orders the sleep checks).
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  std::int64_t begin_ = 0, end_ = 0;
  int chunks_ = 1, threads_ = 1;
  std::exception_ptr error_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<int> next_chunk_{0};
  std::atomic<int> sleeping_workers_{0};
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
void set_num_threads(int threads) { pool().resize(threads); }

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
