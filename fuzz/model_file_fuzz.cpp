// libFuzzer target: wg::load_model on arbitrary bytes (an uploaded model file).
// A model file ends with a CRC-32 of everything before it, so random mutations almost never get
// past the checksum. Each input is therefore loaded twice: as is, and with its last 4 bytes replaced
// by the correct CRC, which lets the fuzzer reach the spec, tensor-record and metadata parsing.
// Properties checked besides "no crash, only wg::Error": a file that loads saves back to bytes that
// load again with the same spec.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/model_file.h"
#include "util/crc32.h"

namespace {
[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "model_file_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

void load_and_check(const std::uint8_t* data, std::size_t size) {
  wg::LoadedModel loaded;
  try {
    loaded = wg::load_model(data, size);
  } catch (const wg::Error&) {
    return;  // expected for malformed files
  } catch (const std::exception& e) {
    bug("non-wg::Error exception from load_model", e.what());
  }
  try {
    const std::vector<std::uint8_t> saved = wg::save_model(*loaded.model, loaded.extra, loaded.metadata_json);
    const wg::LoadedModel again = wg::load_model(saved.data(), saved.size());
    if (again.model->spec_json() != loaded.model->spec_json()) bug("save/load changes the spec", loaded.model->spec_json());
    if (again.metadata_json != loaded.metadata_json) bug("save/load changes the metadata", loaded.metadata_json);
    if (again.extra.size() != loaded.extra.size()) bug("save/load changes the extra tensors", "");
  } catch (const std::exception& e) {
    bug("a loaded model does not save and load again", e.what());
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  load_and_check(data, size);
  if (size >= 8) {
    std::vector<std::uint8_t> fixed(data, data + size);
    const std::uint32_t crc = wg::crc32(fixed.data(), size - 4);
    for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    load_and_check(fixed.data(), fixed.size());
  }
  return 0;
}
