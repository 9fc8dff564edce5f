// Spec building blocks. See spec_blocks.h.
#include "nn/spec_blocks.h"

namespace wg::spec_blocks {

json::Value layer(const char* type) { return json::Value::object({{"type", type}}); }

json::Value conv(int filters, int kernel, int stride, int pad, bool bias) {
  return json::Value::object({{"type", "conv2d"},
                              {"filters", filters},
                              {"kernel", kernel},
                              {"stride", stride},
                              {"pad", pad},
                              {"bias", bias}});
}

json::Value maxpool(int kernel, int stride, int pad) {
  return json::Value::object({{"type", "maxpool"}, {"kernel", kernel}, {"stride", stride}, {"pad", pad}});
}

json::Value linear(int units) { return json::Value::object({{"type", "linear"}, {"units", units}}); }

json::Value dropout(double rate) { return json::Value::object({{"type", "dropout"}, {"rate", rate}}); }

void append(json::Value& to, const json::Value& list) {
  for (const json::Value& item : list.as_array()) to.push_back(item);
}

namespace {
// conv (no bias) - BN - ReLU: the unit GoogLeNet's branches are made of (torchvision's BasicConv2d).
json::Value conv_bn_relu(int filters, int kernel, int pad) {
  return json::Value::array({conv(filters, kernel, 1, pad, false), layer("batchnorm"), layer("relu")});
}
}  // namespace

json::Value basic_block(int filters, int stride, bool project) {
  json::Value shortcut = json::Value::array();
  if (project) {
    shortcut.push_back(conv(filters, 1, stride, 0, false));
    shortcut.push_back(layer("batchnorm"));
  }
  json::Value block = json::Value::object(
      {{"type", "residual"},
       {"layers", json::Value::array({conv(filters, 3, stride, 1, false), layer("batchnorm"), layer("relu"),
                                      conv(filters, 3, 1, 1, false), layer("batchnorm")})},
       {"shortcut", std::move(shortcut)}});
  return json::Value::array({std::move(block), layer("relu")});
}

json::Value inception(int c1, int c3_reduce, int c3, int c5_reduce, int c5, int pool_proj, int wide_kernel) {
  json::Value narrow = conv_bn_relu(c3_reduce, 1, 0);
  append(narrow, conv_bn_relu(c3, 3, 1));
  json::Value wide = conv_bn_relu(c5_reduce, 1, 0);
  append(wide, conv_bn_relu(c5, wide_kernel, wide_kernel / 2));
  json::Value pooled = json::Value::array({maxpool(3, 1, 1)});
  append(pooled, conv_bn_relu(pool_proj, 1, 0));
  return json::Value::object(
      {{"type", "concat"}, {"branches", json::Value::array({conv_bn_relu(c1, 1, 0), narrow, wide, pooled})}});
}

}  // namespace wg::spec_blocks
