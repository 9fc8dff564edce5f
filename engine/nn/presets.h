// The built-in architectures: the one preset table that the CLI, the JS API and the playground
// list. Each preset is a template. Fitted to a data set (its sample shape and class count), the
// spec's input becomes that shape and its last linear layer gets one unit per class, so "cnn"
// serves 28x28 digits and 3x32x32 colour images alike, and "mlp-2d" any number of point classes.
//
//   perceptron  linear -> classes (softmax regression: the perceptron's architecture)
//   mlp         linear 128, relu, linear
//   cnn         conv 8 5x5 pad 2, relu, maxpool 2, conv 16 5x5 pad 2, relu, maxpool 2, linear
//   lenet5      conv 20 5x5 pad 2, relu, maxpool 2, conv 50 5x5 pad 2, relu, maxpool 2, flatten,
//               linear 500, relu, linear (the lectures' table)
//   mlp-2d      linear 24, tanh, linear 24, tanh, linear (2-D points)
//   hidden-4    linear 4, tanh, linear: one hidden layer, enough for XOR (the lectures' point)
//   simplenet   on 3x32x32 colour images: conv 10 5x5 pad 2 (the lectures' 760 parameters, 768,000
//               multiply-adds), conv 20 3x3, conv 40 3x3, each with batchnorm, relu, maxpool 2; linear
//   vgg-mini    on 3x32x32: two conv 3x3 per block, 16-32-64 filters, each block ending in maxpool 2
//   resnet-mini    conv 8 3x3-BN-ReLU, three stages of two basic residual blocks (8-16-32 filters,
//                  stride 2 and a 1x1 projection shortcut into stages 2 and 3), globalavgpool, linear;
//                  any image size (3x32x32 colour, 1x28x28 digits)
//   inception-mini conv 16 3x3-BN-ReLU, maxpool 2, Inception (1x1 / 3x3 / 5x5 / pool branches) to 40
//                  channels, maxpool 2, Inception to 56, globalavgpool, linear
// The big architectures (AlexNet, VGG-16, GoogLeNet, ResNet-18) are not presets: nn/architectures.h.
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"

namespace wg {

struct PresetInfo {
  std::string name;         // "cnn"
  std::string title;        // "Small CNN (8, 16 filters)"
  std::string data;         // what it is made for: "images" ([C, H, W] samples), "points" ([F]) or "any"
  Shape input;              // the input of the unfitted spec
  int classes = 10;         // outputs of the unfitted spec
};

const std::vector<PresetInfo>& presets();
const std::vector<std::string>& preset_names();
// The preset's spec as written (its own input and class count). Unknown names: an Error listing the valid ones.
std::string preset_spec(const std::string& name);
// The preset fitted to samples of `input` shape and `classes` classes (classes >= 1). The spec is
// not validated here: building the Model says why an image preset does not take 2-D points.
std::string preset_spec(const std::string& name, const Shape& input, int classes);

}  // namespace wg
