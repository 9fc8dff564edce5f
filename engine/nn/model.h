// Model: a sequential network built from a JSON spec, e.g.
//   {"input": [1, 28, 28],
//    "layers": [{"type": "conv2d", "filters": 8, "kernel": 5, "pad": 2}, {"type": "relu"},
//               {"type": "maxpool", "kernel": 2}, {"type": "linear", "units": 10}],
//    "seed": 1}
// Construction validates the whole spec and infers every layer's output shape before
// allocating anything; errors name the layer index, type and problem:
//   kernel 7 larger than padded input 5x5 at layer 3 (conv2d)
//   unknown layer type "conv3d" at layer 0 (valid: conv2d, ...)
//   unknown field "filter" in layer 0 (conv2d) - did you mean "filters"?
// Parameters are named "<layer name>.<weight|bias>", layer names being a prefix per type
// and a 1-based counter: conv1, conv2, linear1, bn1, ln1, in1, relu1, ...
// Weights are initialised from Rng(seed) in layer order (default seed 1).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.h"

namespace wg {

class Model {
 public:
  static constexpr std::int64_t kMaxParameters = 50'000'000;
  static constexpr int kMaxLayers = 256;

  explicit Model(const std::string& spec_json);
  Model(Model&&) noexcept = default;
  Model& operator=(Model&&) noexcept = default;

  // batch: [N, ...input_shape()] -> [N, ...output_shape()].
  Var forward(const Var& batch, ForwardContext& context);

  std::vector<NamedParameter> parameters() const;  // layer order, weight before bias
  std::vector<NamedBuffer> buffers() const;        // batch norm running statistics
  std::vector<LayerSummary> summary() const;
  std::int64_t total_parameters() const;
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const;
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  std::uint64_t seed() const { return seed_; }

  // The spec with every default filled in ("dense" written as "linear"); building a Model
  // from it gives the same architecture. indent < 0: compact.
  std::string spec_json(int indent = -1) const;
  // Redraws every parameter from Rng(seed) and resets buffers; spec_json() then shows seed.
  void reinitialize(std::uint64_t seed);

 private:
  Shape input_shape_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::uint64_t seed_ = 1;
};

// Built-in architectures, all with 10 classes. On [1, 28, 28] MNIST-style input:
//   perceptron  linear 784 -> 10
//   mlp         linear 128, relu, linear 10
//   cnn         conv 8 5x5 pad 2, relu, maxpool 2, conv 16 5x5 pad 2, relu, maxpool 2, linear 10
//   lenet5      conv 20 5x5 pad 2, relu, maxpool 2, conv 50 5x5 pad 2, relu, maxpool 2, flatten,
//               linear 500, relu, linear 10 (the lectures' table)
// On [3, 32, 32] colour input (conv-BN-ReLU blocks):
//   simplenet   conv 10 5x5 pad 2 (the lectures' 760 parameters, 768,000 multiply-adds), then
//               conv 20 3x3, conv 40 3x3, each with batchnorm, relu, maxpool 2; linear 10
//   vgg-mini    two conv 3x3 per block, 16-32-64 filters, each block ending in maxpool 2; linear 10
std::string preset_spec(const std::string& name);
const std::vector<std::string>& preset_names();

}  // namespace wg
