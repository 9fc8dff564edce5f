// Inside one unit: how unit (channel, row, col) of a layer got its value for one input,
// step by step, with the engine's own numbers. A conv unit is explained as the patch it
// reads from the previous layer's maps (padding cells marked), per input channel the
// kernel weights, the elementwise products and their sum, then the sum over channels,
// + bias = the pre-activation; a pooling unit as its window and the winner / mean / L2;
// a linear unit as its largest contributions weight x input, the rest summed, + bias;
// normalisation units as the statistics used; pointwise units as input -> f -> output;
// a residual block's unit as its two terms, layers(x) + shortcut(x); a concat block's unit as
// the branch and the channel of it that it comes from.
//
// The layer's input is taken from the engine's own per-layer activations (the same
// inference forward as layer_activations: dropout off, batch norm on running statistics)
// and its parameters from the layer itself; nothing re-runs the network another way.
// `value` is the engine's activation map at the unit, `result` the value the steps
// arrive at: they agree to float rounding (tests/engine/introspect/explain_unit_test.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "introspect/saliency.h"
#include "nn/model.h"

namespace wg {

// A unit of a layer's output: (channel, row, col) of a [C, H, W] map, or unit `channel`
// of an [F] vector (row = col = 0).
struct UnitIndex {
  int layer = 0, channel = 0, row = 0, col = 0;
};

struct ExplainOptions {
  int top_k = 10;  // linear: contributions listed one by one (the rest are summed)
};

// The taps a window layer reads from its input map: tap (i, j) reads input row
// top + i * step and column left + j * step. Taps outside the map read the zero
// padding (padding[i * cols + j] = 1); their values are reported as 0.
struct InputWindow {
  int top = 0, left = 0;    // input coordinates of tap (0, 0); negative inside the padding
  int rows = 0, cols = 0;   // taps per axis (the kernel size)
  int step = 1;             // input pixels between neighbouring taps (the dilation; 1 for pools)
  int stride = 1, pad = 0;  // the layer's, to say why the window sits where it does
  std::vector<std::uint8_t> padding;  // [rows * cols]
  int tap_row(int i) const { return top + i * step; }
  int tap_col(int j) const { return left + j * step; }
};

// The activation layer that follows the unit's layer (a page shows conv + ReLU as one step).
struct NextActivation {
  int layer = 0;
  std::string name, type;  // "relu1", "relu"
  float slope = 0.0f;      // leaky_relu only
  float input = 0.0f;      // this unit's result (the pre-activation)
  float result = 0.0f;     // the function applied to it
  float value = 0.0f;      // the engine's activation map of that layer at the unit
};

struct ConvChannelTerm {
  int channel = 0;              // input channel
  std::vector<float> patch;     // [KH * KW] input values under the taps (0 at padding)
  std::vector<float> weights;   // [KH * KW] kernel weights for (output channel, this channel)
  std::vector<float> products;  // patch * weights
  float sum = 0.0f;             // sum of products
};

struct ConvExplanation {
  InputWindow window;
  std::vector<ConvChannelTerm> channels;  // one per input channel
  float channel_sum = 0.0f;               // sum over channels
  bool has_bias = true;
  float bias = 0.0f;                      // 0 without bias
  float pre_activation = 0.0f;            // channel_sum + bias
};

struct PoolExplanation {
  InputWindow window;
  std::vector<float> values;  // [k * k] input values under the window (0 at padding)
  // maxpool: the first in-map tap holding the maximum (the engine's tie rule; padding never wins)
  int winner = -1;            // tap index i * k + j
  int winner_row = 0, winner_col = 0;
  // avgpool: padding counts as zeros, the divisor is always k * k
  float sum = 0.0f;
  int divisor = 1;
  // l2pool: sqrt(sum of squares) over the in-map taps
  float sum_of_squares = 0.0f;
};

// One weight x input term of a linear unit.
struct Contribution {
  int input = 0;             // flat index into the layer's input
  int channel = 0, row = 0, col = 0;  // the same for a [C, H, W] input (row = col = 0 for vectors)
  float input_value = 0.0f, weight = 0.0f, product = 0.0f;
};

struct LinearExplanation {
  int inputs = 0;                   // in features
  std::vector<Contribution> top;    // the top_k largest |product|, largest first
  int rest_count = 0;               // the other inputs
  float rest_sum = 0.0f;            // the sum of their products
  std::vector<float> products;      // [inputs]: every weight x input, in input order
  float product_sum = 0.0f;         // sum of all products
  bool has_bias = true;
  float bias = 0.0f;
  float pre_activation = 0.0f;      // product_sum + bias
};

// batchnorm at inference: (x - running_mean) / sqrt(running_var + eps) * gamma + beta.
// layernorm / instancenorm: the same with this input's statistics over a group of
// elements (the whole sample; one channel's H x W), biased variance.
struct NormExplanation {
  float input = 0.0f;
  float mean = 0.0f, variance = 0.0f, eps = 0.0f;
  int count = 0;              // elements the statistics were taken over (0: running statistics)
  float std_dev = 0.0f;       // sqrt(variance + eps)
  float normalized = 0.0f;    // (input - mean) / std_dev
  bool affine = true;
  float gamma = 1.0f, beta = 0.0f;
};

// Local contrast normalisation (ops.h): a size x size box centred on the pixel, over all
// channels, zero padded, always divided by C * size^2.
struct LcnExplanation {
  InputWindow window;
  int channels = 0;
  float input = 0.0f;
  float local_mean = 0.0f;    // m(p)
  float centered = 0.0f;      // input - m(p)
  float local_std = 0.0f;     // s(p) = sqrt(box mean of (x - m)^2)
  float mean_std = 0.0f;      // mean of s over the image
  float eps = 0.0f;
  float divisor = 0.0f;       // max(local_std, mean_std, eps)
  std::string divisor_from;   // "local", "mean" or "eps": which term won (ties: local, then mean)
};

// relu, leaky_relu, sigmoid, tanh, softplus, sign, step; dropout (identity at inference).
struct PointwiseExplanation {
  float input = 0.0f;
  float slope = 0.0f;  // leaky_relu
  float rate = 0.0f;   // dropout
};

// flatten: output unit i copies input (channel, row, col), i = (channel * H + row) * W + col.
struct FlattenExplanation {
  int channel = 0, row = 0, col = 0;
  float input = 0.0f;
};

// residual: output = layers(x) + shortcut(x), the two terms at this unit from the block's own
// paths (introspect/block_paths.h); the shortcut is x itself when it is the identity.
struct ResidualExplanation {
  float layers_term = 0.0f;    // layers(x) at the unit
  float shortcut_term = 0.0f;  // shortcut(x) at the unit
  bool identity = true;        // the shortcut is the identity (x at the unit)
  int layers_count = 0, shortcut_count = 0;  // inner layers on each path
};

// concat: output channel `unit.channel` is channel `channel` of branch `branch` (its channels
// start at `offset`); the value is that branch's output there.
struct ConcatExplanation {
  int branch = 0, channel = 0, offset = 0;
  std::vector<int> branch_channels;  // channels (or features) each branch gives, in order
  bool identity = false;             // the branch is empty: it passes the block's input
  int layers_count = 0;              // inner layers on the branch
  float input = 0.0f;                // the branch's output at (channel, row, col)
};

using UnitSteps = std::variant<ConvExplanation, PoolExplanation, LinearExplanation, NormExplanation, LcnExplanation,
                               PointwiseExplanation, FlattenExplanation, ResidualExplanation, ConcatExplanation>;

struct UnitExplanation {
  UnitIndex unit;
  std::string kind;    // "conv2d", "maxpool", "avgpool", "l2pool", "linear", "batchnorm", "layernorm",
                       // "instancenorm", "lcn", "activation", "dropout", "flatten", "residual", "concat"
  std::string type;    // the layer type ("relu", "sigmoid", ...; = kind except for activations)
  std::string name;    // "conv1"
  int input_layer = -1;  // the layer whose output this layer reads; -1 for the model input
  Shape input_shape, output_shape;  // per sample
  float value = 0.0f;   // the engine's activation map at the unit
  float result = 0.0f;  // what the steps compute; equals value to float rounding
  // The model-input pixels the unit can see (theoretical receptive field); none for vector model inputs.
  std::optional<TheoreticalField> receptive_field;
  std::optional<NextActivation> next;  // when the next layer is an activation (and this one is not)
  UnitSteps steps;
};

// input: one sample shaped model.input_shape() (or a batch of one); every value finite.
// Throws naming what is wrong: layer, channel, row or col out of range, a wrong input
// shape, a NaN or infinite input value, top_k < 0.
UnitExplanation explain_unit(Model& model, const Tensor& input, const UnitIndex& unit,
                             const ExplainOptions& options = {});

}  // namespace wg
