// The lectures' big architectures described by their shapes alone (nn/architectures.h,
// describe_model): their parameter counts are the published ones, their multiply-adds those
// torchvision's documentation lists (GFLOPS there count multiply-adds), and describing them
// allocates no weights. Plus the two mini presets built from the same blocks.
#include "nn/architectures.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "nn/model.h"

namespace wg {
namespace {

struct Published {
  const char* name;
  std::int64_t parameters;
  double giga_multiply_adds;  // torchvision's model table, 3x224x224
  Shape last_feature_map;     // what the classifier sees, before it
};

TEST(Architectures, CountsMatchThePublishedOnes) {
  const std::vector<Published> published = {
      {"alexnet", 61'100'840, 0.71, {256, 6, 6}},
      {"vgg16", 138'357'544, 15.47, {512, 7, 7}},
      {"googlenet", 6'624'904, 1.50, {1024, 7, 7}},
      {"resnet18", 11'689'512, 1.81, {512, 7, 7}},
  };
  ASSERT_EQ(architectures().size(), published.size());
  for (const Published& p : published) {
    SCOPED_TRACE(p.name);
    const ModelDescription d = describe_model(architecture_spec(p.name));
    EXPECT_EQ(d.parameters, p.parameters);
    std::int64_t listed = 0;
    for (const ArchitectureInfo& a : architectures())
      if (a.name == p.name) listed = a.parameters;
    EXPECT_EQ(listed, p.parameters);
    EXPECT_EQ(d.input_shape, (Shape{3, 224, 224}));
    EXPECT_EQ(d.output_shape, (Shape{1000}));
    EXPECT_NEAR(static_cast<double>(d.multiply_adds) / 1e9, p.giga_multiply_adds, 0.01 * p.giga_multiply_adds);
    bool seen = false;
    for (const LayerSummary& row : d.layers) seen = seen || row.output_shape == p.last_feature_map;
    EXPECT_TRUE(seen) << "no layer gives " << shape_str(p.last_feature_map);
  }
}

TEST(Architectures, ShapesAlongTheWay) {
  const ModelDescription alexnet = describe_model(architecture_spec("alexnet"));
  EXPECT_EQ(alexnet.layers[0].output_shape, (Shape{64, 55, 55}));  // 11x11 stride 4 pad 2
  EXPECT_EQ(alexnet.layers[0].parameters, 11 * 11 * 3 * 64 + 64);
  const ModelDescription googlenet = describe_model(architecture_spec("googlenet"));
  // Inception 3a: 64 + 128 + 32 + 32 channels on 28x28, four branches listed inside it.
  const LayerSummary* inception_3a = nullptr;
  for (const LayerSummary& row : googlenet.layers)
    if (row.type == "concat" && inception_3a == nullptr) inception_3a = &row;
  ASSERT_NE(inception_3a, nullptr);
  EXPECT_EQ(inception_3a->output_shape, (Shape{256, 28, 28}));
  EXPECT_EQ(inception_3a->inner.back().branch, "branches.3");
  const ModelDescription resnet = describe_model(architecture_spec("resnet18"));
  int blocks = 0;
  for (const LayerSummary& row : resnet.layers) blocks += row.type == "residual";
  EXPECT_EQ(blocks, 8);
}

TEST(Architectures, DescribingAllocatesNoWeights) {
  const std::size_t before = buffer_pool_stats().live_bytes;
  const ModelDescription vgg = describe_model(architecture_spec("vgg16"));
  EXPECT_EQ(buffer_pool_stats().live_bytes, before);
  EXPECT_GT(vgg.parameters, Model::kMaxParameters);
  EXPECT_THROW(Model m(architecture_spec("vgg16")), SpecError) << "too big to allocate, small enough to describe";
  EXPECT_THROW(architecture_spec("vgg19"), Error);
}

TEST(Architectures, MiniPresetsFitDigitsAndColourImages) {
  for (const char* name : {"resnet-mini", "inception-mini"}) {
    SCOPED_TRACE(name);
    for (const Shape& input : {Shape{1, 28, 28}, Shape{3, 32, 32}}) {
      Model m(preset_spec(name, input, 10));
      EXPECT_EQ(m.output_shape(), (Shape{10}));
    }
  }
  const auto resnet = Model(preset_spec("resnet-mini", {1, 28, 28}, 10)).summary();
  int blocks = 0, projections = 0;
  for (const LayerSummary& row : resnet) {
    if (row.type != "residual") continue;
    ++blocks;
    projections += row.detail.find("projection") != std::string::npos;
  }
  EXPECT_EQ(blocks, 6);
  EXPECT_EQ(projections, 2);
  EXPECT_EQ(resnet[resnet.size() - 2].output_shape, (Shape{32}));  // globalavgpool of 32x7x7
}

}  // namespace
}  // namespace wg
