// Tests for engine/introspect/graph: the model loss graph (cut to a budget) and the
// lectures' worked-example graphs checked against the hand formulas.
#include "introspect/graph.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../ops/error_message.h"
#include "small_models.h"

namespace wg {
namespace {

const WorkedNode& node_labelled(const WorkedGraph& g, const std::string& label) {
  for (const WorkedNode& n : g.nodes)
    if (n.label == label) return n;
  throw Error("no node " + label);
}

TEST(IntrospectGraph, ModelLossGraphEndsInTheLoss) {
  Model model(testing::kSmallCnn);
  const ModelGraph g = model_loss_graph(model, testing::random_image({2, 1, 8, 8}, 1), {0, 1});
  ASSERT_FALSE(g.nodes.empty());
  EXPECT_EQ(g.nodes.back().op, "softmax_cross_entropy");
  EXPECT_EQ(g.omitted_nodes, 0);
  EXPECT_EQ(g.total_nodes, static_cast<int>(g.nodes.size()));
  EXPECT_GT(g.loss, 0.0f);
  int parameters = 0;
  for (const GraphNodeInfo& n : g.nodes) {
    if (n.name == "conv1.weight" || n.name == "linear1.bias") ++parameters;
    for (int in : n.inputs) EXPECT_LT(in, n.id);
  }
  EXPECT_EQ(parameters, 2);
  EXPECT_FALSE(testing::any_parameter_gradient(model));
  // Every layer is its own node, as the user built the network (training fuses conv -> relu).
  int convs = 0, relus = 0;
  for (const GraphNodeInfo& n : g.nodes) {
    EXPECT_NE(n.op, "conv2d_relu");
    convs += n.op == "conv2d";
    relus += n.op == "relu";
  }
  EXPECT_GE(convs, 1);
  EXPECT_GE(relus, 1);
}

TEST(IntrospectGraph, CutKeepsTheNodesNearestTheLoss) {
  Model model(testing::kSmallCnn);
  const Tensor input = testing::random_image({1, 8, 8}, 2);
  const ModelGraph full = model_loss_graph(model, input, {1});
  for (int budget : {1, 3, 5}) {
    const ModelGraph g = model_loss_graph(model, input, {1}, LossKind::cross_entropy, budget);
    ASSERT_EQ(static_cast<int>(g.nodes.size()), budget);
    EXPECT_EQ(g.total_nodes, full.total_nodes);
    EXPECT_EQ(g.omitted_nodes, full.total_nodes - budget);
    EXPECT_EQ(g.nodes.back().op, "softmax_cross_entropy");
    for (const GraphNodeInfo& n : g.nodes)
      for (int in : n.inputs) EXPECT_LT(in, n.id);
  }
  // Budget 3: the loss, the linear layer's op and its direct inputs come first.
  const ModelGraph three = model_loss_graph(model, input, {1}, LossKind::cross_entropy, 3);
  EXPECT_EQ(three.nodes[2].inputs.size(), 1u);
  testing::expect_error_mentions([&] { model_loss_graph(model, input, {1, 2}); }, {"2 labels", "batch of 1"});
  testing::expect_error_mentions([&] { model_loss_graph(model, input, {1}, LossKind::cross_entropy, 0); },
                                 {"max_nodes"});
}

TEST(IntrospectGraph, CosSinSquareMatchesTheHandFormulas) {
  for (float x : {0.5f, 1.3f, -0.8f}) {
    SCOPED_TRACE("x = " + std::to_string(x));
    const WorkedGraph g = worked_example_graph("cos_sin_square", {x});
    ASSERT_EQ(g.nodes.size(), 6u);
    const double t = static_cast<double>(x) * x, u = std::sin(t) + 3 * t;
    EXPECT_NEAR(node_labelled(g, "t = x^2").value, t, 1e-6);
    EXPECT_NEAR(node_labelled(g, "u = u1 + u2").value, u, 1e-5);
    EXPECT_NEAR(g.nodes.back().value, std::cos(u), 1e-5);
    EXPECT_FLOAT_EQ(g.nodes.back().grad, 1.0f);
    EXPECT_NEAR(node_labelled(g, "u = u1 + u2").grad, -std::sin(u), 1e-5);
    // t feeds sin and 3t: its gradient is the sum of both paths.
    EXPECT_NEAR(node_labelled(g, "t = x^2").grad, -std::sin(u) * (std::cos(t) + 3), 1e-4);
    EXPECT_NEAR(node_labelled(g, "x").grad, -std::sin(u) * (std::cos(t) + 3) * 2 * x, 1e-4);
    EXPECT_EQ(node_labelled(g, "u = u1 + u2").inputs,
              (std::vector<int>{node_labelled(g, "u1 = sin t").id, node_labelled(g, "u2 = 3t").id}));
  }
}

TEST(IntrospectGraph, TinyReluNetMatchesTheHandFormulas) {
  // h = relu(0.5*2 - 0.5) = 0.5, y = 3*0.5 + 1 = 2.5, L = (2.5 - 4)^2 = 2.25, dL/dy = -3,
  // dL/dh = -9: dL/dw1 = -18, dL/db1 = -9, dL/dw2 = -1.5, dL/db2 = -3, dL/dx = -4.5.
  const WorkedGraph g = worked_example_graph("tiny_relu_net", {2, 0.5f, -0.5f, 3, 1, 4});
  struct Expect {
    const char* label;
    float value, grad;
  };
  for (const Expect& e : std::vector<Expect>{{"x", 2, -4.5f},
                                             {"w1", 0.5f, -18},
                                             {"b1", -0.5f, -9},
                                             {"w2", 3, -1.5f},
                                             {"b2", 1, -3},
                                             {"h = max(0, z)", 0.5f, -9},
                                             {"y = v + b2", 2.5f, -3},
                                             {"L = d^2", 2.25f, 1}}) {
    const WorkedNode& n = node_labelled(g, e.label);
    EXPECT_FLOAT_EQ(n.value, e.value) << e.label;
    EXPECT_FLOAT_EQ(n.grad, e.grad) << e.label;
    EXPECT_TRUE(n.has_grad) << e.label;
  }
  EXPECT_FALSE(node_labelled(g, "t").has_grad);
  // Relu off: nothing before it learns.
  const WorkedGraph off = worked_example_graph("tiny_relu_net", {2, 0.5f, -2, 3, 1, 4});
  EXPECT_FLOAT_EQ(node_labelled(off, "w1").grad, 0.0f);
  EXPECT_FLOAT_EQ(node_labelled(off, "b2").grad, -6.0f);
}

TEST(IntrospectGraph, WorkedExampleErrorsAndJson) {
  testing::expect_error_mentions([] { worked_example_graph("xor", {}); }, {"\"xor\"", "cos_sin_square", "tiny_relu_net"});
  testing::expect_error_mentions([] { worked_example_graph("tiny_relu_net", {1, 2}); }, {"6 inputs", "got 2"});
  const WorkedGraph g = worked_example_graph("cos_sin_square", {1.0f});
  const json::Value j = json::parse(json::dump(to_json(g)));
  EXPECT_EQ(j.find("name")->as_string(), "cos_sin_square");
  EXPECT_EQ(j.find("nodes")->size(), 6u);
  EXPECT_EQ(j.find("nodes")->as_array()[1].find("label")->as_string(), "t = x^2");
  Model model(testing::kSmallCnn);
  const json::Value m =
      json::parse(json::dump(to_json(model_loss_graph(model, testing::random_image({1, 8, 8}, 3), {0}))));
  EXPECT_EQ(m.find("omittedNodes")->as_number(), 0);
  EXPECT_GT(m.find("nodes")->size(), 4u);
}

}  // namespace
}  // namespace wg
