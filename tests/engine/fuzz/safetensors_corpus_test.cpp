// The safetensors_fuzz seed corpus (fuzz/corpus/safetensors/) replayed in the normal suite: every
// seed parses (they are written as valid files), the float tensors convert, and the weights of the
// fuzzer's model (tiny_norms) import into it. Regression inputs named crash-* must be refused with a
// wg::Error. Regenerate the seeds as fuzz/README.md describes after a format change.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/safetensors.h"
#include "io/safetensors_model.h"
#include "nn/model.h"

namespace wg {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

TEST(FuzzCorpus, SafetensorsSeedsParseAndImport) {
  std::vector<std::pair<std::string, Bytes>> seeds;
  for (const auto& entry : fs::directory_iterator(fs::path(WG_SOURCE_DIR) / "fuzz" / "corpus" / "safetensors")) {
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(entry.path().filename().string(), Bytes(std::istreambuf_iterator<char>(in), {}));
  }
  std::sort(seeds.begin(), seeds.end());
  ASSERT_GE(seeds.size(), 5u);
  for (const auto& [name, bytes] : seeds) {
    if (name.rfind("crash-", 0) == 0) {
      EXPECT_THROW(parse_safetensors(bytes.data(), bytes.size()), Error) << name;
      continue;
    }
    SafetensorsFile file;
    ASSERT_NO_THROW(file = parse_safetensors(bytes.data(), bytes.size())) << name;
    for (const auto& entry : file.tensors) {
      if (entry.dtype == "I64") continue;
      std::int64_t elements = 1;
      for (std::int64_t d : entry.shape) elements *= d;
      EXPECT_NO_THROW(safetensors_to_float(file, entry, {static_cast<int>(elements)})) << name << " " << entry.name;
    }
  }
  const auto norms = std::find_if(seeds.begin(), seeds.end(), [](const auto& s) { return s.first == "tiny_norms.safetensors"; });
  ASSERT_NE(norms, seeds.end());
  // The same spec as fuzz/safetensors_fuzz.cpp.
  Model model(R"({"input":[2,4,4],"layers":[{"type":"batchnorm"},{"type":"conv2d","filters":2,"kernel":3},{"type":"layernorm"},{"type":"flatten"},{"type":"dropout","rate":0.5},{"type":"linear","units":2}]})");
  EXPECT_NO_THROW(load_safetensors(model, norms->second.data(), norms->second.size()));
}

}  // namespace
}  // namespace wg
