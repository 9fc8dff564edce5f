// Adagrad (torch.optim.Adagrad, lr_decay 0, initial accumulator 0): every element's
// step shrinks with the sum of its squared gradients.
//   g' = g + wd * p;  sum += g'^2;  p -= lr * g' / (sqrt(sum) + eps)
#include <cmath>

#include "optim/elementwise.h"
#include "optim/optimizer_types.h"

namespace wg::optim_detail {
namespace {

class Adagrad final : public Optimizer {
 public:
  Adagrad(const OptimizerConfig& config, std::vector<ParameterRef> params)
      : Optimizer(config, std::move(params), {"sum"}) {}
  std::string type() const override { return "adagrad"; }

 private:
  void update(const Update& u) override {
    const float lr = u.learning_rate, wd = u.weight_decay, eps = config().eps;
    for_each_element(u.size, u.param, u.grad, u.buffers[0], [=](auto& p, auto g, auto& sum) {
      using std::sqrt;
      auto decayed = g + wd * p;
      sum = sum + decayed * decayed;
      p = p - lr * decayed / (sqrt(sum) + eps);
    });
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_adagrad(const OptimizerConfig& config, std::vector<ParameterRef> params) {
  return std::make_unique<Adagrad>(config, std::move(params));
}

}  // namespace wg::optim_detail
