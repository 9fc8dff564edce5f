// Saliency maps and effective/theoretical receptive fields, from input gradients computed
// with the model's parameters frozen.
#include "introspect/saliency.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "introspect/probe.h"
#include "train/trainer.h"

namespace wg {

namespace {

Tensor abs_copy(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape());
  for (std::int64_t i = 0; i < t.size(); ++i) out[i] = std::fabs(t[i]);
  return out;
}

// One-sample batch [1, ...input_shape] from an image, refusing larger batches.
Tensor single_sample(const Model& model, const Tensor& image, const char* what) {
  const Tensor batch = as_model_batch(model, image, what);
  WG_CHECK(batch.shape()[0] == 1, what, ": expects one input, got a batch of ", batch.shape()[0]);
  return batch;
}

}  // namespace

SaliencyMap saliency(Model& model, const Tensor& image, int class_index) {
  WG_CHECK(model.output_shape().size() == 1, "saliency: the model's output per sample is ",
           shape_str(model.output_shape()), ", not a vector of class scores");
  const Tensor batch = single_sample(model, image, "saliency");
  const int classes = model.output_shape()[0];
  WG_CHECK(class_index < classes, "saliency: class ", class_index, " out of range (the model has ", classes,
           " outputs)");

  FrozenParameters frozen(model);
  Var input(batch.clone(), true, "input");
  const Var scores = forward_eval(model, input);
  SaliencyMap s;
  s.class_index = class_index >= 0 ? class_index : argmax_row(scores.value().data(), classes);
  s.score = scores.value()[s.class_index];
  Tensor seed = Tensor::zeros(scores.shape());
  seed[s.class_index] = 1.0f;
  backward(scores, seed);

  const Shape& sample = model.input_shape();
  s.gradient = input.grad().defined() ? abs_copy(input.grad()).reshaped(sample) : Tensor::zeros(sample);
  if (sample.size() == 3) {
    const int c = sample[0], hw = sample[1] * sample[2];
    s.map = Tensor::zeros({sample[1], sample[2]});
    for (int ch = 0; ch < c; ++ch)
      for (int i = 0; i < hw; ++i) s.map[i] = std::max(s.map[i], s.gradient[static_cast<std::int64_t>(ch) * hw + i]);
  } else {
    s.map = s.gradient;
  }
  return s;
}

TheoreticalField theoretical_receptive_field(const Model& model, int layer, int row, int col) {
  check_layer_index(model, layer, "theoretical_receptive_field");
  const Shape& input = model.input_shape();
  WG_CHECK(input.size() == 3, "theoretical_receptive_field: the model input ", shape_str(input),
           " is not an image [C, H, W]");
  const LayerSummary& s = model.layers()[layer]->summary();
  const Shape& out = s.output_shape;
  const int rows = out.size() == 3 ? out[1] : 1, cols = out.size() == 3 ? out[2] : 1;
  WG_CHECK(row >= 0 && row < rows && col >= 0 && col < cols, "theoretical_receptive_field: unit (", row, ", ", col,
           ") outside the ", rows, "x", cols, " output of layer ", layer, " (", s.type, ")");
  TheoreticalField f;
  if (out.size() == 3) {
    const int first = static_cast<int>(std::lround(s.rf_start - (s.rf_size - 1) / 2.0));
    f.full = {first + row * s.rf_jump, first + col * s.rf_jump, s.rf_size, s.rf_size};
  } else {
    f.full = {0, 0, input[1], input[2]};  // linear (or flattened) units: the whole input, an upper bound
  }
  const int top = std::max(f.full.top, 0), left = std::max(f.full.left, 0);
  const int bottom = std::min(f.full.top + f.full.height, input[1]);
  const int right = std::min(f.full.left + f.full.width, input[2]);
  f.clipped = {top, left, std::max(bottom - top, 0), std::max(right - left, 0)};
  if (f.clipped.height == 0 || f.clipped.width == 0) f.clipped.height = f.clipped.width = 0;
  return f;
}

EffectiveField effective_receptive_field(Model& model, const Tensor& image, int layer, int channel, int row,
                                         int col) {
  check_layer_index(model, layer, "effective_receptive_field");
  const Shape& sample = model.input_shape();
  WG_CHECK(sample.size() == 3, "effective_receptive_field: the model input ", shape_str(sample),
           " is not an image [C, H, W]");
  const Layer& l = *model.layers()[layer];
  const Shape& out = l.output_shape();
  const int channels = out[0];
  WG_CHECK(channel >= 0 && channel < channels, "effective_receptive_field: channel ", channel,
           " out of range for layer ", layer, " (", l.type(), ") with ", channels, out.size() == 3 ? " channels" : " units");
  EffectiveField e;
  e.layer = layer;
  e.channel = channel;
  e.row = row;
  e.col = col;
  e.theoretical = theoretical_receptive_field(model, layer, row, col);  // also checks row and col
  const Tensor batch = single_sample(model, image, "effective_receptive_field");

  FrozenParameters frozen(model);
  Var input(batch.clone(), true, "input");
  std::vector<Var> outputs;
  forward_eval(model, input, &outputs);
  const Var& unit_layer = outputs[layer];
  const std::int64_t unit =
      out.size() == 3 ? (static_cast<std::int64_t>(channel) * out[1] + row) * out[2] + col : channel;
  e.activation = unit_layer.value()[unit];
  Tensor seed = Tensor::zeros(unit_layer.shape());
  seed[unit] = 1.0f;
  backward(unit_layer, seed);

  const int c = sample[0], hw = sample[1] * sample[2];
  e.map = Tensor::zeros({sample[1], sample[2]});
  if (input.grad().defined()) {
    const Tensor& g = input.grad();
    for (int ch = 0; ch < c; ++ch)
      for (int i = 0; i < hw; ++i) e.map[i] += std::fabs(g[static_cast<std::int64_t>(ch) * hw + i]);
    for (int i = 0; i < hw; ++i) e.map[i] /= static_cast<float>(c);
  }
  return e;
}

}  // namespace wg
