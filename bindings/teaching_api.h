// The lectures' teaching pieces for the demos: the perceptron learning rule (train/perceptron.h)
// as a handle, and the worked-example graphs (introspect/graph.h) as JSON. Every call runs in
// guarded().
#pragma once
#include <emscripten/val.h>

#include <string>
#include <utility>

#include "train/perceptron.h"

namespace wg::api {

using emscripten::val;

// JSON text of a lecture's worked example ("cos_sin_square" {x}; "tiny_relu_net" {x,w1,b1,w2,b2,t}).
std::string worked_example(const std::string& name, const val& inputs);
val worked_example_names();

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
