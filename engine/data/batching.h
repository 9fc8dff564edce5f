// Epoch order and mini-batches. A BatchLoader walks a Dataset in a seeded order per epoch,
// gathers each mini-batch (optionally augmented) into tensors it owns and reuses, so a
// training loop in steady state allocates nothing here.
//
// Determinism: the order of epoch e is a shuffle by Rng(sample_seed(seed, e, ~0)); sample i's
// augmentation uses Rng(sample_seed(seed, e, i)). Neither depends on the batch size of other
// batches or on the thread count, and epoch e can be replayed without replaying 0..e-1.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "data/augment.h"
#include "data/dataset.h"

namespace wg {

// The sample indices of one epoch: 0..n-1, shuffled when `shuffle` is set.
std::vector<int> epoch_order(int n, bool shuffle, std::uint64_t seed, int epoch);
// Batches per epoch: ceil(n / batch_size), or floor when drop_last.
int num_batches(int n, int batch_size, bool drop_last);

// Rows `indices` of `source` ([N, ...]) into rows 0.. of `destination` ([>= indices.size(), ...],
// the same sample shape), on the pool's threads: a batch of digits is 200 KB, which one core copies
// in a tenth of a millisecond while the other waits (a tenth of the MLP's 2-thread step). Every row
// is a plain copy, so the bits do not depend on who copies it. Indices must be in [0, N).
void gather_rows(const Tensor& source, const std::vector<int>& indices, Tensor& destination);

struct BatchOptions {
  int batch_size = 32;
  bool shuffle = true;
  bool drop_last = false;  // skip the last batch when it is smaller than batch_size
  std::uint64_t seed = 0;
  AugmentConfig augment;   // only for image inputs [N, C, H, W]
};

struct Batch {
  Tensor inputs;             // [B, ...sample shape]
  std::vector<int> labels;   // B labels (classification), empty for regression
  Tensor targets;            // [B, T] (regression), undefined for classification
  std::vector<int> indices;  // dataset index of each row
  int size() const { return static_cast<int>(indices.size()); }
};

class BatchLoader {
 public:
  // Keeps a (cheap, storage-sharing) copy of the dataset. Throws wg::Error for an invalid
  // dataset, batch_size < 1, augmentation of non-image inputs or a bad AugmentConfig.
  BatchLoader(const Dataset& data, BatchOptions options);

  // Begins epoch `epoch` (computes its order); the constructor begins epoch 0.
  void start_epoch(int epoch);
  // Fills `batch` with the next mini-batch of the current epoch; false when the epoch is done.
  // batch.inputs/targets are the loader's buffers: valid until the next call to next(), which
  // overwrites them. Full batches share one buffer set; the partial last batch has its own,
  // right-sized set (also reused from epoch to epoch). batch.labels/indices reuse their capacity.
  bool next(Batch& batch);

  int epoch() const { return epoch_; }
  int batches_per_epoch() const { return num_batches(data_.size(), options_.batch_size, options_.drop_last); }
  int batch_index() const { return batch_index_; }  // batches already returned this epoch
  const std::vector<int>& order() const { return order_; }
  const Dataset& dataset() const { return data_; }
  const BatchOptions& options() const { return options_; }

 private:
  struct Buffers {
    Tensor inputs, targets;
  };
  Buffers& buffers_for(int rows);

  Dataset data_;
  BatchOptions options_;
  int epoch_ = 0;
  int position_ = 0;  // next index into order_
  int batch_index_ = 0;
  std::vector<int> order_;
  Buffers full_, partial_;
};

}  // namespace wg
