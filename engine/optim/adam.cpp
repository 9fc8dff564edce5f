// Adam and AdamW (torch.optim.Adam / AdamW, amsgrad off). With t = this parameter's
// step count:
//   adam:  g' = g + wd * p          adamw: p *= 1 - lr * wd;  g' = g
//   m = beta1 m + (1 - beta1) g';  v = beta2 v + (1 - beta2) g'^2
//   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// The bias corrections undo the zero start of m and v during the first steps. m and v below the
// smallest normal float are stored as 0 (flush_subnormal in elementwise.h), where PyTorch keeps
// the subnormal value: no weight moves differently.
#include <cmath>

#include "optim/elementwise.h"
#include "optim/optimizer_types.h"

namespace wg::optim_detail {
namespace {

class Adam final : public Optimizer {
 public:
  Adam(const OptimizerConfig& config, std::vector<ParameterRef> params, bool decoupled)
      : Optimizer(config, std::move(params), {"exp_avg", "exp_avg_sq"}), decoupled_(decoupled) {}
  std::string type() const override { return decoupled_ ? "adamw" : "adam"; }

 private:
  void update(const Update& u) override {
    const OptimizerConfig& c = config();
    const float beta1 = c.beta1, beta2 = c.beta2, eps = c.eps;
    const double t = static_cast<double>(u.step);
    const float step_size = static_cast<float>(u.learning_rate / (1.0 - std::pow(static_cast<double>(beta1), t)));
    const float correction2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(beta2), t)));
    const float coupled_wd = decoupled_ ? 0.0f : u.weight_decay;
    const float keep = decoupled_ ? 1.0f - u.learning_rate * u.weight_decay : 1.0f;
    for_each_element(u.size, u.param, u.grad, u.buffers[0], u.buffers[1], [=](auto& p, auto g, auto& m, auto& v) {
      using std::sqrt;
      p = p * keep;
      auto decayed = g + coupled_wd * p;
      m = flush_subnormal(beta1 * m + (1.0f - beta1) * decayed);
      v = flush_subnormal(beta2 * v + (1.0f - beta2) * decayed * decayed);
      p = p - step_size * m / (sqrt(v) / correction2_sqrt + eps);
    });
  }

  bool decoupled_;
};

}  // namespace

std::unique_ptr<Optimizer> make_adam(const OptimizerConfig& config, std::vector<ParameterRef> params) {
  return std::make_unique<Adam>(config, std::move(params), config.type == "adamw");
}

}  // namespace wg::optim_detail
