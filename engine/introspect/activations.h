// Activation maps: what every layer of a model outputs for one input (or a small batch),
// and the model's class probabilities. Inference only: no graph is recorded (NoGrad),
// dropout is off and batch norm uses its running statistics.
#pragma once
#include <string>
#include <vector>

#include "nn/model.h"

namespace wg {

struct LayerActivation {
  int layer = 0;        // index in model.layers()
  std::string name;     // "conv1"
  std::string type;     // "conv2d"
  Shape shape;          // per sample: [C, H, W] or [F]
  Tensor data;          // [N, ...shape]; may share storage with another layer's entry
                        // (flatten, dropout at evaluation): treat as read-only
};

// input: one sample shaped model.input_shape() (N = 1) or a batch [N, ...input_shape].
std::vector<LayerActivation> layer_activations(Model& model, const Tensor& input);

// Softmax of the model's outputs, [N, K], for input [N, ...] or one sample ([1, K]).
// A model with a single output (a binary classifier) gets the sigmoid as [N, 2]
// (p(class 0) = 1 - sigmoid, p(class 1) = sigmoid), matching the trainer's accuracy rule.
// The model's output must be a vector per sample.
Tensor predict_probabilities(Model& model, const Tensor& input);

}  // namespace wg
