// The lecture's backpropagation worked examples (shared/SEEDS.md), built from the ops and
// checked against the hand-derived formulas:
//   J = cos(sin(x^2) + 3x^2),  dJ/dx = -sin(u) (cos(t) + 3) 2x  with t = x^2, u = sin t + 3t;
//   y = w2 relu(w1 x + b1) + b2,  L = (y - t)^2,  every gradient by the chain rule.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/ops.h"

namespace wg {
namespace {

Var scalar_param(float v, const char* name) { return Var::parameter(Tensor::scalar(v), name); }

TEST(WorkedExamples, CosSinSquare) {
  for (bool square_by_pow : {false, true})
    for (double x0 : {0.5, 1.3}) {
      SCOPED_TRACE("x = " + std::to_string(x0) + (square_by_pow ? " (pow)" : " (mul)"));
      Var x = scalar_param(static_cast<float>(x0), "x");
      Var t = square_by_pow ? pow(x, 2.0f) : mul(x, x);
      Var u = add(sin(t), mul_scalar(t, 3.0f));  // t feeds two nodes: its gradients accumulate
      Var J = cos(u);
      backward(J);
      const double t0 = x0 * x0, u0 = std::sin(t0) + 3 * t0;
      EXPECT_NEAR(J.item(), std::cos(u0), 1e-6);
      EXPECT_NEAR(x.grad()[0], -std::sin(u0) * (std::cos(t0) + 3) * 2 * x0, 1e-5);
    }
}

struct TinyNetCase {
  float x, w1, b1, w2, b2, target;
  // hand-computed: loss and gradients of L w.r.t. w1, b1, w2, b2, x
  float loss, d_w1, d_b1, d_w2, d_b2, d_x;
};

TEST(WorkedExamples, TinyReluNetwork) {
  const std::vector<TinyNetCase> cases = {
      // h = relu(0.5*2 - 0.5) = 0.5, y = 3*0.5 + 1 = 2.5, L = (2.5 - 4)^2 = 2.25, dL/dy = -3,
      // dL/dh = -9, relu active: dL/dw1 = -9 * 2, dL/db1 = -9, dL/dx = -9 * 0.5
      {2, 0.5f, -0.5f, 3, 1, 4, 2.25f, -18, -9, -1.5f, -3, -4.5f},
      // pre-activation 0.5*2 - 2 = -1: relu off, only b2 (and nothing before relu) learns.
      // y = 1, L = 9, dL/dy = -6
      {2, 0.5f, -2, 3, 1, 4, 9, 0, 0, 0, -6, 0},
      // negative weights: h = relu(-1*(-1.5) + 0.25) = 1.75, y = -2*1.75 + 0.5 = -3, L = (-3 - 1)^2 = 16,
      // dL/dy = -8, dL/dw2 = -8*1.75 = -14, dL/dh = 16, dL/dw1 = 16*(-1.5) = -24, dL/db1 = 16, dL/dx = 16*(-1) = -16
      {-1.5f, -1, 0.25f, -2, 0.5f, 1, 16, -24, 16, -14, -8, -16},
  };
  for (const auto& c : cases) {
    Var x = scalar_param(c.x, "x"), w1 = scalar_param(c.w1, "w1"), b1 = scalar_param(c.b1, "b1");
    Var w2 = scalar_param(c.w2, "w2"), b2 = scalar_param(c.b2, "b2");
    Var y = add(mul(w2, relu(add(mul(w1, x), b1))), b2);
    Var L = pow(sub(y, Var(Tensor::scalar(c.target))), 2.0f);
    backward(L);
    EXPECT_FLOAT_EQ(L.item(), c.loss);
    EXPECT_FLOAT_EQ(w1.grad()[0], c.d_w1);
    EXPECT_FLOAT_EQ(b1.grad()[0], c.d_b1);
    EXPECT_FLOAT_EQ(w2.grad()[0], c.d_w2);
    EXPECT_FLOAT_EQ(b2.grad()[0], c.d_b2);
    EXPECT_FLOAT_EQ(x.grad()[0], c.d_x);
  }
}

}  // namespace
}  // namespace wg
