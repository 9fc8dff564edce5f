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

std::string layer_location(const LayerInput& in, const std::string& type) {
  const std::string kind = type.empty() ? "" : " (" + type + ")";
  return (in.location.empty() ? "layer " : in.location) + std::to_string(in.index) + kind;
}

void throw_spec_error(const LayerInput& in, const std::string& type, const std::string& field,
                      const std::string& top_level_message, const std::string& nested_text, const std::string& problem) {
  if (in.location.empty()) throw SpecError(top_level_message, in.index, type, field, problem);
  throw SpecError(layer_location(in, type) + ": " + nested_text, in.index, type, field, problem);
}

FieldReader::FieldReader(const json::Value& spec, const LayerInput& input, std::string type,
                         const std::vector<FieldInfo>& fields)
    : spec_(spec), input_(input), type_(std::move(type)), fields_(fields) {
  std::vector<std::string> allowed;
  for (const FieldInfo& f : fields) allowed.push_back(f.name);
  for (const auto& [key, value] : spec.members()) {
    if (key == "type" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::ostringstream problem;
    problem << "is not a field of " << type_;
    const std::string suggestion = closest_name(key, allowed);
    if (!suggestion.empty()) {
      problem << " - did you mean \"" << suggestion << "\"?";
    } else if (allowed.empty()) {
      problem << " (it takes no fields)";
    } else {
      problem << " (valid:";
      for (std::size_t i = 0; i < allowed.size(); ++i) problem << (i ? ", " : " ") << allowed[i];
      problem << ")";
    }
    const std::string tail = problem.str().substr(std::string("is not a field of ").size() + type_.size());
    throw_spec_error(input, type_, key,
                     "unknown field \"" + key + "\" in layer " + std::to_string(input.index) + " (" + type_ + ")" + tail,
                     "unknown field \"" + key + "\"" + tail, problem.str());
  }
}

std::string FieldReader::where() const {
  return " at layer " + std::to_string(input_.index) + " (" + type_ + ")";
}

void FieldReader::fail_shape(const std::string& problem, const std::string& field) const {
  throw_spec_error(input_, type_, field, problem + where(), problem, problem);
}

void FieldReader::fail_field(const std::string& field, const std::string& problem) const {
  throw_spec_error(input_, type_, field,
                   "field \"" + field + "\" in layer " + std::to_string(input_.index) + " (" + type_ + ") " + problem,
                   "field \"" + field + "\" " + problem, problem);
}

const json::Value* FieldReader::get(const std::string& field) const { return spec_.find(field); }

const FieldInfo& FieldReader::info(const std::string& field) const {
  for (const FieldInfo& f : fields_)
    if (f.name == field) return f;
  fail("internal error: layer type ", type_, " reads field \"", field, "\", which its registry entry does not list");
}

namespace {
int checked_integer(const json::Value& v, const FieldInfo& info, const FieldReader& reader) {
  if (!v.is_number()) reader.fail_field(info.name, std::string("must be an integer, got ") + json::type_name(v.type()));
  const double d = v.as_number();
  if (d != std::floor(d)) reader.fail_field(info.name, "must be an integer, got " + format_number(d));
  if (d < info.min || d > info.max)
    reader.fail_field(info.name, "must be between " + format_number(info.min) + " and " + format_number(info.max) +
                                     ", got " + format_number(d));
  return static_cast<int>(d);
}
}  // namespace

int FieldReader::integer(const std::string& field, int fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  return checked_integer(*v, info(field), *this);
}

void FieldReader::require(const std::string& field) const {
  if (get(field)) return;
  throw_spec_error(input_, type_, field,
                   "missing field \"" + field + "\" in layer " + std::to_string(input_.index) + " (" + type_ + ")",
                   "missing field \"" + field + "\"", "is missing: " + type_ + " needs it");
}

int FieldReader::required_integer(const std::string& field) const {
  require(field);
  return integer(field, 0);
}

std::pair<int, int> FieldReader::integer_pair(const std::string& field, std::pair<int, int> fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  const FieldInfo& limits = info(field);
  if (v->is_array()) {
    if (v->size() != 2) fail_field(field, "must be an integer or [height, width]");
    return {checked_integer(v->as_array()[0], limits, *this), checked_integer(v->as_array()[1], limits, *this)};
  }
  const int k = checked_integer(*v, limits, *this);
  return {k, k};
}

double FieldReader::number(const std::string& field, double fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  const FieldInfo& limits = info(field);
  if (!v->is_number()) fail_field(field, std::string("must be a number, got ") + json::type_name(v->type()));
  const double d = v->as_number();
  if (d < limits.min || d > limits.max)
    fail_field(field, "must be between " + format_number(limits.min) + " and " + format_number(limits.max) + ", got " +
                          format_number(d));
  return d;
}

bool FieldReader::boolean(const std::string& field, bool fallback) const {
  const json::Value* v = get(field);
  if (!v) return fallback;
  if (!v->is_bool()) fail_field(field, std::string("must be true or false, got ") + json::type_name(v->type()));
  return v->as_bool();
}

const json::Value& FieldReader::layer_list(const std::string& field, const json::Value& value) const {
  (void)info(field);
  if (!value.is_array()) fail_field(field, std::string("must be a list of layers, got ") + json::type_name(value.type()));
  if (value.size() > static_cast<std::size_t>(kMaxLayersPerList))
    fail_field(field, "holds " + std::to_string(value.size()) + " layers, more than the limit of " +
                          std::to_string(kMaxLayersPerList));
  return value;
}

const json::Value* FieldReader::raw(const std::string& field) const {
  (void)info(field);
  return get(field);
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

// ---- registry: every layer type, its fields and their limits (the one place they are written)

namespace {
using Kind = FieldInfo::Kind;
FieldInfo integer_field(const char* name, double min, double max, const char* default_text) {
  return {name, Kind::integer, min, max, *default_text == 0, default_text};
}
FieldInfo size_field(const char* name, double min, double max, const char* default_text) {
  return {name, Kind::size, min, max, *default_text == 0, default_text};
}
FieldInfo number_field(const char* name, double min, double max, const char* default_text) {
  return {name, Kind::number, min, max, false, default_text};
}
FieldInfo bool_field(const char* name, const char* default_text) { return {name, Kind::boolean, 0, 0, false, default_text}; }
FieldInfo list_field(const char* name, Kind kind, const char* default_text) {
  return {name, kind, 0, 0, *default_text == 0, default_text};
}
FieldInfo init_field() { return {"init", Kind::initializer, 0, 0, false, "default"}; }

struct TypeEntry {
  LayerTypeInfo info;
  std::unique_ptr<Layer> (*make)(const FieldReader&);
};

std::vector<TypeEntry> make_registry() {
  const std::vector<FieldInfo> pool = {size_field("kernel", 1, 64, "2"), integer_field("stride", 1, 64, "= kernel"),
                                       integer_field("pad", 0, 32, "0")};
  const std::vector<FieldInfo> linear = {integer_field("units", 1, 65536, ""), bool_field("bias", "true"), init_field()};
  const std::vector<FieldInfo> sample_norm = {number_field("eps", 1e-12, 1.0, "1e-05"), bool_field("affine", "true")};
  return {
      {{"conv2d", "", true,
        {integer_field("filters", 1, 4096, ""), size_field("kernel", 1, 64, ""), integer_field("stride", 1, 64, "1"),
         integer_field("pad", 0, 64, "0"), integer_field("dilation", 1, 16, "1"), bool_field("bias", "true"),
         init_field()}},
       make_conv2d},
      {{"maxpool", "", true, pool}, make_pool},
      {{"avgpool", "", true, pool}, make_pool},
      {{"l2pool", "", true, pool}, make_pool},
      {{"linear", "", false, linear}, make_linear},
      {{"dense", "linear", false, linear}, make_linear},
      {{"relu", "", false, {}}, make_activation},
      {{"leaky_relu", "", false, {number_field("slope", 0.0, 1.0, "0.01")}}, make_activation},
      {{"sigmoid", "", false, {}}, make_activation},
      {{"tanh", "", false, {}}, make_activation},
      {{"softplus", "", false, {}}, make_activation},
      {{"sign", "", false, {}}, make_activation},
      {{"step", "", false, {}}, make_activation},
      {{"batchnorm", "", false, {number_field("momentum", 1e-6, 1.0, "0.1"), number_field("eps", 1e-12, 1.0, "1e-05")}},
       make_batchnorm},
      {{"layernorm", "", false, sample_norm}, make_layernorm},
      {{"instancenorm", "", true, sample_norm}, make_instancenorm},
      {{"lcn", "", true, {integer_field("size", 1, 63, "9"), number_field("eps", 1e-12, 1.0, "0.0001")}}, make_lcn},
      {{"dropout", "", false, {number_field("rate", 0.0, 0.99, "0.5")}}, make_dropout},
      {{"flatten", "", false, {}}, make_flatten},
      {{"globalavgpool", "", true, {}}, make_global_avg_pool},
      {{"residual", "", false, {list_field("layers", Kind::layers, ""), list_field("shortcut", Kind::layers, "[] (identity)")}},
       make_residual},
      {{"concat", "", false, {list_field("branches", Kind::branches, "")}}, make_concat},
  };
}

const std::vector<TypeEntry>& registry() {
  static const std::vector<TypeEntry> types = make_registry();
  return types;
}

const TypeEntry* find_type(const std::string& name) {
  for (const TypeEntry& entry : registry())
    if (entry.info.type == name) return &entry;
  return nullptr;
}

std::string valid_types() {
  std::string list;
  for (const auto& name : layer_type_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}
}  // namespace

}  // namespace wg::layers

namespace wg {

const std::vector<LayerTypeInfo>& layer_catalog() {
  static const std::vector<LayerTypeInfo> catalog = [] {
    std::vector<LayerTypeInfo> out;
    for (const auto& entry : layers::registry()) out.push_back(entry.info);
    return out;
  }();
  return catalog;
}

const std::vector<std::string>& layer_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : layers::registry()) out.push_back(entry.info.type);
    return out;
  }();
  return names;
}

const char* field_kind_name(FieldInfo::Kind kind) {
  switch (kind) {
    case FieldInfo::Kind::integer: return "integer";
    case FieldInfo::Kind::size: return "size";
    case FieldInfo::Kind::number: return "number";
    case FieldInfo::Kind::boolean: return "boolean";
    case FieldInfo::Kind::initializer: return "initializer";
    case FieldInfo::Kind::layers: return "layers";
    case FieldInfo::Kind::branches: return "branches";
  }
  return "integer";
}

std::unique_ptr<Layer> build_layer(const json::Value& spec, const LayerInput& input) {
  const auto fail_layer = [&](const std::string& field, const std::string& message, const std::string& problem) {
    // Inside a block the message is "<where>: <problem>", the problem naming the field itself.
    const std::string nested = field.empty() ? problem : "field \"" + field + "\" " + problem;
    layers::throw_spec_error(input, "", field, message, nested, problem);
  };
  if (!spec.is_object()) {
    const std::string problem = std::string("must be an object like {\"type\": \"relu\"}, got ") + json::type_name(spec.type());
    fail_layer("", "layer " + std::to_string(input.index) + " " + problem, problem);
  }
  const json::Value* type = spec.find("type");
  if (!type) {
    fail_layer("type", "missing field \"type\" in layer " + std::to_string(input.index) + " (valid types: " +
                           layers::valid_types() + ")",
               "is missing (valid types: " + layers::valid_types() + ")");
  }
  if (!type->is_string()) {
    const std::string problem = std::string("must be a string, got ") + json::type_name(type->type());
    fail_layer("type", "field \"type\" in layer " + std::to_string(input.index) + " " + problem, problem);
  }
  const std::string& name = type->as_string();
  const layers::TypeEntry* found = layers::find_type(name);
  if (!found) {
    const std::string suggestion = layers::closest_name(name, layer_type_names());
    const std::string problem = "\"" + name + "\" is not a layer type (valid: " + layers::valid_types() + ")" +
                                (suggestion.empty() ? "" : " - did you mean \"" + suggestion + "\"?");
    fail_layer("type",
               "unknown layer type \"" + name + "\" at layer " + std::to_string(input.index) + " (valid: " +
                   layers::valid_types() + ")" + (suggestion.empty() ? "" : " - did you mean \"" + suggestion + "\"?"),
               problem);
  }
  layers::FieldReader reader(spec, input, name, found->info.fields);
  return found->make(reader);
}

}  // namespace wg
