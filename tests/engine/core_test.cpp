// Tensor, buffer pool, Rng, the thread pool and its threads-or-alone choice, and the autodiff
// graph mechanics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "autodiff/var.h"
#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"
#include "core/tensor.h"
#include "core/threads_or_alone.h"

namespace wg {
namespace {

TEST(Tensor, ShapesAndErrors) {
  Tensor t = Tensor::zeros({2, 3, 4});
  EXPECT_EQ(t.size(), 24);
  EXPECT_EQ(t.dim(-1), 4);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % kBufferAlignment, 0u);
  EXPECT_EQ(t.reshaped({6, -1}).shape(), (Shape{6, 4}));
  EXPECT_THROW(t.reshaped({5, -1}), Error);
  EXPECT_THROW(Tensor::zeros({2, 0}), Error);
  EXPECT_THROW(Tensor::zeros({-1}), Error);
  EXPECT_THROW(Tensor::zeros({1 << 20, 1 << 20}), Error);
  EXPECT_THROW(Tensor::from({2, 2}, {1, 2, 3}), Error);
  try {
    Tensor::from({2, 2}, {1, 2, 3});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 2]"), std::string::npos) << e.what();
  }
}

TEST(Tensor, ReshapeSharesStorageCloneCopies) {
  Tensor t = Tensor::from({2, 2}, {1, 2, 3, 4});
  Tensor r = t.reshaped({4});
  r[0] = 9;
  EXPECT_EQ(t[0], 9);
  Tensor c = t.clone();
  c[1] = 7;
  EXPECT_EQ(t[1], 2);
}

TEST(BufferPool, ReusesReleasedBuffers) {
  { Tensor warm = Tensor::empty({123, 7}); }
  const auto before = buffer_pool_stats().system_allocations;
  for (int i = 0; i < 10; ++i) Tensor t = Tensor::empty({123, 7});
  EXPECT_EQ(buffer_pool_stats().system_allocations, before);
}

TEST(Rng, ReproducibleAndInRange) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const float u = a.uniform();
    EXPECT_EQ(u, b.uniform());
    EXPECT_GE(u, 0.0f);
    EXPECT_LT(u, 1.0f);
    differs = differs || (u != c.uniform());
  }
  EXPECT_TRUE(differs);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = a.normal();
    sum += x;
    sum_sq += x * x;
  }
  EXPECT_NEAR(sum / 20000, 0.0, 0.05);
  EXPECT_NEAR(sum_sq / 20000, 1.0, 0.05);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.below(7), 7u);
}

TEST(Parallel, CoversRangeOnceAndPropagatesErrors) {
  for (int threads : {1, 2, 3, 4, 8}) {
    set_num_threads(threads);
    std::vector<int> hits(1000, 0);
    parallel_for(0, 1000, 1, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t i = lo; i < hi; ++i) hits[i]++;
    });
    for (int h : hits) ASSERT_EQ(h, 1);
    // The chunk that ends the range fails, whichever thread runs it (the caller alone runs the
    // whole range as one chunk when the pool measured that threads do not pay).
    EXPECT_THROW(parallel_for(0, 100, 1, [](std::int64_t, std::int64_t hi) {
                   if (hi == 100) fail("chunk failed");
                 }),
                 Error);
  }
  set_num_threads(1);
}

// The count set is the count used, also after a larger one: the extra workers stay out (they
// used to keep taking chunks, so setThreads(2) after setThreads(4) ran on 4 threads). Each chunk
// waits ~2 ms, so that any thread looking for work would get some.
TEST(Parallel, UsesNoMoreThreadsThanSet) {
  if (!threads_supported()) GTEST_SKIP() << "single-threaded build";
  for (int threads : {4, 2, 3, 1, 2}) {
    set_num_threads(threads);
    std::mutex mutex;
    std::set<std::thread::id> seen;
    parallel_for(0, 64, 1, [&](std::int64_t, std::int64_t) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        seen.insert(std::this_thread::get_id());
      }
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
      while (std::chrono::steady_clock::now() < until) {
      }
    });
    EXPECT_LE(static_cast<int>(seen.size()), threads) << "set to " << threads;
    EXPECT_GE(static_cast<int>(seen.size()), 1);
  }
  EXPECT_THROW(parallel_for(0, 4, 1, [](std::int64_t, std::int64_t) { set_num_threads(1); }), Error);
  set_num_threads(1);
}

// A worker that loses its core in the middle of a chunk (here: its chunks sleep 4 ms) must not
// hold every run up: the pool measures that the caller alone is faster and runs alone, trying the
// threads again now and then. Counted in runs, not in time, so a loaded machine (which only makes
// the caller alone look better) cannot fail it.
TEST(Parallel, RunsAloneWhileAWorkerHoldsRunsUp) {
  if (!threads_supported()) GTEST_SKIP() << "single-threaded build";
  set_num_threads(2);
  const std::thread::id caller = std::this_thread::get_id();
  int runs = 0, late_runs = 0, late_runs_with_worker = 0;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > 1.5) break;
    std::atomic<bool> worker_ran{false};
    parallel_for(0, 64, 1, [&](std::int64_t lo, std::int64_t hi) {
      if (std::this_thread::get_id() != caller) {
        worker_ran = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
      }
      volatile float sink = 0;
      for (std::int64_t i = lo * 2000; i < hi * 2000; ++i) sink = sink + 1.0f;
    });
    ++runs;
    if (elapsed > 0.8) {
      ++late_runs;
      late_runs_with_worker += worker_ran ? 1 : 0;
    }
  }
  set_num_threads(1);
  ASSERT_GT(late_runs, 0);
  EXPECT_LT(late_runs_with_worker * 10, late_runs) << runs << " runs; after 0.8 s, " << late_runs_with_worker << " of "
                                                   << late_runs << " waited for a worker";
}

// The choice itself, with made-up times: a step of three call sites, timed on the threads and on
// the caller alone. Returns the share of `seconds` spent in each mode.
struct SimulatedStep {
  double threads[3], alone[3];  // seconds per run of each site
};
struct Shares {
  double on_threads = 0, alone = 0;
};
Shares simulate(ThreadsOrAlone& choice, double& now, double seconds, const SimulatedStep& step) {
  static const char sites[3] = {};
  Shares spent;
  const double end = now + seconds;
  while (now < end) {
    for (int s = 0; s < 3; ++s) {
      const bool on_threads = choice.use_threads(now);
      const double t = on_threads ? step.threads[s] : step.alone[s];
      now += t;
      (on_threads ? spent.on_threads : spent.alone) += t;
      choice.record(&sites[s], 64 * (s + 1), on_threads, t, now);
    }
    now += 1e-4;  // the serial part between steps
  }
  return spent;
}

TEST(ThreadsOrAlone, FollowsWhicheverIsFasterAndProbesRarely) {
  ThreadsOrAlone choice;
  double now = 100.0;
  const SimulatedStep busy{{3e-3, 1e-3, 2e-3}, {1e-3, 0.4e-3, 0.8e-3}};  // a worker keeps losing its core
  const SimulatedStep idle{{0.5e-3, 0.2e-3, 0.4e-3}, {1e-3, 0.4e-3, 0.8e-3}};
  EXPECT_TRUE(choice.threads()) << "threads until measured otherwise";
  simulate(choice, now, 0.5, busy);
  EXPECT_FALSE(choice.threads()) << "the caller alone is 3x faster";
  Shares s = simulate(choice, now, 20, busy);
  EXPECT_FALSE(choice.threads());
  EXPECT_LT(s.on_threads, 0.03 * (s.on_threads + s.alone)) << "probes of the threads cost at most a few percent";
  simulate(choice, now, 2 * ThreadsOrAlone::kMaxInterval + 0.5, idle);
  EXPECT_TRUE(choice.threads()) << "back to the threads within two probe intervals once they pay";
  s = simulate(choice, now, 20, idle);
  EXPECT_TRUE(choice.threads());
  EXPECT_LT(s.alone, 0.03 * (s.on_threads + s.alone)) << "probes of the caller alone cost at most a few percent";
}

TEST(ThreadsOrAlone, ThreadsMustSaveMoreThanTheMargin) {
  ThreadsOrAlone choice;
  double now = 0;
  const double r = 0.95;  // threads 5% faster: not worth their spinning and wake-ups
  simulate(choice, now, 1, {{r * 1e-3, r * 1e-3, r * 1e-3}, {1e-3, 1e-3, 1e-3}});
  EXPECT_FALSE(choice.threads());
  ThreadsOrAlone other;
  now = 0;
  simulate(other, now, 1, {{0.8e-3, 0.8e-3, 0.8e-3}, {1e-3, 1e-3, 1e-3}});
  EXPECT_TRUE(other.threads());
}

// A probe that ran only call sites the steady mode has no time for cannot compare: it changes
// nothing, and the next probe comes soon.
TEST(ThreadsOrAlone, AProbeOverUnknownSitesDecidesNothing) {
  ThreadsOrAlone choice;
  static const char a = 0, b = 0;
  double now = 0;
  while (now < ThreadsOrAlone::kMinInterval) {
    ASSERT_TRUE(choice.use_threads(now));
    now += 1e-3;
    choice.record(&a, 10, true, 1e-3, now);
  }
  ASSERT_FALSE(choice.use_threads(now)) << "the first probe runs the caller alone";
  while (choice.probing()) {
    now += 1e-4;
    choice.record(&b, 10, false, 1e-4, now);  // 10x faster, but at a site never timed on the threads
    if (choice.probing()) choice.use_threads(now);
  }
  EXPECT_TRUE(choice.threads());
  EXPECT_NEAR(choice.next_probe(), now + ThreadsOrAlone::kMinInterval, 1e-9);
}

// Hand-built op so this test depends on nothing but the autodiff core: y = x * x.
Var square(const Var& x) {
  Tensor out = Tensor::empty(x.shape());
  for (std::int64_t i = 0; i < out.size(); ++i) out[i] = x.value()[i] * x.value()[i];
  Tensor saved = x.value();
  return make_result("square", out, {x}, [saved](Node& self) {
    if (Tensor* g = self.input_grad(0))
      for (std::int64_t i = 0; i < g->size(); ++i) (*g)[i] += 2 * saved[i] * self.grad[i];
  });
}

TEST(Autodiff, ValueUsedTwiceAccumulatesBothGradients) {
  Var x = Var::parameter(Tensor::from({1}, {3.0f}), "x");
  Var y = square(square(x));  // x^4 -> 4x^3 = 108
  backward(y);
  EXPECT_FLOAT_EQ(x.grad()[0], 108.0f);
  // a diamond: z = square(x) used by two consumers through the same node
  x.zero_grad();
  Var s = square(x);
  Var both = make_result("pair_sum", Tensor::from({1}, {s.value()[0] * 2}), {s, s}, [](Node& self) {
    for (std::size_t i = 0; i < 2; ++i)
      if (Tensor* g = self.input_grad(i)) (*g)[0] += self.grad[0];
  });
  backward(both);
  EXPECT_FLOAT_EQ(x.grad()[0], 12.0f);  // d(2x^2)/dx = 4x
}

TEST(Autodiff, NoGradRecordsNothingAndGraphIsDescribed) {
  Var x = Var::parameter(Tensor::from({2}, {1.0f, 2.0f}), "x");
  {
    NoGrad off;
    Var y = square(x);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_THROW(backward(y.value().size() == 1 ? y : Var(Tensor::from({1}, {0}))), Error);
  }
  Var y = square(square(x));
  auto graph = describe_graph(y);
  ASSERT_EQ(graph.size(), 3u);
  EXPECT_EQ(graph[0].op, "parameter");
  EXPECT_EQ(graph[0].name, "x");
  EXPECT_EQ(graph[2].op, "square");
  EXPECT_EQ(graph[2].inputs, std::vector<int>{1});
  EXPECT_THROW(backward(y), Error);  // not a scalar
}

}  // namespace
}  // namespace wg
