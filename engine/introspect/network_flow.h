// One input flowing through the whole network, as a node-link picture's data: columns of
// nodes (a map per channel of a [C, H, W] output, a unit per feature of an [F] output)
// and, between consecutive columns, the strongest edges by contribution.
//
// Columns. The input is column 0. Every conv2d, linear and pooling layer starts a new
// column; the layers after it that keep its nodes (activations, batch/layer/instance
// norm, lcn, dropout, flatten) fold into it, and the column shows the last one's output
// (conv1 + relu1 is one column of 8 maps). A normalisation or activation layer right
// after the input starts a column of its own; flatten and dropout there fold into the input
// (a flatten there makes the input column one node per input value).
//
// Edges into a column, from the node values of the column before it (exactly what the
// column's first layer reads):
//   conv2d   channel c -> channel k: the mean over k's output positions of
//            sum over the kernel of weight x input, so that for every k
//            sum over c of edge(c -> k) + bias[k] = mean of k's pre-activation map;
//   linear   node i -> unit j: sum over the node's inputs of weight x input (a map node
//            sums its whole channel), so sum over i + bias[j] = unit j's pre-activation;
//   residual the skip (kind "block"): the identity c -> c valued at the mean of input map c
//            (mean of output k = mean of layers(x)_k + edge(k -> k)), or a projection
//            shortcut's first conv2d's edges as above; a concat has none;
//   others   one-to-one, channel c -> c, valued at the target node's value.
// Kept: the `edges` largest |value| per column pair, plus the `edges_per_node` largest
// into each target node (what a hover highlights); sorted by |value|, largest first.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nn/model.h"

namespace wg {

struct FlowOptions {
  int edges = 64;           // strongest edges kept per column pair
  int edges_per_node = 0;   // and the strongest this many into every target node
  int map_limit = 4096;     // maps are returned when H * W <= map_limit
};

struct FlowEdges {
  std::string kind;              // "weighted", "one-to-one", or "block" (a residual's skip; none for a concat); none for the input column
  std::int64_t possible = 0;     // edges between the two columns before the cut
  std::vector<int> source, target;
  std::vector<float> value;      // contribution, sorted by |value|, largest first
};

struct FlowColumn {
  std::vector<int> layers;   // the model layers folded into the column, in order (empty: the input)
  std::string name;          // "input", "conv1 + relu1"
  std::string type;          // "input" or the first layer's type
  Shape shape;               // [C, H, W]: C map nodes; [F]: F unit nodes
  int nodes = 0;
  Tensor values;             // [nodes]: the mean of each map, or each unit's value
  Tensor maxima;             // [nodes]: the max of each map (= values for units)
  Tensor maps;               // [C, H, W] when H * W <= map_limit; undefined otherwise and for units
  FlowEdges incoming;        // from the previous column
};

struct NetworkFlow {
  std::vector<FlowColumn> columns;
};

// input: one sample shaped model.input_shape() (or a batch of one), every value finite.
NetworkFlow network_flow(Model& model, const Tensor& input, const FlowOptions& options = {});

}  // namespace wg
