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
// Weights are initialised from Rng(seed) in layer order (default seed 1). Layers inside a block
// (residual, concat) are named by position under the block: residual1.layers.0.weight (nn/layer.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.h"
#include "nn/presets.h"

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

// A spec's layer table from its shapes alone: every layer's output shape, parameters,
// multiply-adds and receptive field, with no weight allocated and no parameter limit (VGG-16's
// 138 M parameters can be described though no Model of it can be built). Errors as Model's.
struct ModelDescription {
  Shape input_shape;
  Shape output_shape;
  std::vector<LayerSummary> layers;  // top-level layers; blocks list theirs in `inner`
  std::int64_t parameters = 0;
  std::int64_t multiply_adds = 0;    // per sample
};
ModelDescription describe_model(const std::string& spec_json);

// The index of the largest of `classes` values (the first one on ties).
int argmax_row(const float* row, int classes);
// The class a row of `outputs` model outputs stands for: the argmax, or for a single output
// (binary classification with a logit) 1 when it is > 0.
int predicted_class(const float* row, int outputs);
// The predicted class of each sample of `batch` [N, ...input_shape()] (inference: no graph, no dropout).
std::vector<int> classify(Model& model, const Tensor& batch);

}  // namespace wg
