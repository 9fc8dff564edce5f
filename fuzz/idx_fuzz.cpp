// libFuzzer target: wg::from_idx on arbitrary bytes.
// Input layout (so one byte string holds both files):
//   bytes 0..3: little-endian uint32 L, the length of the images part (clamped to what is left)
//   then L bytes of the images file, then the rest is the labels file.
// A wg::Error is the expected answer to bad bytes; anything else (another exception type, a crash,
// an ASan/UBSan report, a hang) is a bug. Seeds: fuzz/corpus/idx (see fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "core/error.h"
#include "data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  std::size_t images_len = std::size_t(data[0]) | std::size_t(data[1]) << 8 | std::size_t(data[2]) << 16 |
                           std::size_t(data[3]) << 24;
  const std::uint8_t* images = data + 4;
  const std::size_t rest = size - 4;
  if (images_len > rest) images_len = rest;
  const std::uint8_t* labels = images + images_len;
  const std::size_t labels_len = rest - images_len;
  try {
    const wg::Dataset d = wg::from_idx(images, images_len, labels, labels_len, "fuzz");
    d.validate();  // a dataset the parser accepts must be internally consistent
  } catch (const wg::Error&) {
    // expected for malformed input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idx_fuzz: non-wg::Error exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
