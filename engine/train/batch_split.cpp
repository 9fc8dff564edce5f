#include "train/batch_split.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/parallel.h"

namespace wg {

int split_chunks(const Model& model, int batch_size) {
  std::int64_t multiply_adds = 0;
  for (const auto& layer : model.layers()) {
    if (layer->couples_samples()) return 1;
    multiply_adds += layer->summary().multiply_adds;
  }
  const std::int64_t parameters = std::max<std::int64_t>(model.total_parameters(), 1);
  if (static_cast<double>(multiply_adds) < kMinWeightReuse * static_cast<double>(parameters)) return 1;
  const std::int64_t chunks = std::min<std::int64_t>({batch_size / kSplitChunkSamples, kMaxSplitChunks,
                                                      kMaxReplicaFloats / parameters});
  return chunks >= 2 ? static_cast<int>(chunks) : 1;
}

BatchSplit::BatchSplit(Model& model) : parameters_(model.parameters()) {
  // Blocks of one parameter's elements, so that the threads share the big tensors too.
  constexpr std::int64_t kBlock = 8192;
  for (std::size_t p = 0; p < parameters_.size(); ++p) {
    const std::int64_t size = parameters_[p].var.value().size();
    for (std::int64_t b = 0; b < size; b += kBlock) blocks_.push_back({p, b, std::min(size, b + kBlock)});
  }
}

namespace {

// Elements [begin, end) of v, or none when v is empty (labels of a regression batch, indices of a
// batch the caller built).
template <class T>
std::vector<T> slice(const std::vector<T>& v, int begin, int end) {
  if (v.empty()) return {};
  return std::vector<T>(v.begin() + begin, v.begin() + end);
}

// Rows [begin, end) of a [N, ...] tensor into `out`, reallocated only when its shape changes.
void copy_rows(const Tensor& from, int begin, int end, Tensor& out) {
  Shape shape = from.shape();
  shape[0] = end - begin;
  if (!out.defined() || out.shape() != shape) out = Tensor::empty(shape);
  const std::int64_t row = from.size() / from.dim(0);
  std::memcpy(out.data(), from.data() + begin * row, sizeof(float) * static_cast<std::size_t>(out.size()));
}

}  // namespace

void BatchSplit::prepare(Chunk& chunk, const Batch& batch, int begin, int end) {
  copy_rows(batch.inputs, begin, end, chunk.batch.inputs);
  if (batch.targets.defined()) copy_rows(batch.targets, begin, end, chunk.batch.targets);
  else chunk.batch.targets = Tensor();
  chunk.batch.labels = slice(batch.labels, begin, end);
  chunk.batch.indices = slice(batch.indices, begin, end);
  for (const NamedParameter& p : parameters_) {
    auto [it, added] = chunk.replicas.try_emplace(p.var.node());
    if (added) it->second = Var::parameter(p.var.value(), p.name);
    Node& leaf = *it->second.node();
    leaf.value = p.var.value();  // shares storage, also after a load replaced the tensor
    if (leaf.grad.defined()) {
      if (leaf.grad.shape() == leaf.value.shape()) leaf.grad.fill(0.0f);
      else leaf.grad = Tensor();
    }
  }
}

PassResult BatchSplit::run(const Batch& batch, int chunks, Rng& rng, const Pass& pass) {
  const int n = batch.inputs.dim(0);
  WG_CHECK(chunks >= 2 && chunks <= n, "batch split: ", chunks, " chunks for ", n, " samples");
  if (static_cast<int>(chunks_.size()) < chunks) chunks_.resize(chunks);
  for (int c = 0; c < chunks; ++c) {
    const std::uint64_t high = rng.next_u32(), low = rng.next_u32();
    chunks_[c].rng.reseed(high << 32 | low);
  }
  auto run_chunk = [&](int c) {
    Chunk& chunk = chunks_[c];
    const int begin = static_cast<int>(static_cast<std::int64_t>(n) * c / chunks);
    const int end = static_cast<int>(static_cast<std::int64_t>(n) * (c + 1) / chunks);
    prepare(chunk, batch, begin, end);
    ForwardContext context;
    context.training = true;
    context.rng = &chunk.rng;
    context.parameter_replicas = &chunk.replicas;
    chunk.result = pass(chunk.batch, context, static_cast<float>(end - begin) / static_cast<float>(n));
  };
  if (num_threads() > chunks) {
    for (int c = 0; c < chunks; ++c) run_chunk(c);  // each op shares all the threads
  } else {
    parallel_for(0, chunks, 1, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t c = lo; c < hi; ++c) run_chunk(static_cast<int>(c));
    });
  }
  sum_gradients(chunks);
  PassResult total;
  for (int c = 0; c < chunks; ++c) {
    const int size = chunks_[c].batch.inputs.dim(0);
    total.loss += chunks_[c].result.loss * size / n;
    total.correct += chunks_[c].result.correct;
  }
  return total;
}

void BatchSplit::sum_gradients(int chunks) {
  for (const NamedParameter& p : parameters_) p.var.node()->grad_buffer();  // allocated here, not on the threads
  parallel_for(0, static_cast<std::int64_t>(blocks_.size()), 1, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) {
      const Block& block = blocks_[i];
      Node* parameter = parameters_[block.parameter].var.node();
      float* sum = parameter->grad.data();
      for (int c = 0; c < chunks; ++c) {  // chunk order: the same bits on any thread count
        const Tensor& grad = chunks_[c].replicas.at(parameter).grad();
        if (!grad.defined()) continue;
        const float* g = grad.data();
        for (std::int64_t e = block.begin; e < block.end; ++e) sum[e] += g[e];
      }
    }
  });
}

}  // namespace wg
