// Building and running a list of layers. See layer_list.h.
#include "nn/layers/layer_list.h"

#include "nn/layers/layer_spec.h"

namespace wg::layers {

LayerInput list_output(const LayerList& layers, const LayerInput& first) {
  LayerInput out = first;
  if (layers.empty()) return out;
  const LayerSummary& s = layers.back()->summary();
  out.shape = s.output_shape;
  out.rf_size = s.rf_size;
  out.rf_jump = s.rf_jump;
  out.rf_start = s.rf_start;
  return out;
}

LayerList build_layer_list(const json::Value& specs, const LayerInput& first,
                           const std::function<std::string(int, const std::string&)>& name_of) {
  LayerList layers;
  LayerInput in = first;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const json::Value& spec = specs.as_array()[i];
    const json::Value* type = spec.is_object() ? spec.find("type") : nullptr;
    in = list_output(layers, first);
    in.index = static_cast<int>(i);
    in.name = name_of(static_cast<int>(i), type && type->is_string() ? type->as_string() : "");
    std::unique_ptr<Layer> layer = build_layer(spec, in);
    const Shape& out = layer->output_shape();
    if (numel(out) > kMaxSampleElements) {
      const std::string problem = "output " + shape_str(out) + " has more than " + std::to_string(kMaxSampleElements) +
                                  " elements";
      throw_spec_error(in, layer->type(), "", problem + " at layer " + std::to_string(i), problem, problem);
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

Var forward_layer_list(const LayerList& layers, const Var& x_in, ForwardContext& context) {
  Var x = x_in;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    // conv -> relu -> 2x2 max pool, and conv -> relu, run as one fused op unless each layer's own
    // output was asked for.
    if (!context.activations && i + 2 < layers.size() && layers[i + 1]->is_relu() && layers[i + 2]->is_max_pool_2x2()) {
      if (Var fused = layers[i]->forward_then_relu_maxpool2(x, context); fused.defined()) {
        x = fused;
        i += 2;
        continue;
      }
    }
    if (!context.activations && i + 1 < layers.size() && layers[i + 1]->is_relu()) {
      if (Var fused = layers[i]->forward_then_relu(x, context); fused.defined()) {
        x = fused;
        ++i;
        continue;
      }
    }
    x = layers[i]->forward(x, context);
    if (context.activations) context.activations->push_back(x);
  }
  return x;
}

}  // namespace wg::layers
