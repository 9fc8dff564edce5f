// The fully connected layer ("linear", alias "dense"): weight [out, in], bias [out].
// On a [C,H,W] input it flattens each sample first (in = C*H*W).
#include <string>

#include "nn/init.h"
#include "nn/layers/layer_spec.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

class LinearLayer final : public Layer {
 public:
  explicit LinearLayer(const FieldReader& f) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    const std::int64_t features = numel(in.shape);
    if (features > (1 << 24)) f.fail_shape("input of " + std::to_string(features) + " features is too large");
    in_ = static_cast<int>(features);
    out_ = f.required_integer("units");
    bias_enabled_ = f.boolean("bias", true);
    init_ = f.initializer("init", "default");
    summary_.name = in.name;
    summary_.type = "linear";
    summary_.output_shape = {out_};
    summary_.parameters = static_cast<std::int64_t>(in_) * out_ + (bias_enabled_ ? out_ : 0);
    summary_.multiply_adds = static_cast<std::int64_t>(in_) * out_;
    rf_global(summary_, in);
    summary_.detail = std::to_string(in_) + " -> " + std::to_string(out_) +
                      (in.shape.size() > 1 ? " (flattens " + shape_str(in.shape) + ")" : "") +
                      (bias_enabled_ ? "" : ", no bias");
  }

  const char* type() const override { return "linear"; }

  Var forward(const Var& x, ForwardContext& context) override {
    const Var rows = x.shape().size() > 2 ? flatten(x) : x;
    return linear(rows, context.parameter(weight_), context.parameter(bias_));
  }

  std::vector<NamedParameter> parameters() const override {
    std::vector<NamedParameter> p = {{name() + ".weight", weight_}};
    if (bias_enabled_) p.push_back({name() + ".bias", bias_});
    return p;
  }

  void reset_parameters(Rng& rng) override {
    if (!weight_.defined()) {
      weight_ = Var::parameter(Tensor::empty({out_, in_}), name() + ".weight");
      if (bias_enabled_) bias_ = Var::parameter(Tensor::empty({out_}), name() + ".bias");
    }
    initialize(weight_.value(), init_, in_, out_, rng);
    if (bias_enabled_) {
      if (init_ == "default") init_default_uniform(bias_.value(), in_, rng);
      else bias_.value().fill(0.0f);
    }
  }

  json::Value spec() const override {
    return json::Value::object({{"type", "linear"}, {"units", out_}, {"bias", bias_enabled_}, {"init", init_}});
  }

 private:
  int in_ = 0, out_ = 0;
  bool bias_enabled_ = true;
  std::string init_;
  Var weight_, bias_;
};

}  // namespace

std::unique_ptr<Layer> make_linear(const FieldReader& f) { return std::make_unique<LinearLayer>(f); }

}  // namespace wg::layers
