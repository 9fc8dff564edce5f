// Tests for engine/introspect/saliency: saliency maps, effective and theoretical receptive
// fields, and that looking never changes the model or its training.
#include "introspect/saliency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "../ops/error_message.h"
#include "introspect/class_image.h"
#include "small_models.h"
#include "train/trainer.h"

namespace wg {
namespace {

using testing::random_image;

TEST(IntrospectSaliency, LinearModelSaliencyIsTheAbsoluteWeightRow) {
  Model model(testing::kLinearOnImage);
  const Tensor image = random_image({1, 4, 4}, 1);
  const Tensor& w = model.parameters()[0].var.value();  // [3, 16]
  for (int k = 0; k < 3; ++k) {
    const SaliencyMap s = saliency(model, image, k);
    EXPECT_EQ(s.class_index, k);
    ASSERT_EQ(s.gradient.shape(), (Shape{1, 4, 4}));
    ASSERT_EQ(s.map.shape(), (Shape{4, 4}));
    for (int i = 0; i < 16; ++i) {
      EXPECT_FLOAT_EQ(s.gradient[i], std::fabs(w[k * 16 + i]));
      EXPECT_FLOAT_EQ(s.map[i], std::fabs(w[k * 16 + i]));
    }
  }
  EXPECT_FALSE(testing::any_parameter_gradient(model));
}

TEST(IntrospectSaliency, DefaultClassIsThePrediction) {
  Model model(testing::kSmallCnn);
  const Tensor image = random_image({1, 8, 8}, 2);
  const SaliencyMap s = saliency(model, image);
  ForwardContext context;
  NoGrad no_graph;
  const Tensor out = model.forward(Var(image.reshaped({1, 1, 8, 8})), context).value();
  EXPECT_EQ(s.class_index, argmax_row(out.data(), 3));
  EXPECT_FLOAT_EQ(s.score, out[s.class_index]);
}

TEST(IntrospectSaliency, SaliencyMatchesFiniteDifferences) {
  Model model(testing::kSmallCnn);
  const Tensor image = random_image({1, 8, 8}, 3);
  const SaliencyMap s = saliency(model, image, 1);
  auto score = [&](const Tensor& x) {
    NoGrad no_graph;
    ForwardContext context;
    return static_cast<double>(model.forward(Var(x.reshaped({1, 1, 8, 8})), context).value()[1]);
  };
  const double eps = 1e-3;
  for (int i = 0; i < 64; i += 5) {
    Tensor plus = image.clone(), minus = image.clone();
    plus[i] += static_cast<float>(eps);
    minus[i] -= static_cast<float>(eps);
    EXPECT_NEAR(s.gradient[i], std::fabs((score(plus) - score(minus)) / (2 * eps)), 2e-2) << "pixel " << i;
  }
}

TEST(IntrospectReceptiveField, ConvUnitFieldIsItsKernel) {
  Model model(testing::kSmallCnn);
  const Tensor& w = model.parameters()[0].var.value();  // conv1.weight [2, 1, 3, 3]
  for (auto [channel, row, col] : std::vector<std::array<int, 3>>{{0, 0, 0}, {1, 2, 3}, {0, 5, 5}}) {
    const EffectiveField e = effective_receptive_field(model, random_image({1, 8, 8}, 4), 0, channel, row, col);
    EXPECT_EQ(e.theoretical.full.top, row);
    EXPECT_EQ(e.theoretical.full.left, col);
    EXPECT_EQ(e.theoretical.full.height, 3);
    EXPECT_EQ(e.theoretical.full.width, 3);
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        const bool inside = y >= row && y < row + 3 && x >= col && x < col + 3;
        const float expected = inside ? std::fabs(w[channel * 9 + (y - row) * 3 + (x - col)]) : 0.0f;
        EXPECT_FLOAT_EQ(e.map[y * 8 + x], expected) << y << "," << x;
      }
  }
}

// The defining property: no input pixel outside the theoretical field influences the unit.
TEST(IntrospectReceptiveField, NonZeroGradientLiesInsideTheTheoreticalField) {
  const std::vector<std::string> specs = {
      testing::kSmallCnn,
      R"({"input":[2,12,12],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"},)"
      R"({"type":"avgpool","kernel":2},{"type":"conv2d","filters":2,"kernel":3,"stride":2,"pad":1},)"
      R"({"type":"maxpool","kernel":3,"stride":1}]})",
      R"({"input":[1,11,11],"layers":[{"type":"conv2d","filters":2,"kernel":5,"pad":2,"dilation":1},)"
      R"({"type":"conv2d","filters":2,"kernel":3,"dilation":2}]})",
  };
  for (const std::string& spec : specs) {
    SCOPED_TRACE(spec);
    Model model(spec);
    const Shape& in = model.input_shape();
    const Tensor image = random_image(in, 5);
    for (std::size_t l = 0; l < model.layers().size(); ++l) {
      const Shape& out = model.layers()[l]->output_shape();
      if (out.size() != 3) continue;
      for (int row : {0, out[1] / 2, out[1] - 1})
        for (int col : {0, out[2] - 1}) {
          const EffectiveField e = effective_receptive_field(model, image, static_cast<int>(l), 0, row, col);
          const PixelRect r = e.theoretical.clipped;
          int non_zero = 0;
          for (int y = 0; y < in[1]; ++y)
            for (int x = 0; x < in[2]; ++x) {
              if (e.map[y * in[2] + x] == 0.0f) continue;
              ++non_zero;
              EXPECT_TRUE(y >= r.top && y < r.top + r.height && x >= r.left && x < r.left + r.width)
                  << "layer " << l << " unit (" << row << ", " << col << ") pixel (" << y << ", " << x << ")";
            }
          if (l == 0) {
            EXPECT_GT(non_zero, 0);
          }
        }
    }
  }
}

TEST(IntrospectReceptiveField, ConvThenPoolSeesPPlusKMinusOne) {
  for (auto [k, p] : std::vector<std::pair<int, int>>{{3, 2}, {5, 2}, {3, 3}, {1, 2}}) {
    SCOPED_TRACE("K " + std::to_string(k) + " P " + std::to_string(p));
    Model model(R"({"input":[1,13,13],"layers":[{"type":"conv2d","filters":1,"kernel":)" + std::to_string(k) +
                R"(},{"type":"avgpool","kernel":)" + std::to_string(p) + "}]}");
    const TheoreticalField t = theoretical_receptive_field(model, 1, 1, 1);
    EXPECT_EQ(t.full.width, p + k - 1);
    EXPECT_EQ(t.full.height, p + k - 1);
    EXPECT_EQ(t.full.top, p);  // unit 1 starts one pool stride in
    // With average pooling every pixel of the rectangle contributes: the support is exact.
    const EffectiveField e = effective_receptive_field(model, random_image({1, 13, 13}, 6), 1, 0, 1, 1);
    int non_zero = 0;
    for (int i = 0; i < 169; ++i) non_zero += e.map[i] != 0.0f;
    EXPECT_EQ(non_zero, (p + k - 1) * (p + k - 1));
  }
}

TEST(IntrospectReceptiveField, TheoreticalFieldFollowsTheProtocolExample) {
  // web/protocol.md: the small CNN gives {5,1,-2}, {6,2,-2}, {14,2,-6}, {16,4,-6}.
  Model model(preset_spec("cnn"));
  struct Case {
    int layer, size, start;
  };
  for (const Case& c : std::vector<Case>{{0, 5, -2}, {2, 6, -2}, {3, 14, -6}, {5, 16, -6}}) {
    const TheoreticalField t = theoretical_receptive_field(model, c.layer, 0, 0);
    EXPECT_EQ(t.full.top, c.start) << "layer " << c.layer;
    EXPECT_EQ(t.full.left, c.start);
    EXPECT_EQ(t.full.height, c.size);
    EXPECT_EQ(t.clipped.top, 0);
    EXPECT_EQ(t.clipped.height, c.size + c.start);
  }
  const TheoreticalField last = theoretical_receptive_field(model, 5, 6, 6);  // pool2 is 7x7
  EXPECT_EQ(last.full.top, -6 + 6 * 4);
  EXPECT_EQ(last.clipped.height, 28 - 18);
  const TheoreticalField linear = theoretical_receptive_field(model, 6, 0, 0);
  EXPECT_EQ(linear.full.top, 0);
  EXPECT_EQ(linear.full.height, 28);
  EXPECT_EQ(linear.full.width, 28);
}

TEST(IntrospectReceptiveField, ErrorsNameTheUnit) {
  Model model(testing::kSmallCnn);
  const Tensor image = random_image({1, 8, 8}, 7);
  testing::expect_error_mentions([&] { effective_receptive_field(model, image, 9, 0, 0, 0); },
                                 {"layer 9", "out of range"});
  testing::expect_error_mentions([&] { effective_receptive_field(model, image, 0, 2, 0, 0); },
                                 {"channel 2", "layer 0 (conv2d)", "2 channels"});
  testing::expect_error_mentions([&] { effective_receptive_field(model, image, 2, 0, 3, 0); },
                                 {"(3, 0)", "3x3", "layer 2 (maxpool)"});
  testing::expect_error_mentions([&] { saliency(model, image, 3); }, {"class 3", "3 outputs"});
  testing::expect_error_mentions([&] { saliency(model, Tensor::zeros({2, 1, 8, 8})); }, {"one input", "2"});
}

TEST(IntrospectSaliency, EvaluationModeLeavesBatchNormStatisticsAlone) {
  Model model(R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":3},{"type":"batchnorm"},)"
              R"({"type":"dropout","rate":0.5},{"type":"flatten"},{"type":"linear","units":2}]})");
  std::vector<std::vector<float>> before;
  for (const NamedBuffer& b : model.buffers()) before.push_back(b.tensor.to_vector());
  const Tensor image = random_image({1, 6, 6}, 10);
  const SaliencyMap a = saliency(model, image, 0), b = saliency(model, image, 0);
  EXPECT_EQ(a.gradient.to_vector(), b.gradient.to_vector());  // dropout is off
  const EffectiveField flat = effective_receptive_field(model, image, 3, 5, 0, 0);
  EXPECT_EQ(flat.theoretical.full.height, 6);  // vector outputs: the whole input
  std::size_t i = 0;
  for (const NamedBuffer& buffer : model.buffers()) EXPECT_EQ(buffer.tensor.to_vector(), before[i++]) << buffer.name;
}

// Looking must not affect training: the same training steps with and without introspection
// in between give bit-identical weights, and existing gradients are left as they were.
TEST(IntrospectSaliency, TrainingIsUnaffectedByLooking) {
  Dataset data;
  data.inputs = random_image({8, 1, 8, 8}, 8);
  data.labels = {0, 1, 2, 0, 1, 2, 0, 1};
  data.num_classes = 3;
  TrainConfig config;
  config.batch_size = 4;
  config.optimizer.type = "momentum";
  config.optimizer.learning_rate = 0.1f;
  auto train = [&](bool look) -> std::vector<float> {
    Model model(testing::kSmallCnn);
    Trainer trainer(model, config);
    trainer.set_data(data, Dataset());
    trainer.step(1);
    if (look) {
      std::vector<Tensor> grads_before;
      for (const NamedParameter& p : model.parameters()) grads_before.push_back(p.var.grad().clone());
      const Tensor image = random_image({1, 8, 8}, 9);
      saliency(model, image);
      effective_receptive_field(model, image, 2, 1, 1, 1);
      AscentOptions few;
      few.steps = 3;
      class_image(model, 1, few);
      deep_dream(model, image, 0, few);
      const auto params = model.parameters();
      for (std::size_t i = 0; i < params.size(); ++i) {
        EXPECT_TRUE(params[i].var.requires_grad());
        for (std::int64_t j = 0; j < grads_before[i].size(); ++j)
          EXPECT_EQ(params[i].var.grad()[j], grads_before[i][j]) << params[i].name;
      }
    }
    trainer.step(1);
    std::vector<float> weights;
    for (const NamedParameter& p : model.parameters())
      for (float v : p.var.value().to_vector()) weights.push_back(v);
    return weights;
  };
  EXPECT_EQ(train(false), train(true));
}

}  // namespace
}  // namespace wg
