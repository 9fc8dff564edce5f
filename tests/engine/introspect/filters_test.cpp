// Tests for engine/introspect/filters: conv and image-shaped linear weights as tiles.
#include "introspect/filters.h"

#include <gtest/gtest.h>

#include "../ops/error_message.h"
#include "small_models.h"

namespace wg {
namespace {

const Tensor& weight_of(const Model& model, const std::string& name) {
  for (const NamedParameter& p : model.parameters())
    if (p.name == name) return p.var.value();
  throw Error("no parameter " + name);
}

TEST(IntrospectFilters, ConvWeightsAreACopy) {
  Model model(testing::kSmallCnn);
  LayerFilters f = layer_filters(model, 0);
  EXPECT_EQ(f.layer, 0);
  EXPECT_EQ(f.name, "conv1");
  EXPECT_EQ(f.type, "conv2d");
  EXPECT_EQ(f.shape, (Shape{2, 1, 3, 3}));
  const Tensor& w = weight_of(model, "conv1.weight");
  ASSERT_EQ(f.data.size(), w.size());
  for (std::int64_t i = 0; i < w.size(); ++i) EXPECT_EQ(f.data[i], w[i]);
  const float before = w[0];
  f.data[0] += 1.0f;
  EXPECT_EQ(w[0], before);
}

TEST(IntrospectFilters, LinearOnImageGivesOneImagePerUnit) {
  struct Case {
    std::string spec;
    int layer;
    Shape shape;
    std::string weight;
  };
  const std::vector<Case> cases = {
      {testing::kLinearOnImage, 0, {3, 1, 4, 4}, "linear1.weight"},
      {testing::kSmallCnn, 3, {3, 2, 3, 3}, "linear1.weight"},  // linear after pool: 2 channels of 3x3
      {R"({"input":[1,28,28],"layers":[{"type":"linear","units":128}]})", 0, {128, 1, 28, 28}, "linear1.weight"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    Model model(c.spec);
    const LayerFilters f = layer_filters(model, c.layer);
    EXPECT_EQ(f.shape, c.shape);
    EXPECT_EQ(f.data.shape(), c.shape);
    const Tensor& w = weight_of(model, c.weight);
    for (std::int64_t i = 0; i < w.size(); ++i) ASSERT_EQ(f.data[i], w[i]);
  }
}

TEST(IntrospectFilters, ErrorsNameTheLayerIndexAndType) {
  Model cnn(testing::kSmallCnn);
  testing::expect_error_mentions([&] { layer_filters(cnn, 4); }, {"layer 4", "out of range", "4 layers"});
  testing::expect_error_mentions([&] { layer_filters(cnn, -1); }, {"layer -1", "out of range"});
  testing::expect_error_mentions([&] { layer_filters(cnn, 1); }, {"layer 1 (relu)", "no weights"});
  testing::expect_error_mentions([&] { layer_filters(cnn, 2); }, {"layer 2 (maxpool)", "no weights"});
  Model bn(R"({"input":[1,4,4],"layers":[{"type":"batchnorm"}]})");
  testing::expect_error_mentions([&] { layer_filters(bn, 0); }, {"layer 0 (batchnorm)", "no filters"});
  Model mlp(testing::kSmallMlp);
  testing::expect_error_mentions([&] { layer_filters(mlp, 2); }, {"layer 2 (linear)", "vector input", "[5]"});
}

}  // namespace
}  // namespace wg
