// Computation graphs as plain data for the graph view and the backpropagation demo.
//   model_loss_graph      the graph of a model's loss on one small batch (describe_graph),
//                         cut to the max_nodes nodes nearest the loss;
//   worked_example_graph  the lectures' worked examples built from the ops, with the forward
//                         value and the gradient d(output)/d(node) at every node.
// Nothing here runs backward through the model, so its parameter gradients are untouched.
#pragma once
#include <string>
#include <vector>

#include "autodiff/var.h"
#include "losses/losses.h"
#include "nn/model.h"
#include "util/json.h"

namespace wg {

struct ModelGraph {
  std::vector<GraphNodeInfo> nodes;  // topological order (inputs first, loss last); ids 0..size-1;
                                     // `inputs` lists only kept nodes
  int total_nodes = 0;               // before the cut
  int omitted_nodes = 0;             // total_nodes - nodes.size()
  float loss = 0.0f;
};

// input: one sample or a batch [N, ...] (keep it small: the graph is per op, not per sample),
// labels: N class indices. max_nodes >= 1: the nodes kept are those fewest edges away from
// the loss (breadth-first), so a cut graph shows the end of the network.
ModelGraph model_loss_graph(Model& model, const Tensor& input, const std::vector<int>& labels,
                            LossKind loss = LossKind::cross_entropy, int max_nodes = 200);

struct WorkedNode {
  int id = 0;
  std::string op;     // "input", "parameter", "pow", "sin", "add", ...
  std::string label;  // the lecture's name: "t = x^2"
  float value = 0.0f;
  float grad = 0.0f;  // d(output)/d(this node); 0 for constants (has_grad false)
  bool has_grad = false;
  std::vector<int> inputs;
};

struct WorkedGraph {
  std::string name;
  std::vector<WorkedNode> nodes;  // topological order; the last node is the output
};

// name "cos_sin_square": inputs {x}: t = x^2, u1 = sin t, u2 = 3t, u = u1 + u2, J = cos u.
// name "tiny_relu_net": inputs {x, w1, b1, w2, b2, t}: z = w1 x + b1, h = max(0, z),
//   y = w2 h + b2, L = (y - t)^2 (t is a constant: no gradient).
// Throws for an unknown name (listing the valid ones) or a wrong number of inputs.
WorkedGraph worked_example_graph(const std::string& name, const std::vector<float>& inputs);
const std::vector<std::string>& worked_example_names();

// JSON for the views: {"nodes":[{id, op, name, shape, inputs, requiresGrad}], totalNodes,
// omittedNodes, loss} and {"name", "nodes":[{id, op, label, value, grad, hasGrad, inputs}]}.
json::Value to_json(const ModelGraph& graph);
json::Value to_json(const WorkedGraph& graph);

}  // namespace wg
