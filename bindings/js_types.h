// The plain JavaScript objects the engine's results become. Each struct is an Embind
// value_object (declared in bindings.cpp): JS receives a fresh object with these fields, and
// bindings/wasmgrad.d.ts types them under the same names. Arrays travel as `val` (typed-array
// copies or JS arrays); to_js() is the one conversion from each engine struct.
#pragma once
#include <emscripten/val.h>

#include <string>

#include "introspect/histograms.h"
#include "nn/layer.h"
#include "nn/presets.h"
#include "train/trainer.h"

namespace wg::api {

using emscripten::val;

struct JsEvaluation {
  float loss;
  float accuracy;
  int samples;
  int classes;
  val confusion = val::undefined();  // Int32Array(classes * classes), row = true class
};

struct JsEpochResult {
  int epoch;
  float trainLoss;
  float trainAccuracy;
  val validation = val::undefined();  // JsEvaluation, or null without a validation set
  double seconds;
  double samplesPerSecond;
  bool stop;
  std::string stopReason;
};

struct JsProgress {
  int epoch;
  int batch;
  int batches;
  float loss;
  float accuracy;
  int stepBatches;
  float stepLoss;
  float stepAccuracy;
  float lastBatchLoss;
  float learningRate;
  float gradNorm;
  double samplesPerSecond;
  bool epochDone;
  val epochEnd = val::undefined();  // JsEpochResult when this step finished the epoch, else null
  bool diverged;
  std::string message;
};

struct JsReceptiveField {
  int size;
  int jump;
  double start;
};

struct JsLayerSummary {
  std::string name;
  std::string type;
  val outputShape = val::undefined();
  double parameters;
  double multiplyAdds;
  JsReceptiveField receptiveField;
  std::string detail;
};

struct JsHistogram {
  int layer;
  std::string layerName;
  std::string name;
  std::string kind;
  float min;
  float max;
  val counts = val::undefined();  // Int32Array
  int nanCount;
  int infCount;
};

struct JsLayerField {
  std::string name;
  std::string kind;  // "integer", "size", "number", "boolean", "initializer"
  double min;
  double max;
  bool required;
  std::string defaultText;
};

struct JsLayerType {
  std::string type;
  std::string aliasOf;
  bool needsImage;
  val fields = val::undefined();  // JsLayerField[]
};

struct JsPreset {
  std::string name;
  std::string title;
  std::string data;  // "images", "points" or "any"
  val input = val::undefined();
  int classes;
};

// The names training settings take (optim/optimizer.h, losses/losses.h, optim/schedule.h).
struct JsTrainingCatalog {
  val optimizers = val::undefined();  // string[]
  val losses = val::undefined();      // string[]
  val schedules = val::undefined();   // string[]: schedule.type
};

JsEvaluation to_js(const EvalResult& r);
JsEpochResult to_js(const EpochResult& e);
JsProgress to_js(const Progress& p);
JsLayerSummary to_js(const LayerSummary& s);
JsHistogram to_js(const Histogram& h);
JsLayerType to_js(const LayerTypeInfo& t);
JsPreset to_js(const PresetInfo& p);

// A JS array of to_js(item) for every item.
template <class List>
val array_to_js(const List& items) {
  val out = val::array();
  for (const auto& item : items) out.call<void>("push", val(to_js(item)));
  return out;
}

}  // namespace wg::api
