// RMSProp (torch.optim.RMSprop, not centered, no momentum): Adagrad with a leaky
// average of squared gradients, so old gradients are forgotten.
//   g' = g + wd * p;  sq = alpha * sq + (1 - alpha) g'^2;  p -= lr * g' / (sqrt(sq) + eps)
#include <cmath>

#include "optim/elementwise.h"
#include "optim/optimizer_types.h"

namespace wg::optim_detail {
namespace {

class RmsProp final : public Optimizer {
 public:
  RmsProp(const OptimizerConfig& config, std::vector<ParameterRef> params)
      : Optimizer(config, std::move(params), {"square_avg"}) {}
  std::string type() const override { return "rmsprop"; }

 private:
  void update(const Update& u) override {
    const float lr = u.learning_rate, wd = u.weight_decay, eps = config().eps, alpha = config().alpha;
    for_each_element(u.size, u.param, u.grad, u.buffers[0], [=](auto& p, auto g, auto& square_avg) {
      using std::sqrt;
      auto decayed = g + wd * p;
      square_avg = flush_subnormal(alpha * square_avg + (1.0f - alpha) * decayed * decayed);
      p = p - lr * decayed / (sqrt(square_avg) + eps);
    });
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_rmsprop(const OptimizerConfig& config, std::vector<ParameterRef> params) {
  return std::make_unique<RmsProp>(config, std::move(params));
}

}  // namespace wg::optim_detail
