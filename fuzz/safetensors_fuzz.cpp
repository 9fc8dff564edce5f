// libFuzzer target: the safetensors reader (wg::parse_safetensors) and the import into a model
// (wg::load_safetensors) on arbitrary bytes: an uploaded "PyTorch weights" file.
// Properties checked besides "no crash, only wg::Error":
//   - a file that parses is written again (as F32) and parses to the same names and shapes;
//   - every tensor of a float dtype converts to float32 without reading outside the file;
//   - importing into a small model either fails with a wg::Error or fills it with finite weights.
// The model is tiny_norms of the corpus (conv, batch norm, layer norm, linear), whose saved
// weights are seeds, so mutations start from files whose names and shapes fit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/safetensors.h"
#include "io/safetensors_model.h"
#include "nn/model.h"

namespace {
[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "safetensors_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

constexpr const char* kModelSpec =
    R"({"input":[2,4,4],"layers":[{"type":"batchnorm"},{"type":"conv2d","filters":2,"kernel":3},{"type":"layernorm"},{"type":"flatten"},{"type":"dropout","rate":0.5},{"type":"linear","units":2}]})";

void check_parse(const std::uint8_t* data, std::size_t size) {
  wg::SafetensorsFile file;
  try {
    file = wg::parse_safetensors(data, size);
  } catch (const wg::Error&) {
    return;
  } catch (const std::exception& e) {
    bug("non-wg::Error exception from parse_safetensors", e.what());
  }
  std::vector<std::pair<std::string, wg::Tensor>> converted;
  for (const auto& entry : file.tensors) {
    const bool is_float = entry.dtype == "F32" || entry.dtype == "F16" || entry.dtype == "BF16" || entry.dtype == "F64";
    wg::Shape shape;
    std::int64_t elements = 1;
    for (std::int64_t d : entry.shape) elements *= d;
    if (!is_float || elements == 0 || elements > (1 << 20)) continue;
    shape.push_back(static_cast<int>(elements));
    try {
      converted.emplace_back(entry.name, wg::safetensors_to_float(file, entry, shape));
    } catch (const std::exception& e) {
      bug("a parsed float tensor does not convert", entry.name + ": " + e.what());
    }
  }
  try {
    const auto again = wg::write_safetensors(converted, file.metadata);
    const wg::SafetensorsFile reread = wg::parse_safetensors(again.data(), again.size());
    if (reread.tensors.size() != converted.size()) bug("write/parse changes the tensor count", "");
    for (std::size_t i = 0; i < converted.size(); ++i)
      if (reread.tensors[i].name != converted[i].first) bug("write/parse changes a name", converted[i].first);
    if (reread.metadata != file.metadata) bug("write/parse changes the metadata", "");
  } catch (const std::exception& e) {
    bug("a parsed file does not write and parse again", e.what());
  }
}

void check_import(const std::uint8_t* data, std::size_t size) {
  static wg::Model model(kModelSpec);
  try {
    wg::load_safetensors(model, data, size);
  } catch (const wg::Error&) {
    return;
  } catch (const std::exception& e) {
    bug("non-wg::Error exception from load_safetensors", e.what());
  }
  for (const auto& p : model.parameters())
    for (std::int64_t i = 0; i < p.var.value().size(); ++i)
      if (!std::isfinite(p.var.value()[i])) bug("an import left a non-finite weight", p.name);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_parse(data, size);
  check_import(data, size);
  return 0;
}
