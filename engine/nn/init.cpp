// Weight initializers (Glorot, Kaiming, uniform, normal, zeros). See init.h.
#include "nn/init.h"

#include <cmath>

#include "core/error.h"

namespace wg {

namespace {
void check_fans(int fan_in, int fan_out, const char* what) {
  WG_CHECK(fan_in > 0 && fan_out > 0, what, ": fan_in and fan_out must be positive, got ", fan_in, " and ", fan_out);
}
}  // namespace

void init_uniform(Tensor& t, float low, float high, Rng& rng) {
  WG_CHECK(low <= high, "uniform init: low ", low, " is greater than high ", high);
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(low, high);
}

void init_normal(Tensor& t, float mean, float stddev, Rng& rng) {
  WG_CHECK(stddev >= 0.0f, "normal init: stddev ", stddev, " is negative");
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.normal(mean, stddev);
}

void init_zeros(Tensor& t) { t.fill(0.0f); }

// Glorot & Bengio 2010: keep the variance of activations and gradients equal across layers.
void init_xavier_uniform(Tensor& t, int fan_in, int fan_out, Rng& rng) {
  check_fans(fan_in, fan_out, "xavier_uniform init");
  const float limit = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  init_uniform(t, -limit, limit, rng);
}

void init_xavier_normal(Tensor& t, int fan_in, int fan_out, Rng& rng) {
  check_fans(fan_in, fan_out, "xavier_normal init");
  init_normal(t, 0.0f, std::sqrt(2.0f / static_cast<float>(fan_in + fan_out)), rng);
}

// He et al. 2015: ReLU zeroes half its inputs, so double the variance (gain sqrt 2), fan_in mode.
void init_he_uniform(Tensor& t, int fan_in, Rng& rng) {
  check_fans(fan_in, 1, "he_uniform init");
  const float limit = std::sqrt(6.0f / static_cast<float>(fan_in));
  init_uniform(t, -limit, limit, rng);
}

void init_he_normal(Tensor& t, int fan_in, Rng& rng) {
  check_fans(fan_in, 1, "he_normal init");
  init_normal(t, 0.0f, std::sqrt(2.0f / static_cast<float>(fan_in)), rng);
}

void init_default_uniform(Tensor& t, int fan_in, Rng& rng) {
  check_fans(fan_in, 1, "default init");
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  init_uniform(t, -bound, bound, rng);
}

const std::vector<std::string>& initializer_names() {
  static const std::vector<std::string> names = {"default", "xavier_uniform", "xavier_normal", "he_uniform",
                                                 "he_normal", "uniform",     "normal",        "zeros"};
  return names;
}

bool is_initializer_name(const std::string& name) {
  for (const auto& n : initializer_names())
    if (n == name) return true;
  return false;
}

void initialize(Tensor& t, const std::string& name, int fan_in, int fan_out, Rng& rng) {
  if (name == "default") return init_default_uniform(t, fan_in, rng);
  if (name == "xavier_uniform") return init_xavier_uniform(t, fan_in, fan_out, rng);
  if (name == "xavier_normal") return init_xavier_normal(t, fan_in, fan_out, rng);
  if (name == "he_uniform") return init_he_uniform(t, fan_in, rng);
  if (name == "he_normal") return init_he_normal(t, fan_in, rng);
  if (name == "uniform") return init_uniform(t, -0.05f, 0.05f, rng);
  if (name == "normal") return init_normal(t, 0.0f, 0.01f, rng);
  if (name == "zeros") return init_zeros(t);
  std::string valid;
  for (const auto& n : initializer_names()) valid += (valid.empty() ? "" : ", ") + n;
  fail("unknown initializer \"", name, "\" (valid: ", valid, ")");
}

}  // namespace wg
