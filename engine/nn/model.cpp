// Model construction from a spec (validation, shape inference, naming), forward pass,
// normalised spec output and presets. See model.h.
#include "nn/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "nn/layers/layer_list.h"
#include "nn/layers/layer_spec.h"

namespace wg {

namespace {

constexpr int kMaxInputDim = 4096;
using layers::kMaxSampleElements;

const char* name_prefix(const std::string& type) {
  static const std::map<std::string, const char*> prefixes = {
      {"conv2d", "conv"}, {"linear", "linear"}, {"dense", "linear"}, {"batchnorm", "bn"},
      {"layernorm", "ln"}, {"instancenorm", "in"}};
  const auto found = prefixes.find(type);
  return found == prefixes.end() ? nullptr : found->second;
}

Shape parse_input_shape(const json::Value* input) {
  if (!input) fail("model spec: missing field \"input\" (the per-sample shape, e.g. [1, 28, 28] or [784])");
  if (!input->is_array() || (input->size() != 1 && input->size() != 3))
    fail("model spec: field \"input\" must be [C, H, W] or [F], got ", json::dump(*input));
  Shape shape;
  for (const json::Value& d : input->as_array()) {
    if (!d.is_number() || d.as_number() != std::floor(d.as_number()) || d.as_number() < 1 ||
        d.as_number() > kMaxInputDim)
      fail("model spec: field \"input\" must hold integers between 1 and ", kMaxInputDim, ", got ", json::dump(*input));
    shape.push_back(static_cast<int>(d.as_number()));
  }
  if (layers::numel(shape) > kMaxSampleElements)
    fail("model spec: input ", shape_str(shape), " has more than ", kMaxSampleElements, " elements");
  return shape;
}

// What a spec says, checked and with every shape inferred; no weight allocated yet.
struct ParsedSpec {
  Shape input_shape;
  std::uint64_t seed = 1;
  std::vector<std::unique_ptr<Layer>> layers;
};

// max_parameters: the size limit of a model that will be allocated (none for a shape-only description).
ParsedSpec parse_spec(const std::string& spec_json, std::int64_t max_parameters) {
  ParsedSpec parsed;

  json::ParseOptions options;
  options.what = "spec JSON";
  const json::Value spec = json::parse(spec_json, options);
  if (!spec.is_object()) fail("model spec: expected a JSON object with \"input\" and \"layers\"");
  const std::vector<std::string> top_fields = {"input", "layers", "seed"};
  for (const auto& [key, value] : spec.members()) {
    if (std::find(top_fields.begin(), top_fields.end(), key) != top_fields.end()) continue;
    const std::string suggestion = layers::closest_name(key, top_fields);
    fail("model spec: unknown field \"", key, "\"",
         suggestion.empty() ? " (valid: input, layers, seed)" : " - did you mean \"" + suggestion + "\"?");
  }
  parsed.input_shape = parse_input_shape(spec.find("input"));

  if (const json::Value* seed = spec.find("seed")) {
    if (!seed->is_number() || seed->as_number() != std::floor(seed->as_number()) || seed->as_number() < 0 ||
        seed->as_number() > 9007199254740991.0)
      fail("model spec: field \"seed\" must be a non-negative integer, got ", json::dump(*seed));
    parsed.seed = static_cast<std::uint64_t>(seed->as_number());
  }

  const json::Value* layer_specs = spec.find("layers");
  if (!layer_specs) fail("model spec: missing field \"layers\"");
  if (!layer_specs->is_array()) fail("model spec: field \"layers\" must be an array");
  if (layer_specs->size() == 0) fail("model spec: \"layers\" is empty");
  if (layer_specs->size() > static_cast<std::size_t>(Model::kMaxLayers))
    fail("model spec: ", layer_specs->size(), " layers is more than the limit of ", Model::kMaxLayers);

  // Pass 1: validate and infer shapes; nothing big is allocated yet.
  LayerInput in;
  in.shape = parsed.input_shape;
  in.input_extent = parsed.input_shape.size() == 3 ? std::max(parsed.input_shape[1], parsed.input_shape[2]) : parsed.input_shape[0];
  std::map<std::string, int> counters;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < layer_specs->size(); ++i) {
    const json::Value& layer_spec = layer_specs->as_array()[i];
    in.index = static_cast<int>(i);
    const json::Value* type = layer_spec.is_object() ? layer_spec.find("type") : nullptr;
    const std::string type_name = type && type->is_string() ? type->as_string() : "";
    const char* prefix = name_prefix(type_name);
    const std::string base = prefix ? prefix : type_name;
    in.name = base + std::to_string(++counters[base]);
    std::unique_ptr<Layer> layer = build_layer(layer_spec, in);
    const LayerSummary& s = layer->summary();
    if (layers::numel(s.output_shape) > kMaxSampleElements) {
      const std::string problem = "output " + shape_str(s.output_shape) + " has more than " +
                                  std::to_string(kMaxSampleElements) + " elements";
      throw SpecError(problem + " at layer " + std::to_string(i) + " (" + type_name + ")", in.index, type_name, "",
                      problem);
    }
    total += s.parameters;
    if (total > max_parameters) {
      const std::string problem = "makes the model larger than " + std::to_string(max_parameters) + " parameters (" +
                                  std::to_string(total) + " up to here); make it smaller";
      throw SpecError("model has more than " + std::to_string(max_parameters) + " parameters (" + std::to_string(total) +
                          " up to layer " + std::to_string(i) + " (" + type_name + ")); make it smaller",
                      in.index, type_name, "", problem);
    }
    in.shape = s.output_shape;
    in.rf_size = s.rf_size;
    in.rf_jump = s.rf_jump;
    in.rf_start = s.rf_start;
    parsed.layers.push_back(std::move(layer));
  }
  return parsed;
}

}  // namespace

Model::Model(const std::string& spec_json) {
  ParsedSpec parsed = parse_spec(spec_json, kMaxParameters);
  input_shape_ = std::move(parsed.input_shape);
  seed_ = parsed.seed;
  layers_ = std::move(parsed.layers);
  // Pass 2: allocate and initialise.
  reinitialize(seed_);
}

ModelDescription describe_model(const std::string& spec_json) {
  ParsedSpec parsed = parse_spec(spec_json, std::numeric_limits<std::int64_t>::max());
  ModelDescription d;
  d.input_shape = parsed.input_shape;
  d.output_shape = parsed.layers.back()->output_shape();
  for (const auto& layer : parsed.layers) {
    d.layers.push_back(layer->summary());
    d.parameters += layer->summary().parameters;
    d.multiply_adds += layer->summary().multiply_adds;
  }
  return d;
}

void Model::reinitialize(std::uint64_t seed) {
  seed_ = seed;
  Rng rng(seed);
  for (auto& layer : layers_) layer->reset_parameters(rng);
}

const Shape& Model::output_shape() const { return layers_.back()->output_shape(); }

Var Model::forward(const Var& batch, ForwardContext& context) {
  const Shape& shape = batch.shape();
  const bool matches =
      shape.size() == input_shape_.size() + 1 && std::equal(input_shape_.begin(), input_shape_.end(), shape.begin() + 1);
  WG_CHECK(matches, "model forward: expected a batch of shape [N, ", shape_str(input_shape_).substr(1), ", got ",
           shape_str(shape));
  return layers::forward_layer_list(layers_, batch, context);
}

std::vector<NamedParameter> Model::parameters() const {
  std::vector<NamedParameter> all;
  for (const auto& layer : layers_)
    for (auto& p : layer->parameters()) all.push_back(std::move(p));
  return all;
}

std::vector<NamedBuffer> Model::buffers() const {
  std::vector<NamedBuffer> all;
  for (const auto& layer : layers_)
    for (auto& b : layer->buffers()) all.push_back(std::move(b));
  return all;
}

std::vector<LayerSummary> Model::summary() const {
  std::vector<LayerSummary> all;
  for (const auto& layer : layers_) all.push_back(layer->summary());
  return all;
}

std::int64_t Model::total_parameters() const {
  std::int64_t total = 0;
  for (const auto& layer : layers_) total += layer->summary().parameters;
  return total;
}

std::string Model::spec_json(int indent) const {
  json::Value input = json::Value::array();
  for (int d : input_shape_) input.push_back(d);
  json::Value layer_list = json::Value::array();
  for (const auto& layer : layers_) layer_list.push_back(layer->spec());
  return json::dump(json::Value::object({{"input", std::move(input)},
                                         {"layers", std::move(layer_list)},
                                         {"seed", static_cast<double>(seed_)}}),
                    indent);
}

int argmax_row(const float* row, int classes) {
  int best = 0;
  for (int k = 1; k < classes; ++k)
    if (row[k] > row[best]) best = k;
  return best;
}

int predicted_class(const float* row, int outputs) { return outputs == 1 ? (row[0] > 0 ? 1 : 0) : argmax_row(row, outputs); }

std::vector<int> classify(Model& model, const Tensor& batch) {
  NoGrad no_graph;
  ForwardContext context;
  const Tensor out = model.forward(Var(batch), context).value();
  const int n = batch.dim(0);
  const int outputs = static_cast<int>(out.size() / n);
  std::vector<int> classes(n);
  for (int i = 0; i < n; ++i) classes[i] = predicted_class(out.data() + static_cast<std::int64_t>(i) * outputs, outputs);
  return classes;
}

}  // namespace wg
