// Tests for engine/introspect/network_flow: how layers become columns, that node values are
// the engine's activations, that edges add up to the pre-activations they feed, and that
// the kept edges are the strongest ones.
#include "introspect/network_flow.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../ops/error_message.h"
#include "introspect/activations.h"
#include "small_models.h"

namespace wg {
namespace {

const FlowOptions kEveryEdge = {.edges = 1 << 30, .edges_per_node = 0, .map_limit = 4096};

struct ColumnCase {
  const char* model;  // a preset name or a spec
  std::vector<std::string> names;
};

TEST(NetworkFlow, LayersFoldIntoColumns) {
  const std::vector<ColumnCase> cases = {
      {"mlp", {"input", "linear1 + relu1", "linear2"}},
      {"cnn", {"input", "conv1 + relu1", "maxpool1", "conv2 + relu2", "maxpool2", "linear1"}},
      {"lenet5", {"input", "conv1 + relu1", "maxpool1", "conv2 + relu2", "maxpool2 + flatten1", "linear1 + relu3", "linear2"}},
      {R"({"input":[2],"layers":[{"type":"linear","units":4},{"type":"tanh"},{"type":"linear","units":2}]})",
       {"input", "linear1 + tanh1", "linear2"}},
      {R"({"input":[1,6,6],"layers":[{"type":"dropout"},{"type":"batchnorm"},{"type":"conv2d","filters":2,"kernel":3},
           {"type":"batchnorm"},{"type":"leaky_relu"},{"type":"lcn","size":3},{"type":"avgpool"},{"type":"instancenorm"}]})",
       {"input", "bn1", "conv1 + bn2 + leaky_relu1 + lcn1", "avgpool1 + in1"}},
  };
  for (const ColumnCase& c : cases) {
    const std::string spec = c.model[0] == '{' ? c.model : preset_spec(c.model);
    Model model(spec);
    const NetworkFlow flow = network_flow(model, testing::random_image(model.input_shape(), 1));
    std::vector<std::string> names;
    for (const FlowColumn& column : flow.columns) names.push_back(column.name);
    EXPECT_EQ(names, c.names) << c.model;
    // Every layer is in exactly one column, in order.
    std::vector<int> layers;
    for (const FlowColumn& column : flow.columns) layers.insert(layers.end(), column.layers.begin(), column.layers.end());
    std::vector<int> expected(model.layers().size());
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
    EXPECT_EQ(layers, expected) << c.model;
  }
}

TEST(NetworkFlow, NodeValuesAreTheEnginesActivations) {
  Model model(preset_spec("cnn"));
  const Tensor input = testing::random_image({1, 28, 28}, 2);
  const NetworkFlow flow = network_flow(model, input, {.edges = 10, .edges_per_node = 0, .map_limit = 14 * 14});
  const auto maps = layer_activations(model, input);
  for (const FlowColumn& column : flow.columns) {
    const Tensor& data = column.layers.empty() ? input : maps[column.layers.back()].data;
    ASSERT_EQ(column.nodes, column.shape[0]) << column.name;
    if (column.shape.size() == 1) {
      for (int i = 0; i < column.nodes; ++i) EXPECT_EQ(column.values[i], data[i]) << column.name;
      EXPECT_FALSE(column.maps.defined());
      continue;
    }
    const int plane = column.shape[1] * column.shape[2];
    for (int c = 0; c < column.nodes; ++c) {
      double total = 0;
      float peak = -INFINITY;
      for (int i = 0; i < plane; ++i) {
        total += data[c * plane + i];
        peak = std::max(peak, data[c * plane + i]);
      }
      EXPECT_NEAR(column.values[c], total / plane, 1e-6) << column.name << " node " << c;
      EXPECT_EQ(column.maxima[c], peak) << column.name << " node " << c;
    }
    // map_limit 196: the 28x28 maps are left out, the 14x14 and 7x7 ones are there.
    EXPECT_EQ(column.maps.defined(), plane <= 14 * 14) << column.name;
    if (column.maps.defined()) {
      EXPECT_EQ(column.maps.to_vector(), data.to_vector()) << column.name;
    }
  }
}

// Sum of a target's incoming edge values, over every edge.
std::map<int, double> incoming_sums(const FlowEdges& edges) {
  std::map<int, double> sums;
  for (std::size_t e = 0; e < edges.value.size(); ++e) sums[edges.target[e]] += edges.value[e];
  return sums;
}

TEST(NetworkFlow, ConvEdgesAddUpToTheMeanPreActivation) {
  // Stride, padding and dilation: the mean of each tap's inputs covers the padded border.
  Model model(R"({"input":[3,9,9],"layers":[{"type":"conv2d","filters":4,"kernel":3,"stride":2,"pad":2,"dilation":2},
                  {"type":"relu"},{"type":"conv2d","filters":2,"kernel":3,"pad":1}]})");
  const Tensor input = testing::random_image({3, 9, 9}, 3);
  const NetworkFlow flow = network_flow(model, input, kEveryEdge);
  const auto maps = layer_activations(model, input);
  for (int k : {1, 2}) {
    const FlowColumn& column = flow.columns[k];
    const int layer = column.layers.front();
    const FlowEdges& edges = column.incoming;
    EXPECT_EQ(edges.kind, "weighted");
    EXPECT_EQ(edges.possible, static_cast<std::int64_t>(flow.columns[k - 1].nodes) * column.nodes);
    ASSERT_EQ(static_cast<std::int64_t>(edges.value.size()), edges.possible);
    const Tensor bias = model.parameters()[2 * (k - 1) + 1].var.value();
    const Tensor& pre = maps[layer].data;  // the conv's own output, before the ReLU
    const Shape& out = model.layers()[layer]->output_shape();
    const int plane = out[1] * out[2];
    const std::map<int, double> sums = incoming_sums(edges);
    for (int f = 0; f < out[0]; ++f) {
      double mean = 0;
      for (int i = 0; i < plane; ++i) mean += pre[f * plane + i];
      mean /= plane;
      EXPECT_NEAR(sums.at(f) + bias[f], mean, 1e-5) << "column " << k << " filter " << f;
    }
  }
}

TEST(NetworkFlow, LinearEdgesAddUpToThePreActivation) {
  // From map nodes (a channel's whole map) and from unit nodes.
  Model model(R"({"input":[2,4,4],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"},
                  {"type":"flatten"},{"type":"linear","units":5},{"type":"sigmoid"},{"type":"linear","units":3}]})");
  const Tensor input = testing::random_image({2, 4, 4}, 4);
  const NetworkFlow flow = network_flow(model, input, kEveryEdge);
  ASSERT_EQ(flow.columns.size(), 4u);
  const auto maps = layer_activations(model, input);
  const auto params = model.parameters();
  for (int k : {2, 3}) {
    const FlowColumn& column = flow.columns[k];
    const FlowEdges& edges = column.incoming;
    EXPECT_EQ(edges.possible, static_cast<std::int64_t>(flow.columns[k - 1].nodes) * column.nodes);
    const Tensor bias = params[k == 2 ? 3 : 5].var.value();
    const std::map<int, double> sums = incoming_sums(edges);
    for (int j = 0; j < column.nodes; ++j)
      EXPECT_NEAR(sums.at(j) + bias[j], maps[column.layers.front()].data[j], 1e-5) << "column " << k << " unit " << j;
  }
  EXPECT_EQ(flow.columns[2].incoming.possible, 3 * 5);  // 3 map nodes, not 48 values
}

TEST(NetworkFlow, KeepsTheStrongestEdgesLargestFirst) {
  Model model(preset_spec("mlp"));
  const Tensor input = testing::random_image({1, 28, 28}, 5);
  const NetworkFlow all = network_flow(model, input, kEveryEdge);
  const NetworkFlow top = network_flow(model, input, {.edges = 12, .edges_per_node = 0, .map_limit = 0});
  const FlowEdges& every = all.columns[2].incoming;  // 128 -> 10
  const FlowEdges& kept = top.columns[2].incoming;
  EXPECT_EQ(every.possible, 1280);
  EXPECT_EQ(kept.possible, 1280);
  ASSERT_EQ(kept.value.size(), 12u);
  for (std::size_t e = 0; e < 12; ++e) {  // the same edges, in the same order, as the head of the full list
    EXPECT_EQ(kept.source[e], every.source[e]);
    EXPECT_EQ(kept.target[e], every.target[e]);
    EXPECT_EQ(kept.value[e], every.value[e]);
    if (e > 0) {
      EXPECT_GE(std::fabs(kept.value[e - 1]), std::fabs(kept.value[e]));
    }
  }
  // The full list holds every (source, target) pair once, each value weight x activation.
  std::set<std::pair<int, int>> pairs;
  const Tensor w = model.parameters()[2].var.value();  // linear2.weight [10, 128]
  const auto maps = layer_activations(model, input);
  for (std::size_t e = 0; e < every.value.size(); ++e) {
    pairs.insert({every.source[e], every.target[e]});
    EXPECT_FLOAT_EQ(every.value[e], w[every.target[e] * 128 + every.source[e]] * maps[1].data[every.source[e]]);
  }
  EXPECT_EQ(pairs.size(), 1280u);
  EXPECT_TRUE(top.columns[0].incoming.value.empty());
  EXPECT_EQ(top.columns[1].incoming.possible, 128);  // one input map node -> 128 units
}

TEST(NetworkFlow, EdgesPerNodeReachEveryTarget) {
  Model model(preset_spec("mlp"));
  const NetworkFlow flow =
      network_flow(model, testing::random_image({1, 28, 28}, 6), {.edges = 5, .edges_per_node = 2, .map_limit = 0});
  const FlowEdges& edges = flow.columns[2].incoming;
  std::map<int, int> per_target;
  for (int t : edges.target) ++per_target[t];
  ASSERT_EQ(per_target.size(), 10u);
  for (const auto& [target, count] : per_target) EXPECT_GE(count, 2) << target;
  EXPECT_LE(edges.value.size(), 5u + 20u);
  std::set<std::pair<int, int>> unique;
  for (std::size_t e = 0; e < edges.value.size(); ++e) unique.insert({edges.source[e], edges.target[e]});
  EXPECT_EQ(unique.size(), edges.value.size());
}

TEST(NetworkFlow, OneToOneColumnsAndAFlattenedInput) {
  Model model(R"({"input":[1,3,3],"layers":[{"type":"flatten"},{"type":"relu"},{"type":"linear","units":2}]})");
  const NetworkFlow flow = network_flow(model, testing::random_image({1, 3, 3}, 7), kEveryEdge);
  ASSERT_EQ(flow.columns.size(), 3u);
  EXPECT_EQ(flow.columns[0].shape, (Shape{9}));  // a flattened input: a node per value
  EXPECT_EQ(flow.columns[0].layers, (std::vector<int>{0}));
  const FlowEdges& relu = flow.columns[1].incoming;
  EXPECT_EQ(relu.kind, "one-to-one");
  EXPECT_EQ(relu.possible, 9);
  for (std::size_t e = 0; e < relu.value.size(); ++e) {
    EXPECT_EQ(relu.source[e], relu.target[e]);
    EXPECT_EQ(relu.value[e], flow.columns[1].values[relu.target[e]]);
  }
  Model pooled(preset_spec("cnn"));
  const NetworkFlow pooled_flow = network_flow(pooled, testing::random_image({1, 28, 28}, 8), kEveryEdge);
  const FlowEdges& pool = pooled_flow.columns[2].incoming;
  EXPECT_EQ(pool.kind, "one-to-one");
  EXPECT_EQ(pool.possible, 8);
}

// A residual's skip: identity edges c -> c at the input map's mean, so that the output map's mean
// is the layers' map mean plus the edge; a projection's edges are its 1x1 conv's; a concat has none.
TEST(NetworkFlow, ResidualColumnsCarryTheSkip) {
  Model model(R"({"input":[2,6,6],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},
    {"type":"residual","layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"}]},
    {"type":"residual","layers":[{"type":"conv2d","filters":4,"kernel":3,"stride":2,"pad":1}],
     "shortcut":[{"type":"conv2d","filters":4,"kernel":1,"stride":2}]},
    {"type":"concat","branches":[[{"type":"conv2d","filters":2,"kernel":1}],[]]}]})");
  const NetworkFlow flow = network_flow(model, testing::random_image({2, 6, 6}, 9), kEveryEdge);
  ASSERT_EQ(flow.columns.size(), 5u);
  const FlowEdges& skip = flow.columns[2].incoming;
  EXPECT_EQ(skip.kind, "block");
  EXPECT_EQ(skip.possible, 3);
  for (std::size_t e = 0; e < skip.value.size(); ++e) {
    EXPECT_EQ(skip.source[e], skip.target[e]);
    EXPECT_EQ(skip.value[e], flow.columns[1].values[skip.source[e]]);
  }
  const FlowEdges& projection = flow.columns[3].incoming;
  EXPECT_EQ(projection.kind, "block");
  EXPECT_EQ(projection.possible, 3 * 4);
  EXPECT_EQ(flow.columns[4].incoming.kind, "block");
  EXPECT_EQ(flow.columns[4].incoming.possible, 0);
}

TEST(NetworkFlow, BadRequestsNameWhatIsWrong) {
  using testing::expect_error_mentions;
  Model model(testing::kSmallCnn);
  const Tensor input = testing::random_image({1, 8, 8}, 1);
  expect_error_mentions([&] { network_flow(model, input, {.edges = -1}); }, {"edges", "-1"});
  expect_error_mentions([&] { network_flow(model, input, {.edges = 4, .edges_per_node = -2}); }, {"edgesPerNode", "-2"});
  expect_error_mentions([&] { network_flow(model, input, {.edges = 4, .edges_per_node = 0, .map_limit = -3}); },
                        {"mapLimit", "-3"});
  Tensor bad = input.clone();
  bad[3] = NAN;
  expect_error_mentions([&] { network_flow(model, bad); }, {"network_flow", "input value 3 is NaN"});
  expect_error_mentions([&] { network_flow(model, testing::random_image({64}, 1)); }, {"network_flow", "[1, 8, 8]"});
}

}  // namespace
}  // namespace wg
