// A block's paths on one input, each inner layer's output kept. See block_paths.h.
#include "introspect/block_paths.h"

#include "core/error.h"
#include "introspect/probe.h"
#include "nn/layers/block.h"

namespace wg {

bool is_block_layer(const Layer& layer) { return dynamic_cast<const layers::BlockLayer*>(&layer) != nullptr; }

std::vector<PathOutput> block_path_outputs(const Layer& block, const Tensor& input) {
  const auto* composite = dynamic_cast<const layers::BlockLayer*>(&block);
  WG_CHECK(composite != nullptr, "block_path_outputs: layer ", block.name(), " (", block.type(), ") is not a block");
  WG_CHECK(input.shape().size() == block.input_shape().size() + 1 && input.shape()[0] == 1,
           "block_path_outputs: expected one sample [1, ", shape_str(block.input_shape()), "], got ",
           shape_str(input.shape()));
  NoGrad no_graph;
  std::vector<PathOutput> result;
  for (const auto& path : composite->paths()) {
    PathOutput out;
    out.branch = path.branch;
    out.identity = path.layers.empty();
    out.shape = path.output.shape;
    std::vector<Var> outputs;
    ForwardContext context;
    context.training = false;
    context.activations = &outputs;
    const Var y = layers::forward_layer_list(path.layers, Var(input), context);
    out.output = y.value();
    for (std::size_t i = 0; i < path.layers.size(); ++i) {
      LayerActivation a;
      a.layer = static_cast<int>(i);
      a.name = path.layers[i]->name();
      a.type = path.layers[i]->type();
      a.shape = path.layers[i]->output_shape();
      a.data = outputs[i].value();
      out.inner.push_back(std::move(a));
    }
    result.push_back(std::move(out));
  }
  return result;
}

std::vector<PathOutput> block_activations(Model& model, const Tensor& input, int layer) {
  check_layer_index(model, layer, "block_activations");
  const Layer& block = *model.layers()[layer];
  WG_CHECK(is_block_layer(block), "block_activations: layer ", layer, " (", block.type(),
           ") is not a block (residual or concat)");
  const Tensor batch = as_model_batch(model, input, "block_activations");
  WG_CHECK(batch.shape()[0] == 1, "block_activations: expected one sample, got ", batch.shape()[0]);
  if (layer == 0) return block_path_outputs(block, batch);
  const std::vector<LayerActivation> maps = layer_activations(model, batch);
  return block_path_outputs(block, maps[layer - 1].data);
}

}  // namespace wg
