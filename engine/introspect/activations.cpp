// Activation maps of every layer and class probabilities, computed without a graph.
#include "introspect/activations.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "introspect/probe.h"
#include "ops/ops.h"

namespace wg {

std::vector<LayerActivation> layer_activations(Model& model, const Tensor& input) {
  const Tensor batch = as_model_batch(model, input, "layer_activations");
  NoGrad no_graph;
  std::vector<Var> outputs;
  forward_eval(model, Var(batch), &outputs);
  const auto& layers = model.layers();
  WG_CHECK(outputs.size() == layers.size(), "layer_activations: got ", outputs.size(), " outputs for ", layers.size(),
           " layers");
  std::vector<LayerActivation> result;
  result.reserve(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    LayerActivation a;
    a.layer = static_cast<int>(i);
    a.name = layers[i]->name();
    a.type = layers[i]->type();
    a.shape = layers[i]->output_shape();
    a.data = outputs[i].value();
    result.push_back(std::move(a));
  }
  return result;
}

Tensor predict_probabilities(Model& model, const Tensor& input) {
  WG_CHECK(model.output_shape().size() == 1, "predict_probabilities: the model's output per sample is ",
           shape_str(model.output_shape()), ", not a vector of class scores");
  const Tensor batch = as_model_batch(model, input, "predict_probabilities");
  NoGrad no_graph;
  const Var logits = forward_eval(model, Var(batch));
  const int n = logits.shape()[0], classes = logits.shape()[1];
  if (classes > 1) return softmax(logits).value();
  Tensor probabilities = Tensor::empty({n, 2});
  for (int i = 0; i < n; ++i) {
    const float p = 1.0f / (1.0f + std::exp(-logits.value()[i]));
    probabilities[2 * i] = 1.0f - p;
    probabilities[2 * i + 1] = p;
  }
  return probabilities;
}

}  // namespace wg
