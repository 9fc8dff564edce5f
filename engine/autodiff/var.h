// Reverse-mode automatic differentiation, define-by-run (micrograd style, on tensors).
//
// Every op returns a Var whose Node remembers its inputs and a backward closure.
// backward(loss) sorts the graph topologically and walks it once in reverse; each
// closure ADDS its contribution (+=) to its inputs' gradients, so a value used twice
// receives both. Under NoGrad no graph is recorded (inference, optimizer updates).
//
// zero_grad() does not write zeros: it marks the gradient as standing for zeros (grad_is_zero).
// An op whose kernel can overwrite instead of add (a product with beta = 0) asks for
// input_grad_to_write and skips reading it; any other reader gets real zeros first (grad_buffer,
// Var::grad). For the MLP's first layer that is a 400 KB fill less per step, which on two threads
// was also 400 KB of cache lines fetched from the other core.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace wg {

struct Node {
  Tensor value;
  Tensor grad;  // allocated on first accumulation; undefined before
  bool grad_is_zero = false;  // grad's values are stale and stand for zeros (zero_grad, or not yet written)
  std::vector<std::shared_ptr<Node>> inputs;
  std::function<void(Node& self)> backward;  // adds d(root)/d(inputs) given self.grad
  std::string op = "input";                  // "matmul", "conv2d", ... ; "input" / "parameter" for leaves
  std::string name;                          // optional label shown in graph views: "conv1.weight"
  bool requires_grad = false;

  Tensor& grad_buffer();               // self's gradient, allocated zeroed if needed
  const Tensor& grad_buffer_if_defined();  // self's gradient with real zeros, or undefined
  Tensor* input_grad(std::size_t i);   // input i's gradient buffer, or nullptr when it needs none
  // Input i's gradient buffer for a kernel that computes grad = beta * grad + contribution: beta
  // is 0 when the buffer stands for zeros (its values must then not be read), else 1. nullptr
  // when the input needs no gradient.
  Tensor* input_grad_to_write(std::size_t i, float& beta);
};

class Var {
 public:
  Var() = default;
  explicit Var(Tensor value, bool requires_grad = false, std::string name = "");
  static Var parameter(Tensor value, std::string name);  // a leaf that requires grad

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const { return node_->value; }
  Tensor& value() { return node_->value; }
  const Tensor& grad() const { return node_->grad_buffer_if_defined(); }
  const Shape& shape() const { return node_->value.shape(); }
  bool requires_grad() const { return node_->requires_grad; }
  float item() const { return node_->value.item(); }
  void zero_grad();

  Node* node() const { return node_.get(); }
  const std::shared_ptr<Node>& shared() const { return node_; }
  explicit Var(std::shared_ptr<Node> node) : node_(std::move(node)) {}

 private:
  std::shared_ptr<Node> node_;
};

// Gradient recording switch (thread-local). NoGrad is an RAII guard.
bool grad_enabled();
class NoGrad {
 public:
  NoGrad();
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool previous_;
};

// For op authors: wraps a computed value. When recording and any input requires grad,
// the result keeps its inputs and backward closure; otherwise both are dropped.
Var make_result(std::string op, Tensor value, std::vector<Var> inputs, std::function<void(Node&)> backward);

// Seeds d(root)/d(root) = 1 (root must have one element) and back-propagates.
void backward(const Var& root);
// Same with an explicit seed gradient of root's shape.
void backward(const Var& root, const Tensor& seed);

// The graph as plain data for the UI's computation-graph view, in topological order.
struct GraphNodeInfo {
  int id = 0;
  std::string op;
  std::string name;
  Shape shape;
  std::vector<int> inputs;
  bool requires_grad = false;
};
std::vector<GraphNodeInfo> describe_graph(const Var& root);

}  // namespace wg
