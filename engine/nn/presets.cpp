// The preset table and its fitting to a data set. See presets.h.
#include "nn/presets.h"

#include "core/error.h"
#include "nn/spec_blocks.h"
#include "util/json.h"

namespace wg {

namespace {

struct Preset {
  PresetInfo info;
  std::string layers;  // JSON array of layer specs
};

using namespace spec_blocks;

// ResNet in miniature: a 3x3 conv-BN-ReLU stem, then three stages of two basic blocks with
// 8-16-32 filters, each later stage halving H and W (its first block's shortcut a 1x1 projection
// with stride 2), then a global average pool: any image size gives 32 features to the classifier.
std::string resnet_mini() {
  json::Value layers = json::Value::array({conv(8, 3, 1, 1, false), layer("batchnorm"), layer("relu")});
  for (const int filters : {8, 16, 32}) {
    const int stride = filters == 8 ? 1 : 2;
    append(layers, basic_block(filters, stride, stride != 1));
    append(layers, basic_block(filters, 1, false));
  }
  append(layers, json::Value::array({layer("globalavgpool"), linear(10)}));
  return json::dump(layers);
}

// Inception in miniature: a conv-BN-ReLU stem and a 2x2 max pool, then two Inception modules of
// 1x1 / 3x3 / 5x5 / pool branches (40 and 56 channels) with a pool between, a global average
// pool and the classifier.
std::string inception_mini() {
  json::Value layers = json::Value::array({conv(16, 3, 1, 1, false), layer("batchnorm"), layer("relu"), maxpool(2, 2)});
  layers.push_back(inception(8, 8, 16, 4, 8, 8));
  layers.push_back(maxpool(2, 2));
  layers.push_back(inception(16, 16, 24, 4, 8, 8));
  append(layers, json::Value::array({layer("globalavgpool"), linear(10)}));
  return json::dump(layers);
}

const std::vector<Preset>& table() {
  static const std::vector<Preset> entries = {
      {{"perceptron", "Linear (softmax regression)", "any", {1, 28, 28}, 10}, R"([{"type": "linear", "units": 10}])"},
      {{"mlp", "MLP, one hidden layer of 128", "images", {1, 28, 28}, 10},
       R"([{"type": "linear", "units": 128}, {"type": "relu"}, {"type": "linear", "units": 10}])"},
      {{"cnn", "Small CNN (8, 16 filters)", "images", {1, 28, 28}, 10},
       R"([{"type": "conv2d", "filters": 8, "kernel": 5, "pad": 2}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 16, "kernel": 5, "pad": 2}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "linear", "units": 10}])"},
      {{"lenet5", "LeNet-5 (lecture version)", "images", {1, 28, 28}, 10},
       R"([{"type": "conv2d", "filters": 20, "kernel": 5, "pad": 2}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 50, "kernel": 5, "pad": 2}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "flatten"}, {"type": "linear", "units": 500}, {"type": "relu"}, {"type": "linear", "units": 10}])"},
      {{"mlp-2d", "MLP, two hidden layers of 24 (tanh)", "points", {2}, 2},
       R"([{"type": "linear", "units": 24}, {"type": "tanh"}, {"type": "linear", "units": 24}, {"type": "tanh"},
           {"type": "linear", "units": 2}])"},
      {{"hidden-4", "One hidden layer of 4 (tanh): solves XOR", "points", {2}, 2},
       R"([{"type": "linear", "units": 4}, {"type": "tanh"}, {"type": "linear", "units": 2}])"},
      // The lectures' assignment CNN, conv-BN-ReLU-pool blocks; its first layer is the lectures'
      // worked example, 10 filters of 5x5x3 with pad 2: 760 parameters, 768,000 multiply-adds.
      {{"simplenet", "SimpleNet (conv-BN-ReLU-pool blocks, for 3x32x32)", "images", {3, 32, 32}, 10},
       R"([{"type": "conv2d", "filters": 10, "kernel": 5, "pad": 2}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 20, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 40, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "flatten"}, {"type": "linear", "units": 10}])"},
      // VGG in miniature: two 3x3 conv-BN-ReLU per block (two 3x3 see what one 5x5 sees, with fewer
      // weights), 16-32-64 filters, for when SimpleNet underfits (about 6x its multiply-adds and
      // 2.5x its training memory: at 64x64 train it with a batch of 32).
      {{"vgg-mini", "VGG in miniature (two 3x3 convs per block)", "images", {3, 32, 32}, 10},
       R"([{"type": "conv2d", "filters": 16, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"},
           {"type": "conv2d", "filters": 16, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 32, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"},
           {"type": "conv2d", "filters": 32, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "conv2d", "filters": 64, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"},
           {"type": "conv2d", "filters": 64, "kernel": 3, "pad": 1}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2},
           {"type": "flatten"}, {"type": "linear", "units": 10}])"},
      {{"resnet-mini", "ResNet in miniature (3 stages of 2 residual blocks)", "images", {3, 32, 32}, 10}, resnet_mini()},
      {{"inception-mini", "Inception in miniature (two 1x1/3x3/5x5/pool modules)", "images", {3, 32, 32}, 10},
       inception_mini()},
  };
  return entries;
}

const Preset& find(const std::string& name) {
  for (const Preset& p : table())
    if (p.info.name == name) return p;
  std::string valid;
  for (const Preset& p : table()) valid += (valid.empty() ? "" : ", ") + p.info.name;
  fail("unknown preset \"", name, "\" (valid: ", valid, ")");
}

std::string spec_text(const Preset& preset, const Shape& input, int classes) {
  json::Value layers = json::parse(preset.layers);
  auto& list = layers.as_array();
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->find("type")->as_string() == "linear") {
      it->set("units", classes);
      break;
    }
  }
  json::Value shape = json::Value::array();
  for (int d : input) shape.push_back(d);
  return json::dump(json::Value::object({{"input", std::move(shape)}, {"layers", std::move(layers)}}), 2);
}

}  // namespace

const std::vector<PresetInfo>& presets() {
  static const std::vector<PresetInfo> infos = [] {
    std::vector<PresetInfo> out;
    for (const Preset& p : table()) out.push_back(p.info);
    return out;
  }();
  return infos;
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Preset& p : table()) out.push_back(p.info.name);
    return out;
  }();
  return names;
}

std::string preset_spec(const std::string& name) {
  const Preset& preset = find(name);
  return spec_text(preset, preset.info.input, preset.info.classes);
}

std::string preset_spec(const std::string& name, const Shape& input, int classes) {
  WG_CHECK(classes >= 1 && classes <= 100000, "preset \"", name, "\": classes must be in [1, 100000], got ", classes);
  return spec_text(find(name), input, classes);
}

}  // namespace wg
