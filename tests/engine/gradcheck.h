// Test helpers shared by every op test:
//  - expect_gradients_match: analytic gradients against central finite differences;
//  - random_tensor: seeded test inputs;
//  - expect_tensor_near: element-wise comparison naming the first mismatch.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/var.h"
#include "core/random.h"
#include "core/tensor.h"

namespace wg::testing {

inline Tensor random_tensor(const Shape& shape, std::uint64_t seed, float low = -1.0f, float high = 1.0f) {
  Rng rng(seed);
  Tensor t = Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(low, high);
  return t;
}

inline void expect_tensor_near(const Tensor& actual, const Tensor& expected, float abs_tol, float rel_tol = 0.0f,
                               const std::string& what = "") {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (std::int64_t i = 0; i < actual.size(); ++i) {
    const float tol = abs_tol + rel_tol * std::fabs(expected[i]);
    ASSERT_NEAR(actual[i], expected[i], tol) << what << " at flat index " << i << " of " << shape_str(actual.shape());
  }
}

// f maps the inputs to any output; the scalar checked is sum(output * weights) with
// fixed random weights, so every element of a non-scalar output is exercised.
// Inputs listed in `constant` get no gradient check (e.g. integer-like labels).
inline void expect_gradients_match(const std::function<Var(const std::vector<Var>&)>& f,
                                   const std::vector<Tensor>& inputs, float eps = 1e-2f, float abs_tol = 2e-3f,
                                   float rel_tol = 2e-2f, std::vector<bool> constant = {}) {
  constant.resize(inputs.size(), false);
  std::vector<Var> vars;
  for (std::size_t i = 0; i < inputs.size(); ++i) vars.emplace_back(inputs[i].clone(), !constant[i]);
  Var out = f(vars);
  Tensor weights = random_tensor(out.shape(), 1234, 0.5f, 1.5f);
  auto objective = [&](const std::vector<Var>& vs) {
    NoGrad off;
    Tensor y = f(vs).value();
    double total = 0;
    for (std::int64_t i = 0; i < y.size(); ++i) total += static_cast<double>(y[i]) * weights[i];
    return total;
  };
  backward(out, weights);
  for (std::size_t which = 0; which < inputs.size(); ++which) {
    if (constant[which]) continue;
    const Tensor& analytic = vars[which].grad();
    ASSERT_TRUE(analytic.defined()) << "input " << which << " received no gradient";
    for (std::int64_t i = 0; i < inputs[which].size(); ++i) {
      std::vector<Var> probe;
      for (std::size_t j = 0; j < inputs.size(); ++j) probe.emplace_back(inputs[j].clone());
      const float original = inputs[which][i];
      probe[which].value()[i] = original + eps;
      const double up = objective(probe);
      probe[which].value()[i] = original - eps;
      const double down = objective(probe);
      const double numeric = (up - down) / (2.0 * eps);
      const double tol = abs_tol + rel_tol * std::fabs(numeric);
      ASSERT_NEAR(analytic[i], numeric, tol) << "gradient of input " << which << " at flat index " << i << " of "
                                             << shape_str(inputs[which].shape());
    }
  }
}

}  // namespace wg::testing
