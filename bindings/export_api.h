// The facade for models leaving the engine and coming back (engine/io/safetensors*.h):
// weights as safetensors bytes, all of a model's tensors for the JS exporters (ONNX, PyTorch),
// and the training settings normalised the way a Trainer reads them. Every call runs in guarded().
#pragma once
#include <emscripten/val.h>

#include <string>

#include "model_api.h"

namespace wg::api {

using emscripten::val;

// [{name, kind: 'parameter' | 'buffer', shape, data: Float32Array copy}] in Model order.
val model_tensors(const ModelHandle& model);
// The weights (parameters, then batch-norm statistics) as a safetensors file (Uint8Array).
// metadata_json: "" or a JSON object of strings, added to the file's "__metadata__".
val export_safetensors(const ModelHandle& model, const std::string& metadata_json);
// Copies a safetensors file (Uint8Array) into `model` when every name and shape fits its spec;
// returns the file's metadata as an object of strings. A refused file leaves the model unchanged.
val import_safetensors(const ModelHandle& model, const val& bytes);
// Training settings JSON -> the same settings with every default filled in (Trainer.config's
// form); errors name the bad field.
std::string normalize_training_settings(const std::string& settings_json);

}  // namespace wg::api
