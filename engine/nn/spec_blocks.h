// The JSON of the layers that presets and the big architectures are made of, written once:
// a conv (with or without batch norm), ResNet's basic block, GoogLeNet's Inception module.
#pragma once
#include "util/json.h"

namespace wg::spec_blocks {

json::Value layer(const char* type);  // {"type": type}: relu, batchnorm, flatten, globalavgpool, ...
json::Value conv(int filters, int kernel, int stride = 1, int pad = 0, bool bias = true);
json::Value maxpool(int kernel, int stride, int pad = 0);
json::Value linear(int units);
json::Value dropout(double rate);
// Appends every element of `list` (a JSON array) to `to`.
void append(json::Value& to, const json::Value& list);

// ResNet's basic block, then its ReLU: residual{layers: conv 3x3 (stride) - BN - ReLU - conv 3x3 - BN,
// shortcut: identity, or conv 1x1 (stride) - BN when `project`}, relu. Convs without bias (BN follows).
json::Value basic_block(int filters, int stride, bool project);  // a JSON array of the two layers

// GoogLeNet's Inception module as torchvision builds it: four branches of conv-BN-ReLU units
// (convs without bias): 1x1; 1x1 reduce then 3x3; 1x1 reduce then `wide_kernel` (GoogLeNet's
// paper: 5; torchvision: 3, kept for its published weights); 3x3 max pool (stride 1) then 1x1.
json::Value inception(int c1, int c3_reduce, int c3, int c5_reduce, int c5, int pool_proj, int wide_kernel = 5);

}  // namespace wg::spec_blocks
