// Test helper: the small models and inputs the introspection tests share.
#pragma once
#include <string>

#include "core/random.h"
#include "core/tensor.h"
#include "nn/model.h"

namespace wg::testing {

// conv 2 filters 3x3 -> [2,6,6], relu, maxpool 2 -> [2,3,3], linear 3.
inline const std::string kSmallCnn =
    R"({"input":[1,8,8],"layers":[{"type":"conv2d","filters":2,"kernel":3},{"type":"relu"},)"
    R"({"type":"maxpool","kernel":2},{"type":"linear","units":3}],"seed":3})";
// One linear layer on a 4x4 image: saliency and class images have closed forms.
inline const std::string kLinearOnImage = R"({"input":[1,4,4],"layers":[{"type":"linear","units":3}],"seed":5})";
// An MLP: its second linear layer has a vector input.
inline const std::string kSmallMlp =
    R"({"input":[1,4,4],"layers":[{"type":"linear","units":5},{"type":"relu"},{"type":"linear","units":3}]})";

// Uniform values in [0, 1), reproducible.
inline Tensor random_image(const Shape& shape, std::uint64_t seed) {
  Tensor t = Tensor::empty(shape);
  Rng rng(seed);
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.uniform();
  return t;
}

inline bool any_parameter_gradient(const Model& model) {
  for (const NamedParameter& p : model.parameters())
    if (p.var.grad().defined()) return true;
  return false;
}

}  // namespace wg::testing
