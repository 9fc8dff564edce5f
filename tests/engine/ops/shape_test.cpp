// reshape, flatten, concat, residual_add: values, view semantics, gradients, errors.
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

TEST(Shape, ReshapeAndFlatten) {
  const Var x(Tensor::from({2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(reshape(x, {3, -1}).shape(), (Shape{3, 4}));
  EXPECT_EQ(reshape(x, {3, -1}).value().to_vector(), x.value().to_vector());
  EXPECT_EQ(flatten(x).shape(), (Shape{2, 6}));
  EXPECT_EQ(flatten(Var(Tensor::zeros({4, 3, 2, 2}))).shape(), (Shape{4, 12}));
  expect_error_mentions([&] { reshape(x, {5, -1}); }, {"reshape", "[2, 3, 2]", "[5, -1]"});
  expect_error_mentions([&] { flatten(Var(Tensor::zeros({6}))); }, {"flatten", "[6]"});
  const Tensor r = random_tensor({2, 3, 4}, 51);
  expect_gradients_match([](const std::vector<Var>& v) { return reshape(v[0], {4, -1}); }, {r});
  expect_gradients_match([](const std::vector<Var>& v) { return flatten(v[0]); }, {r});
}

struct ConcatCase {
  int axis;
  Shape expected_shape;
  std::vector<float> expected;
};

TEST(Shape, ConcatAlongAnyAxis) {
  // a = [[[0, 1]], [[2, 3]]] (2, 1, 2); b = [[[4, 5]], [[6, 7]]] (2, 1, 2)
  const Var a(Tensor::from({2, 1, 2}, {0, 1, 2, 3})), b(Tensor::from({2, 1, 2}, {4, 5, 6, 7}));
  const std::vector<ConcatCase> cases = {
      {0, {4, 1, 2}, {0, 1, 2, 3, 4, 5, 6, 7}},
      {1, {2, 2, 2}, {0, 1, 4, 5, 2, 3, 6, 7}},
      {2, {2, 1, 4}, {0, 1, 4, 5, 2, 3, 6, 7}},
      {-1, {2, 1, 4}, {0, 1, 4, 5, 2, 3, 6, 7}},
  };
  for (const auto& c : cases)
    expect_tensor_near(concat({a, b}, c.axis).value(), Tensor::from(c.expected_shape, c.expected), 0,
                       0, "axis " + std::to_string(c.axis));
  for (int axis : {0, 1, 2}) {
    SCOPED_TRACE("axis " + std::to_string(axis));
    Shape s1{2, 3, 4}, s2{2, 3, 4};
    s2[axis] = 1 + axis;  // differing sizes along the axis
    expect_gradients_match([axis](const std::vector<Var>& v) { return concat({v[0], v[1], v[0]}, axis); },
                           {random_tensor(s1, 52), random_tensor(s2, 53)});
  }
}

TEST(Shape, ConcatErrorsNameShapes) {
  const Var a(Tensor::zeros({2, 3})), b(Tensor::zeros({4, 4})), c(Tensor::zeros({2, 3, 1}));
  expect_error_mentions([&] { concat({a, b}, 0); }, {"concat", "[4, 4]", "[2, 3]"});
  expect_error_mentions([&] { concat({a, c}, 1); }, {"concat", "[2, 3, 1]"});
  expect_error_mentions([&] { concat({a}, 2); }, {"concat", "axis 2", "[2, 3]"});
  expect_error_mentions([&] { concat({}, 0); }, {"concat"});
}

TEST(Shape, ResidualAdd) {
  const Var a(Tensor::from({2}, {1, 2})), b(Tensor::from({2}, {10, 20}));
  const Var y = residual_add(a, b);
  EXPECT_EQ(y.value().to_vector(), (std::vector<float>{11, 22}));
  EXPECT_EQ(y.node()->op, "residual_add");
  expect_gradients_match([](const std::vector<Var>& v) { return residual_add(v[0], v[1]); },
                         {random_tensor({3, 37}, 54), random_tensor({3, 37}, 55)});
  // identical shapes only: no broadcasting, even where add would broadcast
  expect_error_mentions([&] { residual_add(Var(Tensor::zeros({2, 3})), Var(Tensor::zeros({3}))); },
                        {"residual_add", "[2, 3]", "[3]"});
}

}  // namespace
}  // namespace wg
