// Tests for engine/optim/schedule: each schedule against its closed form, warmup, and
// validation messages.
#include "optim/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/error.h"

namespace wg {
namespace {

TEST(Schedule, ClosedForms) {
  ScheduleConfig c;
  for (int e : {0, 5, 100}) EXPECT_FLOAT_EQ(scheduled_learning_rate(c, 0.1f, e), 0.1f);
  c.type = "step";
  c.step_size = 3;
  c.gamma = 0.5f;
  const float step_expected[] = {0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f};
  for (int e = 0; e < 7; ++e) EXPECT_FLOAT_EQ(scheduled_learning_rate(c, 0.1f, e), step_expected[e]) << e;
  c.type = "exponential";
  c.gamma = 0.9f;
  for (int e = 0; e < 5; ++e) EXPECT_FLOAT_EQ(scheduled_learning_rate(c, 0.1f, e), 0.1f * std::pow(0.9f, e)) << e;
  c.type = "cosine";
  c.total_epochs = 4;
  c.min_lr = 0.01f;
  for (int e = 0; e <= 6; ++e) {
    const double progress = std::min(e, 4) / 4.0;
    EXPECT_NEAR(scheduled_learning_rate(c, 0.1f, e), 0.01 + 0.09 * (1 + std::cos(std::numbers::pi * progress)) / 2,
                1e-7)
        << e;
  }
  EXPECT_FLOAT_EQ(scheduled_learning_rate(c, 0.1f, 2), 0.055f);  // halfway
}

TEST(Schedule, WarmupRampsThenRunsTheSchedule) {
  ScheduleConfig c;
  c.type = "step";
  c.step_size = 2;
  c.gamma = 0.1f;
  c.warmup_epochs = 4;
  const float expected[] = {0.25f, 0.5f, 0.75f, 1.0f, 1.0f, 1.0f, 0.1f};
  for (int e = 0; e < 7; ++e) EXPECT_NEAR(scheduled_learning_rate(c, 1.0f, e), expected[e], 1e-7) << e;
}

TEST(Schedule, ValidationNamesTheField) {
  auto expect_error = [](ScheduleConfig c, const std::string& needle) {
    try {
      scheduled_learning_rate(c, 0.1f, 0);
      ADD_FAILURE() << "expected an error containing " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  ScheduleConfig c;
  c.type = "linear";
  expect_error(c, "unknown type 'linear'; valid types: constant, step, exponential, cosine");
  c = {};
  c.type = "step";
  c.step_size = 0;
  expect_error(c, "step_size must be >= 1");
  c = {};
  c.type = "exponential";
  c.gamma = 0;
  expect_error(c, "gamma must be in (0, 1]");
  c = {};
  c.type = "cosine";
  c.total_epochs = 3;
  c.warmup_epochs = 3;
  expect_error(c, "total_epochs (3) must be greater than warmup_epochs (3)");
  EXPECT_THROW(scheduled_learning_rate(ScheduleConfig{}, 0.1f, -1), Error);
}

}  // namespace
}  // namespace wg
