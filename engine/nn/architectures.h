// The lectures' big architectures as specs, to be described by their shapes (describe_model in
// nn/model.h: shapes, parameters and multiply-adds without allocating weights), not trained in a
// tab. Each is torchvision's variant on a 3x224x224 image with 1000 classes, so its parameter
// count is the published one:
//   alexnet    61,100,840  (torchvision's one-tower AlexNet: 64-192-384-256-256 filters)
//   vgg16     138,357,544  (configuration D: 13 conv 3x3 + 3 linear, no batch norm)
//   googlenet   6,624,904  (without the two auxiliary classifiers, as torchvision counts it at
//                           inference; conv-BN-ReLU units; the "5x5" branch is torchvision's 3x3)
//   resnet18   11,689,512  (basic blocks 64-128-256-512, two per stage)
// torchvision's ceil-mode max pools (GoogLeNet) are written as floor-mode pools with pad 1, which
// give the same shapes; its adaptive average pools are left out where they are the identity at
// 224x224 (AlexNet's 6x6, VGG's 7x7) and are a globalavgpool where they pool to 1x1.
#pragma once
#include <string>
#include <vector>

namespace wg {

struct ArchitectureInfo {
  std::string name;            // "vgg16"
  std::string title;           // "VGG-16 (Simonyan & Zisserman, 2014)"
  long long parameters = 0;    // the published count the spec reproduces
};

const std::vector<ArchitectureInfo>& architectures();
// The architecture's spec (JSON text); unknown names: an Error listing the valid ones.
std::string architecture_spec(const std::string& name);

}  // namespace wg
