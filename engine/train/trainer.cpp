#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "ops/ops.h"

namespace wg {

namespace {

double now_seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void validate(const TrainConfig& c) {
  WG_CHECK(c.batch_size >= 1 && c.batch_size <= 65536, "training: batch_size must be in [1, 65536], got ",
           c.batch_size);
  WG_CHECK(c.epochs >= 1 && c.epochs <= 100000, "training: epochs must be in [1, 100000], got ", c.epochs);
  WG_CHECK(std::isfinite(c.l1) && c.l1 >= 0, "training: l1 must be a finite number >= 0, got ", c.l1);
  WG_CHECK(std::isfinite(c.l2) && c.l2 >= 0, "training: l2 must be a finite number >= 0, got ", c.l2);
  WG_CHECK(c.early_stopping_patience >= 0, "training: early_stopping_patience must be >= 0, got ",
           c.early_stopping_patience);
  for (const auto& [layer, m] : c.layer_lr_multipliers)
    WG_CHECK(std::isfinite(m) && m >= 0, "training: learning-rate multiplier of layer '", layer,
             "' must be a finite number >= 0, got ", m);
  parse_loss_kind(c.loss);
}

Trainer::Trainer(Model& model, TrainConfig config)
    : model_(model), config_(std::move(config)), rng_(config_.seed) {
  validate(config_);
  loss_kind_ = parse_loss_kind(config_.loss);
  std::vector<ParameterRef> refs;
  for (const NamedParameter& p : model_.parameters()) {
    ParameterRef ref;
    ref.name = p.name;
    ref.var = p.var;
    const std::string layer = p.name.substr(0, p.name.find('.'));
    auto it = config_.layer_lr_multipliers.find(layer);
    if (it != config_.layer_lr_multipliers.end()) ref.lr_multiplier = it->second;
    ref.weight_decay = ends_with(p.name, ".weight");  // biases and norm shifts do not decay
    if (ref.weight_decay) penalised_.push_back(p.var);
    refs.push_back(std::move(ref));
  }
  for (const auto& [layer, m] : config_.layer_lr_multipliers) {
    bool known = false;
    for (const ParameterRef& r : refs) known = known || r.name.rfind(layer + ".", 0) == 0;
    WG_CHECK(known, "training: learning-rate multiplier names layer '", layer, "', which has no parameters");
  }
  optimizer_ = make_optimizer(config_.optimizer, std::move(refs));
  base_lr_ = config_.optimizer.learning_rate;
}

Trainer::~Trainer() = default;

void check_model_fits_data(const Model& model, const Shape& sample_shape, int classes) {
  if (sample_shape != model.input_shape()) {
    const std::string problem = "the model takes samples of shape " + shape_str(model.input_shape()) +
                                " but the data's are " + shape_str(sample_shape);
    throw SpecError("training: " + problem, -1, "", "input", problem);
  }
  if (classes <= 0) return;
  const int outputs = static_cast<int>(shape_numel(model.output_shape()));
  if (outputs >= classes || (outputs == 1 && classes == 2)) return;
  const int last = static_cast<int>(model.layers().size()) - 1;
  const std::string type = model.layers().back()->type();
  const std::string problem = "gives " + std::to_string(outputs) + " output" + (outputs == 1 ? "" : "s") +
                              " but the data have " + std::to_string(classes) + " classes: it needs " +
                              std::to_string(classes) + (type == "linear" ? " units" : " outputs");
  throw SpecError("training: the model has " + std::to_string(outputs) + " outputs but the data have " +
                      std::to_string(classes) + " classes (layer " + std::to_string(last) + ", " + type + ")",
                  last, type, type == "linear" ? "units" : "", problem);
}

void Trainer::set_data(Dataset train, Dataset validation) {
  train.validate();
  WG_CHECK(train.size() > 0, "training: the training set is empty");
  const Shape expected = model_.input_shape();
  WG_CHECK(train.sample_shape() == expected, "training: samples of '", train.name, "' have shape ",
           shape_str(train.sample_shape()), " but the model expects ", shape_str(expected));
  const bool classification = train.is_classification();
  if (classification) {
    check_model_fits_data(model_, train.sample_shape(), train.num_classes);
  } else {
    WG_CHECK(loss_kind_ == LossKind::mse || loss_kind_ == LossKind::bce, "training: '", train.name,
             "' is a regression set; use loss \"mse\" (or \"bce\"), not \"", config_.loss, "\"");
    WG_CHECK(train.targets.size() / train.size() == shape_numel(model_.output_shape()), "training: targets of '",
             train.name, "' have ", train.targets.size() / train.size(), " values per sample, the model outputs ",
             shape_numel(model_.output_shape()));
  }
  if (validation.size() > 0) {
    validation.validate();
    WG_CHECK(validation.sample_shape() == expected, "training: validation samples have shape ",
             shape_str(validation.sample_shape()), " but the model expects ", shape_str(expected));
    WG_CHECK(validation.is_classification() == classification,
             "training: training and validation sets must both be classification or both regression");
  }
  train_ = std::move(train);
  validation_ = std::move(validation);
  BatchOptions options;
  options.batch_size = config_.batch_size;
  options.shuffle = true;
  options.seed = config_.seed;
  options.augment = config_.augment;
  loader_ = std::make_unique<BatchLoader>(train_, options);
  in_epoch_ = false;
  batch_ = 0;
}

void Trainer::set_learning_rate(float lr) {
  WG_CHECK(std::isfinite(lr) && lr >= 0, "training: learning rate must be a finite number >= 0, got ", lr);
  base_lr_ = lr;
  optimizer_->set_learning_rate(scheduled_learning_rate(config_.schedule, base_lr_, epoch_));
}

float Trainer::learning_rate() const { return optimizer_->learning_rate(); }

void Trainer::start_epoch() {
  WG_CHECK(loader_ != nullptr, "training: no data; call set_data first");
  loader_->start_epoch(epoch_);
  optimizer_->set_learning_rate(scheduled_learning_rate(config_.schedule, base_lr_, epoch_));
  in_epoch_ = true;
  batch_ = 0;
  loss_sum_ = 0.0;
  correct_ = 0;
  seen_ = 0;
  epoch_seconds_ = 0.0;
}

PassResult Trainer::forward_backward(const Batch& batch, ForwardContext& context, float share) {
  const int n = batch.inputs.dim(0);
  const bool classification = !batch.targets.defined();
  Var outputs = model_.forward(Var(batch.inputs), context);
  Var loss;
  if (classification) {
    loss = classification_loss(loss_kind_, reshape(outputs, {n, -1}), batch.labels);
  } else {
    Var targets(batch.targets.reshaped(outputs.shape()));
    loss = loss_kind_ == LossKind::bce ? bce_with_logits(outputs, targets) : mse_loss(outputs, targets);
  }
  backward(loss, Tensor::full(loss.shape(), share));
  PassResult result;
  result.loss = loss.item();
  if (classification) {
    const Tensor& out = outputs.value();
    const int classes = static_cast<int>(out.size() / n);
    for (int i = 0; i < n; ++i) result.correct += predicted_class(out.data() + i * classes, classes) == batch.labels[i];
  }
  return result;
}

Trainer::StepResult Trainer::train_step(const Batch& batch) {
  optimizer_->zero_grad();
  PassResult pass;
  if (const int chunks = split_chunks(model_, batch.inputs.dim(0)); chunks > 1) {
    if (!split_) split_ = std::make_unique<BatchSplit>(model_);
    pass = split_->run(batch, chunks, rng_, [this](const Batch& chunk, ForwardContext& context, float share) {
      return forward_backward(chunk, context, share);
    });
  } else {
    ForwardContext context;
    context.training = true;
    context.rng = &rng_;
    pass = forward_backward(batch, context, 1.0f);
  }
  double penalty = 0.0;
  if (!penalised_.empty() && (config_.l2 > 0 || config_.l1 > 0)) {
    Var total = config_.l2 > 0 ? l2_penalty(penalised_, config_.l2) : Var();
    if (config_.l1 > 0) {
      const Var l1 = l1_penalty(penalised_, config_.l1);
      total = total.defined() ? add(total, l1) : l1;
    }
    penalty = total.item();
    backward(total);
  }
  // The norm is also what the optimizer clips by; it measures it once for both.
  const double grad_norm = optimizer_->measure_grad_norm();
  const bool finite = std::isfinite(pass.loss + penalty) && std::isfinite(grad_norm);
  if (finite) optimizer_->step();
  return {static_cast<float>(pass.loss), pass.correct, finite};
}

StepReport Trainer::train_on_batch(const Tensor& inputs, const std::vector<int>& labels) {
  Shape expected = model_.input_shape();
  WG_CHECK(inputs.rank() == static_cast<int>(expected.size()) + 1 &&
               Shape(inputs.shape().begin() + 1, inputs.shape().end()) == expected,
           "train_on_batch: inputs have shape ", shape_str(inputs.shape()), ", the model expects [N, ",
           shape_str(expected).substr(1));
  WG_CHECK(static_cast<int>(labels.size()) == inputs.dim(0), "train_on_batch: ", labels.size(), " labels for ",
           inputs.dim(0), " samples");
  WG_CHECK(!diverged_, diverged_message_);
  Batch batch;
  batch.inputs = inputs;
  batch.labels = labels;
  return train_given_batch(batch);
}

StepReport Trainer::train_on_indices(const std::vector<int>& indices) {
  WG_CHECK(loader_ != nullptr, "train_on_indices: no data; call set_data first");
  WG_CHECK(train_.is_classification(), "train_on_indices: the training set '", train_.name,
           "' is a regression set; train_on_indices trains classification only");
  WG_CHECK(!indices.empty() && indices.size() <= 65536, "train_on_indices: ", indices.size(),
           " indices; a batch holds 1 to 65536 samples");
  WG_CHECK(!diverged_, diverged_message_);
  const int n = train_.size(), count = static_cast<int>(indices.size());
  for (int i = 0; i < count; ++i)
    WG_CHECK(indices[i] >= 0 && indices[i] < n, "train_on_indices: index ", indices[i], " at position ", i,
             " is outside the training set's ", n, " samples");
  Batch& batch = indexed_batch_;
  if (!batch.inputs.defined() || batch.inputs.dim(0) != count) {
    Shape shape = train_.inputs.shape();
    shape[0] = count;
    batch.inputs = Tensor::empty(shape);
  }
  gather_rows(train_.inputs, indices, batch.inputs);
  batch.indices = indices;
  batch.labels.resize(count);
  for (int i = 0; i < count; ++i) batch.labels[i] = train_.labels[indices[i]];
  return train_given_batch(batch);
}

StepReport Trainer::train_given_batch(const Batch& batch) {
  const StepResult step = train_step(batch);
  if (!step.finite) {
    diverged_ = true;
    diverged_message_ = "training diverged: the loss or a gradient became NaN/Inf. The weights are the last good "
                        "ones (that step was not applied). Try a smaller learning rate or gradient clipping.";
  }
  return {step.loss, static_cast<float>(step.correct) / batch.inputs.dim(0), !step.finite};
}

Progress Trainer::step(int max_batches) {
  WG_CHECK(max_batches >= 1, "training: step needs at least 1 batch, got ", max_batches);
  Progress progress;
  if (diverged_) {
    progress.diverged = true;
    progress.message = diverged_message_;
    return progress;
  }
  if (!in_epoch_) start_epoch();
  const int batches = loader_->batches_per_epoch();
  const double started = now_seconds();
  StepResult last{0.0f, 0, true};
  double step_loss_sum = 0.0;
  std::int64_t step_correct = 0, step_seen = 0;
  int done = 0;
  for (; done < max_batches && batch_ < batches; ++done) {
    WG_CHECK(loader_->next(batch_data_), "training: internal error, the batch loader ended early");
    const int count = batch_data_.size();
    last = train_step(batch_data_);
    if (!last.finite) {
      diverged_ = true;
      diverged_message_ = "training diverged at epoch " + std::to_string(epoch_ + 1) + ", batch " +
                          std::to_string(batch_ + 1) +
                          ": the loss or a gradient became NaN/Inf. The weights are the last good ones "
                          "(that step was not applied). Try a smaller learning rate (now " +
                          std::to_string(optimizer_->learning_rate()) + ") or gradient clipping.";
      break;
    }
    loss_sum_ += static_cast<double>(last.loss) * count;
    correct_ += last.correct;
    seen_ += count;
    step_loss_sum += static_cast<double>(last.loss) * count;
    step_correct += last.correct;
    step_seen += count;
    ++batch_;
  }
  epoch_seconds_ += now_seconds() - started;
  progress.epoch = epoch_ + 1;
  progress.batch = batch_;
  progress.batches = batches;
  progress.loss = seen_ ? static_cast<float>(loss_sum_ / seen_) : 0.0f;
  progress.accuracy = seen_ ? static_cast<float>(correct_) / seen_ : 0.0f;
  progress.step_batches = static_cast<int>(step_seen > 0 ? done : 0);
  progress.step_loss = step_seen ? static_cast<float>(step_loss_sum / step_seen) : 0.0f;
  progress.step_accuracy = step_seen ? static_cast<float>(step_correct) / step_seen : 0.0f;
  progress.last_batch_loss = last.loss;
  progress.learning_rate = optimizer_->learning_rate();
  progress.grad_norm = optimizer_->last_grad_norm();
  progress.samples_per_second = epoch_seconds_ > 0 ? seen_ / epoch_seconds_ : 0.0;
  progress.epoch_done = batch_ >= batches;
  progress.diverged = diverged_;
  progress.message = diverged_message_;
  if (progress.epoch_done && !diverged_) progress.epoch_end = finish_epoch();
  return progress;
}

EpochResult Trainer::finish_epoch() {
  EpochResult result;
  result.epoch = epoch_ + 1;
  result.train_loss = seen_ ? static_cast<float>(loss_sum_ / seen_) : 0.0f;
  result.train_accuracy = seen_ ? static_cast<float>(correct_) / seen_ : 0.0f;
  result.seconds = epoch_seconds_;
  result.samples_per_second = epoch_seconds_ > 0 ? seen_ / epoch_seconds_ : 0.0;
  in_epoch_ = false;
  ++epoch_;
  if (validation_.size() > 0) result.validation = evaluate(validation_);
  if (config_.early_stopping_patience > 0 && validation_.size() > 0) {
    if (epoch_ == 1 || result.validation.loss < best_validation_loss_) {
      best_validation_loss_ = result.validation.loss;
      epochs_without_improvement_ = 0;
    } else if (++epochs_without_improvement_ >= config_.early_stopping_patience) {
      result.stop = true;
      result.stop_reason = "early stopping: validation loss has not improved for " +
                           std::to_string(epochs_without_improvement_) + " epochs";
    }
  }
  if (!result.stop && epoch_ >= config_.epochs) {
    result.stop = true;
    result.stop_reason = "finished " + std::to_string(config_.epochs) + (config_.epochs == 1 ? " epoch" : " epochs");
  }
  finished_ = result.stop;
  history_.push_back(result);
  return result;
}

EpochResult Trainer::train_epoch() {
  for (;;) {
    Progress p = step(1 << 30);
    if (p.diverged) {
      EpochResult result;
      result.epoch = epoch_ + 1;
      result.stop = true;
      result.stop_reason = p.message;
      finished_ = true;
      return result;
    }
    if (p.epoch_end) return *p.epoch_end;
  }
}

json::Value Trainer::progress_json() const {
  json::Value history = json::Value::array();
  for (const EpochResult& e : history_) {
    json::Value item = json::Value::object({{"epoch", e.epoch}, {"trainLoss", static_cast<double>(e.train_loss)},
                                            {"trainAccuracy", static_cast<double>(e.train_accuracy)},
                                            {"seconds", e.seconds}});
    if (e.validation.samples > 0) {
      item.set("validationLoss", static_cast<double>(e.validation.loss));
      item.set("validationAccuracy", static_cast<double>(e.validation.accuracy));
    }
    history.push_back(std::move(item));
  }
  return json::Value::object({
      {"epochsDone", epoch_},
      {"batch", in_epoch_ ? batch_ : 0},
      {"batches", loader_ ? loader_->batches_per_epoch() : 0},
      {"lossSum", in_epoch_ ? loss_sum_ : 0.0},
      {"correct", static_cast<double>(in_epoch_ ? correct_ : 0)},
      {"seen", static_cast<double>(in_epoch_ ? seen_ : 0)},
      {"seconds", in_epoch_ ? epoch_seconds_ : 0.0},
      {"bestValidationLoss", static_cast<double>(best_validation_loss_)},
      {"epochsWithoutImprovement", epochs_without_improvement_},
      {"history", std::move(history)},
  });
}

void Trainer::restore_progress(const json::Value& p) {
  WG_CHECK(loader_ != nullptr, "training: restore_progress needs the data first; call set_data");
  WG_CHECK(p.is_object(), "training progress: expected an object");
  const auto integer = [&](const char* key, double max) {
    const json::Value* v = p.find(key);
    WG_CHECK(v && v->is_number() && v->as_number() >= 0 && v->as_number() <= max &&
                 v->as_number() == std::floor(v->as_number()),
             "training progress: \"", key, "\" must be an integer in [0, ", max, "]");
    return v->as_number();
  };
  const auto number = [&](const char* key) {
    const json::Value* v = p.find(key);
    WG_CHECK(v && v->is_number() && std::isfinite(v->as_number()), "training progress: \"", key,
             "\" must be a finite number");
    return v->as_number();
  };
  const int epochs_done = static_cast<int>(integer("epochsDone", 1e6));
  // Saved with another batch size (so other batches per epoch), the position inside the epoch no
  // longer names the same samples: the interrupted epoch then starts again.
  const json::Value* saved_batches = p.find("batches");
  const bool same_batches = saved_batches && saved_batches->is_number() &&
                            saved_batches->as_number() == loader_->batches_per_epoch();
  const int batch = same_batches ? static_cast<int>(integer("batch", loader_->batches_per_epoch() - 1)) : 0;
  std::vector<EpochResult> history;
  if (const json::Value* list = p.find("history"); list && list->is_array()) {
    for (const json::Value& item : list->as_array()) {
      WG_CHECK(item.is_object(), "training progress: history entries must be objects");
      EpochResult e;
      const auto field = [&](const char* key) {
        const json::Value* v = item.find(key);
        return v && v->is_number() ? v->as_number() : std::nan("");
      };
      e.epoch = static_cast<int>(field("epoch"));
      e.train_loss = static_cast<float>(field("trainLoss"));
      e.train_accuracy = static_cast<float>(field("trainAccuracy"));
      e.seconds = field("seconds");
      if (std::isfinite(field("validationLoss"))) {
        e.validation.loss = static_cast<float>(field("validationLoss"));
        e.validation.accuracy = static_cast<float>(field("validationAccuracy"));
        e.validation.samples = validation_.size();
      }
      history.push_back(std::move(e));
    }
  }
  epoch_ = epochs_done;
  history_ = std::move(history);
  best_validation_loss_ = static_cast<float>(number("bestValidationLoss"));
  epochs_without_improvement_ = static_cast<int>(integer("epochsWithoutImprovement", 1e6));
  finished_ = epoch_ >= config_.epochs;
  in_epoch_ = false;
  batch_ = 0;
  if (batch > 0 && !finished_) {
    // Mid-epoch: the same shuffled order as before (seeded by the epoch), its first batches skipped.
    start_epoch();
    for (int i = 0; i < batch; ++i) WG_CHECK(loader_->next(batch_data_), "training progress: batch beyond the epoch");
    batch_ = batch;
    loss_sum_ = number("lossSum");
    correct_ = static_cast<std::int64_t>(integer("correct", 1e15));
    seen_ = static_cast<std::int64_t>(integer("seen", 1e15));
    epoch_seconds_ = number("seconds");
  }
  optimizer_->set_learning_rate(scheduled_learning_rate(config_.schedule, base_lr_, epoch_));
}

EvalResult Trainer::evaluate(const Dataset& data, int batch_size) {
  if (batch_size == 0) batch_size = std::min(config_.batch_size, 256);
  WG_CHECK(batch_size >= 1, "evaluate: batch_size must be >= 1, got ", batch_size);
  EvalResult result;
  if (data.size() == 0) return result;
  WG_CHECK(data.sample_shape() == model_.input_shape(), "evaluate: samples of '", data.name, "' have shape ",
           shape_str(data.sample_shape()), " but the model expects ", shape_str(model_.input_shape()));
  NoGrad no_graph;
  const int n = data.size();
  result.samples = n;
  result.classes = data.num_classes;
  if (data.is_classification()) result.confusion.assign(data.num_classes * data.num_classes, 0);
  BatchOptions options;
  options.batch_size = batch_size;
  options.shuffle = false;
  BatchLoader loader(data, options);
  Batch batch;
  double loss_sum = 0.0;
  int correct = 0;
  while (loader.next(batch)) {
    const int count = batch.size();
    ForwardContext context;
    Var outputs = model_.forward(Var(batch.inputs), context);
    Var loss;
    if (data.is_classification()) {
      loss = classification_loss(loss_kind_, reshape(outputs, {count, -1}), batch.labels);
      const Tensor& out = outputs.value();
      const int classes = static_cast<int>(out.size() / count);
      for (int i = 0; i < count; ++i) {
        const int label = batch.labels[i];
        const int predicted = predicted_class(out.data() + i * classes, classes);
        correct += predicted == label;
        if (predicted < data.num_classes) result.confusion[label * data.num_classes + predicted]++;
      }
    } else {
      Var targets(batch.targets.reshaped(outputs.shape()));
      loss = loss_kind_ == LossKind::bce ? bce_with_logits(outputs, targets) : mse_loss(outputs, targets);
    }
    loss_sum += static_cast<double>(loss.item()) * count;
  }
  result.loss = static_cast<float>(loss_sum / n);
  result.accuracy = data.is_classification() ? static_cast<float>(correct) / n : 0.0f;
  return result;
}

}  // namespace wg
