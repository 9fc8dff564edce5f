// The concat block (an Inception module): every branch runs on the same input and their
// outputs are joined along channels ([C, H, W] outputs, which must agree in H and W) or
// features ([F] outputs). An empty branch passes the input through.
#include <string>

#include "nn/layers/block.h"
#include "ops/ops.h"

namespace wg::layers {

namespace {

class ConcatLayer final : public BlockLayer {
 public:
  explicit ConcatLayer(const FieldReader& f) : BlockLayer(f) {
    f.require("branches");
    const json::Value* branches = f.raw("branches");
    if (!branches->is_array() || branches->size() == 0)
      f.fail_field("branches", "must be a non-empty list of branches, each a list of layers");
    if (branches->size() > static_cast<std::size_t>(kMaxBranches))
      f.fail_field("branches", "holds " + std::to_string(branches->size()) + " branches, more than the limit of " +
                                   std::to_string(kMaxBranches));
    for (std::size_t b = 0; b < branches->size(); ++b)
      paths_.push_back(build_path(f, "branches", static_cast<int>(b),
                                  f.layer_list("branches", branches->as_array()[b])));
    Shape output = paths_[0].output.shape;
    std::string channels = std::to_string(output[0]);
    for (std::size_t b = 1; b < paths_.size(); ++b) {
      const Shape& s = paths_[b].output.shape;
      bool agree = s.size() == output.size();
      for (std::size_t d = 1; agree && d < s.size(); ++d) agree = s[d] == output[d];
      if (!agree)
        f.fail_shape("branch " + std::to_string(b) + " gives " + shape_str(s) + " but branch 0 gives " +
                         shape_str(paths_[0].output.shape) + ": concat joins " +
                         (output.size() == 3 ? "channels, so H and W must agree" : "features of [F] outputs"),
                     "branches");
      output[0] += s[0];
      channels += " + " + std::to_string(s[0]);
    }
    summarize(f, output,
              std::to_string(paths_.size()) + " branches: " + channels +
                  (output.size() == 3 ? " channels" : " features"));
  }

  const char* type() const override { return "concat"; }

  Var forward(const Var& x, ForwardContext& context) override {
    std::vector<Var> outputs;
    outputs.reserve(paths_.size());
    for (const Path& path : paths_) outputs.push_back(path.layers.empty() ? x : run_path(path, x, context));
    return concat(outputs, 1);
  }

  json::Value spec() const override {
    json::Value branches = json::Value::array();
    for (const Path& path : paths_) branches.push_back(path_spec(path));
    return json::Value::object({{"type", "concat"}, {"branches", std::move(branches)}});
  }

 private:
  static constexpr int kMaxBranches = 64;
};

}  // namespace

std::unique_ptr<Layer> make_concat(const FieldReader& f) { return std::make_unique<ConcatLayer>(f); }

}  // namespace wg::layers
