// Optimizers: turn each parameter's gradient into an update, with PyTorch's exact
// formulas (torch.optim 1.13, single-tensor path), so a trajectory can be compared
// step by step with a PyTorch run. In order of increasing complexity (one file each):
//   sgd.cpp      "sgd"       p -= lr * g
//                "momentum"  buf = mu * buf + g;  p -= lr * buf
//                            (SEEDS.md: Delta <- 0.9 Delta + dL/dtheta; theta <- theta - eta Delta)
//                "nesterov"  buf = mu * buf + g;  p -= lr * (g + mu * buf)
//   adagrad.cpp  "adagrad"   sum += g^2;  p -= lr * g / (sqrt(sum) + eps)
//   rmsprop.cpp  "rmsprop"   sq = alpha * sq + (1 - alpha) g^2;  p -= lr * g / (sqrt(sq) + eps)
//   adam.cpp     "adam"      m, v moving averages with bias correction
//                "adamw"     the same, with decoupled weight decay p -= lr * wd * p
// Weight decay is L2 (g += wd * p) for every type but adamw. "sgd" ignores `momentum`;
// "momentum" turns Nesterov on when `nesterov` is set; rmsprop uses no momentum.
//
// step() first clips gradients across all parameters (value clipping, then global L2
// norm clipping with torch.nn.utils.clip_grad_norm_ semantics; both modify the
// gradients in place), then applies the update. Parameters whose gradient is undefined
// (not used by the loss) are skipped and their state is left alone. All state tensors
// are allocated by make_optimizer, so step() allocates nothing.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/var.h"
#include "core/tensor.h"

namespace wg {

struct OptimizerConfig {
  std::string type = "adam";  // sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw
  float learning_rate = 1e-3f;
  float momentum = 0.9f;  // momentum, nesterov
  bool nesterov = false;  // with type "momentum"
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // adam(w); eps also for adagrad and rmsprop
  float alpha = 0.99f;       // rmsprop smoothing constant
  float weight_decay = 0;    // L2 coefficient (decoupled for adamw)
  float clip_grad_norm = 0;  // max global L2 norm of all gradients; 0 = off
  float clip_grad_value = 0; // clamp every gradient element to [-v, v]; 0 = off
};

// The valid type names, in order of increasing complexity.
const std::vector<std::string>& optimizer_types();

struct ParameterRef {
  std::string name;  // unique; names the optimizer state ("conv1.weight.exp_avg")
  Var var;           // a leaf that requires grad
  float lr_multiplier = 1.0f;  // per-layer learning rate: lr * lr_multiplier
  bool weight_decay = true;    // false for biases / norms that should not decay
};

class Optimizer {
 public:
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  void step();       // clip, then update every parameter that has a gradient
  void zero_grad();  // fills every defined gradient with 0
  float learning_rate() const { return config_.learning_rate; }
  void set_learning_rate(float lr);  // e.g. from scheduled_learning_rate; must be finite and >= 0
  long steps() const { return steps_; }
  // Global L2 norm of all gradients in the last step() (before any clipping).
  float last_grad_norm() const { return last_grad_norm_; }
  // Measures that norm now (inf or NaN when a gradient is not finite, which is how the
  // trainer detects divergence); the next step() reuses it instead of measuring again.
  double measure_grad_norm();
  virtual std::string type() const = 0;
  const OptimizerConfig& config() const { return config_; }
  const std::vector<ParameterRef>& parameters() const { return params_; }

  // Named state for saving: "step" ([1], the step() count), then for every parameter
  // "<name>.step" ([1], how many updates it received) and one tensor per buffer of the
  // type, e.g. "<name>.momentum_buffer", "<name>.exp_avg", "<name>.exp_avg_sq".
  // Counts are stored as float32 (exact up to 2^24 steps). Returned tensors are copies.
  std::vector<std::pair<std::string, Tensor>> state() const;
  // Restores a state() of an optimizer of the same type over parameters with the same
  // names and shapes; every name must be present exactly once, with the right shape.
  void load_state(const std::vector<std::pair<std::string, Tensor>>& state);

 protected:
  // buffer_names: the per-parameter state buffers of this type ("exp_avg", ...).
  Optimizer(OptimizerConfig config, std::vector<ParameterRef> params, std::vector<std::string> buffer_names);

  // One parameter's update: n elements of p, g and each buffers[b] (all of p's size).
  struct Update {
    float* param;
    const float* grad;
    float* const* buffers;  // one per buffer name, same order
    std::int64_t size;
    float learning_rate;  // already times the parameter's lr_multiplier
    float weight_decay;   // 0 when the parameter opts out
    long step;            // 1 on this parameter's first update
  };
  virtual void update(const Update& u) = 0;

 private:
  void clip_gradients();
  std::int64_t state_size(std::size_t i) const;

  OptimizerConfig config_;
  std::vector<ParameterRef> params_;
  std::vector<std::string> buffer_names_;
  std::vector<std::vector<Tensor>> buffers_;     // [parameter][buffer]
  std::vector<std::vector<float*>> buffer_ptrs_; // the same, as raw pointers for Update
  std::vector<long> param_steps_;
  long steps_ = 0;
  float last_grad_norm_ = 0;
  double measured_norm_ = 0;    // from measure_grad_norm(), valid while norm_is_current_
  bool norm_is_current_ = false;  // cleared by step() and zero_grad()
};

// Validates the config (unknown type lists the valid ones; each bad field is named)
// and the parameters (defined, requiring grad, unique non-empty names).
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, std::vector<ParameterRef> params);

}  // namespace wg
