// The committed fuzz seed corpora (fuzz/corpus/<target>/) replayed in the normal test suite:
// every seed must give either a result or a wg::Error, never another exception or a crash, and
// the seeds that were written as valid inputs must still be accepted. A format change that
// silently invalidates the seeds (so the fuzzers would start from nothing) fails here; regenerate
// them as fuzz/README.md describes.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/idx.h"
#include "io/model_file.h"
#include "nn/model.h"
#include "util/json.h"

namespace wg {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

// (file name, bytes) of every seed of one target, sorted by name.
std::vector<std::pair<std::string, Bytes>> seeds(const std::string& target) {
  std::vector<std::pair<std::string, Bytes>> out;
  const fs::path dir = fs::path(WG_SOURCE_DIR) / "fuzz" / "corpus" / target;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().filename().string(), Bytes(std::istreambuf_iterator<char>(in), {}));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs `parse` on a seed: "" when it succeeded, "error" on wg::Error; fails the test otherwise.
template <class F>
std::string outcome(const std::string& name, F&& parse) {
  try {
    parse();
    return "";
  } catch (const Error&) {
    return "error";
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": exception that is not a wg::Error: " << e.what();
    return "other";
  }
}

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(FuzzCorpus, IdxSeedsParseOrGiveErrors) {
  // Same input split as fuzz/idx_fuzz.cpp: little-endian images length, images, labels.
  const std::set<std::string> valid = {"fixture_pair", "tiny_pair"};
  const auto all = seeds("idx");
  ASSERT_GE(all.size(), 8u);
  for (const auto& seed : all) {
    const auto& name = seed.first;
    const auto& b = seed.second;
    ASSERT_GE(b.size(), 4u) << name;
    std::size_t images_len = b[0] | b[1] << 8 | b[2] << 16 | std::size_t(b[3]) << 24;
    images_len = std::min(images_len, b.size() - 4);
    const std::string result = outcome(name, [&] {
      from_idx(b.data() + 4, images_len, b.data() + 4 + images_len, b.size() - 4 - images_len, name);
    });
    EXPECT_EQ(result, valid.count(name) ? "" : "error") << name;
  }
}

TEST(FuzzCorpus, SpecSeedsBuildModels) {
  const auto all = seeds("spec");
  ASSERT_GE(all.size(), 4u);
  for (const auto& seed : all) {
    const auto& name = seed.first;
    const auto& b = seed.second;
    EXPECT_EQ(outcome(name, [&] { Model model(text(b)); }), "") << name;
  }
}

TEST(FuzzCorpus, JsonSeedsParseOrGiveErrors) {
  const std::set<std::string> invalid = {"trailing_comma.json", "lone_surrogate.json"};
  for (const auto& seed : seeds("json")) {
    const auto& name = seed.first;
    const auto& b = seed.second;
    EXPECT_EQ(outcome(name, [&] { json::parse(text(b)); }), invalid.count(name) ? "error" : "") << name;
  }
}

TEST(FuzzCorpus, ModelFileSeedsLoad) {
  const auto all = seeds("model_file");
  ASSERT_GE(all.size(), 3u);
  for (const auto& seed : all) {
    const auto& name = seed.first;
    const auto& b = seed.second;
    // Regression inputs found by fuzzing are named crash-*; they must be refused cleanly.
    const bool regression = name.rfind("crash-", 0) == 0;
    EXPECT_EQ(outcome(name, [&] { load_model(b.data(), b.size()); }), regression ? "error" : "") << name;
  }
}

}  // namespace
}  // namespace wg
