// Rosenblatt's perceptron with the lectures' learning rule: y = sign(w.x + b); on a
// mistake w <- w + y_i x_i and b <- b + y_i; nothing when right. Labels are +1/-1.
// It is not gradient descent, so it lives beside the trainer rather than in optim/.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace wg {

struct Perceptron {
  std::vector<float> weights;  // one per input feature
  float bias = 0.0f;

  explicit Perceptron(int features, float learning_rate = 1.0f);
  float learning_rate;
  int predict(const float* x) const;  // +1 or -1 (sign, with sign(0) = -1 so a zero start is a mistake)
  // One presentation of one sample; returns true when it was a mistake (and the weights moved).
  bool learn(const float* x, int label);
  // Passes over inputs [N, F] with labels (+1/-1) until an epoch has no mistake or
  // max_epochs; returns the mistakes of each epoch (the last is 0 when it converged).
  std::vector<int> train(const Tensor& inputs, const std::vector<int>& labels, int max_epochs);
};

}  // namespace wg
