// Epoch ordering and the BatchLoader's gather into reusable buffers.
#include "data/batching.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"

namespace wg {

std::vector<int> epoch_order(int n, bool shuffle, std::uint64_t seed, int epoch) {
  WG_CHECK(n >= 0, "epoch_order: n = ", n, " is negative");
  WG_CHECK(epoch >= 0, "epoch_order: epoch ", epoch, " is negative");
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  if (shuffle) {
    // Index ~0 never names a sample, so the order's stream differs from every sample's.
    Rng rng(sample_seed(seed, static_cast<std::uint64_t>(epoch), ~std::uint64_t{0}));
    rng.shuffle(order);
  }
  return order;
}

int num_batches(int n, int batch_size, bool drop_last) {
  WG_CHECK(batch_size >= 1, "batching: batch_size ", batch_size, " must be at least 1");
  return drop_last ? n / batch_size : (n + batch_size - 1) / batch_size;
}

void gather_rows(const Tensor& source, const std::vector<int>& indices, Tensor& destination) {
  const std::int64_t rows = static_cast<std::int64_t>(indices.size());
  WG_CHECK(source.rank() >= 1 && destination.rank() == source.rank() && destination.dim(0) >= rows &&
               std::equal(source.shape().begin() + 1, source.shape().end(), destination.shape().begin() + 1),
           "gather_rows: ", rows, " rows of ", shape_str(source.shape()), " do not fit ", shape_str(destination.shape()));
  const std::int64_t n = source.dim(0);
  for (std::int64_t r = 0; r < rows; ++r)
    WG_CHECK(indices[r] >= 0 && indices[r] < n, "gather_rows: index ", indices[r], " at position ", r,
             " is outside the ", n, " samples");
  const std::int64_t sample = n > 0 ? source.size() / n : 0;
  const float* from = source.data();
  float* to = destination.data();
  // Chunks of at least 16 K floats: below that a hand-off costs more than the copy it shares.
  const std::int64_t min_rows = std::max<std::int64_t>(1, (std::int64_t{1} << 14) / std::max<std::int64_t>(sample, 1));
  parallel_for(0, rows, min_rows, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t r = lo; r < hi; ++r) std::memcpy(to + r * sample, from + indices[r] * sample, sizeof(float) * sample);
  });
}

BatchLoader::BatchLoader(const Dataset& data, BatchOptions options) : data_(data), options_(options) {
  data_.validate();
  WG_CHECK(options_.batch_size >= 1, "BatchLoader '", data_.name, "': batch_size ", options_.batch_size,
           " must be at least 1");
  options_.augment.validate();
  WG_CHECK(!options_.augment.enabled() || data_.inputs.rank() == 4, "BatchLoader '", data_.name,
           "': augmentation needs image inputs [N, C, H, W], got ", shape_str(data_.inputs.shape()));
  start_epoch(0);
}

void BatchLoader::start_epoch(int epoch) {
  epoch_ = epoch;
  position_ = 0;
  batch_index_ = 0;
  order_ = epoch_order(data_.size(), options_.shuffle, options_.seed, epoch);
}

BatchLoader::Buffers& BatchLoader::buffers_for(int rows) {
  Buffers& buffers = rows == options_.batch_size ? full_ : partial_;
  if (!buffers.inputs.defined() || buffers.inputs.dim(0) != rows) {
    Shape shape = data_.inputs.shape();
    shape[0] = rows;
    buffers.inputs = Tensor::empty(shape);
    if (data_.targets.defined()) buffers.targets = Tensor::empty({rows, data_.targets.dim(1)});
  }
  return buffers;
}

bool BatchLoader::next(Batch& batch) {
  const int n = data_.size();
  const int rows = std::min(options_.batch_size, n - position_);
  if (rows <= 0 || (options_.drop_last && rows < options_.batch_size)) return false;

  Buffers& buffers = buffers_for(rows);
  batch.indices.assign(order_.begin() + position_, order_.begin() + position_ + rows);
  position_ += rows;
  ++batch_index_;

  batch.labels.clear();
  if (!data_.labels.empty())
    for (int index : batch.indices) batch.labels.push_back(data_.labels[index]);

  const std::int64_t sample = data_.inputs.size() / n;
  const float* source = data_.inputs.data();
  float* destination = buffers.inputs.data();
  if (options_.augment.enabled()) {
    // Each row is independent and its random stream depends only on (seed, epoch, index):
    // splitting rows over threads cannot change the result.
    parallel_for(0, rows, 2, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t r = lo; r < hi; ++r) {
        const int index = batch.indices[r];
        Rng rng(sample_seed(options_.seed, static_cast<std::uint64_t>(epoch_), static_cast<std::uint64_t>(index)));
        augment_image(destination + r * sample, source + index * sample, data_.inputs.dim(1), data_.inputs.dim(2),
                      data_.inputs.dim(3), options_.augment, rng);
      }
    });
  } else {
    gather_rows(data_.inputs, batch.indices, buffers.inputs);
  }
  batch.inputs = buffers.inputs;

  if (data_.targets.defined()) {
    const int width = data_.targets.dim(1);
    for (int r = 0; r < rows; ++r)
      std::memcpy(buffers.targets.data() + static_cast<std::int64_t>(r) * width,
                  data_.targets.data() + static_cast<std::int64_t>(batch.indices[r]) * width, sizeof(float) * width);
    batch.targets = buffers.targets;
  } else {
    batch.targets = Tensor();
  }
  return true;
}

}  // namespace wg
