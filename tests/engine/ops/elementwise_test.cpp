// Broadcasting binary ops and scalar ops: forward values, gradients against finite
// differences (including stretched dimensions), error messages, thread-count determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

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

using BinaryOp = Var (*)(const Var&, const Var&);

struct ForwardCase {
  const char* name;
  BinaryOp op;
  Shape shape_a;
  std::vector<float> a;
  Shape shape_b;
  std::vector<float> b;
  Shape expected_shape;
  std::vector<float> expected;
};

TEST(Elementwise, ForwardBroadcastsLikeNumPy) {
  const std::vector<ForwardCase> cases = {
      {"same shape add", add, {2, 2}, {1, 2, 3, 4}, {2, 2}, {10, 20, 30, 40}, {2, 2}, {11, 22, 33, 44}},
      {"row bias add", add, {2, 3}, {1, 2, 3, 4, 5, 6}, {3}, {10, 20, 30}, {2, 3}, {11, 22, 33, 14, 25, 36}},
      {"column sub", sub, {2, 3}, {1, 2, 3, 4, 5, 6}, {2, 1}, {1, 2}, {2, 3}, {0, 1, 2, 2, 3, 4}},
      {"scalar on the left", sub, {1}, {10}, {3}, {1, 2, 3}, {3}, {9, 8, 7}},
      {"outer product by mul", mul, {3, 1}, {1, 2, 3}, {1, 2}, {10, 100}, {3, 2}, {10, 100, 20, 200, 30, 300}},
      {"rank-3 with rank-2", mul, {2, 1, 2}, {1, 2, 3, 4}, {3, 1}, {1, 10, 100}, {2, 3, 2},
       {1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400}},
      {"div by scalar", div, {4}, {2, 4, 6, 8}, {1}, {2}, {4}, {1, 2, 3, 4}},
      {"div per row", div, {2, 2}, {1, 2, 3, 4}, {2, 1}, {1, 4}, {2, 2}, {1, 2, 0.75f, 1}},
  };
  for (const auto& c : cases) {
    Var out = c.op(Var(Tensor::from(c.shape_a, c.a)), Var(Tensor::from(c.shape_b, c.b)));
    expect_tensor_near(out.value(), Tensor::from(c.expected_shape, c.expected), 1e-6f, 0, c.name);
  }
}

// Long rows: checks the SIMD body and the scalar tail against a scalar reference.
TEST(Elementwise, VectorisedPathsMatchScalarReference) {
  const Tensor a = random_tensor({3, 37}, 1), row = random_tensor({37}, 2), column = random_tensor({3, 1}, 3);
  Tensor same = a.clone(), by_row = a.clone(), by_column = a.clone();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 37; ++j) {
      same[i * 37 + j] = a[i * 37 + j] * a[i * 37 + j];
      by_row[i * 37 + j] = a[i * 37 + j] - row[j];
      by_column[i * 37 + j] = a[i * 37 + j] / (column[i] + 2.0f);
    }
  expect_tensor_near(mul(Var(a), Var(a)).value(), same, 1e-6f, 0, "same shape");
  expect_tensor_near(sub(Var(a), Var(row)).value(), by_row, 1e-6f, 0, "per row");
  expect_tensor_near(div(Var(a), add_scalar(Var(column), 2.0f)).value(), by_column, 1e-6f, 1e-6f, "per column");
}

struct GradientCase {
  const char* name;
  BinaryOp op;
  Shape shape_a, shape_b;
};

TEST(Elementwise, GradientsMatchFiniteDifferences) {
  const std::vector<Shape> same = {{2, 3}};
  const std::vector<std::pair<Shape, Shape>> shape_pairs = {
      {{2, 3}, {2, 3}},       {{2, 3}, {3}},   {{3}, {2, 3}},     {{2, 1, 4}, {3, 1}}, {{1}, {2, 3}},
      {{2, 3}, {1}},          {{1}, {1}},      {{5, 1}, {1, 6}},  {{2, 3, 2, 5}, {3, 1, 1}},
      {{2, 19}, {2, 19}},  // SIMD body + tail
  };
  const std::vector<std::pair<const char*, BinaryOp>> ops = {{"add", add}, {"sub", sub}, {"mul", mul}, {"div", div}};
  for (const auto& [name, op] : ops)
    for (const auto& [sa, sb] : shape_pairs) {
      SCOPED_TRACE(std::string(name) + " " + shape_str(sa) + " with " + shape_str(sb));
      // Divisors stay away from zero so the finite differences are well conditioned.
      const Tensor b = op == div ? random_tensor(sb, 8, 0.5f, 1.5f) : random_tensor(sb, 8);
      expect_gradients_match([op = op](const std::vector<Var>& v) { return op(v[0], v[1]); },
                             {random_tensor(sa, 7), b});
    }
}

TEST(Elementwise, ScalarOpsAndSharedInput) {
  const Tensor x = random_tensor({3, 5}, 4);
  expect_gradients_match([](const std::vector<Var>& v) { return add_scalar(v[0], 2.5f); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return mul_scalar(v[0], -3.0f); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return mul(v[0], v[0]); }, {x});  // both inputs one node
  Var y = mul_scalar(add_scalar(Var(Tensor::from({2}, {1, 2})), 1.0f), 3.0f);
  expect_tensor_near(y.value(), Tensor::from({2}, {6, 9}), 0);
  Var p = Var::parameter(Tensor::from({2}, {1.5f, -2.0f}), "p");
  backward(sum(mul(p, p)));
  expect_tensor_near(p.grad(), Tensor::from({2}, {3.0f, -4.0f}), 1e-6f);
}

TEST(Elementwise, IncompatibleShapesNameOpAndShapes) {
  const Var a(Tensor::zeros({2, 3})), b(Tensor::zeros({4})), c(Tensor::zeros({3, 2, 2}));
  expect_error_mentions([&] { add(a, b); }, {"add", "[2, 3]", "[4]"});
  expect_error_mentions([&] { mul(c, a); }, {"mul", "[3, 2, 2]", "[2, 3]"});
  expect_error_mentions([&] { broadcast_shape({5, 2}, {3, 2}, "div"); }, {"div", "[5, 2]", "[3, 2]"});
  EXPECT_EQ(broadcast_shape({2, 1, 4}, {3, 1}, "add"), (Shape{2, 3, 4}));
  EXPECT_EQ(broadcast_shape({1}, {1}, "add"), (Shape{1}));
}

// Gradients that reduce over stretched dimensions must not depend on the thread count.
TEST(Elementwise, BroadcastGradientsIdenticalForAnyThreadCount) {
  const Tensor a = random_tensor({64, 3, 40, 40}, 5), bias = random_tensor({3, 1, 1}, 6);
  std::vector<Tensor> reference;
  for (int threads : {1, 2, 3, 4, 8}) {
    set_num_threads(threads);
    Var va(a.clone(), true), vb(bias.clone(), true);
    backward(mul(va, vb), random_tensor(a.shape(), 9));
    if (reference.empty()) {
      reference = {va.grad().clone(), vb.grad().clone()};
      continue;
    }
    expect_tensor_near(va.grad(), reference[0], 0, 0, "a grad, threads " + std::to_string(threads));
    expect_tensor_near(vb.grad(), reference[1], 0, 0, "bias grad, threads " + std::to_string(threads));
  }
  set_num_threads(1);
}

}  // namespace
}  // namespace wg
