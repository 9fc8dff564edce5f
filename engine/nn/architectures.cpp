// The big architectures' specs. See architectures.h.
#include "nn/architectures.h"

#include "core/error.h"
#include "nn/spec_blocks.h"
#include "util/json.h"

namespace wg {

namespace {

using namespace spec_blocks;

json::Value alexnet() {
  return json::Value::array({conv(64, 11, 4, 2), layer("relu"), maxpool(3, 2),
                             conv(192, 5, 1, 2), layer("relu"), maxpool(3, 2),
                             conv(384, 3, 1, 1), layer("relu"),
                             conv(256, 3, 1, 1), layer("relu"),
                             conv(256, 3, 1, 1), layer("relu"), maxpool(3, 2),
                             layer("flatten"), dropout(0.5), linear(4096), layer("relu"),
                             dropout(0.5), linear(4096), layer("relu"), linear(1000)});
}

json::Value vgg16() {
  json::Value layers = json::Value::array();
  for (const int stage : {64, 128, 256, 512, 512}) {
    const int convs = stage <= 128 ? 2 : 3;
    for (int i = 0; i < convs; ++i) {
      layers.push_back(conv(stage, 3, 1, 1));
      layers.push_back(layer("relu"));
    }
    layers.push_back(maxpool(2, 2));
  }
  append(layers, json::Value::array({layer("flatten"), linear(4096), layer("relu"), dropout(0.5), linear(4096),
                                     layer("relu"), dropout(0.5), linear(1000)}));
  return layers;
}

json::Value googlenet() {
  constexpr int kTorchvisionWideKernel = 3;
  const auto module = [](int c1, int c3r, int c3, int c5r, int c5, int pool) {
    return inception(c1, c3r, c3, c5r, c5, pool, kTorchvisionWideKernel);
  };
  return json::Value::array({conv(64, 7, 2, 3, false), layer("batchnorm"), layer("relu"), maxpool(3, 2, 1),
                             conv(64, 1, 1, 0, false), layer("batchnorm"), layer("relu"),
                             conv(192, 3, 1, 1, false), layer("batchnorm"), layer("relu"), maxpool(3, 2, 1),
                             module(64, 96, 128, 16, 32, 32),     // 3a -> 256 channels, 28x28
                             module(128, 128, 192, 32, 96, 64),   // 3b -> 480
                             maxpool(3, 2, 1),
                             module(192, 96, 208, 16, 48, 64),    // 4a -> 512, 14x14
                             module(160, 112, 224, 24, 64, 64),   // 4b -> 512
                             module(128, 128, 256, 24, 64, 64),   // 4c -> 512
                             module(112, 144, 288, 32, 64, 64),   // 4d -> 528
                             module(256, 160, 320, 32, 128, 128), // 4e -> 832
                             maxpool(2, 2),
                             module(256, 160, 320, 32, 128, 128), // 5a -> 832, 7x7
                             module(384, 192, 384, 48, 128, 128), // 5b -> 1024
                             layer("globalavgpool"), dropout(0.2), linear(1000)});
}

json::Value resnet18() {
  json::Value layers = json::Value::array({conv(64, 7, 2, 3, false), layer("batchnorm"), layer("relu"), maxpool(3, 2, 1)});
  int previous = 64;
  for (const int filters : {64, 128, 256, 512}) {
    const int stride = filters == previous ? 1 : 2;
    append(layers, basic_block(filters, stride, stride != 1));
    append(layers, basic_block(filters, 1, false));
    previous = filters;
  }
  append(layers, json::Value::array({layer("globalavgpool"), linear(1000)}));
  return layers;
}

struct Entry {
  ArchitectureInfo info;
  json::Value (*layers)();
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {{"alexnet", "AlexNet (Krizhevsky et al., 2012; torchvision's one-tower variant)", 61'100'840}, alexnet},
      {{"vgg16", "VGG-16 (Simonyan & Zisserman, 2014)", 138'357'544}, vgg16},
      {{"googlenet", "GoogLeNet (Szegedy et al., 2014; torchvision's, no auxiliary heads)", 6'624'904}, googlenet},
      {{"resnet18", "ResNet-18 (He et al., 2015)", 11'689'512}, resnet18},
  };
  return entries;
}

}  // namespace

const std::vector<ArchitectureInfo>& architectures() {
  static const std::vector<ArchitectureInfo> infos = [] {
    std::vector<ArchitectureInfo> out;
    for (const Entry& e : table()) out.push_back(e.info);
    return out;
  }();
  return infos;
}

std::string architecture_spec(const std::string& name) {
  std::string valid;
  for (const Entry& e : table()) {
    if (e.info.name == name)
      return json::dump(json::Value::object({{"input", json::Value::array({3, 224, 224})}, {"layers", e.layers()}}), 2);
    valid += (valid.empty() ? "" : ", ") + e.info.name;
  }
  fail("unknown architecture \"", name, "\" (valid: ", valid, ")");
}

}  // namespace wg
