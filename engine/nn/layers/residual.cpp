// The residual block: output = layers(x) + shortcut(x), the shortcut being the identity (none
// given, or []) or a list of its own, a projection where the layers change the shape (a 1x1
// conv2d with the layers' stride and filters). Gradients reach x along both paths and add up
// there (autodiff/var.h), which is what lets a deep stack of these train.
#include <string>

#include "nn/layers/block.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

// The shortcut that would make input `in` match `out`, as spec text for the error message.
std::string projection_hint(const Shape& in, const Shape& out) {
  if (in.size() != 3 || out.size() != 3 || out[1] < 1 || in[1] % out[1] != 0 || in[2] % out[2] != 0 ||
      in[1] / out[1] != in[2] / out[2])
    return "";
  const int stride = in[1] / out[1];
  return "; a projection shortcut such as [{\"type\": \"conv2d\", \"filters\": " + std::to_string(out[0]) +
         ", \"kernel\": 1" + (stride > 1 ? ", \"stride\": " + std::to_string(stride) : "") + "}] makes them agree";
}

class ResidualLayer final : public BlockLayer {
 public:
  explicit ResidualLayer(const FieldReader& f) : BlockLayer(f) {
    f.require("layers");
    const json::Value& layer_specs = f.layer_list("layers", *f.raw("layers"));
    if (layer_specs.size() == 0) f.fail_field("layers", "is empty: a residual block needs at least one layer");
    paths_.push_back(build_path(f, "layers", -1, layer_specs));
    const json::Value* shortcut = f.raw("shortcut");
    paths_.push_back(build_path(f, "shortcut", -1,
                                shortcut ? f.layer_list("shortcut", *shortcut) : json::Value::array()));
    const Shape& main = paths_[0].output.shape;
    const Shape& side = paths_[1].output.shape;
    if (main != side) {
      const bool identity = paths_[1].layers.empty();
      f.fail_shape("layers give " + shape_str(main) + " but the " +
                       (identity ? "identity shortcut passes the input " : "shortcut gives ") + shape_str(side) +
                       ": the two are added, so their shapes must agree" +
                       (identity ? projection_hint(input_shape_, main) : ""),
                   identity ? "layers" : "shortcut");
    }
    const std::size_t inner = paths_[0].layers.size();
    const std::size_t projection = paths_[1].layers.size();
    summarize(f, main,
              std::to_string(inner) + (inner == 1 ? " layer" : " layers") + " + " +
                  (projection == 0 ? std::string("identity")
                                   : "projection (" + std::to_string(projection) +
                                         (projection == 1 ? " layer)" : " layers)")));
  }

  const char* type() const override { return "residual"; }

  Var forward(const Var& x, ForwardContext& context) override {
    const Var main = run_path(paths_[0], x, context);
    const Var side = paths_[1].layers.empty() ? x : run_path(paths_[1], x, context);
    return residual_add(main, side);
  }

  json::Value spec() const override {
    return json::Value::object({{"type", "residual"}, {"layers", path_spec(paths_[0])}, {"shortcut", path_spec(paths_[1])}});
  }
};

}  // namespace

std::unique_ptr<Layer> make_residual(const FieldReader& f) { return std::make_unique<ResidualLayer>(f); }

}  // namespace wg::layers
