// Implementation of the export/import facade (see export_api.h).
#include "export_api.h"

#include "io/safetensors_model.h"
#include "js_interop.h"
#include "train/config_json.h"
#include "util/json.h"

namespace wg::api {

namespace {

val tensor_record(const std::string& name, const char* kind, const Tensor& t) {
  val item = val::object();
  item.set("name", name);
  item.set("kind", std::string(kind));
  item.set("shape", shape_to_js(t.shape()));
  item.set("data", float32_copy(t));
  return item;
}

std::vector<std::pair<std::string, std::string>> string_map(const std::string& text, const char* what) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text.empty()) return out;
  json::ParseOptions options;
  options.what = what;
  const json::Value root = json::parse(text, options);
  WG_CHECK(root.is_object(), what, " must be an object of strings");
  for (const auto& [key, value] : root.members()) {
    WG_CHECK(value.is_string(), what, ": \"", key, "\" must be a string, got ", json::type_name(value.type()));
    out.emplace_back(key, value.as_string());
  }
  return out;
}

}  // namespace

val model_tensors(const ModelHandle& model) {
  return guarded([&] {
    val out = val::array();
    for (const NamedParameter& p : model.model()->parameters())
      out.call<void>("push", tensor_record(p.name, "parameter", p.var.value()));
    for (const NamedBuffer& b : model.model()->buffers()) out.call<void>("push", tensor_record(b.name, "buffer", b.tensor));
    return out;
  });
}

val export_safetensors(const ModelHandle& model, const std::string& metadata_json) {
  return guarded([&] {
    return bytes_to_js(save_safetensors(*model.model(), string_map(metadata_json, "safetensors metadata")));
  });
}

val import_safetensors(const ModelHandle& model, const val& bytes) {
  return guarded([&] {
    const std::vector<std::uint8_t> data = bytes_from_js(bytes, "importSafetensors: the weights");
    val metadata = val::object();
    for (const auto& [key, value] : load_safetensors(*model.model(), data.data(), data.size())) metadata.set(key, value);
    return metadata;
  });
}

std::string normalize_training_settings(const std::string& settings_json) {
  return guarded([&] { return train_config_to_json(train_config_from_json(settings_json.empty() ? "{}" : settings_json)); });
}

}  // namespace wg::api
