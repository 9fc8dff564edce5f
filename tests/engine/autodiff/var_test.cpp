// Gradients accumulate where a value feeds several nodes (the lectures' "+=" rule), which is
// what a residual block relies on: its input reaches the loss along the layers and the shortcut.
#include "autodiff/var.h"

#include <gtest/gtest.h>

#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

// y = x * x + x: x feeds mul twice and add once, so dy/dx = 2x + 1, not 2x, x or 1.
TEST(Var, AValueUsedThreeTimesReceivesEveryGradient) {
  const Var x = Var::parameter(Tensor::from({3}, {-1.5f, 0.0f, 2.0f}), "x");
  const Var y = add(mul(x, x), x);
  backward(y, Tensor::full({3}, 1.0f));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{-2.0f, 1.0f, 5.0f}));
}

// A residual connection on its own: y = f(x) + x with f = relu(x * w). dy/dx = relu'(x w) w + 1,
// the "+ 1" being the shortcut's share: it stays when relu' is 0.
TEST(Var, TheShortcutOfAResidualAddPassesTheGradientThrough) {
  const Var x = Var::parameter(Tensor::from({2}, {1.0f, -1.0f}), "x");
  const Var w = Var::parameter(Tensor::from({2}, {3.0f, 3.0f}), "w");
  const Var y = residual_add(relu(mul(x, w)), x);
  backward(y, Tensor::full({2}, 1.0f));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{4.0f, 1.0f}));
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{1.0f, 0.0f}));
}

// The same value through two branches joined by concat, then a nonlinearity: finite differences.
TEST(Var, BranchesJoinedByConcatAccumulateIntoTheirInput) {
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        const Var left = tanh(v[0]);
        const Var right = mul(v[0], v[1]);
        return residual_add(concat({left, right}, 1), concat({right, v[0]}, 1));
      },
      {random_tensor({2, 3, 4}, 61), random_tensor({2, 3, 4}, 62)});
}

// zero_grad marks the gradients as zeros without writing them; a linear layer's product then
// overwrites them (beta = 0). The gradient after zero_grad must be exactly the new step's, a second
// backward without zero_grad must add to it, and a parameter the loss does not reach must read 0.
TEST(Var, ZeroGradThenBackwardGivesTheNewGradientAndASecondBackwardAdds) {
  const Var x(Tensor::from({2, 3}, {1.0f, 2.0f, -1.0f, 0.5f, 0.0f, 3.0f}));
  Var w = Var::parameter(Tensor::from({2, 3}, {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f}), "w");
  Var unused = Var::parameter(Tensor::from({2}, {1.0f, 2.0f}), "unused");
  const Var u0 = sum(mul(unused, unused));  // gives `unused` a gradient of 2 * unused
  backward(u0);
  ASSERT_EQ(unused.grad().to_vector(), (std::vector<float>{2.0f, 4.0f}));
  const auto step = [&] { backward(sum(linear(x, w, Var()))); };  // d/dw = column sums of x, per output row
  const std::vector<float> once{1.5f, 2.0f, 2.0f, 1.5f, 2.0f, 2.0f};
  step();
  EXPECT_EQ(w.grad().to_vector(), once);
  step();  // no zero_grad: the gradients add
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{3.0f, 4.0f, 4.0f, 3.0f, 4.0f, 4.0f}));
  w.zero_grad();
  unused.zero_grad();
  EXPECT_EQ(unused.grad().to_vector(), (std::vector<float>{0.0f, 0.0f}));  // read as zeros, not the old 2, 4
  step();
  EXPECT_EQ(w.grad().to_vector(), once);  // overwritten, not added to the old 3, 4
  w.zero_grad();
  EXPECT_EQ(w.grad().to_vector(), std::vector<float>(6, 0.0f));
}

}  // namespace
}  // namespace wg
