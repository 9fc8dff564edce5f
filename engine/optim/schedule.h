// Learning-rate schedules by epoch (0-based), as closed forms of the epoch number so a
// run can resume at any epoch:
//   constant     base
//   step         base * gamma^floor(e / step_size)
//   exponential  base * gamma^e
//   cosine       min_lr + (base - min_lr) * (1 + cos(pi * e / total_epochs)) / 2, e clamped to total_epochs
// With warmup_epochs = W > 0 the first W epochs ramp linearly, base * (e + 1) / W, and
// the schedule above then runs on e - W (cosine over total_epochs - W epochs).
#pragma once
#include <string>
#include <vector>

namespace wg {

struct ScheduleConfig {
  std::string type = "constant";  // constant, step, exponential, cosine
  int step_size = 10;             // step: epochs between decays
  float gamma = 0.1f;             // step, exponential: decay factor
  int total_epochs = 10;          // cosine: length of the half period (including warmup)
  float min_lr = 0;               // cosine: final learning rate
  int warmup_epochs = 0;
};

const std::vector<std::string>& schedule_types();
// Errors name the bad field; unknown types list the valid ones.
void validate_schedule(const ScheduleConfig& config);
float scheduled_learning_rate(const ScheduleConfig& config, float base_lr, int epoch);

}  // namespace wg
