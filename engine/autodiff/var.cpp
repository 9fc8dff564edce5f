#include "autodiff/var.h"

#include <unordered_map>
#include <unordered_set>

#include "core/error.h"

namespace wg {

Tensor& Node::grad_buffer() {
  if (!grad.defined()) grad = Tensor::zeros(value.shape());
  else if (grad_is_zero) grad.fill(0.0f);
  grad_is_zero = false;
  return grad;
}

const Tensor& Node::grad_buffer_if_defined() { return grad.defined() ? grad_buffer() : grad; }

Tensor* Node::input_grad(std::size_t i) {
  Node& in = *inputs[i];
  return in.requires_grad ? &in.grad_buffer() : nullptr;
}

Tensor* Node::input_grad_to_write(std::size_t i, float& beta) {
  Node& in = *inputs[i];
  if (!in.requires_grad) return nullptr;
  if (!in.grad.defined()) {
    in.grad = Tensor::empty(in.value.shape());
    in.grad_is_zero = true;
  }
  beta = in.grad_is_zero ? 0.0f : 1.0f;
  in.grad_is_zero = false;
  return &in.grad;
}

Var::Var(Tensor value, bool requires_grad, std::string name) : node_(std::make_shared<Node>()) {
  WG_CHECK(value.defined(), "Var: value tensor is undefined");
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
  node_->name = std::move(name);
  if (requires_grad) node_->op = "parameter";
}

Var Var::parameter(Tensor value, std::string name) { return Var(std::move(value), true, std::move(name)); }

void Var::zero_grad() {
  if (node_ && node_->grad.defined()) node_->grad_is_zero = true;
}

namespace {
thread_local bool g_grad_enabled = true;

// Iterative DFS post-order, so deep graphs cannot overflow the (small, in WASM) stack.
std::vector<Node*> topological_order(Node* root) {
  std::vector<Node*> order;
  std::unordered_set<Node*> visited;
  std::vector<std::pair<Node*, std::size_t>> stack{{root, 0}};
  visited.insert(root);
  while (!stack.empty()) {
    auto& [node, next_input] = stack.back();
    if (next_input < node->inputs.size()) {
      Node* child = node->inputs[next_input++].get();
      if (visited.insert(child).second) stack.push_back({child, 0});
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}
}  // namespace

bool grad_enabled() { return g_grad_enabled; }
NoGrad::NoGrad() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGrad::~NoGrad() { g_grad_enabled = previous_; }

Var make_result(std::string op, Tensor value, std::vector<Var> inputs, std::function<void(Node&)> backward) {
  auto node = std::make_shared<Node>();
  node->value = std::move(value);
  node->op = std::move(op);
  bool any = false;
  for (const Var& in : inputs) any = any || (in.defined() && in.requires_grad());
  if (g_grad_enabled && any) {
    node->requires_grad = true;
    node->backward = std::move(backward);
    node->inputs.reserve(inputs.size());
    for (const Var& in : inputs) node->inputs.push_back(in.shared());
  }
  return Var(std::move(node));
}

void backward(const Var& root) {
  WG_CHECK(root.defined(), "backward: root is undefined");
  WG_CHECK(root.value().size() == 1, "backward: root must be a single value (a loss), got shape ",
           shape_str(root.shape()), "; pass a seed gradient for non-scalar roots");
  backward(root, Tensor::full(root.shape(), 1.0f));
}

void backward(const Var& root, const Tensor& seed) {
  WG_CHECK(root.defined(), "backward: root is undefined");
  WG_CHECK(root.requires_grad(), "backward: the root does not depend on any parameter that requires grad");
  WG_CHECK(seed.size() == root.value().size(), "backward: seed shape ", shape_str(seed.shape()),
           " does not match root shape ", shape_str(root.shape()));
  NoGrad no_recording;  // backward closures must not build graph
  Node* top = root.node();
  Tensor& g = top->grad_buffer();
  for (std::int64_t i = 0; i < g.size(); ++i) g[i] += seed[i];
  std::vector<Node*> order = topological_order(top);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* node = *it;
    if (node->backward && node->grad.defined()) node->backward(*node);
  }
}

std::vector<GraphNodeInfo> describe_graph(const Var& root) {
  WG_CHECK(root.defined(), "describe_graph: root is undefined");
  std::vector<Node*> order = topological_order(root.node());
  std::unordered_map<Node*, int> ids;
  std::vector<GraphNodeInfo> out;
  out.reserve(order.size());
  for (Node* node : order) {
    GraphNodeInfo info;
    info.id = static_cast<int>(out.size());
    ids[node] = info.id;
    info.op = node->op;
    info.name = node->name;
    info.shape = node->value.shape();
    info.requires_grad = node->requires_grad;
    for (auto& in : node->inputs) info.inputs.push_back(ids.at(in.get()));
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace wg
