// Filters: copies of conv weights and of image-shaped linear weights, for the tile views.
#include "introspect/filters.h"


#include "core/error.h"
#include "introspect/probe.h"

namespace wg {

LayerFilters layer_filters(const Model& model, int layer) {
  check_layer_index(model, layer, "layer_filters");
  const Layer& l = *model.layers()[layer];
  const std::string type = l.type();
  const Var* weight = nullptr;
  const auto parameters = l.parameters();
  for (const NamedParameter& p : parameters)
    if (p.name == l.name() + ".weight") weight = &p.var;
  WG_CHECK(weight != nullptr && weight->defined(), "layer_filters: layer ", layer, " (", type, ") has no weights");
  WG_CHECK(type == "conv2d" || type == "linear", "layer_filters: layer ", layer, " (", type,
           ") has weights but no filters; only conv2d and linear layers have them");

  LayerFilters f;
  f.layer = layer;
  f.name = l.name();
  f.type = type;
  if (type == "conv2d") {
    f.shape = weight->shape();
  } else {
    const Shape& in = l.input_shape();
    WG_CHECK(in.size() == 3, "layer_filters: layer ", layer, " (linear) has a vector input ", shape_str(in),
             ", so its weights are not images; filters need a [C, H, W] input");
    f.shape = {weight->shape()[0], in[0], in[1], in[2]};
  }
  f.data = weight->value().clone().reshaped(f.shape);
  return f;
}

}  // namespace wg
