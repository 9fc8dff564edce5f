// A training step split into chunks of samples (train/batch_split.h): when it splits, that every
// layer computes with the chunk's parameter replicas, that the summed gradient and loss are the
// unsplit batch's, and that dropout in chunks gives the same bits on any thread count.
#include "train/batch_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "losses/losses.h"
#include "nn/presets.h"
#include "ops/ops.h"
#include "train/trainer.h"
#include "thread_counts.h"

namespace wg {
namespace {

// conv2d, layernorm, instancenorm, dropout and linear: every layer type with parameters that
// can be split (batch norm cannot), plus the fused conv + ReLU + pool path.
const char* kMixedSpec = R"({"input":[2,8,8],"layers":[
  {"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"},{"type":"maxpool","kernel":2},
  {"type":"instancenorm"},{"type":"conv2d","filters":4,"kernel":3},{"type":"tanh"},
  {"type":"linear","units":6},{"type":"layernorm"},{"type":"dropout","rate":0.25},{"type":"linear","units":3}]})";

Batch random_batch(const Model& model, int n, int classes, std::uint64_t seed) {
  Rng rng(seed);
  Shape shape = model.input_shape();
  shape.insert(shape.begin(), n);
  Batch batch;
  batch.inputs = Tensor::empty(shape);
  for (std::int64_t i = 0; i < batch.inputs.size(); ++i) batch.inputs[i] = rng.normal();
  for (int i = 0; i < n; ++i) {
    batch.labels.push_back(static_cast<int>(rng.below(classes)));
    batch.indices.push_back(i);
  }
  return batch;
}

PassResult cross_entropy_pass(Model& model, const Batch& batch, ForwardContext& context, float share) {
  const int n = batch.inputs.dim(0);
  Var outputs = model.forward(Var(batch.inputs), context);
  Var loss = classification_loss(LossKind::cross_entropy, reshape(outputs, {n, -1}), batch.labels);
  backward(loss, Tensor::full(loss.shape(), share));
  return {loss.item(), 0};
}

std::vector<std::vector<float>> gradients(const Model& model) {
  std::vector<std::vector<float>> out;
  for (const NamedParameter& p : model.parameters()) out.push_back(p.var.grad().to_vector());
  return out;
}

void zero_gradients(Model& model) {
  for (const NamedParameter& p : model.parameters()) p.var.node()->grad_buffer().fill(0.0f);
}

TEST(BatchSplit, PlanDependsOnTheModelAndTheBatchOnly) {
  Model cnn(preset_spec("cnn"));
  EXPECT_EQ(split_chunks(cnn, 64), 2);
  EXPECT_EQ(split_chunks(cnn, 127), 3);
  EXPECT_EQ(split_chunks(cnn, 63), 1);  // under 2 chunks of 32
  EXPECT_EQ(split_chunks(cnn, 1), 1);
  EXPECT_EQ(split_chunks(cnn, 4096), kMaxSplitChunks);
  EXPECT_EQ(split_chunks(Model(preset_spec("mlp")), 64), 1) << "a dense layer uses each weight once per sample";
  EXPECT_EQ(split_chunks(Model(preset_spec("lenet5")), 64), 1) << "4.6 uses per weight (its dense layer)";
  Model with_batch_norm(R"({"input":[1,8,8],"layers":[{"type":"conv2d","filters":4,"kernel":3},
                            {"type":"batchnorm"},{"type":"linear","units":2}]})");
  EXPECT_EQ(split_chunks(with_batch_norm, 64), 1) << "batch statistics mix the samples";
  Model big(R"({"input":[256,4,4],"layers":[{"type":"conv2d","filters":2048,"kernel":3,"pad":1}]})");
  ASSERT_GT(2 * big.total_parameters(), kMaxReplicaFloats);
  EXPECT_EQ(split_chunks(big, 64), 1) << "2 chunks would copy 2 x 19 MB of gradients";
  Model wide(R"({"input":[128,8,8],"layers":[{"type":"conv2d","filters":1024,"kernel":3,"pad":1}]})");
  EXPECT_EQ(split_chunks(wide, 4096), static_cast<int>(kMaxReplicaFloats / wide.total_parameters()))
      << "the gradient copies cap the chunks (1.2 M parameters: 7)";
}

// A layer that computed with its own parameter instead of context.parameter() would race on its
// gradient when chunks run on several threads; with one thread the sum would even come out right.
// So this checks the contract directly: under replicas, the model's own gradients stay untouched.
TEST(BatchSplit, EveryLayerComputesWithTheReplicasItIsGiven) {
  Model model(kMixedSpec);
  std::unordered_map<const Node*, Var> replicas;
  for (const NamedParameter& p : model.parameters()) replicas[p.var.node()] = Var::parameter(p.var.value(), p.name);
  ASSERT_EQ(replicas.size(), 12u);  // weight and bias of 2 conv, 2 norm and 2 linear layers
  Rng rng(3);
  ForwardContext context;
  context.training = true;
  context.rng = &rng;
  context.parameter_replicas = &replicas;
  cross_entropy_pass(model, random_batch(model, 5, 3, 1), context, 1.0f);
  for (const NamedParameter& p : model.parameters()) {
    SCOPED_TRACE(p.name);
    EXPECT_FALSE(p.var.grad().defined()) << "the layer wrote its own parameter's gradient";
    const Tensor& g = replicas.at(p.var.node()).grad();
    ASSERT_TRUE(g.defined()) << "the layer did not compute with the replica";
    double norm = 0;
    for (std::int64_t i = 0; i < g.size(); ++i) norm += std::fabs(g[i]);
    EXPECT_GT(norm, 0.0);
  }
}

// The chunks' gradients add up to the batch's: the same as one unsplit pass up to float rounding
// (sums over the batch run in another order), for a batch that does not divide evenly.
TEST(BatchSplit, SummedGradientAndLossAreTheWholeBatchs) {
  const std::string spec = std::string(kMixedSpec).replace(std::string(kMixedSpec).find("0.25"), 4, "0.0");
  Model model(spec);
  const Batch batch = random_batch(model, 45, 3, 7);
  Rng rng(5);
  ForwardContext whole;
  whole.training = true;
  whole.rng = &rng;
  zero_gradients(model);
  const PassResult unsplit = cross_entropy_pass(model, batch, whole, 1.0f);
  const auto expected = gradients(model);

  for (int chunks : {2, 3, 8}) {
    SCOPED_TRACE(chunks);
    zero_gradients(model);
    BatchSplit split(model);
    const PassResult result = split.run(batch, chunks, rng, [&](const Batch& b, ForwardContext& c, float share) {
      return cross_entropy_pass(model, b, c, share);
    });
    EXPECT_NEAR(result.loss, unsplit.loss, 1e-6 * std::fabs(unsplit.loss));
    const auto got = gradients(model);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t p = 0; p < got.size(); ++p) {
      float scale = 0;
      for (float v : expected[p]) scale = std::max(scale, std::fabs(v));
      ASSERT_GT(scale, 0.0f);
      for (std::size_t i = 0; i < got[p].size(); ++i)
        ASSERT_NEAR(got[p][i], expected[p][i], 1e-5f * scale) << model.parameters()[p].name << "[" << i << "]";
    }
  }
}

// One SGD step with L2 and L1 penalties, split (the conv model: 2 chunks) and unsplit (a dense
// model): the weights move by lr x (the whole batch's data gradient + 2 l2 w + l1 sign(w)) on
// weights, and by lr x the data gradient alone on biases and norm shifts.
TEST(BatchSplit, PenaltiesAddTheirGradientOnceToTheBatchs) {
  const std::string no_dropout = std::string(kMixedSpec).replace(std::string(kMixedSpec).find("0.25"), 4, "0.0");
  const std::string dense = R"({"input":[6],"layers":[{"type":"linear","units":5},{"type":"tanh"},{"type":"linear","units":3}]})";
  for (const std::string& spec : {no_dropout, dense}) {
    Model model(spec);
    model.reinitialize(4);
    const int expected_chunks = spec == dense ? 1 : 2;
    ASSERT_EQ(split_chunks(model, 64), expected_chunks);
    SCOPED_TRACE(expected_chunks == 1 ? "unsplit" : "split");
    const Batch batch = random_batch(model, 64, 3, 21);
    const float lr = 0.1f, l2 = 0.01f, l1 = 0.002f;

    // The expected step, from one unsplit pass over the same weights.
    Model reference(spec);
    reference.reinitialize(4);
    Rng rng(1);
    ForwardContext context;
    context.training = true;
    context.rng = &rng;
    zero_gradients(reference);
    cross_entropy_pass(reference, batch, context, 1.0f);
    std::vector<std::vector<float>> expected;
    for (const NamedParameter& p : reference.parameters()) {
      std::vector<float> w = p.var.value().to_vector();
      const std::vector<float> g = p.var.grad().to_vector();
      const bool penalised = p.name.size() > 7 && p.name.compare(p.name.size() - 7, 7, ".weight") == 0;
      for (std::size_t i = 0; i < w.size(); ++i) {
        const float penalty = penalised ? 2 * l2 * w[i] + l1 * static_cast<float>((w[i] > 0) - (w[i] < 0)) : 0.0f;
        w[i] -= lr * (g[i] + penalty);
      }
      expected.push_back(w);
    }

    TrainConfig config;
    config.optimizer.type = "sgd";
    config.optimizer.learning_rate = lr;
    config.batch_size = 64;
    config.l2 = l2;
    config.l1 = l1;
    Trainer trainer(model, config);
    trainer.train_on_batch(batch.inputs, batch.labels);
    const std::vector<NamedParameter> params = model.parameters();
    for (std::size_t p = 0; p < params.size(); ++p) {
      const std::vector<float> got = params[p].var.value().to_vector();
      for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], expected[p][i], 1e-6f + 1e-5f * std::fabs(expected[p][i])) << params[p].name << "[" << i << "]";
    }
  }
}

// Dropout draws per chunk from seeds drawn in chunk order, so the masks, and the weights after
// an epoch, do not depend on which thread ran which chunk.
TEST(BatchSplit, DropoutChunksGiveTheSameBitsOnAnyThreadCount) {
  testing::expect_same_bits_on_any_thread_count([] {
    Model model(kMixedSpec);
    model.reinitialize(2);
    const Batch batch = random_batch(model, 512, 3, 11);
    Dataset data;
    data.name = "random";
    data.inputs = batch.inputs;
    data.labels = batch.labels;
    data.num_classes = 3;
    TrainConfig config;
    config.batch_size = 128;  // 4 chunks: at once on 1-4 threads, one after another on 8
    config.epochs = 1;
    config.seed = 9;
    Trainer trainer(model, config);
    trainer.set_data(data, Dataset());
    EXPECT_EQ(split_chunks(model, config.batch_size), 4);
    trainer.train_epoch();
    return testing::all_weights(model);
  });
}

// Residual and concat blocks without batch norm: the chunks compute with the replicas of the
// blocks' inner parameters too, and a block with batch norm inside refuses the split.
const char* kBlocksSpec = R"({"input":[2,8,8],"layers":[
  {"type":"conv2d","filters":4,"kernel":3,"pad":1},{"type":"relu"},
  {"type":"residual","layers":[{"type":"conv2d","filters":4,"kernel":3,"pad":1},{"type":"relu"},
                               {"type":"conv2d","filters":4,"kernel":3,"pad":1}]},
  {"type":"relu"},
  {"type":"concat","branches":[[{"type":"conv2d","filters":3,"kernel":1}],
                               [{"type":"conv2d","filters":2,"kernel":3,"pad":1},{"type":"dropout","rate":0.25}],
                               [{"type":"maxpool","kernel":3,"stride":1,"pad":1}]]},
  {"type":"residual","layers":[{"type":"conv2d","filters":6,"kernel":3,"stride":2,"pad":1}],
                     "shortcut":[{"type":"conv2d","filters":6,"kernel":1,"stride":2}]},
  {"type":"globalavgpool"},{"type":"linear","units":3}]})";

TEST(BatchSplit, BlocksSplitUnlessBatchNormIsInside) {
  Model blocks(kBlocksSpec);
  EXPECT_EQ(split_chunks(blocks, 64), 2);
  Model with_batch_norm(R"({"input":[1,8,8],"layers":[{"type":"conv2d","filters":4,"kernel":3,"pad":1},
      {"type":"residual","layers":[{"type":"conv2d","filters":4,"kernel":3,"pad":1},{"type":"batchnorm"}]},
      {"type":"linear","units":2}]})");
  EXPECT_EQ(split_chunks(with_batch_norm, 64), 1) << "batch norm inside a block mixes the samples";
}

TEST(BatchSplit, BlocksComputeWithTheReplicasAndSumToTheWholeBatch) {
  std::string spec = kBlocksSpec;
  spec.replace(spec.find("0.25"), 4, "0.0");
  Model model(spec);
  std::unordered_map<const Node*, Var> replicas;
  for (const NamedParameter& p : model.parameters()) replicas[p.var.node()] = Var::parameter(p.var.value(), p.name);
  Rng rng(3);
  ForwardContext replicated;
  replicated.training = true;
  replicated.rng = &rng;
  replicated.parameter_replicas = &replicas;
  cross_entropy_pass(model, random_batch(model, 5, 3, 1), replicated, 1.0f);
  for (const NamedParameter& p : model.parameters()) {
    EXPECT_FALSE(p.var.grad().defined()) << p.name << ": the layer wrote its own parameter's gradient";
    EXPECT_TRUE(replicas.at(p.var.node()).grad().defined()) << p.name << ": the layer ignored its replica";
  }

  const Batch batch = random_batch(model, 70, 3, 7);
  ForwardContext whole;
  whole.training = true;
  whole.rng = &rng;
  zero_gradients(model);
  const PassResult unsplit = cross_entropy_pass(model, batch, whole, 1.0f);
  const auto expected = gradients(model);
  zero_gradients(model);
  BatchSplit split(model);
  const PassResult result = split.run(batch, 2, rng, [&](const Batch& b, ForwardContext& c, float share) {
    return cross_entropy_pass(model, b, c, share);
  });
  EXPECT_NEAR(result.loss, unsplit.loss, 1e-6 * std::fabs(unsplit.loss));
  const auto got = gradients(model);
  for (std::size_t p = 0; p < got.size(); ++p) {
    float scale = 0;
    for (float v : expected[p]) scale = std::max(scale, std::fabs(v));
    for (std::size_t i = 0; i < got[p].size(); ++i)
      ASSERT_NEAR(got[p][i], expected[p][i], 1e-5f * scale) << model.parameters()[p].name << "[" << i << "]";
  }
}

// Two steps of a model of blocks, split (2 chunks of 32) with dropout inside a branch, and of a
// resnet-mini (batch norm: not split, every op threaded): the same weights on any thread count.
TEST(BatchSplit, BlocksGiveTheSameBitsOnAnyThreadCount) {
  for (const std::string& spec : {std::string(kBlocksSpec), preset_spec("resnet-mini", {2, 8, 8}, 3)}) {
    testing::expect_same_bits_on_any_thread_count([&spec] {
      Model model(spec);
      model.reinitialize(2);
      const Batch batch = random_batch(model, 128, 3, 11);
      Dataset data;
      data.name = "random";
      data.inputs = batch.inputs;
      data.labels = batch.labels;
      data.num_classes = 3;
      TrainConfig config;
      config.batch_size = 64;
      config.epochs = 1;
      config.seed = 9;
      Trainer trainer(model, config);
      trainer.set_data(data, Dataset());
      if (spec == kBlocksSpec) {
        EXPECT_EQ(split_chunks(model, config.batch_size), 2);
      }
      trainer.train_epoch();
      return testing::all_weights(model);
    });
  }
}

}  // namespace
}  // namespace wg
