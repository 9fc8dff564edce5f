#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace wg {

#if defined(WG_THREADS)

namespace {

#if defined(__EMSCRIPTEN__)
constexpr int kMaxThreads = 4;  // = PTHREAD_POOL_SIZE: more would wait for the JS event loop to spawn a worker
#else
constexpr int kMaxThreads = 8;
#endif

// True on a thread that is running a parallel_for chunk (the caller and every pool
// worker), so a nested parallel_for runs inline instead of waiting for the busy pool.
thread_local bool t_inside_parallel = false;

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
    threads = std::clamp(threads, 1, kMaxThreads);
    while (static_cast<int>(workers_.size()) < threads - 1) {
      const int index = static_cast<int>(workers_.size()) + 1;
      std::uint64_t start_generation;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        start_generation = generation_;  // a new worker joins from the next run on
      }
      workers_.emplace_back([this, index, start_generation] { worker_loop(index, start_generation); });
    }
    threads_ = threads;
  }

  void run(std::int64_t begin, std::int64_t end, int chunks,
           const std::function<void(std::int64_t, std::int64_t)>& body) {
    std::unique_lock<std::mutex> lock(mutex_);
    body_ = &body;
    begin_ = begin;
    end_ = end;
    chunks_ = chunks;
    pending_ = chunks - 1;
    error_ = nullptr;
    ++generation_;
    lock.unlock();
    wake_.notify_all();
    run_chunk(0);
    lock.lock();
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
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

  void worker_loop(int index, std::uint64_t seen) {
    t_inside_parallel = true;  // workers only ever run chunks: nested calls must run inline
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= chunks_) continue;
      lock.unlock();
      run_chunk(index);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
  std::int64_t begin_ = 0, end_ = 0;
  int chunks_ = 1, pending_ = 0, threads_ = 1;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

ThreadPool& pool() {
  static ThreadPool instance;
  return instance;
}

std::mutex g_run_mutex;  // one parallel_for at a time across caller threads

}  // namespace

int max_threads() { return kMaxThreads; }
bool threads_supported() { return true; }
int num_threads() { return pool().threads(); }
void set_num_threads(int threads) { pool().resize(threads); }

void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t min_chunk,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (end <= begin) return;
  const std::int64_t n = end - begin;
  const int threads = pool().threads();
  const std::int64_t by_size = n / std::max<std::int64_t>(min_chunk, 1);
  const int chunks = static_cast<int>(std::min<std::int64_t>(threads, by_size));
  if (chunks <= 1 || t_inside_parallel) {
    body(begin, end);
    return;
  }
  std::lock_guard<std::mutex> serial(g_run_mutex);
  t_inside_parallel = true;
  try {
    pool().run(begin, end, chunks, body);
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
void set_num_threads(int) {}
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (end > begin) body(begin, end);
}

#endif

}  // namespace wg
