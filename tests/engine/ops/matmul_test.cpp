// matmul and linear: hand-computed products, gradients against finite differences (with
// and without bias, shared weights accumulate), and shape errors naming op and shapes.
#include <gtest/gtest.h>

#include "error_message.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_error_mentions;
using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

TEST(Matmul, HandComputedProducts) {
  // [[1, 2, 3], [4, 5, 6]] x [[1, 0], [0, 1], [1, 1]] = [[4, 5], [10, 11]]
  const Var a(Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6}));
  const Var b(Tensor::from({3, 2}, {1, 0, 0, 1, 1, 1}));
  expect_tensor_near(matmul(a, b).value(), Tensor::from({2, 2}, {4, 5, 10, 11}), 0);
  // linear: x [2, 3], W [2, 3] (out = 2), bias [2] -> x W^T + b
  const Var w(Tensor::from({2, 3}, {1, 0, 1, 0, 1, 0}));
  const Var bias(Tensor::from({2}, {0.5f, -1}));
  expect_tensor_near(linear(a, w, bias).value(), Tensor::from({2, 2}, {4.5f, 1, 10.5f, 4}), 0);
  expect_tensor_near(linear(a, w, Var()).value(), Tensor::from({2, 2}, {4, 2, 10, 5}), 0);
}

struct MatmulShapes {
  int M, K, N;
};

TEST(Matmul, GradientsMatchFiniteDifferences) {
  for (const auto& s : std::vector<MatmulShapes>{{1, 1, 1}, {2, 3, 4}, {5, 1, 3}, {3, 17, 9}}) {
    SCOPED_TRACE("M K N = " + std::to_string(s.M) + " " + std::to_string(s.K) + " " + std::to_string(s.N));
    expect_gradients_match([](const std::vector<Var>& v) { return matmul(v[0], v[1]); },
                           {random_tensor({s.M, s.K}, 31), random_tensor({s.K, s.N}, 32)});
    // linear with in = K, out = N
    expect_gradients_match([](const std::vector<Var>& v) { return linear(v[0], v[1], v[2]); },
                           {random_tensor({s.M, s.K}, 33), random_tensor({s.N, s.K}, 34), random_tensor({s.N}, 35)});
    expect_gradients_match([](const std::vector<Var>& v) { return linear(v[0], v[1], Var()); },
                           {random_tensor({s.M, s.K}, 36), random_tensor({s.N, s.K}, 37)});
  }
}

TEST(Matmul, SharedWeightAccumulatesBothUses) {
  // y = (x W^T) W^T with W used twice: checks beta = 1 accumulation into one gradient.
  expect_gradients_match(
      [](const std::vector<Var>& v) { return linear(linear(v[0], v[1], Var()), v[1], v[2]); },
      {random_tensor({2, 3}, 38), random_tensor({3, 3}, 39), random_tensor({3}, 40)});
}

TEST(Matmul, ShapeErrorsNameOpAndShapes) {
  const Var a(Tensor::zeros({2, 3})), b(Tensor::zeros({4, 5})), v(Tensor::zeros({3}));
  expect_error_mentions([&] { matmul(a, b); }, {"matmul", "[2, 3]", "[4, 5]"});
  expect_error_mentions([&] { matmul(a, v); }, {"matmul", "[2, 3]", "[3]"});
  expect_error_mentions([&] { linear(a, b, Var()); }, {"linear", "[2, 3]", "[4, 5]"});
  expect_error_mentions([&] { linear(a, Var(Tensor::zeros({4, 3})), Var(Tensor::zeros({3}))); },
                        {"linear", "bias", "[3]", "[4, 3]"});
  expect_error_mentions([&] { linear(v, a, Var()); }, {"linear", "[3]"});
}

}  // namespace
}  // namespace wg
