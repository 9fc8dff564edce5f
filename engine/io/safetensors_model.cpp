// A Model's weights to and from safetensors; see safetensors_model.h.
#include "io/safetensors_model.h"

#include <cmath>
#include <set>

#include "core/error.h"
#include "io/safetensors.h"

namespace wg {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string found_shape_text(const SafetensorsEntry& e) {
  std::string s = "[";
  for (std::size_t i = 0; i < e.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(e.shape[i]);
  return s + "]";
}

bool same_shape(const SafetensorsEntry& e, const Shape& shape) {
  if (e.shape.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (e.shape[i] != shape[i]) return false;
  return true;
}

// "conv1.weight, conv1.bias, linear1.weight, ..." (the first few), to show what a file or spec holds.
std::string some_names(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == 6) return list + ", ...";
    list += (list.empty() ? "" : ", ") + names[i];
  }
  return list.empty() ? "no tensors" : list;
}

struct Target {
  std::string name;
  Tensor tensor;  // shares storage with the model
  bool is_variance;
};

}  // namespace

std::vector<std::uint8_t> save_safetensors(const Model& model,
                                           const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const auto& p : model.parameters()) tensors.emplace_back(p.name, p.var.value());
  for (const auto& b : model.buffers()) tensors.emplace_back(b.name, b.tensor);
  std::vector<std::pair<std::string, std::string>> meta = {{"format", "pt"}, {"wasmgrad.spec", model.spec_json()}};
  for (const auto& entry : metadata) {
    WG_CHECK(entry.first != "format" && entry.first != "wasmgrad.spec", "save_safetensors: metadata key \"",
             entry.first, "\" is reserved");
    meta.push_back(entry);
  }
  return write_safetensors(tensors, meta);
}

std::vector<std::pair<std::string, std::string>> load_safetensors(Model& model, const std::uint8_t* bytes,
                                                                  std::size_t size) {
  const SafetensorsFile file = parse_safetensors(bytes, size);
  std::vector<Target> targets;
  for (const auto& p : model.parameters()) targets.push_back({p.name, p.var.value(), false});
  for (const auto& b : model.buffers()) targets.push_back({b.name, b.tensor, ends_with(b.name, ".running_var")});
  std::vector<std::string> file_names, spec_names;
  for (const auto& e : file.tensors) file_names.push_back(e.name);
  for (const auto& t : targets) spec_names.push_back(t.name);

  // Pass 1: every tensor is found, has the right shape and sane values; nothing is written yet.
  std::vector<Tensor> values;
  std::set<std::string> used;
  for (const Target& t : targets) {
    const SafetensorsEntry* entry = file.find(t.name);
    if (!entry) {
      std::string hint;
      if (file.find("module." + t.name))
        hint = " (its names start with \"module.\": it was saved from a DistributedDataParallel wrapper; save "
               "model.module.state_dict() instead)";
      fail("safetensors: the spec needs tensor \"", t.name, "\" ", shape_str(t.tensor.shape()),
           ", the file has none", hint.empty() ? " (it holds " + some_names(file_names) + ")" : hint);
    }
    if (!same_shape(*entry, t.tensor.shape()))
      fail("safetensors: tensor \"", t.name, "\": the spec expects shape ", shape_str(t.tensor.shape()),
           ", the file has ", found_shape_text(*entry));
    Tensor v = safetensors_to_float(file, *entry, t.tensor.shape());
    for (std::int64_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i]))
        fail("safetensors: tensor \"", t.name, "\" holds ", std::isnan(v[i]) ? "NaN" : "an infinite value",
             " at index ", i, " (", entry->dtype, " ", found_shape_text(*entry),
             "): a model cannot be imported with non-finite weights");
      if (t.is_variance && v[i] < 0)
        fail("safetensors: tensor \"", t.name, "\" holds the negative variance ", v[i], " at index ", i);
    }
    values.push_back(std::move(v));
    used.insert(t.name);
  }
  for (const auto& e : file.tensors) {
    if (used.count(e.name) || ends_with(e.name, ".num_batches_tracked")) continue;
    fail("safetensors: the file holds tensor \"", e.name, "\" ", found_shape_text(e),
         " that the spec has no place for (the spec's tensors: ", some_names(spec_names), ")");
  }
  // Pass 2: write.
  for (std::size_t i = 0; i < targets.size(); ++i) targets[i].tensor.copy_from(values[i]);
  return file.metadata;
}

}  // namespace wg
