#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/threads_or_alone.h"

#if defined(__EMSCRIPTEN__) && defined(WG_THREADS)
#include <emscripten/em_asm.h>
#include <emscripten/emscripten.h>
#include <emscripten/threading.h>
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

// The pool reads the clock a few times per run, a few hundred times per training step. In WASM,
// std::chrono goes clock_gettime -> emscripten_get_now -> performance.now(), about 1 µs a read in
// Node (3% of the caller's samples in a profile of the MLP's 2-thread step, though removing a read
// per run changed the step by no measurable amount); emscripten_get_now is the same clock without
// the two layers on top.
#if defined(__EMSCRIPTEN__)
double seconds_now() { return emscripten_get_now() * 1e-3; }
#else
double seconds_now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
#endif

// Sleeping on a 32-bit word until another thread changes it and wakes the sleepers (a futex;
// Atomics.wait/notify in WASM). A thread with nothing to do gives its core up instead of spinning:
// on a machine where other processes want the cores, a spinning thread takes time from the thread
// that has the work.
#if defined(__EMSCRIPTEN__)
// The main runtime thread (the caller, in Node) runs the calls other threads proxy to it only when
// it enters a wait, so it waits 1 ms at a time; the loops around park() check again and go back.
void park(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  emscripten_futex_wait(reinterpret_cast<volatile void*>(&word), expected, emscripten_is_main_runtime_thread() ? 1.0 : INFINITY);
}
void unpark(std::atomic<std::uint32_t>& word) { emscripten_futex_wake(reinterpret_cast<volatile void*>(&word), INT_MAX); }
#else
void park(std::atomic<std::uint32_t>& word, std::uint32_t expected) { word.wait(expected); }
void unpark(std::atomic<std::uint32_t>& word) { word.notify_all(); }
#endif

// How long a worker spins for the next run before it sleeps. 2 ms outlasts the gap between two
// training steps called from JS (about 0.2 ms in Node, 0.3 ms in Chromium), so the workers stay
// awake through back-to-back steps instead of paying a wake-up at each one's first parallel_for
// (with 0.2 ms, the CNN's split step waited 0.2-0.3 ms longer for its second chunk); an idle
// engine still sleeps after 2 ms, and so does a pool whose runs the caller does alone.
constexpr double kWorkerSpinSeconds = 2e-3;

// Spins until ready() or about `seconds` pass; returns ready(). Yields between rounds, so that
// on a busy machine the thread being waited for can get the core.
template <class Ready>
bool spin_until(const Ready& ready, double seconds) {
  for (int i = 0; i < 64; ++i)
    if (ready()) return true;
  const double deadline = seconds_now() + seconds;
  for (;;) {
    for (int i = 0; i < 256; ++i)
      if (ready()) return true;
    if (seconds_now() >= deadline) return ready();
    std::this_thread::yield();
  }
}

// Hand-off between the caller and the workers. A training step issues hundreds of
// parallel_for calls a few microseconds apart, and waking a sleeping thread through a
// futex costs tens of microseconds (more in WASM, where it is Atomics.wait/notify on a
// worker): so a worker first spins on atomics for a short while after a run and only then
// sleeps. The spin bound keeps an idle engine from burning a core.
//
// Who runs which chunk: owner first, then stealing. Thread k of a run (the caller is 0, worker
// w is w + 1) owns the k-th contiguous share of the chunks and takes them from the front; a
// thread with none left takes the others' from the back. So when nobody is slowed down, the
// same thread runs the same part of every op of the same size, step after step, and of ops
// split alike (a layer's forward product, its weight gradient and the optimizer's update over
// the same weights): that data stays in its core's cache instead of moving to the other core
// (a 400 KB update of data last written by the other core takes 3x as long on this 2-core
// Xeon). A thread that is slowed down still loses its chunks to the others.
//
// A run is over when all its chunks are done: the caller waits for the chunks, not for the
// workers. A worker that wakes up late, after the others took its share, finds every share's
// generation changed or empty and goes back to waiting; it never held anything up. (The pool used
// to wait for every worker to acknowledge each run, so a worker off its core made every run
// wait for a time slice: the MLP's 0.10x.) Each share's word carries the run's generation, so a
// late worker's take fails instead of taking a chunk of a later run with this run's view of it;
// and a worker reads the run's fields only while it holds a chunk, which the caller waits for.
class ThreadPool {
 public:
  ~ThreadPool() {
    stopping_.store(true);
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      Share& share = shares_[w + 1];
      share.wake.fetch_add(1);
      unpark(share.wake);
    }
    for (auto& t : workers_) t.join();
  }

  int threads() const { return threads_; }

  // Only between runs (parallel_for holds g_run_mutex, and so does set_num_threads). Workers
  // beyond threads - 1 stay idle (asleep after their spin) until a later resize wants them.
  void resize(int threads) {
    threads = std::clamp(threads, 1, pool_limit());
    while (static_cast<int>(workers_.size()) < threads - 1) {
      const int slot = static_cast<int>(workers_.size()) + 1;
      const std::uint32_t start_generation = generation_;  // a new worker joins from the next run on
      workers_.emplace_back([this, slot, start_generation] { worker_loop(slot, start_generation); });
    }
    if (threads != threads_) {  // the times were for another count
      chooser_ = ThreadsOrAlone();
      last_ = {};
    }
    threads_ = threads;
  }

  // Runs body over [begin, end) in `chunks` chunks, on the threads or on the caller alone
  // (ThreadsOrAlone), and times it for the choice. `site` names the call site.
  //
  // A run's time, for the choice, lasts until the next run starts, up to kWorkerSpinSeconds after
  // it ended: the serial work between two runs is where spinning workers take a busy machine's
  // time from the caller, which the run's own time would not show.
  void run(std::int64_t begin, std::int64_t end, int chunks, const void* site,
           const std::function<void(std::int64_t, std::int64_t)>& body) {
    const double start = seconds_now();
    if (last_.site) {
      const double until = std::min(start, last_.end + kWorkerSpinSeconds);
      chooser_.record(last_.site, last_.size, last_.on_threads, until - last_.start, start);
    }
    const bool on_threads = chooser_.use_threads(start);
    last_ = {site, end - begin, on_threads, start, start};
    if (on_threads) run_on_threads(begin, end, chunks, body, start);
    else body(begin, end);  // the caller alone: as one thread would, nested calls inline
    last_.end = seconds_now();
  }

 private:
  void run_on_threads(std::int64_t begin, std::int64_t end, int chunks,
                      const std::function<void(std::int64_t, std::int64_t)>& body, double started) {
    const int participants = threads_;  // >= 2: parallel_for runs single-thread work inline
    const std::uint32_t generation = ++generation_;
    body_ = &body;
    begin_ = begin;
    end_ = end;
    chunks_ = chunks;
    error_ = nullptr;
    done_.store(0, std::memory_order_relaxed);  // published by the share stores below
    for (int k = 0; k < participants; ++k)
      shares_[k].bounds.store(pack(generation, chunks * k / participants, chunks * (k + 1) / participants));
    run_state_.store(static_cast<std::uint64_t>(generation) << kCountBits | static_cast<std::uint64_t>(participants));
    // Only a sleeping worker that takes part needs the wake-up (idle ones after a smaller
    // set_num_threads would otherwise cost every run a futex wake).
    for (int k = 1; k < participants; ++k) {
      Share& share = shares_[k];
      if (share.sleeping.load()) {
        share.wake.fetch_add(1);
        unpark(share.wake);
      }
    }
    const int mine = run_chunks(0, participants, generation);
    if (done_.load() != chunks) {
      // Spin about as long as the others' last chunks should take, then sleep: a worker still
      // running then has lost its core, and the core this thread frees is where it can get one.
      const double per_chunk = mine > 0 ? (seconds_now() - started) / mine : 0.0;
      const double spin = std::clamp(2 * per_chunk, 50e-6, 2e-3);
      if (!spin_until([&] { return done_.load() == chunks; }, spin)) {
        caller_sleeping_.store(true);
        for (;;) {
          const std::uint32_t ticket = done_wake_.load();
          if (done_.load() == chunks) break;
          park(done_wake_, ticket);
        }
        caller_sleeping_.store(false);
      }
    }
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

  // run_state_ = generation << kCountBits | threads taking part in that run (caller included).
  static constexpr int kCountBits = 8;
  static_assert(kThreadCap < (1 << kCountBits), "the thread count must fit in run_state_'s low bits");
  static std::uint32_t generation_of(std::uint64_t state) { return static_cast<std::uint32_t>(state >> kCountBits); }
  static int participants_of(std::uint64_t state) { return static_cast<int>(state & ((1u << kCountBits) - 1)); }
  static_assert(kThreadCap * kChunksPerThread < (1 << 16), "a share's bounds are 16-bit chunk indices");

  // A thread's share of a run's chunks, [front, back) of run `generation`: the owner takes from
  // the front, thieves from the back, both by compare-and-swap on one word, so each chunk is taken
  // exactly once, and only in the run it belongs to. Also the thread's wake-up word.
  struct alignas(64) Share {  // one cache line each: owners do not contend over their counters
    std::atomic<std::uint64_t> bounds{0};
    std::atomic<std::uint32_t> wake{0};    // worker k sleeps on it
    std::atomic<bool> sleeping{false};
  };
  static std::uint64_t pack(std::uint32_t generation, int front, int back) {
    return static_cast<std::uint64_t>(generation) << 32 | static_cast<std::uint64_t>(back & 0xffff) << 16 |
           static_cast<std::uint64_t>(front & 0xffff);
  }
  // The next chunk of share k in run `generation` (from the front if own, else from the back), or
  // -1 if none is left.
  int take(int k, bool own, std::uint32_t generation) {
    std::uint64_t bounds = shares_[k].bounds.load();
    for (;;) {
      const int front = static_cast<int>(bounds & 0xffff), back = static_cast<int>((bounds >> 16) & 0xffff);
      if (static_cast<std::uint32_t>(bounds >> 32) != generation || front >= back) return -1;
      const std::uint64_t next = own ? pack(generation, front + 1, back) : pack(generation, front, back - 1);
      if (shares_[k].bounds.compare_exchange_weak(bounds, next)) return own ? front : back - 1;
    }
  }

  // Thread `self`'s own chunks, then the others' until none is left; returns how many it ran.
  int run_chunks(int self, int participants, std::uint32_t generation) {
    int ran = 0;
    for (int index = take(self, true, generation); index >= 0; index = take(self, true, generation), ++ran) run_chunk(index);
    for (int d = 1; d < participants; ++d) {
      const int victim = (self + d) % participants;
      for (int index = take(victim, false, generation); index >= 0; index = take(victim, false, generation), ++ran)
        run_chunk(index);
    }
    return ran;
  }

  void run_chunk(int index) {
    const std::int64_t n = end_ - begin_;
    const std::int64_t lo = begin_ + n * index / chunks_;
    const std::int64_t hi = begin_ + n * (index + 1) / chunks_;
    const int chunks = chunks_;
    try {
      if (lo < hi) (*body_)(lo, hi);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    // The last read of this run's fields is above: once done_ counts this chunk, the caller may
    // start the next run.
    if (done_.fetch_add(1) + 1 == chunks && caller_sleeping_.load()) {
      done_wake_.fetch_add(1);
      unpark(done_wake_);
    }
  }

  // Worker `slot` (1, 2, ...) joins the runs whose participant count includes it.
  void worker_loop(int slot, std::uint32_t seen) {
    t_inside_parallel = true;  // workers only ever run chunks: nested calls must run inline
    Share& share = shares_[slot];
    for (;;) {
      std::uint64_t state = 0;
      auto has_news = [&] {
        if (stopping_.load()) return true;
        state = run_state_.load();
        return generation_of(state) != seen && slot < participants_of(state);
      };
      if (!spin_until(has_news, kWorkerSpinSeconds)) {
        share.sleeping.store(true);
        for (;;) {
          const std::uint32_t ticket = share.wake.load();
          if (has_news()) break;
          park(share.wake, ticket);
        }
        share.sleeping.store(false);
      }
      if (stopping_.load()) return;
      seen = generation_of(state);
      run_chunks(slot, participants_of(state), seen);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;  // guards error_
  // Written by the caller before the share stores that publish them (all atomics here are
  // sequentially consistent, which also orders the sleep checks against the wake-ups).
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  std::int64_t begin_ = 0, end_ = 0;
  int chunks_ = 1, threads_ = 1;
  std::uint32_t generation_ = 0;  // the caller's count of runs on the threads
  std::exception_ptr error_;
  ThreadsOrAlone chooser_;
  struct LastRun {  // the run whose time is not recorded yet (see run())
    const void* site = nullptr;
    std::int64_t size = 0;
    bool on_threads = false;
    double start = 0, end = 0;
  } last_;
  Share shares_[kThreadCap];
  std::atomic<std::uint64_t> run_state_{0};
  std::atomic<int> done_{0};                // chunks of the current run finished
  std::atomic<std::uint32_t> done_wake_{0};  // the caller sleeps on it for the last chunk
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
    const void* site = &body.target_type();  // one type per lambda: the call site
    pool().run(begin, end, static_cast<int>(std::min<std::int64_t>(threads * kChunksPerThread, by_size)), site, body);
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
