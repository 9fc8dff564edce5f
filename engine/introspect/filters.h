// Filters: a layer's weights arranged as images for the filter-tile views.
//   conv2d   weight [K, C, KH, KW] as is;
//   linear   on an image input [C, H, W]: each output unit's weights as an image,
//            [units, C, H, W] (a first-layer 784 -> 128 on [1, 28, 28] is 128 tiles of 28x28).
// The data is a copy: editing it does not change the model.
#pragma once
#include <string>

#include "nn/model.h"

namespace wg {

struct LayerFilters {
  int layer = 0;
  std::string name;  // "conv1"
  std::string type;  // "conv2d" or "linear"
  Shape shape;       // [K, C, KH, KW]
  Tensor data;       // copy of the weights, shape `shape`
};

// Throws naming the index and type for an index out of range, a layer without weights
// ("layer 1 (relu) has no weights"), or a linear layer whose input is not an image.
LayerFilters layer_filters(const Model& model, int layer);

}  // namespace wg
