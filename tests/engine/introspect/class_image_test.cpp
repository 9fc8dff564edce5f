// Tests for engine/introspect/class_image: gradient ascent on the input (class images,
// deep dream), deterministic and leaving the model untouched.
#include "introspect/class_image.h"

#include <gtest/gtest.h>

#include "../ops/error_message.h"
#include "small_models.h"

namespace wg {
namespace {

TEST(IntrospectClassImage, LinearModelLightsThePositiveWeights) {
  // score_k = w_k . x + b_k: its gradient is w_k everywhere, so ascent from black raises
  // exactly the pixels with positive weight and leaves the others clamped at 0.
  Model model(testing::kLinearOnImage);
  AscentOptions o;
  o.steps = 40;
  o.l2 = 0.0f;
  o.blur_every = 0;
  const Tensor& w = model.parameters()[0].var.value();
  for (int k = 0; k < 3; ++k) {
    const AscentResult r = class_image(model, k, o);
    ASSERT_EQ(r.image.shape(), (Shape{1, 4, 4}));
    ASSERT_EQ(r.scores.size(), 41u);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(r.image[i] > 0.0f, w[k * 16 + i] > 0.0f) << "class " << k << " pixel " << i;
    for (std::size_t s = 1; s < r.scores.size(); ++s) EXPECT_GE(r.scores[s], r.scores[s - 1]);
    EXPECT_EQ(r.scores, r.objectives);  // l2 = 0
  }
}

TEST(IntrospectClassImage, ScoreRisesImageStaysInRangeAndRunsRepeat) {
  Model model(testing::kSmallCnn);
  AscentOptions o;
  o.steps = 30;
  o.start_value = 0.5f;
  o.jitter = 1;
  o.blur_every = 3;
  const AscentResult a = class_image(model, 2, o);
  const AscentResult b = class_image(model, 2, o);
  EXPECT_GT(a.scores.back(), a.scores.front());
  for (std::int64_t i = 0; i < a.image.size(); ++i) {
    EXPECT_GE(a.image[i], 0.0f);
    EXPECT_LE(a.image[i], 1.0f);
    ASSERT_EQ(a.image[i], b.image[i]);
  }
  EXPECT_EQ(a.scores, b.scores);
  o.seed = 2;
  const AscentResult c = class_image(model, 2, o);
  EXPECT_NE(c.image.to_vector(), a.image.to_vector());  // the jitter follows the seed
  EXPECT_FALSE(testing::any_parameter_gradient(model));
}

TEST(IntrospectClassImage, PenaltyIsSubtractedFromTheScore) {
  Model model(testing::kLinearOnImage);
  AscentOptions o;
  o.steps = 5;
  o.l2 = 0.1f;
  o.start_value = 0.5f;
  const AscentResult r = class_image(model, 0, o);
  // At the start x = 0.5 everywhere: penalty 0.1 * 16 * 0.25 = 0.4.
  EXPECT_NEAR(r.scores[0] - r.objectives[0], 0.4f, 1e-5);
}

TEST(IntrospectDeepDream, AmplifiesTheLayersEnergy) {
  Model model(testing::kSmallCnn);
  AscentOptions o;
  o.steps = 20;
  o.step_size = 0.02f;
  const AscentResult r = deep_dream(model, testing::random_image({1, 8, 8}, 3), 0, o);
  EXPECT_GT(r.scores.back(), r.scores.front());
  EXPECT_EQ(r.scores, r.objectives);
  EXPECT_FALSE(testing::any_parameter_gradient(model));
}

TEST(IntrospectClassImage, ErrorsNameTheField) {
  Model model(testing::kSmallCnn);
  AscentOptions o;
  o.steps = -1;
  testing::expect_error_mentions([&] { class_image(model, 0, o); }, {"steps", "-1"});
  o = AscentOptions();
  o.step_size = 0.0f;
  testing::expect_error_mentions([&] { class_image(model, 0, o); }, {"step_size"});
  o = AscentOptions();
  o.start_value = 2.0f;
  testing::expect_error_mentions([&] { class_image(model, 0, o); }, {"start_value"});
  testing::expect_error_mentions([&] { class_image(model, 3, {}); }, {"class 3", "3 outputs"});
  testing::expect_error_mentions([&] { deep_dream(model, Tensor::zeros({1, 8, 8}), 4, {}); }, {"layer 4"});
  Model vector_input(R"({"input":[4],"layers":[{"type":"linear","units":2}]})");
  testing::expect_error_mentions([&] { class_image(vector_input, 0, {}); }, {"[4]", "not an image"});
}

}  // namespace
}  // namespace wg
