// Shared introspection helpers: input batching, evaluation forward pass, frozen parameters.
#include "introspect/probe.h"

#include <algorithm>

#include "core/error.h"

namespace wg {

Tensor as_model_batch(const Model& model, const Tensor& input, const char* what) {
  WG_CHECK(input.defined(), what, ": the input tensor is undefined");
  const Shape& sample = model.input_shape();
  const Shape& shape = input.shape();
  if (shape == sample) {
    Shape batched = {1};
    batched.insert(batched.end(), sample.begin(), sample.end());
    return input.reshaped(batched);
  }
  const bool is_batch = shape.size() == sample.size() + 1 && shape[0] >= 1 &&
                        std::equal(sample.begin(), sample.end(), shape.begin() + 1);
  WG_CHECK(is_batch, what, ": expected one input of shape ", shape_str(sample), " or a batch [N, ",
           shape_str(sample).substr(1), ", got ", shape_str(shape));
  return input;
}

void check_layer_index(const Model& model, int layer, const char* what) {
  const int count = static_cast<int>(model.layers().size());
  WG_CHECK(layer >= 0 && layer < count, what, ": layer ", layer, " out of range (the model has ", count,
           " layers: 0..", count - 1, ")");
}

FrozenParameters::FrozenParameters(const Model& model) {
  for (const NamedParameter& p : model.parameters()) {
    Node* node = p.var.node();
    saved_.push_back({node, node->requires_grad});
    node->requires_grad = false;
  }
}

FrozenParameters::~FrozenParameters() {
  for (auto& [node, requires_grad] : saved_) node->requires_grad = requires_grad;
}

Var forward_eval(Model& model, const Var& batch, std::vector<Var>* activations) {
  ForwardContext context;
  context.training = false;
  context.activations = activations;
  return model.forward(batch, context);
}

}  // namespace wg
