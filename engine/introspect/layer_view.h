// What a layer reads, for the introspection code that explains a layer's numbers
// (explain_unit, network_flow): the one sample it explains, and a read-only view of the
// layer's settings and parameters. Settings come from the layer's own normalised spec
// (Layer::spec(), every default filled in) and tensors from Layer::parameters() /
// buffers(), so this reads exactly what the layer's forward uses.
#pragma once
#include <string>

#include "core/tensor.h"
#include "nn/layer.h"
#include "nn/model.h"

namespace wg::introspect {

// `input` as one sample [1, ...input_shape] (it may come as one sample or a batch of one)
// whose values are all finite; errors name `what` and the first bad value's index.
Tensor finite_sample(const Model& model, const Tensor& input, const char* what);

// A parameter ("weight", "bias") or buffer ("running_mean", "running_var") of the layer by
// its name suffix; undefined when the layer has none (e.g. conv2d with "bias": false).
Tensor layer_parameter(const Layer& layer, const std::string& suffix);
Tensor layer_buffer(const Layer& layer, const std::string& suffix);

// A number field of the layer's spec ("stride", "eps", "slope"); throws if absent.
double spec_number(const Layer& layer, const std::string& field);
bool spec_flag(const Layer& layer, const std::string& field);

struct ConvView {
  int filters = 0, in_channels = 0, kernel_height = 0, kernel_width = 0;
  int stride = 1, pad = 0, dilation = 1;
  Tensor weight;  // [K, C, KH, KW]
  Tensor bias;    // [K], undefined without bias
  int taps() const { return kernel_height * kernel_width; }
  // weight[k, c, 0, 0]: the KH * KW kernel of output channel k, input channel c.
  const float* kernel(int k, int c) const { return weight.data() + (static_cast<std::int64_t>(k) * in_channels + c) * taps(); }
};
ConvView conv_view(const Layer& conv);

struct PoolView {
  int kernel = 2, stride = 2, pad = 0;
};
PoolView pool_view(const Layer& pool);

struct LinearView {
  int inputs = 0, outputs = 0;
  Tensor weight;  // [out, in]
  Tensor bias;    // [out], undefined without bias
};
LinearView linear_view(const Layer& linear);

// relu, leaky_relu, sigmoid, tanh, softplus, sign, step.
bool is_activation(const Layer& layer);
// Layers that change no value and no layout at inference, or only the layout: flatten, dropout.
bool is_pass_through(const Layer& layer);

}  // namespace wg::introspect
