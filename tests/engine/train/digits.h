// The bundled digits (8,000 train / 2,000 test real MNIST digits), written as IDX files
// by `node scripts/make-digits.mjs build/data` (npm test runs it before the suites).
#pragma once
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/idx.h"

namespace wg::testing {

inline std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  WG_CHECK(in.good(), "cannot open ", path, ": run `node scripts/make-digits.mjs build/data` (npm test does)");
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline Dataset load_bundled_digits(const std::string& part) {  // part: "train" or "test"
  const std::string dir = std::string(WG_SOURCE_DIR) + "/build/data/digits-" + part;
  const auto images = read_file_bytes(dir + "-images-idx3-ubyte");
  const auto labels = read_file_bytes(dir + "-labels-idx1-ubyte");
  return from_idx(images.data(), images.size(), labels.data(), labels.size(), "digits-" + part);
}

}  // namespace wg::testing
