// Initializers: statistics match their formulas, seeds reproduce, unknown names list the valid ones.
#include "nn/init.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace wg {
namespace {

struct Stats {
  double mean, variance, min, max;
};

Stats stats_of(const Tensor& t) {
  double sum = 0, sum_sq = 0, lo = 1e30, hi = -1e30;
  for (std::int64_t i = 0; i < t.size(); ++i) {
    sum += t[i];
    sum_sq += static_cast<double>(t[i]) * t[i];
    lo = std::min<double>(lo, t[i]);
    hi = std::max<double>(hi, t[i]);
  }
  const double mean = sum / t.size();
  return {mean, sum_sq / t.size() - mean * mean, lo, hi};
}

TEST(Init, VariancesFollowTheFormulas) {
  struct Case {
    std::string name;
    int fan_in, fan_out;
    double variance, bound;  // bound 0: unbounded (normal)
  };
  const Case cases[] = {
      {"xavier_uniform", 100, 50, 2.0 / 150, std::sqrt(6.0 / 150)},
      {"xavier_normal", 100, 50, 2.0 / 150, 0},
      {"he_uniform", 75, 10, 2.0 / 75, std::sqrt(6.0 / 75)},
      {"he_normal", 75, 10, 2.0 / 75, 0},
      {"uniform", 1, 1, 0.1 * 0.1 / 12, 0.05},
      {"normal", 1, 1, 0.01 * 0.01, 0},
      {"zeros", 1, 1, 0, 1e-30},
  };
  for (const Case& c : cases) {
    Rng rng(7);
    Tensor t = Tensor::full({200, 100}, 5.0f);
    initialize(t, c.name, c.fan_in, c.fan_out, rng);
    const Stats s = stats_of(t);
    EXPECT_NEAR(s.mean, 0.0, 0.02 * std::sqrt(c.variance) + 1e-12) << c.name;
    EXPECT_NEAR(s.variance, c.variance, 0.03 * c.variance + 1e-12) << c.name;
    if (c.bound > 0) {
      EXPECT_GE(s.min, -c.bound) << c.name;
      EXPECT_LE(s.max, c.bound) << c.name;
    }
  }
}

TEST(Init, SameSeedSameWeights) {
  Rng a(3), b(3);
  Tensor x = Tensor::empty({50}), y = Tensor::empty({50});
  initialize(x, "he_normal", 25, 5, a);
  initialize(y, "he_normal", 25, 5, b);
  EXPECT_EQ(x.to_vector(), y.to_vector());
}

TEST(Init, UnknownNameListsValidOnes) {
  Rng rng(1);
  Tensor t = Tensor::empty({4});
  try {
    initialize(t, "kaiming", 2, 2, rng);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown initializer \"kaiming\" (valid: default, xavier_uniform, xavier_normal, he_uniform, he_normal, uniform, "
              "normal, zeros)");
  }
  EXPECT_TRUE(is_initializer_name("he_uniform"));
  EXPECT_FALSE(is_initializer_name("He_uniform"));
}

}  // namespace
}  // namespace wg
