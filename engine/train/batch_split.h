// A training step's batch split into chunks of samples that run on the threads at once.
//
// Sharing each op between threads costs a hand-off per op (a few microseconds natively, more
// in WASM, most in a browser), and small convolution layers have little work per op: the
// CNN's first layer filters 1 channel. So a step can share its batch instead. Chunk c holds
// samples [c*n/C, (c+1)*n/C) and runs forward and backward on one thread, with a replica of
// every parameter: the same values (shared storage) and a gradient of its own. Each chunk's
// loss is seeded with its share of the batch, n_c / n, so the chunks' gradients add up to the
// batch's mean-loss gradient; they are summed in chunk order into the parameters' gradients.
//
// Same bits on any thread count: the plan depends on the model and the batch size only, and
// the sum runs in chunk order. With at most as many threads as chunks, the chunks run at once,
// one thread each; with more threads than chunks (8 threads, 2 chunks), they run one after
// another and every op shares all the threads, which every kernel does with the same bits.
// (The bits differ from an unsplit step's in the last places: its sums over the batch run in
// another order.)
//
// Not split:
// - models that mix samples in training (batch norm's batch statistics);
// - models that use each weight fewer than kMinWeightReuse times per sample on average
//   (multiply-adds per sample / parameters). A chunk costs a gradient copy of every parameter
//   to clear and to sum, and each chunk reads the weights again, while it saves one hand-off
//   per op: it pays where weights are reused across an image (convolutions), not where each
//   is used once (dense layers). Measured on 2 threads in Node and Chromium (CHANGELOG 0.1.0):
//   the CNN (53 uses per weight) trains 8-16% faster split; LeNet-5 (4.6, with its 1.2 M-weight
//   dense layer) 7% slower on 1 thread and no faster on 2; the MLP (1) 12% slower;
// - batches under 2 chunks, where a chunk has at least kSplitChunkSamples samples and the
//   chunks' gradient copies take at most kMaxReplicaFloats floats together.
#pragma once
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "core/random.h"
#include "data/batching.h"
#include "nn/model.h"

namespace wg {

inline constexpr int kSplitChunkSamples = 32;  // samples per chunk, at least
inline constexpr int kMaxSplitChunks = 8;      // chunks per step, at most
inline constexpr double kMinWeightReuse = 8.0;  // multiply-adds per sample / parameters
inline constexpr std::int64_t kMaxReplicaFloats = 8 << 20;  // all chunks' gradient copies: 32 MB

// How many chunks a training step of `batch_size` samples splits into for `model` (1: no split).
int split_chunks(const Model& model, int batch_size);

// What one forward and backward pass over a batch (or a chunk of it) gives.
struct PassResult {
  double loss = 0.0;  // the mean loss over the pass's samples
  int correct = 0;    // classification: samples whose predicted class is the label
};

// One pass over `batch`: forward with `context`, the loss, and backward seeded with `share`
// (adding to the gradients of the parameters the context computes with).
using Pass = std::function<PassResult(const Batch& batch, ForwardContext& context, float share)>;

class BatchSplit {
 public:
  explicit BatchSplit(Model& model);

  // Runs `pass` on each of `chunks` chunks of `batch`, on the threads, and adds the batch's
  // gradient (the chunks' gradients summed in chunk order) to the model's parameters. Dropout
  // in chunk c draws from a generator seeded from `rng` (seeds drawn in chunk order). Returns
  // the batch's mean loss and its correct count.
  PassResult run(const Batch& batch, int chunks, Rng& rng, const Pass& pass);

 private:
  struct Chunk {
    Batch batch;                                     // the chunk's samples (reused buffers)
    std::unordered_map<const Node*, Var> replicas;   // model parameter -> this chunk's leaf
    Rng rng;
    PassResult result;
  };
  void prepare(Chunk& chunk, const Batch& batch, int begin, int end);
  void sum_gradients(int chunks);

  struct Block {  // elements [begin, end) of parameter `parameter`: one task of the gradient sum
    std::size_t parameter;
    std::int64_t begin, end;
  };
  std::vector<NamedParameter> parameters_;
  std::vector<Block> blocks_;
  std::vector<Chunk> chunks_;
};

}  // namespace wg
