// network_flow: columns of node values and the strongest edges between them for one
// input, from the engine's per-layer activations. See network_flow.h.
#include "introspect/network_flow.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "core/error.h"
#include "introspect/activations.h"
#include "introspect/layer_view.h"
#include "introspect/probe.h"
#include "nn/layers/block.h"

namespace wg {

namespace {

using namespace introspect;

bool is_block(const Layer& layer) {
  const std::string type = layer.type();
  return type == "residual" || type == "concat";
}

bool starts_column(const Layer& layer, bool after_input) {
  const std::string type = layer.type();
  if (type == "conv2d" || type == "linear" || type == "maxpool" || type == "avgpool" || type == "l2pool") return true;
  if (is_block(layer) || type == "globalavgpool") return true;  // they change the shape
  return after_input && !is_pass_through(layer);
}

// Node values of a column from its data [numel(shape)].
void summarize(FlowColumn& column, const float* data, int map_limit) {
  const Shape& s = column.shape;
  column.nodes = s[0];
  column.values = Tensor::empty({column.nodes});
  column.maxima = Tensor::empty({column.nodes});
  if (s.size() != 3) {
    std::copy(data, data + column.nodes, column.values.data());
    std::copy(data, data + column.nodes, column.maxima.data());
    return;
  }
  const std::int64_t plane = static_cast<std::int64_t>(s[1]) * s[2];
  for (int c = 0; c < s[0]; ++c) {
    const float* map = data + c * plane;
    double total = 0;
    for (std::int64_t i = 0; i < plane; ++i) total += map[i];
    column.values[c] = static_cast<float>(total / static_cast<double>(plane));
    column.maxima[c] = *std::max_element(map, map + plane);
  }
  if (plane <= map_limit) {
    column.maps = Tensor::empty(s);
    std::copy(data, data + shape_numel(s), column.maps.data());
  }
}

struct Edge {
  float value;
  int target, source;
};

// a before b: larger |value|, then lower target, then lower source.
bool stronger(const Edge& a, const Edge& b) {
  const float fa = std::fabs(a.value), fb = std::fabs(b.value);
  if (fa != fb) return fa > fb;
  return a.target != b.target ? a.target < b.target : a.source < b.source;
}

// Keeps the strongest `edges` overall and the strongest `per_node` into each target, fed
// one target's row of edge values at a time (memory: one row, not the whole matrix).
class EdgeSelector {
 public:
  explicit EdgeSelector(const FlowOptions& options) : limit_(options.edges), per_node_(options.edges_per_node) {}

  void add_row(int target, const std::vector<int>& sources, const std::vector<float>& values) {
    possible_ += static_cast<std::int64_t>(sources.size());
    row_.clear();
    for (std::size_t i = 0; i < sources.size(); ++i) row_.push_back({values[i], target, sources[i]});
    for (const Edge& e : row_) {
      if (limit_ == 0) break;
      if (static_cast<int>(heap_.size()) < limit_) {
        heap_.push_back(e);
        std::push_heap(heap_.begin(), heap_.end(), stronger);  // the weakest kept edge on top
      } else if (stronger(e, heap_.front())) {
        std::pop_heap(heap_.begin(), heap_.end(), stronger);
        heap_.back() = e;
        std::push_heap(heap_.begin(), heap_.end(), stronger);
      }
    }
    const int k = std::min<int>(per_node_, static_cast<int>(row_.size()));
    std::partial_sort(row_.begin(), row_.begin() + k, row_.end(), stronger);
    picked_.insert(picked_.end(), row_.begin(), row_.begin() + k);
  }

  FlowEdges result(std::string kind) {
    std::vector<Edge> all = heap_;
    all.insert(all.end(), picked_.begin(), picked_.end());
    std::sort(all.begin(), all.end(), stronger);
    FlowEdges out;
    out.kind = std::move(kind);
    out.possible = possible_;
    std::set<std::pair<int, int>> seen;
    for (const Edge& e : all) {
      if (!seen.insert({e.target, e.source}).second) continue;
      out.source.push_back(e.source);
      out.target.push_back(e.target);
      out.value.push_back(e.value);
    }
    return out;
  }

 private:
  int limit_, per_node_;
  std::int64_t possible_ = 0;
  std::vector<Edge> heap_, picked_, row_;
};

// conv2d: edge(c -> k) = mean over output positions of sum over taps of w[k,c,t] x[c, tap].
// The mean over positions of x under tap t, S[c, t], is shared by every k.
FlowEdges conv_edges(const Layer& layer, const float* x, const FlowOptions& options) {
  const ConvView conv = conv_view(layer);
  const Shape& in = layer.input_shape();
  const Shape& out = layer.output_shape();
  const int H = in[1], W = in[2], OH = out[1], OW = out[2], C = conv.in_channels, T = conv.taps();
  std::vector<double> tap_mean(static_cast<std::size_t>(C) * T, 0.0);
  for (int c = 0; c < C; ++c) {
    const float* plane = x + static_cast<std::int64_t>(c) * H * W;
    for (int ky = 0; ky < conv.kernel_height; ++ky)
      for (int kx = 0; kx < conv.kernel_width; ++kx) {
        double total = 0;
        for (int oy = 0; oy < OH; ++oy) {
          const int iy = oy * conv.stride - conv.pad + ky * conv.dilation;
          if (iy < 0 || iy >= H) continue;
          for (int ox = 0; ox < OW; ++ox) {
            const int ix = ox * conv.stride - conv.pad + kx * conv.dilation;
            if (ix >= 0 && ix < W) total += plane[iy * W + ix];
          }
        }
        tap_mean[c * T + ky * conv.kernel_width + kx] = total / (static_cast<double>(OH) * OW);
      }
  }
  EdgeSelector selector(options);
  std::vector<int> sources(C);
  for (int c = 0; c < C; ++c) sources[c] = c;
  std::vector<float> row(C);
  for (int k = 0; k < conv.filters; ++k) {
    for (int c = 0; c < C; ++c) {
      const float* w = conv.kernel(k, c);
      double total = 0;
      for (int t = 0; t < T; ++t) total += w[t] * tap_mean[c * T + t];
      row[c] = static_cast<float>(total);
    }
    selector.add_row(k, sources, row);
  }
  return selector.result("weighted");
}

// linear: edge(i -> j) = sum over node i's inputs q of W[j, q] x[q]; a map node of the
// previous column covers its whole channel (the linear layer reads it flattened).
FlowEdges linear_edges(const Layer& layer, const float* x, const FlowColumn& from, const FlowOptions& options) {
  const LinearView linear = linear_view(layer);
  const int nodes = from.nodes;
  const int per_node = linear.inputs / nodes;
  EdgeSelector selector(options);
  std::vector<int> sources(nodes);
  for (int i = 0; i < nodes; ++i) sources[i] = i;
  std::vector<float> row(nodes);
  for (int j = 0; j < linear.outputs; ++j) {
    const float* w = linear.weight.data() + static_cast<std::int64_t>(j) * linear.inputs;
    for (int i = 0; i < nodes; ++i) {
      double total = 0;
      for (int q = i * per_node; q < (i + 1) * per_node; ++q) total += static_cast<double>(w[q]) * x[q];
      row[i] = static_cast<float>(total);
    }
    selector.add_row(j, sources, row);
  }
  return selector.result("weighted");
}

FlowEdges one_to_one_edges(const FlowColumn& to, const FlowOptions& options) {
  EdgeSelector selector(options);
  for (int c = 0; c < to.nodes; ++c) selector.add_row(c, {c}, {to.values[c]});
  return selector.result("one-to-one");
}

// residual: the skip, what the shortcut adds to each output map. The identity: c -> c valued at
// the mean of input map c, so that mean of output map k = mean of layers(x)_k + edge(k -> k). A
// projection shortcut: the edges of its first layer, a conv2d (see conv_edges). concat: none (its
// branches run inside the column; the page groups its maps by branch from the summary).
FlowEdges block_edges(const Layer& block, const float* x, const FlowColumn& from, const FlowOptions& options) {
  const auto& paths = dynamic_cast<const layers::BlockLayer&>(block).paths();
  if (std::string(block.type()) != "residual") return EdgeSelector(options).result("block");
  const auto& shortcut = paths[1].layers;
  if (shortcut.empty()) {
    EdgeSelector selector(options);
    for (int c = 0; c < from.nodes; ++c) selector.add_row(c, {c}, {from.values[c]});
    return selector.result("block");
  }
  if (std::string(shortcut.front()->type()) != "conv2d") return EdgeSelector(options).result("block");
  FlowEdges edges = conv_edges(*shortcut.front(), x, options);
  edges.kind = "block";
  return edges;
}

}  // namespace

NetworkFlow network_flow(Model& model, const Tensor& input, const FlowOptions& options) {
  WG_CHECK(options.edges >= 0, "network_flow: edges must be 0 or more, got ", options.edges);
  WG_CHECK(options.edges_per_node >= 0, "network_flow: edgesPerNode must be 0 or more, got ", options.edges_per_node);
  WG_CHECK(options.map_limit >= 0, "network_flow: mapLimit must be 0 or more, got ", options.map_limit);
  const Tensor sample = finite_sample(model, input, "network_flow");
  const std::vector<LayerActivation> maps = layer_activations(model, sample);
  const auto& layers = model.layers();

  NetworkFlow flow;
  FlowColumn input_column;
  input_column.name = "input";
  input_column.type = "input";
  input_column.shape = model.input_shape();
  flow.columns.push_back(std::move(input_column));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& layer = *layers[i];
    if (starts_column(layer, flow.columns.size() == 1)) {
      FlowColumn column;
      column.name = layer.name();
      column.type = layer.type();
      column.shape = layer.output_shape();
      flow.columns.push_back(std::move(column));
    } else if (flow.columns.size() > 1) {
      flow.columns.back().name += " + " + layer.name();
    } else if (std::string(layer.type()) == "flatten") {
      flow.columns.back().shape = layer.output_shape();  // a flattened input: one node per value
    }
    flow.columns.back().layers.push_back(static_cast<int>(i));
  }

  // A column's data: the output of its last layer (the input for the input column); the
  // layers folded into it keep its element count, so it reads in the column's shape.
  auto data_of = [&](const FlowColumn& column) {
    return column.type == "input" ? sample.data() : maps[column.layers.back()].data.data();
  };
  for (FlowColumn& column : flow.columns) summarize(column, data_of(column), options.map_limit);
  for (std::size_t k = 1; k < flow.columns.size(); ++k) {
    FlowColumn& column = flow.columns[k];
    const Layer& first = *layers[column.layers.front()];
    const float* x = data_of(flow.columns[k - 1]);
    const std::string type = first.type();
    if (type == "conv2d") column.incoming = conv_edges(first, x, options);
    else if (type == "linear") column.incoming = linear_edges(first, x, flow.columns[k - 1], options);
    else if (is_block(first)) column.incoming = block_edges(first, x, flow.columns[k - 1], options);
    else column.incoming = one_to_one_edges(column, options);
  }
  return flow;
}

}  // namespace wg
