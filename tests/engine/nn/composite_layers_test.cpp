// Composite layers (residual, concat) and globalavgpool in a model spec: what they compute,
// their parameter names, summaries with inner rows, receptive fields, errors located inside
// blocks, the normalised spec, and the gradient through a whole model of blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "core/error.h"
#include "gradcheck.h"
#include "nn/model.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

std::vector<std::string> parameter_names(const Model& m) {
  std::vector<std::string> names;
  for (const NamedParameter& p : m.parameters()) names.push_back(p.name);
  return names;
}

Var run(Model& m, const Tensor& x) {
  ForwardContext context;
  return m.forward(Var(x), context);
}

TEST(CompositeLayers, ResidualWithIdentityShortcutAddsItsInput) {
  Model m(R"({"input": [2, 3, 3], "layers": [{"type": "residual", "layers": [{"type": "relu"}]}]})");
  const Tensor x = random_tensor({4, 2, 3, 3}, 1);
  const Tensor y = run(m, x).value();
  for (std::int64_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], std::max(x[i], 0.0f) + x[i]);
  EXPECT_EQ(m.output_shape(), (Shape{2, 3, 3}));
}

TEST(CompositeLayers, ResidualWithProjectionAddsBothPaths) {
  Model m(R"({"input": [2, 6, 6], "layers": [{"type": "residual",
      "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "pad": 1}],
      "shortcut": [{"type": "conv2d", "filters": 4, "kernel": 1, "stride": 2, "bias": false}]}]})");
  EXPECT_EQ(m.output_shape(), (Shape{4, 3, 3}));
  EXPECT_EQ(parameter_names(m), (std::vector<std::string>{"residual1.layers.0.weight", "residual1.layers.0.bias",
                                                          "residual1.shortcut.0.weight"}));
  const auto p = m.parameters();
  const Tensor x = random_tensor({2, 2, 6, 6}, 2);
  Conv2dOptions strided{2, 1, 1}, projection{2, 0, 1};
  const Tensor expected = residual_add(conv2d(Var(x), p[0].var, p[1].var, strided), conv2d(Var(x), p[2].var, Var(), projection)).value();
  expect_tensor_near(run(m, x).value(), expected, 0.0f);
}

TEST(CompositeLayers, ConcatJoinsBranchesAlongChannels) {
  Model m(R"({"input": [3, 5, 5], "layers": [{"type": "concat", "branches": [
      [{"type": "conv2d", "filters": 2, "kernel": 1}],
      [{"type": "conv2d", "filters": 1, "kernel": 1}, {"type": "relu"}, {"type": "conv2d", "filters": 4, "kernel": 3, "pad": 1}],
      [{"type": "maxpool", "kernel": 3, "stride": 1, "pad": 1}],
      []]}]})");
  EXPECT_EQ(m.output_shape(), (Shape{2 + 4 + 3 + 3, 5, 5}));
  EXPECT_EQ(parameter_names(m),
            (std::vector<std::string>{"concat1.branches.0.0.weight", "concat1.branches.0.0.bias",
                                      "concat1.branches.1.0.weight", "concat1.branches.1.0.bias",
                                      "concat1.branches.1.2.weight", "concat1.branches.1.2.bias"}));
  const Tensor x = random_tensor({2, 3, 5, 5}, 3);
  const Tensor y = run(m, x).value();
  // The empty branch is the identity: output channels 9..11 are the input's.
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3 * 25; ++i) EXPECT_EQ(y[(n * 12 + 9) * 25 + i], x[n * 75 + i]);
  EXPECT_EQ(m.summary()[0].detail, "4 branches: 2 + 4 + 3 + 3 channels");
}

TEST(CompositeLayers, GlobalAveragePoolGivesEachChannelsMean) {
  Model m(R"({"input": [2, 2, 3], "layers": [{"type": "globalavgpool"}]})");
  const Tensor y = run(m, Tensor::from({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, 5})).value();
  expect_tensor_near(y, Tensor::from({1, 2}, {3.5f, 0.0f}), 1e-6f);
  const LayerSummary s = m.summary()[0];
  EXPECT_EQ(s.output_shape, (Shape{2}));
  EXPECT_EQ(s.rf_size, 3);  // the whole 2x3 map (the longer side)
}

TEST(CompositeLayers, GlobalAveragePoolGradientMatchesFiniteDifferences) {
  for (const Shape& shape : {Shape{2, 3, 4, 5}, Shape{1, 1, 1, 1}, Shape{3, 2, 7, 1}})
    expect_gradients_match([](const std::vector<Var>& v) { return global_avg_pool2d(v[0]); },
                           {random_tensor(shape, 4)});
  testing::expect_tensor_near(global_avg_pool2d(Var(Tensor::zeros({2, 3, 2, 2}))).value(), Tensor::zeros({2, 3}), 0);
  EXPECT_THROW(global_avg_pool2d(Var(Tensor::zeros({2, 3}))), Error);
}

// Nested blocks name their parameters by position under each block, as PyTorch's nn.Sequential
// and nn.ModuleList do; top-level layers keep their type-and-counter names.
TEST(CompositeLayers, ParameterNamesNestLikePyTorchSubmodules) {
  Model m(R"({"input": [2, 4, 4], "layers": [
      {"type": "conv2d", "filters": 2, "kernel": 1},
      {"type": "residual", "layers": [{"type": "batchnorm"}, {"type": "relu"},
          {"type": "concat", "branches": [[{"type": "conv2d", "filters": 1, "kernel": 1}], [{"type": "conv2d", "filters": 1, "kernel": 1}]]}]},
      {"type": "conv2d", "filters": 2, "kernel": 1}]})");
  EXPECT_EQ(parameter_names(m),
            (std::vector<std::string>{"conv1.weight", "conv1.bias", "residual1.layers.0.weight", "residual1.layers.0.bias",
                                      "residual1.layers.2.branches.0.0.weight", "residual1.layers.2.branches.0.0.bias",
                                      "residual1.layers.2.branches.1.0.weight", "residual1.layers.2.branches.1.0.bias",
                                      "conv2.weight", "conv2.bias"}));
  ASSERT_EQ(m.buffers().size(), 2u);
  EXPECT_EQ(m.buffers()[0].name, "residual1.layers.0.running_mean");
}

// A block's row holds its totals and lists its inner rows, tagged with their list; a plain
// model's rows have no inner rows.
TEST(CompositeLayers, SummaryOfABlockHoldsItsTotalsAndInnerRows) {
  Model m(R"({"input": [4, 8, 8], "layers": [{"type": "residual",
      "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "stride": 2, "pad": 1}, {"type": "batchnorm"}],
      "shortcut": [{"type": "conv2d", "filters": 8, "kernel": 1, "stride": 2, "bias": false}]},
      {"type": "globalavgpool"}, {"type": "linear", "units": 3}]})");
  const auto summary = m.summary();
  ASSERT_EQ(summary.size(), 3u);
  const LayerSummary& block = summary[0];
  EXPECT_EQ(block.name, "residual1");
  EXPECT_EQ(block.type, "residual");
  EXPECT_EQ(block.output_shape, (Shape{8, 4, 4}));
  const std::int64_t conv = 4 * 9 * 8 + 8, bn = 16, projection = 4 * 8;
  EXPECT_EQ(block.parameters, conv + bn + projection);
  EXPECT_EQ(block.multiply_adds, 8LL * 4 * 4 * 4 * 9 + 8LL * 4 * 4 * 4);
  EXPECT_EQ(block.detail, "2 layers + projection (1 layer)");
  ASSERT_EQ(block.inner.size(), 3u);
  EXPECT_EQ(block.inner[0].name, "residual1.layers.0");
  EXPECT_EQ(block.inner[0].branch, "layers");
  EXPECT_EQ(block.inner[0].parameters, conv);
  EXPECT_EQ(block.inner[1].type, "batchnorm");
  EXPECT_EQ(block.inner[2].name, "residual1.shortcut.0");
  EXPECT_EQ(block.inner[2].branch, "shortcut");
  EXPECT_EQ(m.total_parameters(), conv + bn + projection + 8 * 3 + 3);
  // The block's output unit sees what the 3x3 path sees (the 1x1 shortcut sees less).
  EXPECT_EQ(block.rf_size, 3);
  EXPECT_EQ(block.rf_jump, 2);
  EXPECT_EQ(block.rf_start, 0.0);
  for (const LayerSummary& row : Model(preset_spec("lenet5")).summary()) {
    EXPECT_TRUE(row.inner.empty());
    EXPECT_EQ(row.branch, "");
  }
}

// Receptive field of a concat: the union of its branches' windows (5x5 beats 1x1 and 3x3).
TEST(CompositeLayers, ReceptiveFieldOfABlockIsTheUnionOfItsPaths) {
  Model m(R"({"input": [1, 16, 16], "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "pad": 1},
      {"type": "concat", "branches": [[{"type": "conv2d", "filters": 1, "kernel": 1}],
          [{"type": "conv2d", "filters": 1, "kernel": 5, "pad": 2}], [{"type": "conv2d", "filters": 1, "kernel": 3, "pad": 1}]]},
      {"type": "residual", "layers": [{"type": "conv2d", "filters": 3, "kernel": 3, "pad": 1}]}]})");
  const auto s = m.summary();
  EXPECT_EQ(s[1].rf_size, 3 + 4);
  EXPECT_EQ(s[1].rf_start, 0.0);
  EXPECT_EQ(s[2].rf_size, 7 + 2);
}

struct NestedErrorCase {
  std::string layers;  // the spec's layer list
  int layer;
  std::string type, field, path, message;
};

// An error inside a block names the way in; its location stays the top-level layer (a page lists
// those), with the block's field and the path beyond it.
TEST(CompositeLayers, ErrorsInsideBlocksNameTheirPath) {
  const std::vector<NestedErrorCase> cases = {
      {R"([{"type":"relu"},{"type":"relu"},{"type":"relu"},
           {"type":"residual","layers":[{"type":"relu"},{"type":"conv2d","filters":2,"kernel":7}]}])",
       3, "residual", "layers", "layers › 1 (conv2d)",
       "layer 3 (residual) › layers › 1 (conv2d): kernel 7 larger than input 5x5"},
      {R"([{"type":"concat","branches":[[{"type":"relu"}],[{"type":"conv2d","filters":0,"kernel":1}]]}])", 0, "concat",
       "branches", "branches › 1 › 0 (conv2d)",
       "layer 0 (concat) › branches › 1 › 0 (conv2d): field \"filters\" must be between 1 and 4096, got 0"},
      {R"([{"type":"residual","layers":[{"type":"residual","layers":[{"type":"conv2d","filter":2,"kernel":1}]}]}])", 0,
       "residual", "layers", "layers › 0 (residual) › layers › 0 (conv2d)",
       "layer 0 (residual) › layers › 0 (residual) › layers › 0 (conv2d): unknown field \"filter\" - did you mean \"filters\"?"},
      {R"([{"type":"residual","layers":[{"type":"relu"}],"shortcut":[{"type":"conv3d"}]}])", 0, "residual", "shortcut",
       "shortcut › 0", "layer 0 (residual) › shortcut › 0: field \"type\" \"conv3d\" is not a layer type"},
      {R"([{"type":"residual","layers":[{"type":"conv2d","filters":2}]}])", 0, "residual", "layers",
       "layers › 0 (conv2d)", "layer 0 (residual) › layers › 0 (conv2d): missing field \"kernel\""},
  };
  for (const auto& c : cases) {
    const std::string spec = R"({"input": [1, 5, 5], "layers": )" + c.layers + "}";
    try {
      Model m(spec);
      ADD_FAILURE() << "accepted: " << spec;
    } catch (const SpecError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.message, 0), 0u) << e.what();
      EXPECT_EQ(e.layer, c.layer) << e.what();
      EXPECT_EQ(e.layer_type, c.type) << e.what();
      EXPECT_EQ(e.field, c.field) << e.what();
      EXPECT_EQ(e.path, c.path) << e.what();
      // problem: the message after "layer N (type) › field › "
      EXPECT_NE(std::string(e.what()).find(e.problem), std::string::npos);
      EXPECT_EQ(e.problem.rfind(c.path.substr(c.field.size() + 5), 0), 0u) << e.problem;
    }
  }
}

TEST(CompositeLayers, ShapesThatDisagreeAreNamed) {
  const std::string in = R"({"input": [4, 8, 8], "layers": [)";
  struct Case {
    std::string layers, field, message;
  };
  const std::vector<Case> cases = {
      {R"({"type":"residual","layers":[{"type":"conv2d","filters":8,"kernel":3,"stride":2,"pad":1}]}]})", "layers",
       "layers give [8, 4, 4] but the identity shortcut passes the input [4, 8, 8]: the two are added, so their shapes "
       "must agree; a projection shortcut such as [{\"type\": \"conv2d\", \"filters\": 8, \"kernel\": 1, \"stride\": 2}] "
       "makes them agree at layer 0 (residual)"},
      {R"({"type":"residual","layers":[{"type":"relu"}],"shortcut":[{"type":"maxpool"}]}]})", "shortcut",
       "layers give [4, 8, 8] but the shortcut gives [4, 4, 4]"},
      {R"({"type":"concat","branches":[[{"type":"relu"}],[{"type":"conv2d","filters":2,"kernel":2}]]}]})", "branches",
       "branch 1 gives [2, 7, 7] but branch 0 gives [4, 8, 8]: concat joins channels, so H and W must agree"},
      {R"({"type":"residual","layers":[]}]})", "layers", "is empty"},
      {R"({"type":"residual","layers":{"type":"relu"}}]})", "layers", "must be a list of layers, got object"},
      {R"({"type":"concat","branches":[]}]})", "branches", "must be a non-empty list"},
      {R"({"type":"concat","branches":[{"type":"relu"}]}]})", "branches", "must be a list of layers"},
      {R"({"type":"globalavgpool"},{"type":"globalavgpool"}]})", "", "needs a [C, H, W] input, got [4] at layer 1"},
  };
  for (const auto& c : cases) {
    try {
      Model m(in + c.layers);
      ADD_FAILURE() << "accepted: " << c.layers;
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
      EXPECT_EQ(e.field, c.field) << e.what();
    }
  }
  std::string deep = R"({"type":"relu"})";
  for (int i = 0; i < 9; ++i) deep = R"({"type":"residual","layers":[)" + deep + "]}";
  EXPECT_THROW(Model m(in + deep + "]}"), SpecError);
}

TEST(CompositeLayers, NormalisedSpecRoundTrips) {
  Model m(R"({"input": [2, 6, 6], "layers": [
      {"type": "residual", "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "pad": 1}]},
      {"type": "concat", "branches": [[{"type": "conv2d", "filters": 1, "kernel": 1}], []]},
      {"type": "globalavgpool"}, {"type": "concat", "branches": [[{"type": "dense", "units": 3}], []]}]})");
  EXPECT_EQ(m.output_shape(), (Shape{3 + 3}));
  const std::string normalised = m.spec_json();
  EXPECT_NE(normalised.find(R"({"type":"residual","layers":[{"type":"conv2d","filters":2,"kernel":3,)"),
            std::string::npos) << normalised;
  EXPECT_NE(normalised.find(R"("shortcut":[]})"), std::string::npos) << normalised;
  EXPECT_NE(normalised.find(R"({"type":"concat","branches":[[{"type":"linear","units":3,)"), std::string::npos)
      << normalised;
  EXPECT_EQ(Model(normalised).spec_json(), normalised);
}

TEST(CompositeLayers, CatalogKnowsTheNewTypes) {
  std::map<std::string, const LayerTypeInfo*> types;
  for (const LayerTypeInfo& t : layer_catalog()) types[t.type] = &t;
  ASSERT_TRUE(types.count("residual") && types.count("concat") && types.count("globalavgpool"));
  EXPECT_EQ(types["residual"]->fields.size(), 2u);
  EXPECT_EQ(field_kind_name(types["residual"]->fields[0].kind), std::string("layers"));
  EXPECT_TRUE(types["residual"]->fields[0].required);
  EXPECT_FALSE(types["residual"]->fields[1].required);
  EXPECT_EQ(field_kind_name(types["concat"]->fields[0].kind), std::string("branches"));
  EXPECT_TRUE(types["globalavgpool"]->needs_image);
}

// d(loss)/d(input) through residual and concat blocks (both paths reach the input) against
// finite differences; the parameters are the model's, fixed.
TEST(CompositeLayers, GradientThroughBlocksMatchesFiniteDifferences) {
  Model m(R"({"input": [2, 5, 5], "layers": [
      {"type": "residual", "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "pad": 1}, {"type": "tanh"}]},
      {"type": "concat", "branches": [[{"type": "conv2d", "filters": 2, "kernel": 1}, {"type": "sigmoid"}],
          [{"type": "avgpool", "kernel": 3, "stride": 1, "pad": 1}], []]},
      {"type": "residual", "layers": [{"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "pad": 1}],
          "shortcut": [{"type": "conv2d", "filters": 3, "kernel": 1, "stride": 2}]},
      {"type": "globalavgpool"}, {"type": "linear", "units": 2}]})");
  expect_gradients_match(
      [&m](const std::vector<Var>& v) {
        ForwardContext context;
        return m.forward(v[0], context);
      },
      {random_tensor({2, 2, 5, 5}, 9)}, 1e-2f, 2e-3f, 2e-2f);
}

// One activation per top-level layer: a block is one layer to the activation views.
TEST(CompositeLayers, ABlockGivesOneActivation) {
  Model m(R"({"input": [1, 4, 4], "layers": [{"type": "residual", "layers": [{"type": "conv2d", "filters": 1, "kernel": 1},
      {"type": "relu"}]}, {"type": "globalavgpool"}]})");
  std::vector<Var> activations;
  ForwardContext context;
  context.activations = &activations;
  m.forward(Var(random_tensor({1, 1, 4, 4}, 5)), context);
  ASSERT_EQ(activations.size(), 2u);
  EXPECT_EQ(activations[0].shape(), (Shape{1, 1, 4, 4}));
}

}  // namespace
}  // namespace wg
