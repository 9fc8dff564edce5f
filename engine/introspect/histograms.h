// Histograms of every parameter tensor's values and of its gradient (when one exists),
// for the histogram view: watching weights spread and gradients vanish or explode.
// Robust to any content: a constant tensor gets a range widened to [v - 0.5, v + 0.5]
// (its values land in the middle bin), NaN and +-Inf are counted separately and left out
// of the range and the bins; a tensor with no finite value has min = max = 0 and no counts.
#pragma once
#include <string>
#include <vector>

#include "nn/model.h"

namespace wg {

struct Histogram {
  int layer = 0;             // index in model.layers()
  std::string layer_name;    // "conv1"
  std::string name;          // "conv1.weight"
  std::string kind;          // "weight" (the parameter's values) or "gradient"
  float min = 0.0f, max = 0.0f;  // range covered by the bins (see above for constant tensors)
  std::vector<int> counts;   // bins equal-width bins over [min, max]; max falls in the last
  int nan_count = 0;
  int inf_count = 0;         // +Inf and -Inf
};

// bins in [1, 10000] (throws naming the value otherwise).
Histogram tensor_histogram(const Tensor& values, int bins = 30);

// For each layer, each parameter (weight before bias): its values, then its gradient when
// the gradient has been allocated (after a training step).
std::vector<Histogram> parameter_histograms(const Model& model, int bins = 30);

}  // namespace wg
