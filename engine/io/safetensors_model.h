// A Model's weights as a safetensors file, and back: the hand-off to and from PyTorch.
// Names are the engine's parameter and buffer names ("conv1.weight", "bn1.running_mean"),
// which are also the state_dict keys of the nn.Module that the PyTorch export writes, with
// the same shapes and memory layout (conv [K, C, KH, KW], linear [out, in]).
//
// Loading fits a file to a spec: every parameter and buffer of the model must be in the file
// with exactly its shape, and every tensor of the file must be one of them; PyTorch's batch
// norm counters ("bn1.num_batches_tracked") are the one kind of extra tensor ignored. Values
// may be F32, F16, BF16 or F64 and must all be finite (running variances also >= 0). Every
// check runs before the first weight is written, so a refused file leaves the model as it was.
// Errors name the tensor, the expected and the found shape (or value and index).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nn/model.h"

namespace wg {

// Parameters, then buffers, in Model order, as F32; metadata adds "format": "pt" (what
// PyTorch tools expect) and "wasmgrad.spec" (the model's spec JSON) to `metadata`.
std::vector<std::uint8_t> save_safetensors(const Model& model,
                                           const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Copies a safetensors file's tensors into `model` (see above); returns the file's metadata.
std::vector<std::pair<std::string, std::string>> load_safetensors(Model& model, const std::uint8_t* bytes,
                                                                  std::size_t size);

}  // namespace wg
