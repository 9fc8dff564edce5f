// The facade for datasets, models and trainers: Embind classes whose methods take and
// return plain JS values. Every method runs inside guarded() (js_interop.h), so engine
// errors arrive in JS as Errors with the engine's message.
#pragma once
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "data/dataset.h"
#include "js_types.h"
#include "io/model_file.h"
#include "nn/model.h"
#include "train/trainer.h"

namespace wg::api {

using emscripten::val;

class DatasetHandle {
 public:
  DatasetHandle() = default;
  explicit DatasetHandle(Dataset data) : data_(std::move(data)) {}

  // images/labels: Uint8Array of (decompressed) IDX files.
  static DatasetHandle from_idx(const val& images, const val& labels, const std::string& name);
  static DatasetHandle toy(const std::string& name, int n, double noise, double seed);
  // inputs: Float32Array of count * prod(sample_shape); labels: Int32Array/array (classes
  // > 0) or targets: Float32Array [count, T] for regression (classes == 0).
  static DatasetHandle from_arrays(const val& inputs, const val& sample_shape, const val& labels_or_targets,
                                   int classes, const std::string& name);
  static val toy_names();

  std::string name() const { return data_.name; }
  int size() const { return data_.size(); }
  int num_classes() const { return data_.num_classes; }
  val sample_shape() const;
  val class_names() const;
  val inputs(int start, int count) const;  // Float32Array copy of samples [start, start+count)
  val labels() const;                      // Int32Array copy
  val targets() const;                     // Float32Array copy (regression) or undefined
  val class_counts() const;
  // The two parts of a seeded split (same seed, same split).
  DatasetHandle split_train(double validation_fraction, double seed) const;
  DatasetHandle split_validation(double validation_fraction, double seed) const;
  DatasetHandle subset(const val& indices) const;
  // Names the classes (an image folder's folder names): an array of num_classes strings.
  void set_class_names(const val& names);

  const Dataset& dataset() const { return data_; }

 private:
  Dataset data_;
};

class ModelHandle {
 public:
  // A JSON spec ({"input": [...], "layers": [...]}) or a preset name ("mlp", "cnn", ...).
  // Factories, not constructors: Embind allocates a constructed object before the constructor
  // runs, and a JS Error thrown from inside it skips that allocation's cleanup (a leak per bad
  // spec). A factory builds everything inside guarded() and returns by value, so a failure
  // unwinds as a C++ exception first and leaves nothing behind.
  static ModelHandle create(const std::string& spec_or_preset);
  static ModelHandle load(const val& bytes);  // a saved model file (Uint8Array)
  // input undefined: the preset as written; else fitted to samples of that shape and `classes` classes.
  static std::string preset_spec(const std::string& name, const val& input, int classes);
  static val preset_names();
  static val presets();      // [{name, title, data, input, classes}]
  static val layer_types();  // the engine's layer types and their fields with limits
  // A spec's layer table from its shapes alone, no weights allocated (a spec, a preset name or an
  // architecture name such as "vgg16"): {inputShape, outputShape, parameters, multiplyAdds, layers}.
  static val describe(const std::string& spec_or_name);
  static val architectures();  // [{name, title, parameters}]: the big architectures describe() knows

  std::string spec() const;
  // [{name, type, outputShape, parameters, multiplyAdds, receptiveField, detail}]; a block's row also
  // has `inner`, its inner layers' rows, each with `branch` ("layers", "shortcut", "branches.0").
  val summary() const;
  // Throws a located Error when samples of sample_shape or `classes` classes do not fit the model.
  void check_data(const val& sample_shape, int classes) const;
  double total_parameters() const;
  val input_shape() const;
  val output_shape() const;
  // inputs: Float32Array of count samples; returns raw outputs / softmax probabilities
  // as a Float32Array of count * outputs.
  val outputs(const val& inputs, int count) const;
  val predict(const val& inputs, int count) const;
  val classify(const val& inputs, int count) const;  // Int32Array of the predicted classes
  void reinitialize(double seed);
  val parameters() const;  // [{name, shape, data: Float32Array copy}]
  // A model file without optimizer state; metadata: any JSON text (or "").
  val save(const std::string& metadata_json) const;
  std::string metadata() const { return metadata_; }       // from load(), else ""
  bool has_optimizer_state() const { return !optimizer_state_.empty(); }

  const std::shared_ptr<Model>& model() const { return model_; }
  const NamedTensors& optimizer_state() const { return optimizer_state_; }

 private:
  explicit ModelHandle(std::shared_ptr<Model> model) : model_(std::move(model)) {}
  explicit ModelHandle(LoadedModel loaded);
  std::shared_ptr<Model> model_;
  std::string metadata_;
  NamedTensors optimizer_state_;  // from a checkpoint, for TrainerHandle::restore_optimizer_state
};

class TrainerHandle {
 public:
  // config_json: training settings (train/config_json.h); "" or "{}" for defaults.
  // A factory for the reason given at ModelHandle::create; here a throwing constructor also
  // kept a reference to the model, so a bad config leaked the whole model (threads build).
  static TrainerHandle create(const ModelHandle& model, const std::string& config_json);
  // The names training settings take: {optimizers, losses, schedules} (the engine's lists).
  static JsTrainingCatalog catalog();

  void set_data(const DatasetHandle& train, const DatasetHandle& validation);
  JsProgress step(int max_batches);
  // One step on a caller-provided batch: inputs Float32Array, labels Int32Array/array.
  val train_on_batch(const val& inputs, const val& labels);
  // The same step on the samples at these indices of the training set given to setData.
  val train_on_indices(const val& indices);
  JsEpochResult train_epoch();
  JsEvaluation evaluate(const DatasetHandle& data) const;
  val history() const;  // JsEpochResult[] of every epoch so far (restored ones included)
  void set_learning_rate(double lr);
  double learning_rate() const;
  int epoch() const;
  bool finished() const;
  std::string config() const;  // the settings in effect, as JSON (defaults filled in)
  // A checkpoint: model + optimizer state + metadata (JSON text, may be "").
  val save(const std::string& metadata_json) const;
  // Takes the optimizer state that `loaded` was saved with (same optimizer type and parameters).
  void restore_optimizer_state(const ModelHandle& loaded);
  // Takes the epochs done, the position in the current epoch and the history that `loaded` was
  // saved with (Trainer.save writes them under metadata.training); call after set_data.
  void restore_progress(const ModelHandle& loaded);

 private:
  TrainerHandle(std::shared_ptr<Model> model, std::unique_ptr<Trainer> trainer)
      : model_(std::move(model)), trainer_(std::move(trainer)) {}
  std::shared_ptr<Model> model_;  // shared: deleting the JS model handle first is safe
  std::unique_ptr<Trainer> trainer_;
};

}  // namespace wg::api
