// Reductions: hand-computed sums and means over all elements and along each axis,
// keepdim shapes, negative axes, bad-axis errors, gradients, and thread-count
// determinism of the blockwise full sum.
#include <gtest/gtest.h>

#include "core/parallel.h"
#include "error_message.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_error_mentions;
using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

// x = [[[0, 1, 2], [3, 4, 5]]] + ... : a [2, 2, 3] tensor holding 0..11.
Tensor iota_tensor() {
  Tensor t = Tensor::empty({2, 2, 3});
  for (int i = 0; i < 12; ++i) t[i] = static_cast<float>(i);
  return t;
}

TEST(Reduce, SumAndMeanOfAllElements) {
  const Var x(iota_tensor());
  EXPECT_EQ(sum(x).shape(), (Shape{1}));
  EXPECT_EQ(sum(x).item(), 66.0f);
  EXPECT_EQ(mean(x).item(), 5.5f);
}

struct AxisCase {
  int axis;
  bool keepdim, average;
  Shape expected_shape;
  std::vector<float> expected;
};

TEST(Reduce, AlongOneAxis) {
  const std::vector<AxisCase> cases = {
      {0, false, false, {2, 3}, {6, 8, 10, 12, 14, 16}},
      {1, false, false, {2, 3}, {3, 5, 7, 15, 17, 19}},
      {2, false, false, {2, 2}, {3, 12, 21, 30}},
      {-1, true, false, {2, 2, 1}, {3, 12, 21, 30}},
      {-3, true, true, {1, 2, 3}, {3, 4, 5, 6, 7, 8}},
      {1, true, true, {2, 1, 3}, {1.5f, 2.5f, 3.5f, 7.5f, 8.5f, 9.5f}},
  };
  for (const auto& c : cases) {
    const Var x(iota_tensor());
    const Var y = c.average ? mean_axis(x, c.axis, c.keepdim) : sum_axis(x, c.axis, c.keepdim);
    expect_tensor_near(y.value(), Tensor::from(c.expected_shape, c.expected), 1e-6f, 0,
                       "axis " + std::to_string(c.axis));
  }
  EXPECT_EQ(sum_axis(Var(Tensor::from({3}, {1, 2, 3})), 0, false).shape(), (Shape{1}));
}

TEST(Reduce, BadAxisNamesOpAxisAndShape) {
  const Var x(Tensor::zeros({2, 3}));
  expect_error_mentions([&] { sum_axis(x, 2, false); }, {"sum_axis", "axis 2", "[2, 3]"});
  expect_error_mentions([&] { mean_axis(x, -3, true); }, {"mean_axis", "axis -3", "[2, 3]"});
}

TEST(Reduce, GradientsMatchFiniteDifferences) {
  const Tensor x = random_tensor({3, 4, 5}, 21);
  expect_gradients_match([](const std::vector<Var>& v) { return sum(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return mean(v[0]); }, {x});
  for (int axis : {0, 1, 2, -1})
    for (bool keepdim : {false, true}) {
      SCOPED_TRACE("axis " + std::to_string(axis) + (keepdim ? " keepdim" : ""));
      expect_gradients_match([=](const std::vector<Var>& v) { return sum_axis(v[0], axis, keepdim); }, {x});
      expect_gradients_match([=](const std::vector<Var>& v) { return mean_axis(v[0], axis, keepdim); }, {x});
    }
}

TEST(Reduce, LargeSumIsAccurateAndIdenticalForAnyThreadCount) {
  const Tensor x = random_tensor({100003}, 22);
  double exact = 0;
  for (std::int64_t i = 0; i < x.size(); ++i) exact += x[i];
  std::vector<float> results;
  for (int threads : {1, 2, 3, 4, 8}) {
    set_num_threads(threads);
    results.push_back(sum(Var(x)).item());
  }
  set_num_threads(1);
  EXPECT_NEAR(results[0], exact, 1e-3);
  for (std::size_t r = 1; r < results.size(); ++r) EXPECT_EQ(results[0], results[r]) << "run " << r;
}

}  // namespace
}  // namespace wg
