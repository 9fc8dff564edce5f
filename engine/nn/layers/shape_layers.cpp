// Layers that reshape or regularise without learning: flatten and (inverted) dropout.
#include <string>

#include "nn/layers/layer_spec.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

class FlattenLayer final : public Layer {
 public:
  explicit FlattenLayer(const FieldReader& f) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    const std::int64_t features = numel(in.shape);
    if (features > (1 << 24)) f.fail_shape("output of " + std::to_string(features) + " features is too large");
    summary_.name = in.name;
    summary_.type = "flatten";
    summary_.output_shape = {static_cast<int>(features)};
    rf_keep(summary_, in);
    summary_.detail = shape_str(in.shape) + " -> " + std::to_string(features);
  }
  const char* type() const override { return "flatten"; }
  Var forward(const Var& x, ForwardContext&) override { return x.shape().size() > 2 ? flatten(x) : x; }
  json::Value spec() const override { return json::Value::object({{"type", "flatten"}}); }
};

class DropoutLayer final : public Layer {
 public:
  explicit DropoutLayer(const FieldReader& f) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    rate_ = f.number("rate", 0.5);
    summary_.name = in.name;
    summary_.type = "dropout";
    summary_.output_shape = in.shape;
    rf_keep(summary_, in);
    summary_.detail = "rate " + json::dump(json::Value(static_cast<double>(rate_)));
  }
  const char* type() const override { return "dropout"; }
  Var forward(const Var& x, ForwardContext& context) override {
    if (!context.training || rate_ == 0.0) return x;
    WG_CHECK(context.rng != nullptr, "dropout layer ", name(), ": training forward pass needs an Rng in the context");
    return dropout(x, rate_, true, *context.rng);
  }
  json::Value spec() const override {
    return json::Value::object({{"type", "dropout"}, {"rate", static_cast<double>(rate_)}});
  }

 private:
  double rate_ = 0.5;
};

}  // namespace

std::unique_ptr<Layer> make_flatten(const FieldReader& f) { return std::make_unique<FlattenLayer>(f); }
std::unique_ptr<Layer> make_dropout(const FieldReader& f) { return std::make_unique<DropoutLayer>(f); }

}  // namespace wg::layers
