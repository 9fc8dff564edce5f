// Layer spec field reading, validation messages, receptive-field recurrence and the
// type registry (build_layer). See layer_spec.h and nn/layer.h.
#include "nn/layers/layer_spec.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "nn/init.h"

namespace wg::layers {

namespace {
std::string format_number(double v) { return json::dump(json::Value(v)); }

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
    std::swap(previous, current);
  }
  return previous[b.size()];
}
}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_distance = 1 << 30;
  for (const auto& c : candidates) {
    const int d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const int tolerance = std::max<int>(1, static_cast<int>(word.size()) / 3);
  return best_distance <= tolerance ? best : "";
}

FieldReader::FieldReader(const json::Value& spec, const LayerInput& input, std::string type,
                         std::vector<std::string> allowed)
    : spec_(spec), input_(input), type_(std::move(type)) {
  for (const auto& [key, value] : spec.members()) {
    if (key == "type" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::ostringstream message;
    message << "unknown field \"" << key << "\" in layer " << input.index << " (" << type_ << ")";
    const std::string suggestion = closest_name(key, allowed);
    if (!suggestion.empty()) {
      message << " - did you mean \"" << suggestion << "\"?";
    } else if (allowed.empty()) {
      message << " (it takes no fields)";
    } else {
      message << " (valid:";
      for (std::size_t i = 0; i < allowed.size(); ++i) message << (i ? ", " : " ") << allowed[i];
      message << ")";
    }
    throw Error(message.str());
  }
}

std::string FieldReader::where() const {
  return " at layer " + std::to_string(input_.index) + " (" + type_ + ")";
}

void FieldReader::fail_shape(const std::string& problem) const { fail(problem, where()); }

void FieldReader::fail_field(const std::string& field, const std::string& problem) const {
  fail("field \"", field, "\" in layer ", input_.index, " (", type_, ") ", problem);
}

const json::Value* FieldReader::get(const std::string& field) const { return spec_.find(field); }

namespace {
int checked_integer(const json::Value& v, const std::string& field, int min, int max,
                    const std::function<void(const std::string&, const std::string&)>& fail_field) {
  if (!v.is_number()) fail_field(field, std::string("must be an integer, got ") + json::type_name(v.type()));
  const double d = v.as_number();
  if (d != std::floor(d)) fail_field(field, "must be an integer, got " + format_number(d));
  if (d < min || d > max)
    fail_field(field, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                          format_number(d));
  return static_cast<int>(d);
}
}  // namespace

int FieldReader::integer(const std::string& field, int fallback, int min, int max) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  return checked_integer(*v, field, min, max, [this](const std::string& f, const std::string& p) { fail_field(f, p); });
}

int FieldReader::required_integer(const std::string& field, int min, int max) const {
  if (!get(field)) fail("missing field \"", field, "\" in layer ", input_.index, " (", type_, ")");
  return integer(field, 0, min, max);
}

std::pair<int, int> FieldReader::integer_pair(const std::string& field, std::pair<int, int> fallback, int min,
                                              int max) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  auto fail_fn = [this](const std::string& f, const std::string& p) { fail_field(f, p); };
  if (v->is_array()) {
    if (v->size() != 2) fail_field(field, "must be an integer or [height, width]");
    return {checked_integer(v->as_array()[0], field, min, max, fail_fn),
            checked_integer(v->as_array()[1], field, min, max, fail_fn)};
  }
  const int k = checked_integer(*v, field, min, max, fail_fn);
  return {k, k};
}

double FieldReader::number(const std::string& field, double fallback, double min, double max) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  if (!v->is_number()) fail_field(field, std::string("must be a number, got ") + json::type_name(v->type()));
  const double d = v->as_number();
  if (d < min || d > max)
    fail_field(field, "must be between " + format_number(min) + " and " + format_number(max) + ", got " +
                          format_number(d));
  return d;
}

bool FieldReader::boolean(const std::string& field, bool fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  if (!v->is_bool()) fail_field(field, std::string("must be true or false, got ") + json::type_name(v->type()));
  return v->as_bool();
}

std::string FieldReader::initializer(const std::string& field, const std::string& fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  if (!v->is_string()) fail_field(field, std::string("must be a string, got ") + json::type_name(v->type()));
  const std::string& name = v->as_string();
  if (!is_initializer_name(name)) {
    std::string valid;
    for (const auto& n : initializer_names()) valid += (valid.empty() ? "" : ", ") + n;
    fail_field(field, "names an unknown initializer \"" + name + "\" (valid: " + valid + ")");
  }
  return name;
}

// ---- receptive field

void rf_window(LayerSummary& s, const LayerInput& in, int kernel_eff, int stride, int pad) {
  s.rf_jump = in.rf_jump * stride;
  s.rf_size = in.rf_size + (kernel_eff - 1) * in.rf_jump;
  s.rf_start = in.rf_start + ((kernel_eff - 1) / 2.0 - pad) * in.rf_jump;
}

void rf_keep(LayerSummary& s, const LayerInput& in) {
  s.rf_size = in.rf_size;
  s.rf_jump = in.rf_jump;
  s.rf_start = in.rf_start;
}

void rf_global(LayerSummary& s, const LayerInput& in) {
  s.rf_size = in.input_extent;
  s.rf_jump = in.input_extent;
  s.rf_start = (in.input_extent - 1) / 2.0;
}

std::int64_t numel(const Shape& shape) {
  std::int64_t n = 1;
  for (int d : shape) n *= d;
  return n;
}

// ---- registry

namespace {
struct TypeEntry {
  std::vector<std::string> fields;
  std::unique_ptr<Layer> (*make)(const FieldReader&);
};

const std::map<std::string, TypeEntry>& registry() {
  static const std::map<std::string, TypeEntry> types = {
      {"conv2d", {{"filters", "kernel", "stride", "pad", "dilation", "bias", "init"}, make_conv2d}},
      {"maxpool", {{"kernel", "stride", "pad"}, make_pool}},
      {"avgpool", {{"kernel", "stride", "pad"}, make_pool}},
      {"l2pool", {{"kernel", "stride", "pad"}, make_pool}},
      {"linear", {{"units", "bias", "init"}, make_linear}},
      {"dense", {{"units", "bias", "init"}, make_linear}},
      {"relu", {{}, make_activation}},
      {"leaky_relu", {{"slope"}, make_activation}},
      {"sigmoid", {{}, make_activation}},
      {"tanh", {{}, make_activation}},
      {"softplus", {{}, make_activation}},
      {"sign", {{}, make_activation}},
      {"step", {{}, make_activation}},
      {"batchnorm", {{"momentum", "eps"}, make_batchnorm}},
      {"layernorm", {{"eps", "affine"}, make_layernorm}},
      {"instancenorm", {{"eps", "affine"}, make_instancenorm}},
      {"lcn", {{"size", "eps"}, make_lcn}},
      {"dropout", {{"rate"}, make_dropout}},
      {"flatten", {{}, make_flatten}},
  };
  return types;
}

std::string valid_types() {
  std::string list;
  for (const auto& name : layer_type_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}
}  // namespace

const std::vector<std::string>& fields_of(const std::string& type) { return registry().at(type).fields; }

}  // namespace wg::layers

namespace wg {

const std::vector<std::string>& layer_type_names() {
  static const std::vector<std::string> names = {"conv2d",  "maxpool",   "avgpool",   "l2pool",       "linear",
                                                 "dense",   "relu",      "leaky_relu", "sigmoid",     "tanh",
                                                 "softplus", "sign",     "step",      "batchnorm",    "layernorm",
                                                 "instancenorm", "lcn",  "dropout",   "flatten"};
  return names;
}

std::unique_ptr<Layer> build_layer(const json::Value& spec, const LayerInput& input) {
  if (!spec.is_object())
    fail("layer ", input.index, " must be an object like {\"type\": \"relu\"}, got ", json::type_name(spec.type()));
  const json::Value* type = spec.find("type");
  if (!type) fail("missing field \"type\" in layer ", input.index, " (valid types: ", layers::valid_types(), ")");
  if (!type->is_string())
    fail("field \"type\" in layer ", input.index, " must be a string, got ", json::type_name(type->type()));
  const std::string& name = type->as_string();
  const auto& types = layers::registry();
  const auto found = types.find(name);
  if (found == types.end()) {
    const std::string suggestion = layers::closest_name(name, layer_type_names());
    fail("unknown layer type \"", name, "\" at layer ", input.index, " (valid: ", layers::valid_types(), ")",
         suggestion.empty() ? "" : " - did you mean \"" + suggestion + "\"?");
  }
  layers::FieldReader reader(spec, input, name, found->second.fields);
  return found->second.make(reader);
}

}  // namespace wg
