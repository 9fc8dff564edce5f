// The safetensors format: named tensors and a string-to-string metadata map, readable by
// PyTorch, JAX and NumPy users without pickle (so without running code from the file).
// Layout, all integers little-endian:
//
//   offset  size  field
//   0       8     u64 N: header length in bytes
//   8       N     header: a UTF-8 JSON object
//                   {"conv1.weight": {"dtype": "F32", "shape": [20, 1, 5, 5], "data_offsets": [0, 2000]},
//                    ..., "__metadata__": {"format": "pt"}}
//   8 + N   ...   the byte buffer; data_offsets [begin, end) are relative to its start
//
// The reader trusts nothing: it checks the header length against the file and a limit
// before reading it, parses the JSON with the engine's strict parser (duplicate names are
// refused), and checks every entry (dtype known, shape of non-negative integers, offsets
// inside the buffer and exactly numel * dtype size long), then that the entries tile the
// buffer with no gap, overlap or trailing byte (what the format's own reader demands).
// Every failure is a wg::Error beginning "safetensors: " and naming the tensor or byte offset.
// Parsing copies no tensor data: entries point into the caller's bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace wg {

// Headers above this are refused before reading (a model of 256 layers needs under 100 kB).
inline constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 16 << 20;

struct SafetensorsEntry {
  std::string name;
  std::string dtype;                 // "F32", "F16", "BF16", "F64", "I64", ...
  std::vector<std::int64_t> shape;   // may be empty (a scalar) or hold zeros
  std::size_t begin = 0, end = 0;    // byte range within the data buffer
};

struct SafetensorsFile {
  std::vector<SafetensorsEntry> tensors;                        // in header order
  std::vector<std::pair<std::string, std::string>> metadata;    // "__metadata__", in header order
  const std::uint8_t* data = nullptr;                           // the buffer (points into the input)
  std::size_t data_size = 0;

  const SafetensorsEntry* find(const std::string& name) const;  // nullptr when absent
};

SafetensorsFile parse_safetensors(const std::uint8_t* bytes, std::size_t size);

// Bytes per element of a dtype name, or 0 for an unknown name.
std::size_t safetensors_dtype_size(const std::string& dtype);

// The entry's values as float32 (from F32, F16, BF16 or F64; other dtypes are refused with
// an error naming the tensor), shaped `shape` (whose element count the caller has checked).
Tensor safetensors_to_float(const SafetensorsFile& file, const SafetensorsEntry& entry, const Shape& shape);

// Writes F32 tensors in the given order (the header is padded with spaces to a multiple of 8,
// so every tensor's data starts 8-byte aligned) and the metadata map.
std::vector<std::uint8_t> write_safetensors(const std::vector<std::pair<std::string, Tensor>>& tensors,
                                            const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace wg
