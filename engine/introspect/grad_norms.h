// The L2 norm of every parameter tensor's last gradient, layer by layer: how strongly each
// layer is being taught. Vanishing gradients show as norms that shrink towards the input; a
// residual network's identity paths keep the early layers' norms up (demos/why-residual.js).
// Progress.gradNorm (train/trainer.h) is the global norm over all of them: the root of the
// sum of their squares.
#pragma once
#include <string>
#include <vector>

#include "nn/model.h"

namespace wg {

struct GradNorm {
  int layer = 0;           // index in model.layers() (a block's inner layers share its index)
  std::string layer_name;  // "conv1", "residual1"
  std::string name;        // "conv1.weight", "residual1.layers.0.weight"
  double norm = 0.0;       // sqrt(sum of squares) of the gradient, accumulated in double
};

// L2 norm of a tensor's values (0 for an empty or undefined tensor).
double l2_norm(const Tensor& values);

// For each layer, each parameter (weight before bias, a block's inner parameters in spec order)
// whose gradient has been allocated: its norm. After a Trainer step this is the gradient the
// optimizer applied (penalties added and clipping done). Empty before any backward pass.
std::vector<GradNorm> parameter_grad_norms(const Model& model);

}  // namespace wg
