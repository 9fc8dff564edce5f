// The Optimizer base: validation, gradient clipping, per-parameter state and its
// save/load, and the factory. Each type's update rule lives in its own file.
#include "optim/optimizer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "core/parallel.h"
#include "optim/optimizer_types.h"

namespace wg {

const std::vector<std::string>& optimizer_types() {
  static const std::vector<std::string> types = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"};
  return types;
}

Optimizer::Optimizer(OptimizerConfig config, std::vector<ParameterRef> params, std::vector<std::string> buffer_names)
    : config_(std::move(config)), params_(std::move(params)), buffer_names_(std::move(buffer_names)) {
  buffers_.resize(params_.size());
  buffer_ptrs_.resize(params_.size());
  param_steps_.assign(params_.size(), 0);
  for (std::size_t i = 0; i < params_.size(); ++i)
    for (std::size_t b = 0; b < buffer_names_.size(); ++b) {
      buffers_[i].push_back(Tensor::zeros(params_[i].var.shape()));
      buffer_ptrs_[i].push_back(buffers_[i].back().data());
    }
}

Optimizer::~Optimizer() = default;

void Optimizer::set_learning_rate(float lr) {
  WG_CHECK(std::isfinite(lr) && lr >= 0.0f, "optimizer: learning_rate must be finite and >= 0, got ", lr);
  config_.learning_rate = lr;
}

void Optimizer::zero_grad() {
  for (ParameterRef& p : params_) p.var.zero_grad();
  norm_is_current_ = false;
}

namespace {

// sqrt(sum of g^2) over every defined gradient, in double. Each gradient is cut into blocks of
// a fixed size; a block's sum (four interleaved partial sums for instruction-level parallelism,
// then added in order) does not depend on who computes it, and the block sums are added in
// order: so the norm has the same bits for any thread count, and large models share the pass.
constexpr std::int64_t kNormBlock = 8192;

double sum_of_squares(const float* x, std::int64_t n) {
  double partial[4] = {0, 0, 0, 0};
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; ++j) partial[j] += static_cast<double>(x[i + j]) * x[i + j];
  for (; i < n; ++i) partial[0] += static_cast<double>(x[i]) * x[i];
  return ((partial[0] + partial[1]) + partial[2]) + partial[3];
}

double global_grad_norm(const std::vector<ParameterRef>& params) {
  struct Block {
    const float* data;
    std::int64_t size;
  };
  std::vector<Block> blocks;
  for (const ParameterRef& p : params) {
    const Tensor& g = p.var.grad();
    if (!g.defined()) continue;
    for (std::int64_t i = 0; i < g.size(); i += kNormBlock) blocks.push_back({g.data() + i, std::min(kNormBlock, g.size() - i)});
  }
  std::vector<double> sums(blocks.size());
  parallel_for(0, static_cast<std::int64_t>(blocks.size()), 2, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t b = lo; b < hi; ++b) sums[b] = sum_of_squares(blocks[b].data, blocks[b].size);
  });
  double total = 0;
  for (double s : sums) total += s;
  return std::sqrt(total);
}

}  // namespace

double Optimizer::measure_grad_norm() {
  measured_norm_ = global_grad_norm(params_);
  norm_is_current_ = true;
  return measured_norm_;
}

// Value clipping first, then the global L2 norm (torch.nn.utils.clip_grad_norm_:
// scale every gradient by max_norm / (norm + 1e-6) when that is below 1). The norm
// reported to the UI is taken before either clipping.
void Optimizer::clip_gradients() {
  const double norm = norm_is_current_ ? measured_norm_ : global_grad_norm(params_);
  norm_is_current_ = false;
  last_grad_norm_ = static_cast<float>(norm);
  if (config_.clip_grad_value > 0) {
    const float v = config_.clip_grad_value;
    for (ParameterRef& p : params_) {
      if (!p.var.grad().defined()) continue;
      Tensor& g = p.var.node()->grad;
      for (std::int64_t i = 0; i < g.size(); ++i) g[i] = std::clamp(g[i], -v, v);
    }
  }
  if (config_.clip_grad_norm > 0) {
    const double clipped_norm = config_.clip_grad_value > 0 ? global_grad_norm(params_) : norm;
    const double coefficient = config_.clip_grad_norm / (clipped_norm + 1e-6);
    if (coefficient < 1.0) {
      const float scale = static_cast<float>(coefficient);
      for (ParameterRef& p : params_) {
        if (!p.var.grad().defined()) continue;
        Tensor& g = p.var.node()->grad;
        for (std::int64_t i = 0; i < g.size(); ++i) g[i] *= scale;
      }
    }
  }
}

void Optimizer::step() {
  clip_gradients();
  ++steps_;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    ParameterRef& p = params_[i];
    const Tensor& g = p.var.grad();
    if (!g.defined()) continue;  // not reached by this loss
    Tensor& value = p.var.value();
    // Catches a parameter whose value was replaced by one of another size after construction.
    WG_CHECK(g.size() == value.size() && value.size() == state_size(i), "optimizer: parameter '", p.name,
             "' has shape ", shape_str(value.shape()), ", its gradient ", shape_str(g.shape()),
             " and its optimizer state ", state_size(i), " elements; they must agree");
    ++param_steps_[i];
    Update u{value.data(),
             g.data(),
             buffer_ptrs_[i].data(),
             value.size(),
             config_.learning_rate * p.lr_multiplier,
             p.weight_decay ? config_.weight_decay : 0.0f,
             param_steps_[i]};
    update(u);
  }
}

// Elements the state was allocated for (the parameter's size when the type keeps no buffers).
std::int64_t Optimizer::state_size(std::size_t i) const {
  return buffers_[i].empty() ? params_[i].var.value().size() : buffers_[i][0].size();
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  out.emplace_back("step", Tensor::scalar(static_cast<float>(steps_)));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back(params_[i].name + ".step", Tensor::scalar(static_cast<float>(param_steps_[i])));
    for (std::size_t b = 0; b < buffer_names_.size(); ++b)
      out.emplace_back(params_[i].name + "." + buffer_names_[b], buffers_[i][b].clone());
  }
  return out;
}

void Optimizer::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, tensor] : state) {
    WG_CHECK(given.emplace(name, &tensor).second, "optimizer state: entry '", name, "' appears twice");
    WG_CHECK(tensor.defined(), "optimizer state: entry '", name, "' is an undefined tensor");
  }
  // Check everything before changing anything, so a bad file leaves the optimizer intact.
  const auto expected = this->state();
  for (const auto& [name, current] : expected) {
    auto it = given.find(name);
    WG_CHECK(it != given.end(), "optimizer state: missing entry '", name, "' for a ", type(), " optimizer");
    WG_CHECK(it->second->shape() == current.shape(), "optimizer state: entry '", name, "' has shape ",
             shape_str(it->second->shape()), ", expected ", shape_str(current.shape()));
    if (current.shape() == Shape{1} && name.size() >= 4 && name.compare(name.size() - 4, 4, "step") == 0) {
      const float count = it->second->item();
      WG_CHECK(count >= 0 && count == std::floor(count), "optimizer state: entry '", name,
               "' must be a whole number >= 0, got ", count);
    }
  }
  WG_CHECK(given.size() == expected.size(), "optimizer state: ", given.size() - expected.size(),
           " unknown entries for a ", type(), " optimizer, e.g. '", [&] {
             std::set<std::string> known;
             for (const auto& e : expected) known.insert(e.first);
             for (const auto& g : given)
               if (!known.count(g.first)) return g.first;
             return std::string();
           }(), "'");
  steps_ = static_cast<long>(given.at("step")->item());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    param_steps_[i] = static_cast<long>(given.at(params_[i].name + ".step")->item());
    for (std::size_t b = 0; b < buffer_names_.size(); ++b)
      buffers_[i][b].copy_from(*given.at(params_[i].name + "." + buffer_names_[b]));
  }
}

// ---- validation and the factory
namespace {

void check_finite_at_least(const char* field, float value, float low) {
  WG_CHECK(std::isfinite(value) && value >= low, "optimizer config: ", field, " must be finite and >= ", low,
           ", got ", value);
}
void check_unit_interval(const char* field, float value) {
  WG_CHECK(std::isfinite(value) && value >= 0.0f && value < 1.0f, "optimizer config: ", field,
           " must be in [0, 1), got ", value);
}

void validate(const OptimizerConfig& c, const std::vector<ParameterRef>& params) {
  const auto& types = optimizer_types();
  if (std::find(types.begin(), types.end(), c.type) == types.end()) {
    std::string valid;
    for (const auto& t : types) valid += (valid.empty() ? "" : ", ") + t;
    fail("optimizer config: unknown type '", c.type, "'; valid types: ", valid);
  }
  check_finite_at_least("learning_rate", c.learning_rate, 0.0f);
  check_finite_at_least("weight_decay", c.weight_decay, 0.0f);
  check_finite_at_least("clip_grad_norm", c.clip_grad_norm, 0.0f);
  check_finite_at_least("clip_grad_value", c.clip_grad_value, 0.0f);
  if (c.type == "momentum" || c.type == "nesterov") {
    check_unit_interval("momentum", c.momentum);
    WG_CHECK(c.momentum > 0.0f || !(c.type == "nesterov" || c.nesterov),
             "optimizer config: nesterov needs momentum > 0, got ", c.momentum);
  }
  if (c.type == "adagrad" || c.type == "rmsprop" || c.type == "adam" || c.type == "adamw")
    WG_CHECK(std::isfinite(c.eps) && c.eps > 0.0f, "optimizer config: eps must be finite and > 0, got ", c.eps);
  if (c.type == "rmsprop") check_unit_interval("alpha", c.alpha);
  if (c.type == "adam" || c.type == "adamw") {
    check_unit_interval("beta1", c.beta1);
    check_unit_interval("beta2", c.beta2);
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ParameterRef& p = params[i];
    WG_CHECK(!p.name.empty(), "optimizer: parameter ", i, " has no name (names key the optimizer state)");
    WG_CHECK(names.insert(p.name).second, "optimizer: parameter name '", p.name, "' is used twice");
    WG_CHECK(p.var.defined(), "optimizer: parameter '", p.name, "' is undefined");
    WG_CHECK(p.var.requires_grad(), "optimizer: parameter '", p.name,
             "' does not require grad (leave frozen parameters out of the optimizer)");
    WG_CHECK(std::isfinite(p.lr_multiplier) && p.lr_multiplier >= 0.0f, "optimizer: parameter '", p.name,
             "' lr_multiplier must be finite and >= 0, got ", p.lr_multiplier);
  }
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, std::vector<ParameterRef> params) {
  validate(config, params);
  const std::string& t = config.type;
  if (t == "sgd" || t == "momentum" || t == "nesterov") return optim_detail::make_sgd(config, std::move(params));
  if (t == "adagrad") return optim_detail::make_adagrad(config, std::move(params));
  if (t == "rmsprop") return optim_detail::make_rmsprop(config, std::move(params));
  return optim_detail::make_adam(config, std::move(params));
}

}  // namespace wg
