// Internal to engine/nn: reading and checking one layer's spec fields, with errors that
// name the field, the layer index and type, and suggest the closest valid field name.
// Also the receptive-field recurrence shared by the layer files, and their constructors.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "nn/layer.h"
#include "util/json.h"

namespace wg::layers {

inline constexpr int kMaxLayersPerList = 256;  // in any one list of a block (the model's own: Model::kMaxLayers)
inline constexpr int kMaxBlockDepth = 8;       // blocks inside blocks
inline constexpr std::int64_t kMaxSampleElements = 1 << 24;  // per layer output, per sample

// "layer 3 (conv2d)" for a layer of the model's own list; inside a block the way in,
// "layer 3 (residual) › layers › 1 (conv2d)".
std::string layer_location(const LayerInput& in, const std::string& type);
// A SpecError about layer `in`: top_level_message as it always read for the model's own list,
// "<layer_location>: <nested_text>" inside a block (whose builder then relocates it, see SpecError).
[[noreturn]] void throw_spec_error(const LayerInput& in, const std::string& type, const std::string& field,
                                   const std::string& top_level_message, const std::string& nested_text,
                                   const std::string& problem);

class FieldReader {
 public:
  // fields: what this type accepts besides "type", with the limits every value is checked against
  // (the registry's FieldInfo list for the type, see layer_catalog() in nn/layer.h).
  FieldReader(const json::Value& spec, const LayerInput& input, std::string type, const std::vector<FieldInfo>& fields);

  int integer(const std::string& field, int fallback) const;
  int required_integer(const std::string& field) const;
  void require(const std::string& field) const;  // a "missing field" error when absent
  // An int or a two-element array [h, w]; fallback used when absent.
  std::pair<int, int> integer_pair(const std::string& field, std::pair<int, int> fallback) const;
  double number(const std::string& field, double fallback) const;
  bool boolean(const std::string& field, bool fallback) const;
  std::string initializer(const std::string& field, const std::string& fallback) const;
  // The field's value as written, or nullptr when absent (for fields of kind layers/branches).
  const json::Value* raw(const std::string& field) const;
  // `value` (from raw(field), or an element of it) checked to be a list of at most
  // kMaxLayersPerList layer specs (the specs themselves are checked when built).
  const json::Value& layer_list(const std::string& field, const json::Value& value) const;

  // " at layer 3 (conv2d)"
  std::string where() const;
  // problem + where(): about the layer as a whole (its input shape, say), or about what a field's
  // value does to the shapes ("kernel 7 larger than input 5x5"; field "kernel").
  [[noreturn]] void fail_shape(const std::string& problem, const std::string& field = "") const;
  // About one field's value: "field \"pad\" in layer 3 (maxpool) " + problem.
  [[noreturn]] void fail_field(const std::string& field, const std::string& problem) const;
  const std::string& type() const { return type_; }
  const LayerInput& input() const { return input_; }

 private:
  const json::Value* get(const std::string& field) const;
  const FieldInfo& info(const std::string& field) const;
  const json::Value& spec_;
  const LayerInput& input_;
  std::string type_;
  const std::vector<FieldInfo>& fields_;
};

// Closest candidate by edit distance, or "" when none is close enough to be a typo.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// Fills the summary's receptive field for a window layer (conv, pool, lcn) ...
void rf_window(LayerSummary& s, const LayerInput& in, int kernel_eff, int stride, int pad);
// ... for pointwise layers (unchanged) ...
void rf_keep(LayerSummary& s, const LayerInput& in);
// ... and for layers that see the whole input (linear).
void rf_global(LayerSummary& s, const LayerInput& in);

std::int64_t numel(const Shape& shape);

// One builder per layer type, defined in the concept files.
std::unique_ptr<Layer> make_conv2d(const FieldReader& f);
std::unique_ptr<Layer> make_pool(const FieldReader& f);  // maxpool, avgpool, l2pool
std::unique_ptr<Layer> make_linear(const FieldReader& f);
std::unique_ptr<Layer> make_activation(const FieldReader& f);  // relu, leaky_relu, sigmoid, tanh, softplus, sign, step
std::unique_ptr<Layer> make_batchnorm(const FieldReader& f);
std::unique_ptr<Layer> make_layernorm(const FieldReader& f);
std::unique_ptr<Layer> make_instancenorm(const FieldReader& f);
std::unique_ptr<Layer> make_lcn(const FieldReader& f);
std::unique_ptr<Layer> make_dropout(const FieldReader& f);
std::unique_ptr<Layer> make_flatten(const FieldReader& f);
std::unique_ptr<Layer> make_global_avg_pool(const FieldReader& f);
std::unique_ptr<Layer> make_residual(const FieldReader& f);  // nn/layers/residual.cpp
std::unique_ptr<Layer> make_concat(const FieldReader& f);    // nn/layers/concat.cpp


}  // namespace wg::layers
