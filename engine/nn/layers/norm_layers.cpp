// Normalisation layers: batchnorm (learned gamma/beta per channel, running statistics as
// buffers), layernorm (per sample over everything), instancenorm (per sample and channel
// over H,W), lcn (local contrast normalisation over a size x size window).
#include <string>

#include "nn/layers/layer_spec.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

std::string number_text(double v) { return json::dump(json::Value(v)); }

// gamma (".weight", ones) and beta (".bias", zeros) of the given shape.
struct Affine {
  Shape shape;
  Var gamma, beta;
  void reset(const std::string& name) {
    if (!gamma.defined()) {
      gamma = Var::parameter(Tensor::empty(shape), name + ".weight");
      beta = Var::parameter(Tensor::empty(shape), name + ".bias");
    }
    gamma.value().fill(1.0f);
    beta.value().fill(0.0f);
  }
  void add_to(std::vector<NamedParameter>& p, const std::string& name) const {
    p.push_back({name + ".weight", gamma});
    p.push_back({name + ".bias", beta});
  }
};

class BatchNormLayer final : public Layer {
 public:
  explicit BatchNormLayer(const FieldReader& f) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    momentum_ = f.number("momentum", 0.1);
    eps_ = f.number("eps", 1e-5);
    affine_.shape = {in.shape[0]};
    summary_.name = in.name;
    summary_.type = "batchnorm";
    summary_.output_shape = in.shape;
    summary_.parameters = 2 * static_cast<std::int64_t>(in.shape[0]);
    rf_keep(summary_, in);
    summary_.detail = std::to_string(in.shape[0]) + (in.shape.size() == 3 ? " channels" : " features") +
                      ", momentum " + number_text(momentum_) + ", eps " + number_text(eps_);
  }
  const char* type() const override { return "batchnorm"; }
  Var forward(const Var& x, ForwardContext& context) override {
    return batch_norm(x, context.parameter(affine_.gamma), context.parameter(affine_.beta), running_mean_,
                      running_var_, context.training, momentum_, eps_);
  }
  bool couples_samples() const override { return true; }
  std::vector<NamedParameter> parameters() const override {
    std::vector<NamedParameter> p;
    affine_.add_to(p, name());
    return p;
  }
  std::vector<NamedBuffer> buffers() const override {
    return {{name() + ".running_mean", running_mean_}, {name() + ".running_var", running_var_}};
  }
  void reset_parameters(Rng&) override {
    affine_.reset(name());
    if (!running_mean_.defined()) {
      running_mean_ = Tensor::empty(affine_.shape);
      running_var_ = Tensor::empty(affine_.shape);
    }
    running_mean_.fill(0.0f);
    running_var_.fill(1.0f);
  }
  json::Value spec() const override {
    return json::Value::object({{"type", "batchnorm"},
                                {"momentum", static_cast<double>(momentum_)},
                                {"eps", static_cast<double>(eps_)}});
  }

 private:
  double momentum_ = 0.1, eps_ = 1e-5;
  Affine affine_;
  Tensor running_mean_, running_var_;
};

// layernorm and instancenorm differ only in the statistics' extent and gamma's shape.
class SampleNormLayer final : public Layer {
 public:
  explicit SampleNormLayer(const FieldReader& f) : type_(f.type()) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    if (type_ == "instancenorm" && in.shape.size() != 3)
      f.fail_shape("needs a [C, H, W] input, got " + shape_str(in.shape));
    eps_ = f.number("eps", 1e-5);
    affine_enabled_ = f.boolean("affine", true);
    affine_.shape = type_ == "layernorm" ? in.shape : Shape{in.shape[0]};
    summary_.name = in.name;
    summary_.type = type_;
    summary_.output_shape = in.shape;
    summary_.parameters = affine_enabled_ ? 2 * numel(affine_.shape) : 0;
    rf_keep(summary_, in);
    summary_.detail = std::string(type_ == "layernorm" ? "over " + shape_str(in.shape) : "per channel over H, W") +
                      ", eps " + number_text(eps_) + (affine_enabled_ ? "" : ", no affine");
  }
  const char* type() const override { return type_.c_str(); }
  Var forward(const Var& x, ForwardContext& context) override {
    const Var& gamma = context.parameter(affine_.gamma);
    const Var& beta = context.parameter(affine_.beta);
    if (type_ == "layernorm") return layer_norm(x, gamma, beta, eps_);
    return instance_norm(x, gamma, beta, eps_);
  }
  std::vector<NamedParameter> parameters() const override {
    std::vector<NamedParameter> p;
    if (affine_enabled_) affine_.add_to(p, name());
    return p;
  }
  void reset_parameters(Rng&) override {
    if (affine_enabled_) affine_.reset(name());
  }
  json::Value spec() const override {
    return json::Value::object(
        {{"type", type_}, {"eps", static_cast<double>(eps_)}, {"affine", affine_enabled_}});
  }

 private:
  std::string type_;
  double eps_ = 1e-5;
  bool affine_enabled_ = true;
  Affine affine_;
};

class LcnLayer final : public Layer {
 public:
  explicit LcnLayer(const FieldReader& f) {
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    if (in.shape.size() != 3) f.fail_shape("needs a [C, H, W] input, got " + shape_str(in.shape));
    size_ = f.integer("size", 9);
    if (size_ % 2 == 0) f.fail_shape("size " + std::to_string(size_) + " must be odd", "size");
    eps_ = f.number("eps", 1e-4);
    summary_.name = in.name;
    summary_.type = "lcn";
    summary_.output_shape = in.shape;
    rf_window(summary_, in, size_, 1, size_ / 2);
    summary_.detail = std::to_string(size_) + "x" + std::to_string(size_) + " window";
  }
  const char* type() const override { return "lcn"; }
  Var forward(const Var& x, ForwardContext&) override { return local_contrast_norm(x, size_, eps_); }
  json::Value spec() const override {
    return json::Value::object({{"type", "lcn"}, {"size", size_}, {"eps", static_cast<double>(eps_)}});
  }

 private:
  int size_ = 9;
  double eps_ = 1e-4;
};

}  // namespace

std::unique_ptr<Layer> make_batchnorm(const FieldReader& f) { return std::make_unique<BatchNormLayer>(f); }
std::unique_ptr<Layer> make_layernorm(const FieldReader& f) { return std::make_unique<SampleNormLayer>(f); }
std::unique_ptr<Layer> make_instancenorm(const FieldReader& f) { return std::make_unique<SampleNormLayer>(f); }
std::unique_ptr<Layer> make_lcn(const FieldReader& f) { return std::make_unique<LcnLayer>(f); }

}  // namespace wg::layers
