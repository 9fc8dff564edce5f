// Model loss graphs (cut to a node budget) and the lectures' worked-example graphs.
#include "introspect/graph.h"

#include <deque>
#include <unordered_map>

#include "core/error.h"
#include "introspect/probe.h"
#include "ops/ops.h"

namespace wg {

ModelGraph model_loss_graph(Model& model, const Tensor& input, const std::vector<int>& labels, LossKind loss,
                            int max_nodes) {
  WG_CHECK(max_nodes >= 1, "model_loss_graph: max_nodes must be at least 1, got ", max_nodes);
  const Tensor batch = as_model_batch(model, input, "model_loss_graph");
  WG_CHECK(static_cast<int>(labels.size()) == batch.shape()[0], "model_loss_graph: ", labels.size(),
           " labels for a batch of ", batch.shape()[0]);
  // Recording on (the graph is what we want), but backward is never called. Asking for the
  // layers' outputs keeps every layer its own node (no fused conv2d_relu): the graph shows
  // the network as the user built it.
  std::vector<Var> layer_outputs;
  const Var output = forward_eval(model, Var(batch, false, "input"), &layer_outputs);
  const Var root = classification_loss(loss, output, labels);
  WG_CHECK(root.requires_grad(), "model_loss_graph: the loss does not depend on any parameter (no graph recorded)");
  const std::vector<GraphNodeInfo> all = describe_graph(root);

  ModelGraph g;
  g.loss = root.item();
  g.total_nodes = static_cast<int>(all.size());
  // Breadth-first from the loss (the last node) along input edges.
  std::vector<char> keep(all.size(), 0);
  std::deque<int> queue{static_cast<int>(all.size()) - 1};
  keep.back() = 1;
  int kept = 1;
  while (!queue.empty() && kept < max_nodes) {
    const int id = queue.front();
    queue.pop_front();
    for (int in : all[id].inputs) {
      if (keep[in] || kept >= max_nodes) continue;
      keep[in] = 1;
      ++kept;
      queue.push_back(in);
    }
  }
  std::vector<int> new_id(all.size(), -1);
  for (const GraphNodeInfo& node : all) {
    if (!keep[node.id]) continue;
    GraphNodeInfo copy = node;
    copy.id = static_cast<int>(g.nodes.size());
    new_id[node.id] = copy.id;
    copy.inputs.clear();
    for (int in : node.inputs)
      if (new_id[in] >= 0) copy.inputs.push_back(new_id[in]);
    g.nodes.push_back(std::move(copy));
  }
  g.omitted_nodes = g.total_nodes - static_cast<int>(g.nodes.size());
  return g;
}

namespace {

// Builds a worked example: keeps every labelled Var alive so their values and gradients
// can be read after backward.
class WorkedBuilder {
 public:
  Var leaf(float value, const std::string& label, bool requires_grad = true) {
    Var v(Tensor::scalar(value), requires_grad, label);
    return note(v, label);
  }
  Var note(const Var& v, const std::string& label) {
    v.node()->name = label;
    vars_.push_back(v);
    return v;
  }
  WorkedGraph finish(const std::string& name, const Var& output) {
    backward(output);
    WorkedGraph g;
    g.name = name;
    std::unordered_map<const Node*, int> ids;
    for (const Var& v : vars_) {
      WorkedNode n;
      n.id = static_cast<int>(g.nodes.size());
      ids[v.node()] = n.id;
      n.op = v.node()->op;
      n.label = v.node()->name;
      n.value = v.item();
      n.has_grad = v.grad().defined();
      n.grad = n.has_grad ? v.grad()[0] : 0.0f;
      for (const auto& in : v.node()->inputs) {
        const auto it = ids.find(in.get());
        WG_CHECK(it != ids.end(), "worked example ", name, ": node \"", n.label, "\" uses an unlabelled input");
        n.inputs.push_back(it->second);
      }
      g.nodes.push_back(std::move(n));
    }
    return g;
  }

 private:
  std::vector<Var> vars_;
};

void expect_inputs(const std::string& name, const std::vector<float>& inputs, std::size_t count, const char* names) {
  WG_CHECK(inputs.size() == count, "worked_example_graph: \"", name, "\" takes ", count, " inputs (", names, "), got ",
           inputs.size());
}

}  // namespace

const std::vector<std::string>& worked_example_names() {
  static const std::vector<std::string> names = {"cos_sin_square", "tiny_relu_net"};
  return names;
}

WorkedGraph worked_example_graph(const std::string& name, const std::vector<float>& inputs) {
  WorkedBuilder b;
  if (name == "cos_sin_square") {
    expect_inputs(name, inputs, 1, "x");
    const Var x = b.leaf(inputs[0], "x");
    const Var t = b.note(pow(x, 2.0f), "t = x^2");
    const Var u1 = b.note(sin(t), "u1 = sin t");
    const Var u2 = b.note(mul_scalar(t, 3.0f), "u2 = 3t");
    const Var u = b.note(add(u1, u2), "u = u1 + u2");
    const Var J = b.note(cos(u), "J = cos u");
    return b.finish(name, J);
  }
  if (name == "tiny_relu_net") {
    expect_inputs(name, inputs, 6, "x, w1, b1, w2, b2, t");
    const Var x = b.leaf(inputs[0], "x"), w1 = b.leaf(inputs[1], "w1"), b1 = b.leaf(inputs[2], "b1");
    const Var w2 = b.leaf(inputs[3], "w2"), b2 = b.leaf(inputs[4], "b2");
    const Var target = b.leaf(inputs[5], "t", false);
    const Var a = b.note(mul(w1, x), "a = w1 x");
    const Var z = b.note(add(a, b1), "z = a + b1");
    const Var h = b.note(relu(z), "h = max(0, z)");
    const Var v = b.note(mul(w2, h), "v = w2 h");
    const Var y = b.note(add(v, b2), "y = v + b2");
    const Var d = b.note(sub(y, target), "d = y - t");
    const Var L = b.note(pow(d, 2.0f), "L = d^2");
    return b.finish(name, L);
  }
  std::string valid;
  for (const auto& n : worked_example_names()) valid += (valid.empty() ? "" : ", ") + n;
  fail("worked_example_graph: unknown example \"", name, "\" (valid: ", valid, ")");
}

json::Value to_json(const ModelGraph& graph) {
  json::Value nodes = json::Value::array();
  for (const GraphNodeInfo& n : graph.nodes) {
    json::Value shape = json::Value::array(), inputs = json::Value::array();
    for (int d : n.shape) shape.push_back(d);
    for (int i : n.inputs) inputs.push_back(i);
    nodes.push_back(json::Value::object({{"id", n.id},
                                         {"op", n.op},
                                         {"name", n.name},
                                         {"shape", shape},
                                         {"inputs", inputs},
                                         {"requiresGrad", n.requires_grad}}));
  }
  return json::Value::object({{"nodes", nodes},
                              {"totalNodes", graph.total_nodes},
                              {"omittedNodes", graph.omitted_nodes},
                              {"loss", static_cast<double>(graph.loss)}});
}

json::Value to_json(const WorkedGraph& graph) {
  json::Value nodes = json::Value::array();
  for (const WorkedNode& n : graph.nodes) {
    json::Value inputs = json::Value::array();
    for (int i : n.inputs) inputs.push_back(i);
    nodes.push_back(json::Value::object({{"id", n.id},
                                         {"op", n.op},
                                         {"label", n.label},
                                         {"value", static_cast<double>(n.value)},
                                         {"grad", static_cast<double>(n.grad)},
                                         {"hasGrad", n.has_grad},
                                         {"inputs", inputs}}));
  }
  return json::Value::object({{"name", graph.name}, {"nodes", nodes}});
}

}  // namespace wg
