#include "train/perceptron.h"

#include <cmath>

#include "core/error.h"

namespace wg {

namespace {
// Checked before the weights are allocated: std::vector(-1) would throw a bare length_error.
int checked_features(int features) {
  constexpr int kMaxFeatures = 1 << 24;
  WG_CHECK(features >= 1 && features <= kMaxFeatures, "perceptron: the number of input features must be between 1 and ",
           kMaxFeatures, ", got ", features);
  return features;
}
}  // namespace

Perceptron::Perceptron(int features, float rate) : weights(checked_features(features), 0.0f), learning_rate(rate) {
  WG_CHECK(std::isfinite(rate) && rate > 0.0f, "perceptron: the learning rate must be a positive number, got ", rate);
}

int Perceptron::predict(const float* x) const {
  float activation = bias;
  for (std::size_t i = 0; i < weights.size(); ++i) activation += weights[i] * x[i];
  return activation > 0.0f ? 1 : -1;
}

bool Perceptron::learn(const float* x, int label) {
  WG_CHECK(label == 1 || label == -1, "perceptron: labels must be +1 or -1, got ", label);
  if (predict(x) == label) return false;
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] += learning_rate * label * x[i];
  bias += learning_rate * label;
  return true;
}

std::vector<int> Perceptron::train(const Tensor& inputs, const std::vector<int>& labels, int max_epochs) {
  WG_CHECK(inputs.rank() == 2 && inputs.dim(1) == static_cast<int>(weights.size()), "perceptron: inputs must be [N, ",
           weights.size(), "], got ", shape_str(inputs.shape()));
  WG_CHECK(static_cast<int>(labels.size()) == inputs.dim(0), "perceptron: ", labels.size(), " labels for ",
           inputs.dim(0), " samples");
  std::vector<int> mistakes_per_epoch;
  for (int epoch = 0; epoch < max_epochs; ++epoch) {
    int mistakes = 0;
    for (int i = 0; i < inputs.dim(0); ++i) mistakes += learn(inputs.data() + i * weights.size(), labels[i]);
    mistakes_per_epoch.push_back(mistakes);
    if (mistakes == 0) break;
  }
  return mistakes_per_epoch;
}

}  // namespace wg
