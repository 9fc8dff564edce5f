// Learning-rate schedules: closed forms of the epoch, see schedule.h.
#include "optim/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace wg {

const std::vector<std::string>& schedule_types() {
  static const std::vector<std::string> types = {"constant", "step", "exponential", "cosine"};
  return types;
}

void validate_schedule(const ScheduleConfig& c) {
  const auto& types = schedule_types();
  if (std::find(types.begin(), types.end(), c.type) == types.end()) {
    std::string valid;
    for (const auto& t : types) valid += (valid.empty() ? "" : ", ") + t;
    fail("schedule config: unknown type '", c.type, "'; valid types: ", valid);
  }
  WG_CHECK(c.warmup_epochs >= 0, "schedule config: warmup_epochs must be >= 0, got ", c.warmup_epochs);
  if (c.type == "step") WG_CHECK(c.step_size >= 1, "schedule config: step_size must be >= 1, got ", c.step_size);
  if (c.type == "step" || c.type == "exponential")
    WG_CHECK(std::isfinite(c.gamma) && c.gamma > 0.0f && c.gamma <= 1.0f,
             "schedule config: gamma must be in (0, 1], got ", c.gamma);
  if (c.type == "cosine") {
    WG_CHECK(c.total_epochs > c.warmup_epochs, "schedule config: total_epochs (", c.total_epochs,
             ") must be greater than warmup_epochs (", c.warmup_epochs, ")");
    WG_CHECK(std::isfinite(c.min_lr) && c.min_lr >= 0.0f, "schedule config: min_lr must be finite and >= 0, got ",
             c.min_lr);
  }
}

float scheduled_learning_rate(const ScheduleConfig& c, float base_lr, int epoch) {
  validate_schedule(c);
  WG_CHECK(std::isfinite(base_lr) && base_lr >= 0.0f, "schedule: base learning rate must be finite and >= 0, got ",
           base_lr);
  WG_CHECK(epoch >= 0, "schedule: epoch must be >= 0, got ", epoch);
  if (epoch < c.warmup_epochs) return base_lr * static_cast<float>(epoch + 1) / static_cast<float>(c.warmup_epochs);
  const int e = epoch - c.warmup_epochs;
  const double base = base_lr;
  double lr = base;
  if (c.type == "step") lr = base * std::pow(static_cast<double>(c.gamma), e / c.step_size);
  if (c.type == "exponential") lr = base * std::pow(static_cast<double>(c.gamma), e);
  if (c.type == "cosine") {
    const int length = c.total_epochs - c.warmup_epochs;
    const double progress = static_cast<double>(std::min(e, length)) / length;
    lr = c.min_lr + (base - c.min_lr) * (1.0 + std::cos(std::numbers::pi * progress)) / 2.0;
  }
  return static_cast<float>(lr);
}

}  // namespace wg
