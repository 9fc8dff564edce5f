// Forward passes through real ops: every preset and every layer type produce the shapes
// shape inference promised, activations are recorded per layer, and a gradient reaches
// every parameter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "gradcheck.h"
#include "nn/model.h"
#include "ops/ops.h"

namespace wg {
namespace {

Shape batched(int n, const Shape& sample) {
  Shape s = {n};
  s.insert(s.end(), sample.begin(), sample.end());
  return s;
}

void expect_forward_and_gradients(const std::string& spec, const std::string& what) {
  Model model(spec);
  Rng rng(3);
  std::vector<Var> activations;
  ForwardContext context{true, &rng, &activations};
  const Var x(testing::random_tensor(batched(3, model.input_shape()), 11));
  const Var out = model.forward(x, context);
  EXPECT_EQ(out.shape(), batched(3, model.output_shape())) << what;
  ASSERT_EQ(activations.size(), model.layers().size()) << what;
  for (std::size_t i = 0; i < activations.size(); ++i)
    EXPECT_EQ(activations[i].shape(), batched(3, model.summary()[i].output_shape)) << what << " layer " << i;
  backward(mean(mul(out, out)));
  for (const NamedParameter& p : model.parameters()) {
    ASSERT_TRUE(p.var.grad().defined()) << what << ": no gradient for " << p.name;
    double norm = 0;
    for (std::int64_t i = 0; i < p.var.grad().size(); ++i) norm += std::fabs(p.var.grad()[i]);
    EXPECT_GT(norm, 0.0) << what << ": zero gradient for " << p.name;
    EXPECT_TRUE(std::isfinite(norm)) << what << ": " << p.name;
  }
}

TEST(ModelForward, EveryPresetTrainsEndToEnd) {
  for (const auto& name : preset_names()) expect_forward_and_gradients(preset_spec(name), name);
}

TEST(ModelForward, EveryLayerType) {
  expect_forward_and_gradients(R"({"input": [2, 12, 12], "layers": [
    {"type": "conv2d", "filters": 4, "kernel": [3, 5], "pad": 1, "stride": 1},
    {"type": "batchnorm"}, {"type": "leaky_relu", "slope": 0.2}, {"type": "lcn", "size": 3},
    {"type": "conv2d", "filters": 3, "kernel": 3, "dilation": 2, "pad": 2, "bias": false},
    {"type": "instancenorm"}, {"type": "softplus"}, {"type": "avgpool", "kernel": 2},
    {"type": "layernorm"}, {"type": "tanh"}, {"type": "l2pool", "kernel": 3, "stride": 1, "pad": 1},
    {"type": "sigmoid"}, {"type": "maxpool", "kernel": 2, "stride": 2}, {"type": "dropout", "rate": 0.3},
    {"type": "flatten"}, {"type": "dense", "units": 5}, {"type": "relu"}, {"type": "batchnorm"},
    {"type": "linear", "units": 3}]})",
                               "layer zoo");
}

TEST(ModelForward, SignAndStepLayersRunButPassNoGradient) {
  Model model(R"({"input": [4], "layers": [{"type": "linear", "units": 3}, {"type": "sign"},
                                           {"type": "linear", "units": 2}, {"type": "step"}]})");
  ForwardContext context;
  const Var out = model.forward(Var(testing::random_tensor({5, 4}, 2)), context);
  EXPECT_EQ(out.shape(), (Shape{5, 2}));
  for (std::int64_t i = 0; i < out.value().size(); ++i)
    EXPECT_TRUE(out.value()[i] == 0.0f || out.value()[i] == 1.0f);
}

// The ops of a forward graph, from the output back to the inputs (each node once).
std::vector<std::string> graph_ops(const Var& out) {
  std::vector<std::string> ops;
  std::vector<const Node*> stack{out.node()}, seen;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (std::find(seen.begin(), seen.end(), n) != seen.end()) continue;
    seen.push_back(n);
    ops.push_back(n->op);
    for (const auto& in : n->inputs) stack.push_back(in.get());
  }
  return ops;
}

// In training and evaluation (no per-layer outputs asked for), conv -> relu -> 2x2 max pool runs
// as one conv2d_relu_maxpool2 node and a conv -> relu without that pool as conv2d_relu.
TEST(ModelForward, ConvReluPoolBlocksRunFused) {
  Model model(R"({"input": [1, 12, 12], "layers": [{"type": "conv2d", "filters": 3, "kernel": 3, "pad": 1},
      {"type": "relu"}, {"type": "maxpool", "kernel": 2}, {"type": "conv2d", "filters": 4, "kernel": 3},
      {"type": "relu"}, {"type": "maxpool", "kernel": 2, "stride": 1}, {"type": "linear", "units": 2}]})");
  ForwardContext context;
  const std::vector<std::string> ops = graph_ops(model.forward(Var(testing::random_tensor({2, 1, 12, 12}, 3)), context));
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "conv2d_relu_maxpool2"), 1);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "conv2d_relu"), 1);  // its pool has stride 1: not fused
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "relu"), 0);
}

// Without a request for per-layer outputs, conv -> relu (-> 2x2 max pool) runs fused; with one,
// layer by layer. Both give the same output and the same parameter gradients, bit for bit.
TEST(ModelForward, FusedConvReluMatchesTheLayerByLayerPass) {
  for (const char* preset : {"cnn", "lenet5"}) {
    Model model(preset_spec(preset));
    const Var x(testing::random_tensor(batched(5, model.input_shape()), 7));
    auto run = [&](bool per_layer) {
      for (const NamedParameter& p : model.parameters()) p.var.node()->grad = Tensor();
      std::vector<Var> activations;
      ForwardContext context;
      context.training = true;
      if (per_layer) context.activations = &activations;
      const Var out = model.forward(x, context);
      backward(mean(mul(out, out)));
      std::vector<Tensor> results{out.value().clone()};
      for (const NamedParameter& p : model.parameters()) results.push_back(p.var.grad().clone());
      return results;
    };
    const std::vector<Tensor> fused = run(false), separate = run(true);
    ASSERT_EQ(fused.size(), separate.size());
    for (std::size_t t = 0; t < fused.size(); ++t)
      for (std::int64_t i = 0; i < fused[t].size(); ++i)
        ASSERT_EQ(fused[t][i], separate[t][i]) << preset << ": tensor " << t << " differs at " << i;
  }
}

TEST(ModelForward, WrongBatchShapeIsRefused) {
  Model model(preset_spec("cnn"));
  ForwardContext context;
  try {
    model.forward(Var(Tensor::zeros({2, 28, 28})), context);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "model forward: expected a batch of shape [N, 1, 28, 28], got [2, 28, 28]");
  }
}

TEST(ModelForward, DropoutNeedsRngOnlyWhenTraining) {
  Model model(R"({"input": [4], "layers": [{"type": "dropout", "rate": 0.5}]})");
  ForwardContext eval;
  const Var x(Tensor::full({2, 4}, 1.0f));
  EXPECT_EQ(model.forward(x, eval).value().to_vector(), x.value().to_vector());
  ForwardContext training{true, nullptr, nullptr};
  EXPECT_THROW(model.forward(x, training), Error);
}

}  // namespace
}  // namespace wg
