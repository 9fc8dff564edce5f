// Pointwise ops: forward against std:: references (including extreme inputs for the
// stable sigmoid/softplus), gradients against finite differences, zero gradients of the
// threshold units sign and step.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

struct UnaryCase {
  const char* name;
  std::function<Var(const Var&)> op;
  std::function<double(double)> reference;
  float low, high;  // input range for the gradient check (keeps log/pow in their domain)
};

double reference_softplus(double x) { return std::log1p(std::exp(x)); }
double reference_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> cases = {
      {"neg", [](const Var& x) { return neg(x); }, [](double x) { return -x; }, -2, 2},
      {"exp", [](const Var& x) { return exp(x); }, [](double x) { return std::exp(x); }, -2, 2},
      {"log", [](const Var& x) { return log(x); }, [](double x) { return std::log(x); }, 0.3f, 3},
      {"pow 2", [](const Var& x) { return pow(x, 2.0f); }, [](double x) { return x * x; }, -2, 2},
      {"pow 3", [](const Var& x) { return pow(x, 3.0f); }, [](double x) { return x * x * x; }, -2, 2},
      {"pow 0.5", [](const Var& x) { return pow(x, 0.5f); }, [](double x) { return std::sqrt(x); }, 0.3f, 3},
      {"pow -1", [](const Var& x) { return pow(x, -1.0f); }, [](double x) { return 1 / x; }, 0.5f, 3},
      {"relu", [](const Var& x) { return relu(x); }, [](double x) { return x > 0 ? x : 0; }, -2, 2},
      {"leaky_relu 0.01", [](const Var& x) { return leaky_relu(x); }, [](double x) { return x > 0 ? x : 0.01 * x; },
       -2, 2},
      {"leaky_relu 0.2", [](const Var& x) { return leaky_relu(x, 0.2f); },
       [](double x) { return x > 0 ? x : 0.2 * x; }, -2, 2},
      {"leaky_relu 3 (slope > 1)", [](const Var& x) { return leaky_relu(x, 3.0f); },
       [](double x) { return x > 0 ? x : 3 * x; }, -2, 2},
      {"sigmoid", [](const Var& x) { return sigmoid(x); }, reference_sigmoid, -4, 4},
      {"tanh", [](const Var& x) { return tanh(x); }, [](double x) { return std::tanh(x); }, -2, 2},
      {"softplus", [](const Var& x) { return softplus(x); }, reference_softplus, -4, 4},
      {"sin", [](const Var& x) { return sin(x); }, [](double x) { return std::sin(x); }, -3, 3},
      {"cos", [](const Var& x) { return cos(x); }, [](double x) { return std::cos(x); }, -3, 3},
  };
  return cases;
}

// Inputs for kinked functions stay 0.05 away from 0 so finite differences do not straddle the kink.
Tensor away_from_zero(Tensor t) {
  for (std::int64_t i = 0; i < t.size(); ++i)
    if (std::fabs(t[i]) < 0.05f) t[i] = t[i] < 0 ? -0.05f - t[i] : 0.05f + t[i];
  return t;
}

TEST(Unary, ForwardMatchesReference) {
  for (const auto& c : unary_cases()) {
    const Tensor x = random_tensor({37}, 11, c.low, c.high);  // 37: SIMD body and scalar tail
    const Tensor y = c.op(Var(x)).value();
    ASSERT_EQ(y.shape(), x.shape()) << c.name;
    for (std::int64_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(y[i], c.reference(x[i]), 1e-5 + 1e-5 * std::fabs(c.reference(x[i]))) << c.name << " at x = " << x[i];
  }
}

TEST(Unary, GradientsMatchFiniteDifferences) {
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    expect_gradients_match([&](const std::vector<Var>& v) { return c.op(v[0]); },
                           {away_from_zero(random_tensor({3, 7}, 12, c.low, c.high))});
  }
}

TEST(Unary, StableAtExtremeInputs) {
  const Tensor x = Tensor::from({4}, {-100, -30, 30, 100});
  const Tensor sp = softplus(Var(x)).value();
  const Tensor sg = sigmoid(Var(x)).value();
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(std::isfinite(sp[i]) && std::isfinite(sg[i])) << "x = " << x[i];
    EXPECT_NEAR(sp[i], reference_softplus(x[i]), 1e-6 * std::fabs(reference_softplus(x[i])) + 1e-30);
    EXPECT_NEAR(sg[i], reference_sigmoid(x[i]), 1e-7);
  }
  EXPECT_EQ(sp[3], 100.0f);
  EXPECT_GT(sp[0], 0.0f);  // e^-100 is representable: no underflow to 0 from 1 + tiny
  // Gradients at the extremes are finite too: sigmoid(+-100) saturates to 1 / ~0.
  Var p(x.clone(), true);
  backward(sum(add(softplus(p), sigmoid(p))));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(std::isfinite(p.grad()[i]));
}

TEST(Unary, SignAndStepHaveZeroGradient) {
  const Tensor x = Tensor::from({5}, {-2, -0.5f, 0, 0.5f, 2});
  EXPECT_EQ(sign(Var(x)).value().to_vector(), (std::vector<float>{-1, -1, 0, 1, 1}));
  EXPECT_EQ(step(Var(x)).value().to_vector(), (std::vector<float>{0, 0, 0, 1, 1}));
  for (auto op : {sign, step}) {
    Var p(x.clone(), true);
    backward(sum(mul(op(p), p)));  // d/dp [op(p) * p] = op(p) when op contributes nothing
    ASSERT_TRUE(p.grad().defined());
    EXPECT_EQ(p.grad().to_vector(), op(Var(x)).value().to_vector());
    Var q(x.clone(), true);
    backward(sum(op(q)));
    ASSERT_TRUE(q.grad().defined());
    for (float g : q.grad().to_vector()) EXPECT_EQ(g, 0.0f);
  }
}

// The lecture's numbers: sigmoid'(x) = sigma (1 - sigma); relu' is 0 at and below 0.
TEST(Unary, HandComputedDerivatives) {
  Var x(Tensor::from({3}, {0.0f, 2.0f, -1.0f}), true);
  backward(sum(add(sigmoid(x), relu(x))));
  const double s2 = reference_sigmoid(2.0), s1 = reference_sigmoid(-1.0);
  EXPECT_NEAR(x.grad()[0], 0.25, 1e-7);  // sigmoid'(0) = 0.25, relu'(0) = 0
  EXPECT_NEAR(x.grad()[1], s2 * (1 - s2) + 1, 1e-6);
  EXPECT_NEAR(x.grad()[2], s1 * (1 - s1), 1e-6);
}

}  // namespace
}  // namespace wg
