// The facade for "seeing inside the network" (engine/introspect/) and the lectures'
// teaching pieces (perceptron rule, worked-example graphs). Functions over a ModelHandle
// returning plain JS objects with Float32Array data; every call runs in guarded().
#pragma once
#include <emscripten/val.h>

#include <string>
#include <utility>

#include "introspect/explain_unit.h"
#include "model_api.h"
#include "train/perceptron.h"

namespace wg::api {

using emscripten::val;

// image: Float32Array of one sample (or count samples for activations/probabilities).
val layer_activations(const ModelHandle& model, const val& image);
val layer_filters(const ModelHandle& model, int layer);
val saliency_map(const ModelHandle& model, const val& image, int class_index);
val effective_receptive_field(const ModelHandle& model, const val& image, int layer, int channel, int row, int col);
val theoretical_receptive_field(const ModelHandle& model, int layer, int row, int col);
// options: {steps, stepSize, l2, startValue, blurEvery, jitter, seed} (all optional)
val class_image(const ModelHandle& model, int class_index, const val& options);
val deep_dream(const ModelHandle& model, const val& image, int layer, const val& options);
val parameter_histograms(const ModelHandle& model, int bins);
// JSON text of the loss graph for a small batch (nodes nearest the loss, at most max_nodes).
std::string loss_graph(const ModelHandle& model, const val& inputs, const val& labels, int max_nodes);
// JSON text of a lecture's worked example ("cos_sin_square" {x}; "tiny_relu_net" {x,w1,b1,w2,b2,t}).
std::string worked_example(const std::string& name, const val& inputs);
val worked_example_names();

// ---- inside one unit (introspect/explain_unit.h, introspect/network_flow.h)
// unit: {layer, channel?, row?, col?, topK?}; returns the explanation as a plain object
// discriminated by `kind` (bindings/wasmgrad.d.ts, UnitExplanation).
val explain_unit(const ModelHandle& model, const val& input, const val& unit);
// options: {edges?, edgesPerNode?, mapLimit?}; returns {columns: [...]} (NetworkFlow in the .d.ts).
val network_flow(const ModelHandle& model, const val& input, const val& options);

// The perceptron learning rule (train/perceptron.h) for the perceptron demo.
class PerceptronHandle {
 public:
  // A factory, not a constructor: see ModelHandle::create.
  static PerceptronHandle create(int features, double learning_rate);
  int predict(const val& x) const;          // +1 or -1
  bool learn(const val& x, int label);      // true when it was a mistake (weights moved)
  val weights() const;                      // Float32Array copy
  double bias() const { return perceptron_.bias; }
  void set_weights(const val& weights, double bias);

 private:
  explicit PerceptronHandle(Perceptron perceptron) : perceptron_(std::move(perceptron)) {}
  Perceptron perceptron_;
};

}  // namespace wg::api
