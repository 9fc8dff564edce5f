// A list of layers run one after another: the model's own list and every list inside a block
// (a residual's layers and shortcut, each branch of a concat). Building one checks every layer
// and infers the shapes; running one fuses conv -> relu (-> 2x2 max pool) into one op unless
// the caller asked for each layer's output.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.h"
#include "util/json.h"

namespace wg::layers {

using LayerList = std::vector<std::unique_ptr<Layer>>;

// Builds every spec of `specs` (a JSON array) in turn, each on the previous one's output;
// `first` describes the list's input (its index and name are set per layer: index i, name
// name_of(i, type)). The list's output is the last layer's, or `first` itself when empty.
LayerList build_layer_list(const json::Value& specs, const LayerInput& first,
                           const std::function<std::string(int index, const std::string& type)>& name_of);

// x: [N, ...input] -> [N, ...output] through every layer. Appends each layer's output to
// context.activations when that is set (and then runs nothing fused).
Var forward_layer_list(const LayerList& layers, const Var& x, ForwardContext& context);

// The shape and receptive field after a list: the last layer's, or `first`'s for an empty list.
LayerInput list_output(const LayerList& layers, const LayerInput& first);

}  // namespace wg::layers
