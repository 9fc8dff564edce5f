// The IDX file format of MNIST and Fashion-MNIST, read from and written to bytes.
// The bytes must already be decompressed: the JavaScript side inflates .gz files.
//
// Layout (all integers big-endian):
//   offset 0: magic = 0x00 0x00 <type> <rank>; type 0x08 = unsigned byte.
//             images: 0x00000803 (rank 3: count, rows, columns); labels: 0x00000801 (rank 1: count)
//   offset 4: <rank> uint32 dimensions
//   then count * rows * columns (or count) unsigned bytes, row-major, nothing after.
//
// Every defect is a wg::Error naming the file role (images/labels), the byte offset and what
// was wrong. Trailing bytes after the data are an ERROR, not a warning: the header fixes the
// length exactly, so extra bytes mean the header lies (wrong dimensions, two files
// concatenated, a partial decompression of something else) and accepting them would hide it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "data/dataset.h"

namespace wg {

inline constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
inline constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
inline constexpr int kIdxMaxSide = 4096;  // larger rows/columns are taken as a corrupt header

// Parses an images/labels pair into a classification Dataset: inputs [N, 1, H, W] with pixels
// scaled to [0, 1], labels in [0, num_classes). class_names defaults to "0", "1", ...
Dataset from_idx(const std::uint8_t* images, std::size_t images_len, const std::uint8_t* labels,
                 std::size_t labels_len, std::string name, int num_classes = 10,
                 std::vector<std::string> class_names = {});

// Writers, for tests, fixtures and the bundled digit set.
// pixels: count * rows * columns bytes, row-major.
std::vector<std::uint8_t> encode_idx_images(const std::vector<std::uint8_t>& pixels, int count, int rows, int columns);
// images: [N, 1, H, W] or [N, H, W] with values in [0, 1]; stored as round(v * 255), clamped.
std::vector<std::uint8_t> encode_idx_images(const Tensor& images);
// labels: each in [0, 255].
std::vector<std::uint8_t> encode_idx_labels(const std::vector<int>& labels);

}  // namespace wg
