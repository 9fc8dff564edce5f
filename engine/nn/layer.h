// Layers: the building blocks of a Model, built from one JSON object of a spec
// ({"type":"conv2d","filters":8,"kernel":5,"pad":2}). The interface is deliberately
// shallow: one abstract class, one concrete class per layer type, each a thin wrapper
// that owns its parameters and calls one op of engine/ops in forward().
//
// Shapes: a layer sees per-sample shapes, [C,H,W] for images or [F] for feature
// vectors; forward() takes the batch, [N,C,H,W] or [N,F].
// A linear (alias: dense) layer on a [C,H,W] input flattens it first (C*H*W features),
// so "conv, pool, linear" needs no explicit flatten layer.
//
// Counting conventions (the lectures' numbers):
//   parameters    weights + biases: conv (KH*KW*C_in)*K + K, linear in*out + out;
//   multiply_adds per sample, weights only (no bias, no activation/pool/norm work):
//                 conv K*OH*OW*(C_in*KH*KW), linear in*out, every other layer 0;
//   receptive field w.r.t. the model input (index coordinates, unit 0 centred at 0):
//                 k_eff = dilation*(k-1)+1, jump_out = jump_in*stride,
//                 size_out = size_in + (k_eff-1)*jump_in,
//                 start_out = start_in + ((k_eff-1)/2 - pad)*jump_in.
//                 Pointwise layers (activations, batch/layer/instance norm, dropout,
//                 flatten) keep it; lcn acts as a size x size window; a linear layer
//                 sees the whole input: size = extent of the input (max of H, W; F for
//                 vector inputs), jump = that extent, start = (extent-1)/2.
//
// Composite layers (blocks) hold lists of layers, and lists nest:
//   {"type": "residual", "layers": [...], "shortcut": [...]}  output = layers(x) + shortcut(x);
//        no shortcut (or []) is the identity, else a projection (a 1x1 conv2d with a stride);
//   {"type": "concat", "branches": [[...], [...]]}  the branches' outputs joined along channels.
// A block counts as one layer of its list: one activation, one row of the model's layer table.
// Its summary holds its totals (parameters, multiply-adds of every inner layer; output shape;
// the receptive field of its output, the union of its paths' windows) and lists its inner
// layers in `inner`, each tagged with `branch`: "layers", "shortcut", "branches.0", ...
// The residual add and the concat are counted as 0 multiply-adds (they use no weights).
//
// Parameter names nest as PyTorch names submodules when each list is an nn.Sequential and the
// branches an nn.ModuleList: a block named "residual2" holds "residual2.layers.0.weight" (the
// list's layer 0, counting every layer, parameter-free ones too), "residual2.shortcut.0.weight",
// and a concat "concat1.branches.1.0.weight" (branch 1, layer 0). Top-level layers keep their
// type-and-counter names (conv1, bn2, residual1, concat1, globalavgpool1). So a PyTorch model
// whose block is a module with attributes `layers` and `shortcut` (nn.Sequential) or `branches`
// (nn.ModuleList of nn.Sequential) has the same state_dict keys.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "autodiff/var.h"
#include "core/random.h"
#include "core/tensor.h"
#include "util/json.h"

namespace wg {

struct ForwardContext {
  bool training = false;                  // dropout active, batch norm uses and updates batch statistics
  Rng* rng = nullptr;                     // required when training through a dropout layer
  std::vector<Var>* activations = nullptr;  // when set, each layer appends its output (activation maps)
  // When set, layers compute with these leaves in place of their own parameters: the same
  // values, gradients of their own. A split training step gives each chunk of its batch one
  // set, so the chunks can run backward at the same time (train/batch_split.h).
  const std::unordered_map<const Node*, Var>* parameter_replicas = nullptr;

  // What a layer computes with for its parameter p: p itself, or its replica.
  const Var& parameter(const Var& p) const {
    if (parameter_replicas == nullptr || !p.defined()) return p;
    auto it = parameter_replicas->find(p.node());
    return it == parameter_replicas->end() ? p : it->second;
  }
};

struct NamedParameter {
  std::string name;  // "conv1.weight"
  Var var;
};

struct NamedBuffer {
  std::string name;  // "bn1.running_mean"
  Tensor tensor;     // shares storage with the layer's buffer
};

struct LayerSummary {
  std::string name;            // "conv1"
  std::string type;            // "conv2d"
  Shape output_shape;          // per sample, no batch dimension
  std::int64_t parameters = 0;
  std::int64_t multiply_adds = 0;  // per sample
  int rf_size = 1;             // receptive field of one output unit, in input pixels (per axis)
  int rf_jump = 1;             // input pixels between neighbouring output units
  double rf_start = 0.0;       // input coordinate of the centre of output unit 0
  std::string detail;          // "8 filters 5x5, stride 1, pad 2"
  // Inside a block: which of its lists this layer is in ("layers", "shortcut", "branches.1");
  // "" for a layer of the model's own list.
  std::string branch;
  // A block's inner layers in spec order (layers, then shortcut; branch 0, 1, ...); empty for
  // every other layer.
  std::vector<LayerSummary> inner;
};

class Layer {
 public:
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual const char* type() const = 0;
  // x: [N, ...input_shape()] -> [N, ...output_shape()].
  virtual Var forward(const Var& x, ForwardContext& context) = 0;
  // relu(forward(x)) computed as one fused op, or an undefined Var when this layer has no
  // fused form. Model::forward uses it when the next layer is a plain ReLU and nobody asked
  // for the layers' separate outputs.
  virtual Var forward_then_relu(const Var&, ForwardContext&) { return Var(); }
  // True for a plain ReLU activation layer (the layer forward_then_relu folds in).
  virtual bool is_relu() const { return false; }
  // max_pool_2x2(relu(forward(x))) as one fused op, or an undefined Var when this layer has none.
  // Model::forward uses it when a plain ReLU and then a 2x2 max pool follow, under the same rule.
  virtual Var forward_then_relu_maxpool2(const Var&, ForwardContext&) { return Var(); }
  // True for a max pool with a 2x2 window, stride 2 and no padding (what the fused op folds in).
  virtual bool is_max_pool_2x2() const { return false; }
  // True when training mixes the samples of a batch (batch norm's batch statistics), so a
  // training step cannot be split into chunks of samples.
  virtual bool couples_samples() const { return false; }
  virtual std::vector<NamedParameter> parameters() const { return {}; }
  virtual std::vector<NamedBuffer> buffers() const { return {}; }
  // Allocates (first call) and (re)initialises parameters and buffers from rng.
  virtual void reset_parameters(Rng&) {}
  // This layer's spec object with every default filled in (parses back to the same layer).
  virtual json::Value spec() const = 0;

  const std::string& name() const { return summary_.name; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return summary_.output_shape; }
  const LayerSummary& summary() const { return summary_; }

 protected:
  Layer() = default;
  Shape input_shape_;
  LayerSummary summary_;
};

// What a layer under construction knows about its input.
struct LayerInput {
  int index = 0;          // position in the spec's layer list (for errors)
  std::string name;       // "conv1": prefix of its parameter names
  Shape shape;            // per-sample input shape
  int rf_size = 1;        // receptive field of the input units so far
  int rf_jump = 1;
  double rf_start = 0.0;
  int input_extent = 1;   // max(H, W) (or F) of the model input: a global receptive field
  // Where the list this layer belongs to sits, for error messages: "" in the model's own list,
  // "layer 3 (residual) › layers › " inside a block (the layer's index and type follow).
  std::string location;
  int depth = 0;          // how many blocks this layer is inside
};

// One field a layer type accepts, with the limits its value is checked against. The registry
// (nn/layers/layer_spec.cpp) is the only place these are written: parsing checks against it,
// and layer_catalog() shows it to the page's editor and help texts.
struct FieldInfo {
  // size: an integer or [height, width]; layers: a list of layer specs; branches: a list of such lists.
  enum class Kind { integer, size, number, boolean, initializer, layers, branches };
  std::string name;
  Kind kind = Kind::integer;
  double min = 0.0, max = 0.0;  // integer, size, number
  bool required = false;
  std::string default_text;     // "1", "= kernel", "true" ("" when required)
};

struct LayerTypeInfo {
  std::string type;              // "conv2d"
  std::string alias_of;          // "linear" for "dense", else ""
  bool needs_image = false;      // only on a [C, H, W] input
  std::vector<FieldInfo> fields;
};

// Every layer type with its fields, in layer_type_names() order.
const std::vector<LayerTypeInfo>& layer_catalog();
// "integer", "size", "number", "boolean", "initializer", "layers", "branches"
const char* field_kind_name(FieldInfo::Kind kind);

// Validates a layer spec object, infers its output shape and counts; parameters are not
// allocated yet (call reset_parameters), so a model can refuse a huge spec before allocating.
// Errors name the layer index and type: "kernel 7 larger than padded input 5x5 at layer 3 (conv2d)".
std::unique_ptr<Layer> build_layer(const json::Value& spec, const LayerInput& input);

// Every accepted "type" (aliases included: "dense" means "linear").
const std::vector<std::string>& layer_type_names();

}  // namespace wg
