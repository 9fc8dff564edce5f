// Implementation of the dataset / model / trainer facade (see model_api.h).
#include "model_api.h"

#include <cmath>

#include "data/idx.h"
#include "nn/architectures.h"
#include "data/toy.h"
#include "ops/ops.h"
#include "js_interop.h"
#include "js_types.h"
#include "losses/losses.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"
#include "train/config_json.h"

namespace wg::api {

namespace {

std::uint64_t seed_from_js(double seed, const char* what) {
  WG_CHECK(std::isfinite(seed) && seed >= 0 && seed == std::floor(seed) && seed <= 9007199254740991.0, what,
           ": seed must be a whole number >= 0, got ", seed);
  return static_cast<std::uint64_t>(seed);
}

val string_array(const std::vector<std::string>& items) {
  val out = val::array();
  for (const std::string& s : items) out.call<void>("push", s);
  return out;
}

// The JS summary rows: the LayerSummary value object, plus for a block `inner` (its inner rows,
// each tagged with `branch`). A plain model's rows have exactly the fields they always had.
val summary_to_js(const std::vector<LayerSummary>& rows) {
  val out = val::array();
  for (const LayerSummary& row : rows) {
    val item(to_js(row));
    if (!row.branch.empty()) item.set("branch", row.branch);
    if (!row.inner.empty()) item.set("inner", summary_to_js(row.inner));
    out.call<void>("push", item);
  }
  return out;
}

// A spec (JSON text), a preset name or an architecture name, as spec text.
std::string spec_from_name(const std::string& spec_or_name) {
  if (spec_or_name.find('{') != std::string::npos) return spec_or_name;
  for (const ArchitectureInfo& a : wg::architectures())
    if (a.name == spec_or_name) return wg::architecture_spec(spec_or_name);
  return wg::preset_spec(spec_or_name);
}

}  // namespace

// ---- DatasetHandle

DatasetHandle DatasetHandle::from_idx(const val& images, const val& labels, const std::string& name) {
  return guarded([&] {
    const auto image_bytes = bytes_from_js(images, "Dataset.fromIdx: images");
    const auto label_bytes = bytes_from_js(labels, "Dataset.fromIdx: labels");
    return DatasetHandle(
        wg::from_idx(image_bytes.data(), image_bytes.size(), label_bytes.data(), label_bytes.size(), name));
  });
}

DatasetHandle DatasetHandle::toy(const std::string& name, int n, double noise, double seed) {
  return guarded([&] {
    WG_CHECK(std::isfinite(noise) && noise >= 0, "Dataset.toy: noise must be a number >= 0, got ", noise);
    return DatasetHandle(make_toy(name, n, static_cast<float>(noise), seed_from_js(seed, "Dataset.toy")));
  });
}

DatasetHandle DatasetHandle::from_arrays(const val& inputs, const val& sample_shape, const val& labels_or_targets,
                                         int classes, const std::string& name) {
  return guarded([&] {
    Shape sample = shape_from_js(sample_shape, "Dataset.fromArrays: sampleShape");
    WG_CHECK(classes >= 0 && classes <= 100000, "Dataset.fromArrays: classes must be in [0, 100000], got ", classes);
    const std::int64_t per_sample = shape_numel(sample);
    const std::int64_t values = inputs["length"].as<double>();
    WG_CHECK(values > 0 && values % per_sample == 0, "Dataset.fromArrays: ", values,
             " input values are not a whole number of samples of shape ", shape_str(sample));
    Shape shape = sample;
    shape.insert(shape.begin(), static_cast<int>(values / per_sample));
    Dataset d;
    d.name = name;
    d.inputs = tensor_from_js(inputs, shape, "Dataset.fromArrays: inputs");
    const int n = shape[0];
    if (classes > 0) {
      d.num_classes = classes;
      const std::vector<double> labels = numbers_from_js(labels_or_targets, "Dataset.fromArrays: labels");
      WG_CHECK(static_cast<std::int64_t>(labels.size()) == n, "Dataset.fromArrays: ", labels.size(), " labels for ", n,
               " samples");
      d.labels.resize(n);
      for (int i = 0; i < n; ++i) {
        const double label = labels[i];
        WG_CHECK(label == std::floor(label) && label >= 0 && label < classes, "Dataset.fromArrays: label ", label,
                 " at index ", i, " is not a class in [0, ", classes, ")");
        d.labels[i] = static_cast<int>(label);
      }
    } else {
      const std::int64_t count = labels_or_targets["length"].as<double>();
      WG_CHECK(count > 0 && count % n == 0, "Dataset.fromArrays: ", count, " targets for ", n, " samples");
      d.targets = tensor_from_js(labels_or_targets, {n, static_cast<int>(count / n)}, "Dataset.fromArrays: targets");
    }
    d.validate();
    return DatasetHandle(std::move(d));
  });
}

val DatasetHandle::toy_names() {
  return guarded([] { return string_array(wg::toy_names()); });
}

val DatasetHandle::sample_shape() const {
  return guarded([&] { return shape_to_js(data_.sample_shape()); });
}

val DatasetHandle::class_names() const {
  return guarded([&] { return string_array(data_.class_names); });
}

void DatasetHandle::set_class_names(const val& names) {
  guarded([&] {
    WG_CHECK(names.isArray(), "Dataset.setClassNames: expected an array of strings");
    const int count = names["length"].as<int>();
    WG_CHECK(data_.is_classification() && count == data_.num_classes, "Dataset.setClassNames: ", count,
             " names for a dataset of ", data_.num_classes, " classes");
    std::vector<std::string> class_names;
    for (int i = 0; i < count; ++i) {
      const val name = names[i];
      WG_CHECK(name.isString(), "Dataset.setClassNames: name ", i, " is not a string");
      class_names.push_back(name.as<std::string>());
    }
    data_.class_names = std::move(class_names);
  });
}

val DatasetHandle::inputs(int start, int count) const {
  return guarded([&] {
    WG_CHECK(start >= 0 && count >= 0 && start + count <= data_.size(), "Dataset.inputs: samples [", start, ", ",
             start + count, ") are outside [0, ", data_.size(), ")");
    const std::int64_t per_sample = shape_numel(data_.sample_shape());
    return val(emscripten::typed_memory_view(static_cast<std::size_t>(count * per_sample),
                                             data_.inputs.data() + start * per_sample))
        .call<val>("slice");
  });
}

val DatasetHandle::labels() const {
  return guarded([&] { return int32_copy(data_.labels); });
}

val DatasetHandle::targets() const {
  return guarded([&] { return data_.targets.defined() ? float32_copy(data_.targets) : val::undefined(); });
}

val DatasetHandle::class_counts() const {
  return guarded([&] { return int32_copy(wg::class_counts(data_)); });
}

DatasetHandle DatasetHandle::split_train(double fraction, double seed) const {
  return guarded([&] {
    return DatasetHandle(split_train_validation(data_, static_cast<float>(fraction), seed_from_js(seed, "split")).train);
  });
}

DatasetHandle DatasetHandle::split_validation(double fraction, double seed) const {
  return guarded([&] {
    return DatasetHandle(
        split_train_validation(data_, static_cast<float>(fraction), seed_from_js(seed, "split")).validation);
  });
}

DatasetHandle DatasetHandle::subset(const val& indices) const {
  return guarded([&] {
    const std::vector<double> positions = numbers_from_js(indices, "Dataset.subset: indices");
    const int count = static_cast<int>(positions.size());
    std::vector<int> picked(count);
    for (int i = 0; i < count; ++i) {
      const double index = positions[i];
      WG_CHECK(index == std::floor(index) && index >= 0 && index < data_.size(), "Dataset.subset: index ", index,
               " at position ", i, " is outside [0, ", data_.size(), ")");
      picked[i] = static_cast<int>(index);
    }
    return DatasetHandle(data_.subset(picked));
  });
}

// ---- ModelHandle

ModelHandle ModelHandle::create(const std::string& spec_or_preset) {
  return guarded([&] {
    const bool is_spec = spec_or_preset.find('{') != std::string::npos;
    return ModelHandle(std::make_shared<Model>(is_spec ? spec_or_preset : wg::preset_spec(spec_or_preset)));
  });
}

ModelHandle::ModelHandle(LoadedModel loaded)
    : model_(std::move(loaded.model)), metadata_(std::move(loaded.metadata_json)),
      optimizer_state_(std::move(loaded.extra)) {}

ModelHandle ModelHandle::load(const val& bytes) {
  return guarded([&] {
    const auto data = bytes_from_js(bytes, "Model.load");
    return ModelHandle(load_model(data.data(), data.size()));
  });
}

std::string ModelHandle::preset_spec(const std::string& name, const val& input, int classes) {
  return guarded([&] {
    if (input.isUndefined() || input.isNull()) return wg::preset_spec(name);
    return wg::preset_spec(name, shape_from_js(input, "Model.presetSpec: input"), classes);
  });
}

val ModelHandle::preset_names() {
  return guarded([] { return string_array(wg::preset_names()); });
}

val ModelHandle::presets() {
  return guarded([] { return array_to_js(wg::presets()); });
}

val ModelHandle::layer_types() {
  return guarded([] { return array_to_js(wg::layer_catalog()); });
}

std::string ModelHandle::spec() const {
  return guarded([&] { return model_->spec_json(); });
}

val ModelHandle::summary() const {
  return guarded([&] { return summary_to_js(model_->summary()); });
}

val ModelHandle::describe(const std::string& spec_or_name) {
  return guarded([&] {
    const ModelDescription d = describe_model(spec_from_name(spec_or_name));
    val out = val::object();
    out.set("inputShape", shape_to_js(d.input_shape));
    out.set("outputShape", shape_to_js(d.output_shape));
    out.set("parameters", static_cast<double>(d.parameters));
    out.set("multiplyAdds", static_cast<double>(d.multiply_adds));
    out.set("layers", summary_to_js(d.layers));
    return out;
  });
}

val ModelHandle::architectures() {
  return guarded([] {
    val out = val::array();
    for (const ArchitectureInfo& a : wg::architectures()) {
      val item = val::object();
      item.set("name", a.name);
      item.set("title", a.title);
      item.set("parameters", static_cast<double>(a.parameters));
      out.call<void>("push", item);
    }
    return out;
  });
}

void ModelHandle::check_data(const val& sample_shape, int classes) const {
  guarded([&] { check_model_fits_data(*model_, shape_from_js(sample_shape, "Model.checkData: sampleShape"), classes); });
}

double ModelHandle::total_parameters() const {
  return guarded([&] { return static_cast<double>(model_->total_parameters()); });
}

val ModelHandle::input_shape() const {
  return guarded([&] { return shape_to_js(model_->input_shape()); });
}

val ModelHandle::output_shape() const {
  return guarded([&] { return shape_to_js(model_->output_shape()); });
}

val ModelHandle::outputs(const val& inputs, int count) const {
  return guarded([&] {
    NoGrad no_graph;
    ForwardContext context;
    Var out = model_->forward(Var(samples_from_js(model_->input_shape(), inputs, count, "Model.outputs")), context);
    return float32_copy(out.value());
  });
}

val ModelHandle::predict(const val& inputs, int count) const {
  return guarded([&] {
    NoGrad no_graph;
    ForwardContext context;
    Var out = model_->forward(Var(samples_from_js(model_->input_shape(), inputs, count, "Model.predict")), context);
    return float32_copy(softmax(reshape(out, {count, -1})).value());
  });
}

val ModelHandle::classify(const val& inputs, int count) const {
  return guarded([&] {
    return int32_copy(wg::classify(*model_, samples_from_js(model_->input_shape(), inputs, count, "Model.classify")));
  });
}

void ModelHandle::reinitialize(double seed) {
  guarded([&] { model_->reinitialize(seed_from_js(seed, "Model.reinitialize")); });
}

val ModelHandle::parameters() const {
  return guarded([&] {
    val out = val::array();
    for (const NamedParameter& p : model_->parameters()) {
      val item = val::object();
      item.set("name", p.name);
      item.set("shape", shape_to_js(p.var.shape()));
      item.set("data", float32_copy(p.var.value()));
      out.call<void>("push", item);
    }
    return out;
  });
}

val ModelHandle::save(const std::string& metadata_json) const {
  return guarded([&] { return bytes_to_js(save_model(*model_, {}, metadata_json)); });
}

// ---- TrainerHandle

JsTrainingCatalog TrainerHandle::catalog() {
  return guarded([] {
    return JsTrainingCatalog{string_array(wg::optimizer_types()), string_array(wg::loss_names()),
                             string_array(wg::schedule_types())};
  });
}

TrainerHandle TrainerHandle::create(const ModelHandle& model, const std::string& config_json) {
  return guarded([&] {
    std::shared_ptr<Model> shared = model.model();
    auto trainer = std::make_unique<Trainer>(*shared, train_config_from_json(config_json.empty() ? "{}" : config_json));
    return TrainerHandle(std::move(shared), std::move(trainer));
  });
}

void TrainerHandle::set_data(const DatasetHandle& train, const DatasetHandle& validation) {
  guarded([&] { trainer_->set_data(train.dataset(), validation.dataset()); });
}

JsProgress TrainerHandle::step(int max_batches) {
  return guarded([&] { return to_js(trainer_->step(max_batches)); });
}

val TrainerHandle::train_on_batch(const val& inputs, const val& labels) {
  return guarded([&] {
    const std::vector<double> values = numbers_from_js(labels, "Trainer.trainBatch: labels");
    WG_CHECK(values.size() <= static_cast<std::size_t>(kMaxSamplesPerCall), "Trainer.trainBatch: ", values.size(), " labels; a batch holds at most ",
             kMaxSamplesPerCall);
    const int count = static_cast<int>(values.size());
    Tensor batch = samples_from_js(model_->input_shape(), inputs, count, "Trainer.trainBatch");
    std::vector<int> classes(count);
    for (int i = 0; i < count; ++i) {
      const double label = values[i];
      WG_CHECK(label == std::floor(label) && label >= 0 && label < 2147483648.0, "Trainer.trainBatch: label ", label,
               " at index ", i, " is not a class index");
      classes[i] = static_cast<int>(label);
    }
    const StepReport r = trainer_->train_on_batch(batch, classes);
    val out = val::object();
    out.set("loss", r.loss);
    out.set("accuracy", r.accuracy);
    out.set("diverged", r.diverged);
    return out;
  });
}

val TrainerHandle::train_on_indices(const val& indices) {
  return guarded([&] {
    const std::vector<double> values = numbers_from_js(indices, "Trainer.trainBatchAt: indices");
    WG_CHECK(values.size() <= static_cast<std::size_t>(kMaxSamplesPerCall), "Trainer.trainBatchAt: ", values.size(),
             " indices; a batch holds at most ", kMaxSamplesPerCall);
    std::vector<int> rows(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double index = values[i];
      WG_CHECK(index == std::floor(index) && index >= 0 && index < 2147483648.0, "Trainer.trainBatchAt: index ", index,
               " at position ", i, " is not a sample index");
      rows[i] = static_cast<int>(index);
    }
    const StepReport r = trainer_->train_on_indices(rows);
    val out = val::object();
    out.set("loss", r.loss);
    out.set("accuracy", r.accuracy);
    out.set("diverged", r.diverged);
    return out;
  });
}

JsEpochResult TrainerHandle::train_epoch() {
  return guarded([&] { return to_js(trainer_->train_epoch()); });
}

JsEvaluation TrainerHandle::evaluate(const DatasetHandle& data) const {
  return guarded([&] { return to_js(trainer_->evaluate(data.dataset())); });
}

val TrainerHandle::history() const {
  return guarded([&] { return array_to_js(trainer_->history()); });
}

void TrainerHandle::set_learning_rate(double lr) {
  guarded([&] { trainer_->set_learning_rate(static_cast<float>(lr)); });
}

double TrainerHandle::learning_rate() const {
  return guarded([&] { return static_cast<double>(trainer_->learning_rate()); });
}

int TrainerHandle::epoch() const {
  return guarded([&] { return trainer_->epoch(); });
}

bool TrainerHandle::finished() const {
  return guarded([&] { return trainer_->finished(); });
}

std::string TrainerHandle::config() const {
  return guarded([&] { return train_config_to_json(trainer_->config()); });
}

val TrainerHandle::save(const std::string& metadata_json) const {
  return guarded([&] {
    // The caller's metadata, with where training stands under "training" (restore_progress reads it).
    json::Value metadata = metadata_json.empty() ? json::Value::object() : json::parse(metadata_json);
    WG_CHECK(metadata.is_object(), "Trainer.save: metadata must be a JSON object");
    metadata.set("training", trainer_->progress_json());
    return bytes_to_js(save_model(*model_, trainer_->optimizer().state(), json::dump(metadata)));
  });
}

void TrainerHandle::restore_optimizer_state(const ModelHandle& loaded) {
  guarded([&] {
    WG_CHECK(loaded.has_optimizer_state(), "Trainer.restoreOptimizerState: that model file holds no optimizer state");
    trainer_->optimizer().load_state(loaded.optimizer_state());
  });
}

void TrainerHandle::restore_progress(const ModelHandle& loaded) {
  guarded([&] {
    const json::Value metadata = loaded.metadata().empty() ? json::Value::object() : json::parse(loaded.metadata());
    const json::Value* progress = metadata.is_object() ? metadata.find("training") : nullptr;
    WG_CHECK(progress, "Trainer.restoreProgress: that model file holds no training progress (saved by Model.save, "
                       "not Trainer.save)");
    trainer_->restore_progress(*progress);
  });
}

}  // namespace wg::api
