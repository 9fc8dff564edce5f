// Shared helpers for looking inside a Model without changing it: accepting one sample or
// a batch as input, running an inference forward pass, and a guard that keeps backward
// passes used for introspection (saliency, receptive fields, class images) out of the
// model's parameter gradients, so looking at a network never affects its training.
#pragma once
#include <string>
#include <vector>

#include "nn/model.h"

namespace wg {

// `input` shaped like one sample (model.input_shape()) becomes [1, ...]; a batch
// [N, ...input_shape] is returned as is. Anything else throws naming `what` and both shapes.
Tensor as_model_batch(const Model& model, const Tensor& input, const char* what);

// Throws "<what>: layer 7 out of range (the model has 5 layers: 0..4)".
void check_layer_index(const Model& model, int layer, const char* what);

// While alive, every parameter of the model is treated as a constant (requires_grad off):
// a backward pass through the model then computes input gradients only, never touching
// (or allocating) parameter gradients. Restores the flags on destruction, also when an
// exception unwinds. Not thread safe with a concurrent training step on the same model.
class FrozenParameters {
 public:
  explicit FrozenParameters(const Model& model);
  ~FrozenParameters();
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<std::pair<Node*, bool>> saved_;
};

// The model's output for a batch in evaluation mode (dropout off, batch norm on running
// statistics), with per-layer outputs appended to `activations` when it is not null.
// Records a graph only when gradients are enabled and the batch requires grad.
Var forward_eval(Model& model, const Var& batch, std::vector<Var>* activations = nullptr);

}  // namespace wg
