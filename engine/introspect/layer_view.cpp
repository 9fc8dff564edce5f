// Layer settings and parameters read through the layer's own spec and parameter lists.
#include "introspect/layer_view.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"
#include "introspect/probe.h"

namespace wg::introspect {

namespace {

const json::Value& spec_field(const json::Value& spec, const Layer& layer, const std::string& field) {
  const json::Value* value = spec.find(field);
  WG_CHECK(value != nullptr, "layer ", layer.name(), " (", layer.type(), "): its spec has no field \"", field, "\"");
  return *value;
}

// A spec size written as n or [h, w].
std::pair<int, int> size_pair(const json::Value& value) {
  if (value.is_array()) {
    return {static_cast<int>(value.as_array()[0].as_number()), static_cast<int>(value.as_array()[1].as_number())};
  }
  const int n = static_cast<int>(value.as_number());
  return {n, n};
}

}  // namespace

Tensor finite_sample(const Model& model, const Tensor& input, const char* what) {
  const Tensor batch = as_model_batch(model, input, what);
  WG_CHECK(batch.shape()[0] == 1, what, ": expects one input, got a batch of ", batch.shape()[0]);
  for (std::int64_t i = 0; i < batch.size(); ++i)
    WG_CHECK(std::isfinite(batch[i]), what, ": input value ", i, " is ", std::isnan(batch[i]) ? "NaN" : "infinite",
             " (every input value must be a finite number)");
  return batch;
}

Tensor layer_parameter(const Layer& layer, const std::string& suffix) {
  const std::string full = layer.name() + "." + suffix;
  for (const NamedParameter& p : layer.parameters())
    if (p.name == full) return p.var.value();
  return Tensor();
}

Tensor layer_buffer(const Layer& layer, const std::string& suffix) {
  const std::string full = layer.name() + "." + suffix;
  for (const NamedBuffer& b : layer.buffers())
    if (b.name == full) return b.tensor;
  return Tensor();
}

double spec_number(const Layer& layer, const std::string& field) {
  return spec_field(layer.spec(), layer, field).as_number();
}

bool spec_flag(const Layer& layer, const std::string& field) { return spec_field(layer.spec(), layer, field).as_bool(); }

ConvView conv_view(const Layer& conv) {
  WG_CHECK(std::string(conv.type()) == "conv2d", "conv_view: layer ", conv.name(), " is a ", conv.type());
  const json::Value spec = conv.spec();
  ConvView v;
  v.filters = conv.output_shape()[0];
  v.in_channels = conv.input_shape()[0];
  std::tie(v.kernel_height, v.kernel_width) = size_pair(spec_field(spec, conv, "kernel"));
  v.stride = static_cast<int>(spec_field(spec, conv, "stride").as_number());
  v.pad = static_cast<int>(spec_field(spec, conv, "pad").as_number());
  v.dilation = static_cast<int>(spec_field(spec, conv, "dilation").as_number());
  v.weight = layer_parameter(conv, "weight");
  v.bias = layer_parameter(conv, "bias");
  WG_CHECK(v.weight.defined() && v.weight.shape() == (Shape{v.filters, v.in_channels, v.kernel_height, v.kernel_width}),
           "conv_view: layer ", conv.name(), " has no weight of the expected shape");
  return v;
}

PoolView pool_view(const Layer& pool) {
  const json::Value spec = pool.spec();
  PoolView v;
  v.kernel = static_cast<int>(spec_field(spec, pool, "kernel").as_number());
  v.stride = static_cast<int>(spec_field(spec, pool, "stride").as_number());
  v.pad = static_cast<int>(spec_field(spec, pool, "pad").as_number());
  return v;
}

LinearView linear_view(const Layer& linear) {
  WG_CHECK(std::string(linear.type()) == "linear", "linear_view: layer ", linear.name(), " is a ", linear.type());
  LinearView v;
  v.outputs = linear.output_shape()[0];
  v.inputs = static_cast<int>(shape_numel(linear.input_shape()));
  v.weight = layer_parameter(linear, "weight");
  v.bias = layer_parameter(linear, "bias");
  WG_CHECK(v.weight.defined() && v.weight.shape() == (Shape{v.outputs, v.inputs}), "linear_view: layer ",
           linear.name(), " has no weight of the expected shape");
  return v;
}

bool is_activation(const Layer& layer) {
  static const std::array<std::string, 7> types = {"relu", "leaky_relu", "sigmoid", "tanh", "softplus", "sign", "step"};
  return std::find(types.begin(), types.end(), layer.type()) != types.end();
}

bool is_pass_through(const Layer& layer) {
  const std::string type = layer.type();
  return type == "flatten" || type == "dropout";
}

}  // namespace wg::introspect
