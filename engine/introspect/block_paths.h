// Inside a block (residual, concat): each of its paths run on one input, with the path's
// output and every inner layer's output. The model's activation views see a block as one
// layer (its summed or joined output); the unit inspector, the network view and the
// activation maps read the terms from here. Inference only, like layer_activations: no
// graph, dropout off, batch norm on running statistics.
#pragma once
#include <string>
#include <vector>

#include "introspect/activations.h"
#include "nn/layer.h"
#include "nn/model.h"

namespace wg {

struct PathOutput {
  std::string branch;   // "layers", "shortcut", "branches.0"
  bool identity = false;  // an empty path: it passes the block's input
  Shape shape;          // per sample
  Tensor output;        // [1, ...shape]: the block's input itself for an identity path
  std::vector<LayerActivation> inner;  // each inner layer's output, in order (layer = index in the path)
};

// True for a residual or concat layer.
bool is_block_layer(const Layer& layer);

// block: a residual or concat layer; input: the block's input for one sample, [1, ...input_shape].
std::vector<PathOutput> block_path_outputs(const Layer& block, const Tensor& input);

// The same for the model's block `layer`, on one model input (shaped model.input_shape(), or a
// batch of one): the block's input is the previous layer's output in layer_activations.
// Throws when `layer` is out of range or not a block.
std::vector<PathOutput> block_activations(Model& model, const Tensor& input, int layer);

}  // namespace wg
