// Batching: each sample once per epoch, partial last batch, drop_last, seeded shuffles,
// buffer reuse, augmentation through the loader, regression targets.
#include "data/batching.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"

namespace wg {
namespace {

// n samples of 3 features, sample i = (i, i + 0.5, -i), label i % 4.
Dataset numbered(int n) {
  Dataset d;
  d.name = "numbered";
  std::vector<float> values;
  for (int i = 0; i < n; ++i) {
    values.insert(values.end(), {float(i), i + 0.5f, float(-i)});
    d.labels.push_back(i % 4);
  }
  d.inputs = Tensor::from({n, 3}, values);
  d.num_classes = 4;
  return d;
}

BatchOptions options(int batch_size, std::uint64_t seed, bool shuffle = true, bool drop_last = false) {
  BatchOptions o;
  o.batch_size = batch_size;
  o.seed = seed;
  o.shuffle = shuffle;
  o.drop_last = drop_last;
  return o;
}

// Every batch of one epoch.
std::vector<Batch> drain(BatchLoader& loader) {
  std::vector<Batch> batches;
  Batch batch;
  while (loader.next(batch)) {
    Batch copy = batch;
    copy.inputs = batch.inputs.clone();  // the loader reuses its buffers
    if (batch.targets.defined()) copy.targets = batch.targets.clone();
    batches.push_back(copy);
  }
  return batches;
}

TEST(Batching, EachSampleOncePerEpochWithPartialLastBatch) {
  BatchLoader loader(numbered(10), options(4, 3));
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  const std::vector<Batch> batches = drain(loader);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].inputs.shape(), (Shape{4, 3}));
  EXPECT_EQ(batches[2].inputs.shape(), (Shape{2, 3}));  // right-sized partial batch
  std::vector<int> seen;
  for (const Batch& b : batches)
    for (int r = 0; r < b.size(); ++r) {
      const int id = static_cast<int>(b.inputs[3 * r]);
      EXPECT_EQ(id, b.indices[r]);
      EXPECT_EQ(b.inputs[3 * r + 2], -float(id));
      EXPECT_EQ(b.labels[r], id % 4);
      seen.push_back(id);
    }
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(seen[i], i);
  Batch extra;
  EXPECT_FALSE(loader.next(extra));
}

TEST(Batching, DropLastAndNoShuffle) {
  BatchLoader loader(numbered(10), options(4, 0, false, true));
  EXPECT_EQ(loader.batches_per_epoch(), 2);
  const std::vector<Batch> batches = drain(loader);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].indices, (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(num_batches(8, 4, false), 2);
  EXPECT_EQ(num_batches(3, 4, true), 0);
  EXPECT_THROW(num_batches(3, 0, false), Error);
}

TEST(Batching, ShuffleDiffersAcrossEpochsAndReproducesWithSeed) {
  BatchLoader a(numbered(50), options(8, 7));
  BatchLoader b(numbered(50), options(8, 7));
  BatchLoader c(numbered(50), options(8, 8));
  const std::vector<int> epoch0 = a.order();
  EXPECT_EQ(b.order(), epoch0);
  EXPECT_NE(c.order(), epoch0);
  a.start_epoch(1);
  EXPECT_NE(a.order(), epoch0);
  EXPECT_EQ(a.order(), epoch_order(50, true, 7, 1));  // epochs replay without their predecessors
  a.start_epoch(0);
  EXPECT_EQ(a.order(), epoch0);
}

TEST(Batching, SteadyStateAllocatesNothing) {
  BatchLoader loader(numbered(1000), options(64, 1));
  Batch batch;
  for (int epoch = 0; epoch < 2; ++epoch) {  // warm up: full and partial buffers, label capacity
    loader.start_epoch(epoch);
    while (loader.next(batch)) {}
  }
  const auto before = buffer_pool_stats().system_allocations;
  const float* full_buffer = nullptr;
  for (int epoch = 2; epoch < 4; ++epoch) {
    loader.start_epoch(epoch);
    while (loader.next(batch)) {
      if (batch.size() == 64) {
        if (full_buffer) {
          EXPECT_EQ(batch.inputs.data(), full_buffer);
        }
        full_buffer = batch.inputs.data();
      }
    }
  }
  EXPECT_EQ(buffer_pool_stats().system_allocations, before);
}

TEST(Batching, RegressionTargetsFollowTheirInputs) {
  Dataset d;
  d.name = "curve";
  d.inputs = Tensor::from({5, 1}, {0, 1, 2, 3, 4});
  d.targets = Tensor::from({5, 2}, {0, 0, 10, 100, 20, 200, 30, 300, 40, 400});
  BatchLoader loader(d, options(2, 5));
  int rows = 0;
  for (const Batch& b : drain(loader)) {
    EXPECT_TRUE(b.labels.empty());
    EXPECT_EQ(b.targets.shape(), (Shape{b.size(), 2}));
    for (int r = 0; r < b.size(); ++r, ++rows) {
      EXPECT_EQ(b.targets[2 * r], 10 * b.inputs[r]);
      EXPECT_EQ(b.targets[2 * r + 1], 100 * b.inputs[r]);
    }
  }
  EXPECT_EQ(rows, 5);
}

TEST(Batching, AugmentationMatchesAugmentImagesAndIgnoresThreads) {
  Dataset images;
  images.name = "images";
  images.inputs = Tensor::empty({12, 1, 6, 6});
  for (std::int64_t i = 0; i < images.inputs.size(); ++i) images.inputs[i] = float(i % 37) / 37.0f;
  images.labels.assign(12, 0);
  images.num_classes = 1;
  BatchOptions augmented = options(5, 9);
  augmented.augment = {.max_shift = 1, .max_rotation_degrees = 10, .noise_std = 0.1f};
  const Tensor expected = augment_images(images.inputs, augmented.augment, 9, /*epoch=*/2);
  const int threads_before = num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(std::min(threads, max_threads()));
    BatchLoader loader(images, augmented);
    loader.start_epoch(2);
    for (const Batch& b : drain(loader))
      for (int r = 0; r < b.size(); ++r)
        for (int p = 0; p < 36; ++p) ASSERT_EQ(b.inputs[r * 36 + p], expected[b.indices[r] * 36 + p]);
  }
  set_num_threads(threads_before);
}

// gather_rows copies exactly the named rows, in order, whoever copies which (1, 2 and 4 threads;
// rows of 5,000 floats, so a batch of 12 is split into chunks), and names a bad index.
TEST(Batching, GatherRowsCopiesTheNamedRowsOnAnyThreadCount) {
  const int n = 20, sample = 5000;
  Tensor source = Tensor::empty({n, 2, 2500});
  for (std::int64_t i = 0; i < source.size(); ++i) source[i] = float(i % 9973) * 0.25f - float(i / 9973);
  const std::vector<int> indices = {19, 0, 7, 7, 3, 12, 18, 1, 5, 11, 2, 16};
  const int threads_before = num_threads();
  for (int threads : {1, 2, 4}) {
    set_num_threads(std::min(threads, max_threads()));
    Tensor destination = Tensor::full({14, 2, 2500}, -1.0f);
    gather_rows(source, indices, destination);
    for (std::size_t r = 0; r < indices.size(); ++r)
      for (int p = 0; p < sample; ++p) ASSERT_EQ(destination[r * sample + p], source[indices[r] * sample + p]) << r;
    for (std::int64_t i = std::int64_t(indices.size()) * sample; i < destination.size(); ++i) ASSERT_EQ(destination[i], -1.0f);
  }
  set_num_threads(threads_before);
  Tensor destination = Tensor::empty({12, 2, 2500});
  EXPECT_THROW(gather_rows(source, {0, 20}, destination), Error);
  EXPECT_THROW(gather_rows(source, {-1}, destination), Error);
  Tensor narrow = Tensor::empty({12, 2, 2499});
  EXPECT_THROW(gather_rows(source, {0}, narrow), Error);
  Tensor short_one = Tensor::empty({1, 2, 2500});
  EXPECT_THROW(gather_rows(source, {0, 1}, short_one), Error);
}

TEST(Batching, RejectsBadSetup) {
  EXPECT_THROW(BatchLoader(numbered(4), options(0, 1)), Error);
  BatchOptions augmented;
  augmented.augment.max_shift = 1;
  EXPECT_THROW(BatchLoader(numbered(4), augmented), Error);  // features, not images
  Dataset broken = numbered(4);
  broken.labels.pop_back();
  EXPECT_THROW(BatchLoader(broken, {}), Error);
}

}  // namespace
}  // namespace wg
