// Saving and loading a model (spec + weights + optional optimizer state + metadata) as
// one self-checking binary blob. The format (version 1), all integers little-endian:
//
//   offset  size       field
//   0       8          magic "WGMODEL\0"
//   8       4          u32 format version (1)
//   12      4          u32 spec length S (bytes, at most 1 MiB)
//   16      S          model spec, UTF-8 JSON (Model::spec_json(): defaults filled in)
//           4          u32 T: number of model tensors (parameters then buffers, Model order)
//           T records  tensor record (below)
//           4          u32 E: number of extra tensors (e.g. optimizer state; may be 0)
//           E records  tensor record
//           4          u32 M: metadata length (0 = none)
//           M          metadata, UTF-8 JSON (e.g. training settings)
//           4          u32 CRC-32 (IEEE) of every byte before it
//
//   tensor record:  u32 name length L (1..256), L bytes name ("conv1.weight"),
//                   u32 rank R (1..8), R x u32 dims (each >= 1),
//                   prod(dims) x f32 data (IEEE 754 binary32, little-endian)
//
// Loading checks the magic, the version, then the CRC, then every length against the
// bytes left before reading it, the spec (through Model), and that the tensors' names,
// count and dims match the model exactly. Every failure is a wg::Error naming the byte
// offset and what was wrong. docs/model-format.md describes the same format.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "nn/model.h"

namespace wg {

inline constexpr std::uint32_t kModelFormatVersion = 1;

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

std::vector<std::uint8_t> save_model(const Model& model, const NamedTensors& extra = {},
                                     const std::string& metadata_json = "");

struct LoadedModel {
  std::unique_ptr<Model> model;
  NamedTensors extra;         // in saved order
  std::string metadata_json;  // "" when none was saved
};

LoadedModel load_model(const std::uint8_t* bytes, std::size_t size);

}  // namespace wg
