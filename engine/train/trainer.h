// The training loop, entirely inside the engine: one call runs a step, a chunk of
// batches (so a UI can report progress between chunks) or a whole epoch, with no
// per-sample round trips to JavaScript.
//
// Divergence guard: a step whose loss or gradient norm is NaN/Inf is not applied; the
// trainer stops with `diverged` set and the weights stay the last good ones.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/batching.h"
#include "data/dataset.h"
#include "losses/losses.h"
#include "nn/model.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"
#include "train/batch_split.h"

namespace wg {

struct TrainConfig {
  OptimizerConfig optimizer;
  ScheduleConfig schedule;         // learning rate per epoch, from optimizer.learning_rate
  std::string loss = "cross_entropy";
  int batch_size = 64;
  int epochs = 10;
  std::uint64_t seed = 1;          // shuffling, dropout, augmentation
  AugmentConfig augment;
  float l1 = 0.0f;                 // penalties added to the loss (weights only, not biases)
  float l2 = 0.0f;
  int early_stopping_patience = 0; // epochs without validation-loss improvement; 0 = off
  std::map<std::string, float> layer_lr_multipliers;  // layer name ("conv1") -> multiplier
};

// Validates every field; errors name the field.
void validate(const TrainConfig& config);

struct EvalResult {
  float loss = 0.0f;
  float accuracy = 0.0f;           // classification only
  int samples = 0;
  int classes = 0;
  std::vector<int> confusion;      // classes x classes, row = true class
};

struct EpochResult {
  int epoch = 0;
  float train_loss = 0.0f, train_accuracy = 0.0f;
  EvalResult validation;           // samples == 0 when there is no validation set
  double seconds = 0.0;
  double samples_per_second = 0.0;
  bool stop = false;               // early stopping triggered, divergence, or last epoch reached
  std::string stop_reason;
};

struct Progress {
  int epoch = 0;                   // 1-based epoch being trained
  int batch = 0;                   // batches done in this epoch
  int batches = 0;                 // batches per epoch
  float loss = 0.0f;               // mean training loss over the batches of this epoch so far
  float accuracy = 0.0f;           // mean training accuracy so far
  // This call's own batches: what a curve plots at this point (the epoch's running mean lags).
  int step_batches = 0;
  float step_loss = 0.0f;
  float step_accuracy = 0.0f;
  float last_batch_loss = 0.0f;
  float learning_rate = 0.0f;
  float grad_norm = 0.0f;          // global gradient norm of the last step
  double samples_per_second = 0.0; // over this epoch so far
  bool epoch_done = false;
  // The epoch's result (validation included) when this call finished the epoch.
  std::optional<EpochResult> epoch_end;
  bool diverged = false;
  std::string message;             // set when diverged: what happened and what to try
};

struct StepReport {
  float loss = 0.0f;
  float accuracy = 0.0f;
  bool diverged = false;
};

// Checks that a model takes samples of `sample_shape` and has an output for each of `classes`
// classes (0: a regression set, not checked here). A mismatch is a SpecError on the layer to
// change: the model input (layer -1, field "input") or the last layer ("units").
void check_model_fits_data(const Model& model, const Shape& sample_shape, int classes);

class Trainer {
 public:
  Trainer(Model& model, TrainConfig config);
  ~Trainer();

  const TrainConfig& config() const { return config_; }
  Optimizer& optimizer() { return *optimizer_; }
  Model& model() { return model_; }

  // The data to train on; validation may be empty (size 0). Shapes must match the model.
  void set_data(Dataset train, Dataset validation);

  // Trains up to max_batches more batches of the current epoch (starting a new epoch when the
  // previous one ended) and reports progress. The call that trains an epoch's last batch also
  // finishes it: it evaluates on the validation set and returns the result in epoch_end.
  Progress step(int max_batches);
  // One optimizer step on a batch the caller provides (inputs [N, ...input shape], class
  // labels), outside the epoch bookkeeping: for custom loops and benchmarks that feed
  // their own batches. Classification only.
  StepReport train_on_batch(const Tensor& inputs, const std::vector<int>& labels);
  // The same step on the samples at `indices` of the training set given to set_data, gathered on
  // the pool's threads into a buffer the trainer reuses: for a caller that holds its data in the
  // engine and picks the batches (a benchmark feeding batches in file order), no copy of the batch
  // on the caller's thread. The same bits as train_on_batch on those samples. Classification only;
  // outside the epoch bookkeeping, as train_on_batch.
  StepReport train_on_indices(const std::vector<int>& indices);
  // Finishes the current epoch (or runs a whole new one) and evaluates on validation.
  EpochResult train_epoch();
  // Loss, accuracy and confusion matrix of the model on a dataset (no gradient). batch_size 0:
  // the training batch size, at most 256, so what fits in memory to train fits to evaluate
  // (a fixed 256 did not: vgg-mini on 3x64x64 images ran out of the 512 MB evaluating).
  EvalResult evaluate(const Dataset& data, int batch_size = 0);

  int epoch() const { return epoch_; }    // epochs completed
  bool finished() const { return finished_; }
  const std::vector<EpochResult>& history() const { return history_; }

  // Where training stands (epochs done, the position in the current epoch, per-epoch history,
  // early-stopping memory), as JSON for a checkpoint's metadata; restore_progress takes it back
  // after set_data, so a loaded model goes on counting from its epoch and batch. (With another
  // batch size the interrupted epoch starts again: its position would name other samples.)
  json::Value progress_json() const;
  void restore_progress(const json::Value& progress);
  void set_learning_rate(float lr);        // takes effect now and becomes the schedule's base
  float learning_rate() const;

 private:
  struct StepResult {
    float loss;
    int correct;
    bool finite;
  };
  // One optimizer step on a batch: its gradient (split into chunks when split_chunks says so),
  // the penalties' gradient, the divergence check, the update.
  StepResult train_step(const Batch& batch);
  // train_on_batch's and train_on_indices's step and report (divergence included).
  StepReport train_given_batch(const Batch& batch);
  // Forward, loss and backward (seeded with `share`) of a batch or a chunk of one.
  PassResult forward_backward(const Batch& batch, ForwardContext& context, float share);
  void start_epoch();
  EpochResult finish_epoch();

  Model& model_;
  TrainConfig config_;
  LossKind loss_kind_;
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<Var> penalised_;  // weights under the l1/l2 penalty
  Dataset train_, validation_;
  std::unique_ptr<BatchLoader> loader_;
  Batch batch_data_;             // the loader's reused buffers
  Batch indexed_batch_;          // train_on_indices's reused buffers
  Rng rng_;                      // dropout
  std::unique_ptr<BatchSplit> split_;  // made on the first split step
  int epoch_ = 0;               // completed epochs
  int batch_ = 0;               // batches done in the current epoch (0 = not started)
  bool in_epoch_ = false;
  bool finished_ = false;
  double loss_sum_ = 0.0;
  std::int64_t correct_ = 0, seen_ = 0;
  double epoch_seconds_ = 0.0;
  float base_lr_ = 0.0f;
  float best_validation_loss_ = 0.0f;
  int epochs_without_improvement_ = 0;
  bool diverged_ = false;
  std::string diverged_message_;
  std::vector<EpochResult> history_;
};

}  // namespace wg
