// Stochastic gradient descent, plain and with (Nesterov) momentum, as torch.optim.SGD
// with dampening 0:  g' = g + wd * p;  buf = mu * buf + g';
//   plain: p -= lr * g';  momentum: p -= lr * buf;  nesterov: p -= lr * (g' + mu * buf).
// buf starts at 0, so the first step sets buf = g' exactly as PyTorch's clone does. A buf below the
// smallest normal float is stored as 0 (flush_subnormal in elementwise.h).
#include "optim/elementwise.h"
#include "optim/optimizer_types.h"

namespace wg::optim_detail {
namespace {

class Sgd final : public Optimizer {
 public:
  Sgd(const OptimizerConfig& config, std::vector<ParameterRef> params, bool momentum, bool nesterov)
      : Optimizer(config, std::move(params), momentum ? std::vector<std::string>{"momentum_buffer"}
                                                      : std::vector<std::string>{}),
        momentum_(momentum),
        nesterov_(nesterov) {}

  std::string type() const override { return nesterov_ ? "nesterov" : momentum_ ? "momentum" : "sgd"; }

 private:
  void update(const Update& u) override {
    const float lr = u.learning_rate, wd = u.weight_decay, mu = config().momentum;
    if (!momentum_) {
      for_each_element(u.size, u.param, u.grad, [=](auto& p, auto g) { p = p - lr * (g + wd * p); });
    } else if (!nesterov_) {
      for_each_element(u.size, u.param, u.grad, u.buffers[0], [=](auto& p, auto g, auto& buf) {
        buf = flush_subnormal(mu * buf + (g + wd * p));
        p = p - lr * buf;
      });
    } else {
      for_each_element(u.size, u.param, u.grad, u.buffers[0], [=](auto& p, auto g, auto& buf) {
        auto decayed = g + wd * p;
        buf = flush_subnormal(mu * buf + decayed);
        p = p - lr * (decayed + mu * buf);
      });
    }
  }

  bool momentum_, nesterov_;
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const OptimizerConfig& config, std::vector<ParameterRef> params) {
  const bool nesterov = config.type == "nesterov" || (config.type == "momentum" && config.nesterov);
  const bool momentum = config.type != "sgd";
  return std::make_unique<Sgd>(config, std::move(params), momentum, nesterov);
}

}  // namespace wg::optim_detail
