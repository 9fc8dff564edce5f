// Value and gradient histograms of the parameters; NaN/Inf counted apart, never a crash.
#include "introspect/histograms.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace wg {

Histogram tensor_histogram(const Tensor& values, int bins) {
  WG_CHECK(bins >= 1 && bins <= 10000, "histogram: bins must be in [1, 10000], got ", bins);
  Histogram h;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  if (!values.defined()) return h;
  double low = INFINITY, high = -INFINITY;
  for (std::int64_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    if (std::isnan(v)) ++h.nan_count;
    else if (std::isinf(v)) ++h.inf_count;
    else {
      low = std::min(low, static_cast<double>(v));
      high = std::max(high, static_cast<double>(v));
    }
  }
  if (!(low <= high)) return h;  // no finite value
  if (low == high) {
    low -= 0.5;
    high += 0.5;
  }
  h.min = static_cast<float>(low);
  h.max = static_cast<float>(high);
  const double scale = bins / (high - low);
  for (std::int64_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    if (!std::isfinite(v)) continue;
    const auto bin = static_cast<int>((v - low) * scale);
    ++h.counts[static_cast<std::size_t>(std::clamp(bin, 0, bins - 1))];
  }
  return h;
}

std::vector<Histogram> parameter_histograms(const Model& model, int bins) {
  WG_CHECK(bins >= 1 && bins <= 10000, "parameter_histograms: bins must be in [1, 10000], got ", bins);
  std::vector<Histogram> result;
  const auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i)
    for (const NamedParameter& p : layers[i]->parameters()) {
      if (!p.var.defined()) continue;
      Histogram values = tensor_histogram(p.var.value(), bins);
      values.kind = "weight";
      Histogram gradients;
      const bool has_gradient = p.var.grad().defined();
      if (has_gradient) {
        gradients = tensor_histogram(p.var.grad(), bins);
        gradients.kind = "gradient";
      }
      for (Histogram* h : {&values, &gradients}) {
        h->layer = static_cast<int>(i);
        h->layer_name = layers[i]->name();
        h->name = p.name;
      }
      result.push_back(std::move(values));
      if (has_gradient) result.push_back(std::move(gradients));
    }
  return result;
}

}  // namespace wg
