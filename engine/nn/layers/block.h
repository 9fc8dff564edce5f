// What the composite layers (residual.cpp, concat.cpp) share: their lists of inner layers
// ("paths"), built from fields of the block's spec with errors located inside the block, and
// everything a Layer does that is the same for any block: parameters, buffers, initialisation,
// the batch-coupling question, and the summary's totals and inner rows. See nn/layer.h for the
// naming rule and the summary's form.
#pragma once
#include <string>
#include <vector>

#include "nn/layers/layer_list.h"
#include "nn/layers/layer_spec.h"

namespace wg::layers {

class BlockLayer : public Layer {
 public:
  bool couples_samples() const override;
  std::vector<NamedParameter> parameters() const override;
  std::vector<NamedBuffer> buffers() const override;
  void reset_parameters(Rng& rng) override;

  struct Path {
    std::string branch;  // "layers", "shortcut", "branches.0": the summary's tag, the names' middle
    LayerList layers;
    LayerInput output;   // shape and receptive field after the path (the block's input when empty)
  };
  // The block's paths in spec order, read-only: the introspection views look inside a block
  // (introspect/block_paths.h).
  const std::vector<Path>& paths() const { return paths_; }

 protected:

  // Refuses blocks nested deeper than kMaxBlockDepth; records the block's input.
  explicit BlockLayer(const FieldReader& f);
  // Builds the list `specs` of field `field` (branch >= 0: that branch of it) on the block's
  // input. A SpecError inside it is relocated to this block (see SpecError in core/error.h).
  Path build_path(const FieldReader& f, const std::string& field, int branch, const json::Value& specs) const;
  // Runs one path with the caller's context minus its activation list: a block is one layer to
  // the activation views, and its inner layers may run fused.
  static Var run_path(const Path& path, const Var& x, const ForwardContext& context);
  // Fills the summary's name, type, output shape, totals, inner rows and receptive field (the union
  // of the paths' windows: an output unit sees what any path's unit sees).
  void summarize(const FieldReader& f, const Shape& output_shape, const std::string& detail);
  json::Value path_spec(const Path& path) const;

  std::vector<Path> paths_;
};

}  // namespace wg::layers
