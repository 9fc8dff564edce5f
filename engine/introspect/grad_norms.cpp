// Per-parameter gradient norms (see grad_norms.h).
#include "introspect/grad_norms.h"

#include <cmath>

namespace wg {

double l2_norm(const Tensor& values) {
  if (!values.defined()) return 0.0;
  double sum = 0.0;
  for (std::int64_t i = 0; i < values.size(); ++i) sum += static_cast<double>(values[i]) * values[i];
  return std::sqrt(sum);
}

std::vector<GradNorm> parameter_grad_norms(const Model& model) {
  std::vector<GradNorm> result;
  const auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i)
    for (const NamedParameter& p : layers[i]->parameters()) {
      if (!p.var.defined() || !p.var.grad().defined()) continue;
      result.push_back({static_cast<int>(i), layers[i]->name(), p.name, l2_norm(p.var.grad())});
    }
  return result;
}

}  // namespace wg
