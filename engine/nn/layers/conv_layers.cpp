// Convolution and pooling layers: conv2d (weights [K,C,KH,KW] + bias [K]), the
// parameter-free max / average / L2 pooling windows and global average pooling.
#include <algorithm>
#include <string>

#include "nn/init.h"
#include "nn/layers/layer_spec.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

std::string size_text(int h, int w) { return h == w ? std::to_string(h) : std::to_string(h) + "x" + std::to_string(w); }
json::Value size_json(int h, int w) { return h == w ? json::Value(h) : json::Value::array({h, w}); }

// Output extent along one axis, or a layer-named error when the window does not fit.
void check_window_fits(const FieldReader& f, const std::string& what, int kh_eff, int kw_eff, int h, int w, int pad) {
  if (kh_eff > h + 2 * pad || kw_eff > w + 2 * pad)
    f.fail_shape(what + " larger than " + (pad ? "padded " : "") + "input " + std::to_string(h + 2 * pad) + "x" +
                     std::to_string(w + 2 * pad),
                 "kernel");
}

void require_image(const FieldReader& f) {
  if (f.input().shape.size() != 3)
    f.fail_shape("needs a [C, H, W] input, got " + shape_str(f.input().shape));
}

class Conv2dLayer final : public Layer {
 public:
  explicit Conv2dLayer(const FieldReader& f) {
    require_image(f);
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    filters_ = f.required_integer("filters");
    f.require("kernel");
    std::tie(kh_, kw_) = f.integer_pair("kernel", {0, 0});
    options_.stride = f.integer("stride", 1);
    options_.pad = f.integer("pad", 0);
    options_.dilation = f.integer("dilation", 1);
    bias_enabled_ = f.boolean("bias", true);
    init_ = f.initializer("init", "default");
    const int c = in.shape[0], h = in.shape[1], w = in.shape[2];
    const int kh_eff = options_.dilation * (kh_ - 1) + 1, kw_eff = options_.dilation * (kw_ - 1) + 1;
    check_window_fits(f, std::string(options_.dilation > 1 ? "dilated kernel " : "kernel ") + size_text(kh_eff, kw_eff),
                      kh_eff, kw_eff, h, w, options_.pad);
    const int oh = (h + 2 * options_.pad - kh_eff) / options_.stride + 1;
    const int ow = (w + 2 * options_.pad - kw_eff) / options_.stride + 1;
    fan_in_ = c * kh_ * kw_;
    summary_.name = in.name;
    summary_.type = "conv2d";
    summary_.output_shape = {filters_, oh, ow};
    summary_.parameters = static_cast<std::int64_t>(fan_in_) * filters_ + (bias_enabled_ ? filters_ : 0);
    summary_.multiply_adds = static_cast<std::int64_t>(filters_) * oh * ow * fan_in_;
    rf_window(summary_, in, std::max(kh_eff, kw_eff), options_.stride, options_.pad);
    summary_.detail = std::to_string(filters_) + " filters " + std::to_string(kh_) + "x" + std::to_string(kw_) +
                      ", stride " + std::to_string(options_.stride) + ", pad " + std::to_string(options_.pad) +
                      (options_.dilation > 1 ? ", dilation " + std::to_string(options_.dilation) : "") +
                      (bias_enabled_ ? "" : ", no bias");
  }

  const char* type() const override { return "conv2d"; }

  Var forward(const Var& x, ForwardContext& context) override {
    return conv2d(x, context.parameter(weight_), context.parameter(bias_), options_);
  }
  Var forward_then_relu(const Var& x, ForwardContext& context) override {
    return conv2d_relu(x, context.parameter(weight_), context.parameter(bias_), options_);
  }
  Var forward_then_relu_maxpool2(const Var& x, ForwardContext& context) override {
    if (output_shape()[1] < 2 || output_shape()[2] < 2) return Var();
    return conv2d_relu_maxpool2(x, context.parameter(weight_), context.parameter(bias_), options_);
  }

  std::vector<NamedParameter> parameters() const override {
    std::vector<NamedParameter> p = {{name() + ".weight", weight_}};
    if (bias_enabled_) p.push_back({name() + ".bias", bias_});
    return p;
  }

  void reset_parameters(Rng& rng) override {
    if (!weight_.defined()) {
      weight_ = Var::parameter(Tensor::empty({filters_, input_shape_[0], kh_, kw_}), name() + ".weight");
      if (bias_enabled_) bias_ = Var::parameter(Tensor::empty({filters_}), name() + ".bias");
    }
    initialize(weight_.value(), init_, fan_in_, filters_ * kh_ * kw_, rng);
    if (bias_enabled_) {
      if (init_ == "default") init_default_uniform(bias_.value(), fan_in_, rng);
      else bias_.value().fill(0.0f);
    }
  }

  json::Value spec() const override {
    return json::Value::object({{"type", "conv2d"},
                                {"filters", filters_},
                                {"kernel", size_json(kh_, kw_)},
                                {"stride", options_.stride},
                                {"pad", options_.pad},
                                {"dilation", options_.dilation},
                                {"bias", bias_enabled_},
                                {"init", init_}});
  }

 private:
  int filters_ = 0, kh_ = 0, kw_ = 0, fan_in_ = 0;
  Conv2dOptions options_;
  bool bias_enabled_ = true;
  std::string init_;
  Var weight_, bias_;
};

class PoolLayer final : public Layer {
 public:
  explicit PoolLayer(const FieldReader& f) : type_(f.type()) {
    require_image(f);
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    options_.kernel = f.integer("kernel", 2);
    options_.stride = f.integer("stride", options_.kernel);
    options_.pad = f.integer("pad", 0);
    if (options_.pad * 2 > options_.kernel)
      f.fail_shape("pad " + std::to_string(options_.pad) + " is more than half the kernel " +
                       std::to_string(options_.kernel),
                   "pad");
    const int h = in.shape[1], w = in.shape[2];
    check_window_fits(f, "kernel " + std::to_string(options_.kernel), options_.kernel, options_.kernel, h, w,
                      options_.pad);
    const int oh = (h + 2 * options_.pad - options_.kernel) / options_.stride + 1;
    const int ow = (w + 2 * options_.pad - options_.kernel) / options_.stride + 1;
    summary_.name = in.name;
    summary_.type = type_;
    summary_.output_shape = {in.shape[0], oh, ow};
    rf_window(summary_, in, options_.kernel, options_.stride, options_.pad);
    summary_.detail = std::to_string(options_.kernel) + "x" + std::to_string(options_.kernel) + ", stride " +
                      std::to_string(options_.stride) + (options_.pad ? ", pad " + std::to_string(options_.pad) : "");
  }

  const char* type() const override { return type_.c_str(); }
  bool is_max_pool_2x2() const override {
    return type_ == "maxpool" && options_.kernel == 2 && options_.stride == 2 && options_.pad == 0;
  }

  Var forward(const Var& x, ForwardContext&) override {
    if (type_ == "maxpool") return max_pool2d(x, options_);
    if (type_ == "avgpool") return avg_pool2d(x, options_);
    return l2_pool2d(x, options_);
  }

  json::Value spec() const override {
    return json::Value::object(
        {{"type", type_}, {"kernel", options_.kernel}, {"stride", options_.stride}, {"pad", options_.pad}});
  }

 private:
  std::string type_;
  Pool2dOptions options_;
};

// [C, H, W] -> [C]: each channel's mean, so the layer after it sees one number per channel
// whatever the image size (ResNet's and GoogLeNet's head). Its one output unit per channel sees
// the whole map: a window of the map's size.
class GlobalAvgPoolLayer final : public Layer {
 public:
  explicit GlobalAvgPoolLayer(const FieldReader& f) {
    require_image(f);
    const LayerInput& in = f.input();
    input_shape_ = in.shape;
    summary_.name = in.name;
    summary_.type = "globalavgpool";
    summary_.output_shape = {in.shape[0]};
    const int window = std::max(in.shape[1], in.shape[2]);
    rf_window(summary_, in, window, window, 0);
    summary_.detail = shape_str(in.shape) + " -> " + std::to_string(in.shape[0]);
  }
  const char* type() const override { return "globalavgpool"; }
  Var forward(const Var& x, ForwardContext&) override { return global_avg_pool2d(x); }
  json::Value spec() const override { return json::Value::object({{"type", "globalavgpool"}}); }
};

}  // namespace

std::unique_ptr<Layer> make_conv2d(const FieldReader& f) { return std::make_unique<Conv2dLayer>(f); }
std::unique_ptr<Layer> make_pool(const FieldReader& f) { return std::make_unique<PoolLayer>(f); }
std::unique_ptr<Layer> make_global_avg_pool(const FieldReader& f) { return std::make_unique<GlobalAvgPoolLayer>(f); }

}  // namespace wg::layers
