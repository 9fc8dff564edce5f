// The shared part of the composite layers. See block.h.
#include "nn/layers/block.h"

#include <algorithm>
#include <cmath>

namespace wg::layers {

BlockLayer::BlockLayer(const FieldReader& f) {
  if (f.input().depth >= kMaxBlockDepth)
    f.fail_shape("blocks nest more than " + std::to_string(kMaxBlockDepth) + " deep");
  input_shape_ = f.input().shape;
}

BlockLayer::Path BlockLayer::build_path(const FieldReader& f, const std::string& field, int branch,
                                        const json::Value& specs) const {
  const LayerInput& in = f.input();
  const std::string field_prefix = layer_location(in, f.type()) + " › " + field + " › ";
  const std::string branch_part = branch >= 0 ? std::to_string(branch) : "";
  Path path;
  path.branch = branch >= 0 ? field + "." + branch_part : field;
  LayerInput first = in;
  first.location = field_prefix + (branch >= 0 ? branch_part + " › " : "");
  first.depth = in.depth + 1;
  const std::string name_prefix = in.name + "." + path.branch + ".";
  try {
    path.layers = build_layer_list(specs, first, [&](int i, const std::string&) { return name_prefix + std::to_string(i); });
  } catch (const SpecError& e) {
    const std::string message = e.what();
    if (message.rfind(field_prefix, 0) != 0) throw;
    const std::string inside = message.substr(field_prefix.size());  // "1 (conv2d): kernel 7 larger than ..."
    throw SpecError(message, in.index, f.type(), field, inside, field + " › " + inside.substr(0, inside.find(": ")));
  }
  path.output = list_output(path.layers, first);
  return path;
}

Var BlockLayer::run_path(const Path& path, const Var& x, const ForwardContext& context) {
  ForwardContext inner = context;
  inner.activations = nullptr;
  return forward_layer_list(path.layers, x, inner);
}

bool BlockLayer::couples_samples() const {
  for (const Path& path : paths_)
    for (const auto& layer : path.layers)
      if (layer->couples_samples()) return true;
  return false;
}

std::vector<NamedParameter> BlockLayer::parameters() const {
  std::vector<NamedParameter> all;
  for (const Path& path : paths_)
    for (const auto& layer : path.layers)
      for (auto& p : layer->parameters()) all.push_back(std::move(p));
  return all;
}

std::vector<NamedBuffer> BlockLayer::buffers() const {
  std::vector<NamedBuffer> all;
  for (const Path& path : paths_)
    for (const auto& layer : path.layers)
      for (auto& b : layer->buffers()) all.push_back(std::move(b));
  return all;
}

void BlockLayer::reset_parameters(Rng& rng) {
  for (Path& path : paths_)
    for (auto& layer : path.layers) layer->reset_parameters(rng);
}

void BlockLayer::summarize(const FieldReader& f, const Shape& output_shape, const std::string& detail) {
  summary_.name = f.input().name;
  summary_.type = f.type();
  summary_.output_shape = output_shape;
  summary_.detail = detail;
  double low = 0, high = 0;
  int jump = 1;
  for (std::size_t p = 0; p < paths_.size(); ++p) {
    for (const auto& layer : paths_[p].layers) {
      LayerSummary row = layer->summary();
      row.branch = paths_[p].branch;
      summary_.parameters += row.parameters;
      summary_.multiply_adds += row.multiply_adds;
      summary_.inner.push_back(std::move(row));
    }
    const LayerInput& out = paths_[p].output;
    const double half = (out.rf_size - 1) / 2.0;
    low = p == 0 ? out.rf_start - half : std::min(low, out.rf_start - half);
    high = p == 0 ? out.rf_start + half : std::max(high, out.rf_start + half);
    jump = std::max(jump, out.rf_jump);
  }
  summary_.rf_size = static_cast<int>(std::lround(high - low)) + 1;
  summary_.rf_jump = jump;
  summary_.rf_start = (low + high) / 2.0;
}

json::Value BlockLayer::path_spec(const Path& path) const {
  json::Value list = json::Value::array();
  for (const auto& layer : path.layers) list.push_back(layer->spec());
  return list;
}

}  // namespace wg::layers
