// Tensor, buffer pool, Rng and the autodiff graph mechanics.
#include <gtest/gtest.h>

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
    EXPECT_THROW(parallel_for(0, 100, 1, [](std::int64_t lo, std::int64_t) {
                   if (lo > 0 || num_threads() == 1) fail("chunk failed");
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
