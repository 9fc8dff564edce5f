// Pointwise activation layers: relu, leaky_relu {slope}, sigmoid, tanh, softplus, and the
// non-differentiable sign and step (perceptron outputs; their gradient is 0).
#include <string>

#include "nn/layers/layer_spec.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

class ActivationLayer final : public Layer {
 public:
  explicit ActivationLayer(const FieldReader& f) : type_(f.type()) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    if (type_ == "leaky_relu") slope_ = f.number("slope", 0.01);
    summary_.name = in.name;
    summary_.type = type_;
    summary_.output_shape = in.shape;
    rf_keep(summary_, in);
    if (type_ == "leaky_relu") summary_.detail = "slope " + json::dump(json::Value(static_cast<double>(slope_)));
  }

  const char* type() const override { return type_.c_str(); }
  bool is_relu() const override { return type_ == "relu"; }

  Var forward(const Var& x, ForwardContext&) override {
    if (type_ == "relu") return relu(x);
    if (type_ == "leaky_relu") return leaky_relu(x, slope_);
    if (type_ == "sigmoid") return sigmoid(x);
    if (type_ == "tanh") return tanh(x);
    if (type_ == "softplus") return softplus(x);
    if (type_ == "sign") return sign(x);
    return step(x);
  }

  json::Value spec() const override {
    json::Value s = json::Value::object({{"type", type_}});
    if (type_ == "leaky_relu") s.set("slope", static_cast<double>(slope_));
    return s;
  }

 private:
  std::string type_;
  double slope_ = 0.01;
};

}  // namespace

std::unique_ptr<Layer> make_activation(const FieldReader& f) { return std::make_unique<ActivationLayer>(f); }

}  // namespace wg::layers
