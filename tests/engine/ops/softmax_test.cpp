// softmax and log_softmax over the last axis: hand-computed values, stability for large
// logits, consistency between the two, and gradients against finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

TEST(Softmax, HandComputedRows) {
  // Row [1, 2, 3]: e^k / (e + e^2 + e^3); row [0, 0, 0]: 1/3 each.
  const Tensor x = Tensor::from({2, 3}, {1, 2, 3, 0, 0, 0});
  const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const Tensor expected = Tensor::from({2, 3}, {static_cast<float>(std::exp(1.0) / s),
                                                static_cast<float>(std::exp(2.0) / s),
                                                static_cast<float>(std::exp(3.0) / s), 1 / 3.0f, 1 / 3.0f, 1 / 3.0f});
  expect_tensor_near(softmax(Var(x)).value(), expected, 1e-7f);
  const Tensor log_expected = Tensor::from(
      {2, 3}, {static_cast<float>(1 - std::log(s)), static_cast<float>(2 - std::log(s)),
               static_cast<float>(3 - std::log(s)), static_cast<float>(-std::log(3.0)),
               static_cast<float>(-std::log(3.0)), static_cast<float>(-std::log(3.0))});
  expect_tensor_near(log_softmax(Var(x)).value(), log_expected, 1e-6f);
}

TEST(Softmax, LargeLogitsStayFinite) {
  // Without subtracting the max, e^1000 overflows to inf and the result is NaN.
  const Tensor x = Tensor::from({1, 3}, {1000, 1001, -1000});
  const Tensor p = softmax(Var(x)).value();
  const Tensor lp = log_softmax(Var(x)).value();
  const double e = std::exp(1.0);
  EXPECT_NEAR(p[0], 1 / (1 + e), 1e-6);
  EXPECT_NEAR(p[1], e / (1 + e), 1e-6);
  EXPECT_EQ(p[2], 0.0f);
  EXPECT_NEAR(lp[1], -std::log1p(1 / e), 1e-5);
  EXPECT_NEAR(lp[2], -2001 - std::log1p(1 / e), 1e-2);
}

TEST(Softmax, RowsSumToOneAndLogAgrees) {
  const Tensor x = random_tensor({4, 3, 10}, 41, -5, 5);  // rank 3: the last axis is normalised
  const Tensor p = softmax(Var(x)).value();
  const Tensor lp = log_softmax(Var(x)).value();
  for (int r = 0; r < 12; ++r) {
    double total = 0;
    for (int j = 0; j < 10; ++j) {
      total += p[r * 10 + j];
      EXPECT_NEAR(std::log(p[r * 10 + j]), lp[r * 10 + j], 1e-5);
    }
    EXPECT_NEAR(total, 1.0, 1e-6);
  }
}

TEST(Softmax, GradientsMatchFiniteDifferences) {
  for (const Shape& shape : std::vector<Shape>{{1}, {5}, {3, 4}, {2, 3, 6}}) {
    SCOPED_TRACE(shape_str(shape));
    const Tensor x = random_tensor(shape, 42, -2, 2);
    expect_gradients_match([](const std::vector<Var>& v) { return softmax(v[0]); }, {x});
    expect_gradients_match([](const std::vector<Var>& v) { return log_softmax(v[0]); }, {x});
  }
}

}  // namespace
}  // namespace wg
