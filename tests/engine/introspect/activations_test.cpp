// Tests for engine/introspect/activations: per-layer outputs and class probabilities.
#include "introspect/activations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../ops/error_message.h"
#include "small_models.h"

namespace wg {
namespace {

using testing::kSmallCnn;
using testing::random_image;

TEST(IntrospectActivations, EveryLayerWithNameTypeAndShape) {
  Model model(kSmallCnn);
  const auto acts = layer_activations(model, random_image({1, 8, 8}, 1));
  ASSERT_EQ(acts.size(), 4u);
  const std::vector<std::string> types = {"conv2d", "relu", "maxpool", "linear"};
  const std::vector<Shape> shapes = {{2, 6, 6}, {2, 6, 6}, {2, 3, 3}, {3}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(acts[i].layer, i);
    EXPECT_EQ(acts[i].name, model.layers()[i]->name());
    EXPECT_EQ(acts[i].type, types[i]);
    EXPECT_EQ(acts[i].shape, shapes[i]);
    Shape batched = {1};
    batched.insert(batched.end(), shapes[i].begin(), shapes[i].end());
    EXPECT_EQ(acts[i].data.shape(), batched);
  }
  // The maps are consistent with each other: relu of the conv, 2x2 max of the relu.
  for (std::int64_t i = 0; i < acts[0].data.size(); ++i)
    EXPECT_EQ(acts[1].data[i], std::max(acts[0].data[i], 0.0f));
  for (int c = 0; c < 2; ++c)
    for (int r = 0; r < 3; ++r)
      for (int q = 0; q < 3; ++q) {
        float m = -INFINITY;
        for (int dr = 0; dr < 2; ++dr)
          for (int dq = 0; dq < 2; ++dq) m = std::max(m, acts[1].data[(c * 6 + 2 * r + dr) * 6 + 2 * q + dq]);
        EXPECT_EQ(acts[2].data[(c * 3 + r) * 3 + q], m);
      }
  EXPECT_FALSE(testing::any_parameter_gradient(model));
  EXPECT_TRUE(grad_enabled());
}

TEST(IntrospectActivations, BatchRowsMatchSingleSamples) {
  Model model(kSmallCnn);
  const Tensor batch = random_image({3, 1, 8, 8}, 2);
  const auto acts = layer_activations(model, batch);
  for (int n = 0; n < 3; ++n) {
    Tensor one = Tensor::empty({1, 8, 8});
    std::copy(batch.data() + n * 64, batch.data() + (n + 1) * 64, one.data());
    const auto single = layer_activations(model, one);
    for (std::size_t l = 0; l < acts.size(); ++l) {
      const std::int64_t per = single[l].data.size();
      ASSERT_EQ(acts[l].data.shape()[0], 3);
      for (std::int64_t i = 0; i < per; ++i) EXPECT_FLOAT_EQ(acts[l].data[n * per + i], single[l].data[i]);
    }
  }
}

TEST(IntrospectActivations, ProbabilitiesAreSoftmaxOfTheOutput) {
  Model model(kSmallCnn);
  const Tensor batch = random_image({2, 1, 8, 8}, 3);
  const Tensor p = predict_probabilities(model, batch);
  ASSERT_EQ(p.shape(), (Shape{2, 3}));
  const Tensor logits = layer_activations(model, batch).back().data;
  for (int n = 0; n < 2; ++n) {
    double z = 0;
    for (int k = 0; k < 3; ++k) z += std::exp(logits[n * 3 + k]);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(p[n * 3 + k], std::exp(logits[n * 3 + k]) / z, 1e-6);
  }
  EXPECT_EQ(predict_probabilities(model, random_image({1, 8, 8}, 4)).shape(), (Shape{1, 3}));
}

TEST(IntrospectActivations, SingleOutputGivesTwoClassSigmoid) {
  Model model(R"({"input":[2],"layers":[{"type":"linear","units":1}]})");
  const Tensor p = predict_probabilities(model, Tensor::from({2}, {0.3f, -0.7f}));
  const float logit = layer_activations(model, Tensor::from({2}, {0.3f, -0.7f})).back().data[0];
  ASSERT_EQ(p.shape(), (Shape{1, 2}));
  EXPECT_NEAR(p[1], 1 / (1 + std::exp(-logit)), 1e-6);
  EXPECT_NEAR(p[0] + p[1], 1.0f, 1e-6);
}

TEST(IntrospectActivations, WrongInputShapeNamesBothShapes) {
  Model model(kSmallCnn);
  testing::expect_error_mentions([&] { layer_activations(model, Tensor::zeros({1, 7, 8})); },
                                 {"layer_activations", "[1, 8, 8]", "[1, 7, 8]"});
  testing::expect_error_mentions([&] { predict_probabilities(model, Tensor::zeros({2, 2, 8, 8})); },
                                 {"predict_probabilities", "[2, 2, 8, 8]"});
}

}  // namespace
}  // namespace wg
