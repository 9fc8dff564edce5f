// Tests for engine/introspect/histograms: value and gradient histograms, robust to
// constant tensors, NaN and Inf.
#include "introspect/histograms.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "../ops/error_message.h"
#include "losses/losses.h"
#include "small_models.h"

namespace wg {
namespace {

TEST(IntrospectHistograms, TensorHistogramTable) {
  const float nan = NAN, inf = INFINITY;
  struct Case {
    std::string what;
    std::vector<float> values;
    int bins;
    float min, max;
    std::vector<int> counts;
    int nans, infs;
  };
  const std::vector<Case> cases = {
      {"one per bin", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10, 0, 9, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 0, 0},
      {"max in last bin", {0, 0.5f, 1}, 2, 0, 1, {1, 2}, 0, 0},
      {"constant", {2, 2, 2}, 3, 1.5f, 2.5f, {0, 3, 0}, 0, 0},
      {"nan and inf apart", {nan, 1, inf, -inf, 3}, 2, 1, 3, {1, 1}, 1, 2},
      {"all nan", {nan, nan}, 4, 0, 0, {0, 0, 0, 0}, 2, 0},
      {"single bin", {-1, 5}, 1, -1, 5, {2}, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const Histogram h = tensor_histogram(Tensor::from({static_cast<int>(c.values.size())}, c.values), c.bins);
    EXPECT_FLOAT_EQ(h.min, c.min);
    EXPECT_FLOAT_EQ(h.max, c.max);
    EXPECT_EQ(h.counts, c.counts);
    EXPECT_EQ(h.nan_count, c.nans);
    EXPECT_EQ(h.inf_count, c.infs);
  }
  const Histogram constant = tensor_histogram(Tensor::full({7}, -0.25f));  // default 30 bins
  ASSERT_EQ(constant.counts.size(), 30u);
  EXPECT_EQ(constant.counts[15], 7);
  testing::expect_error_mentions([] { tensor_histogram(Tensor::zeros({3}), 0); }, {"bins", "0"});
}

TEST(IntrospectHistograms, WeightsThenGradientsAfterABackwardPass) {
  Model model(testing::kSmallCnn);
  auto hs = parameter_histograms(model);
  ASSERT_EQ(hs.size(), 4u);  // conv1 weight, bias, linear1 weight, bias: no gradients yet
  const std::vector<std::string> names = {"conv1.weight", "conv1.bias", "linear1.weight", "linear1.bias"};
  const std::vector<int> layers = {0, 0, 3, 3};
  const auto params = model.parameters();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(hs[i].name, names[i]);
    EXPECT_EQ(hs[i].layer, layers[i]);
    EXPECT_EQ(hs[i].kind, "weight");
    EXPECT_EQ(std::accumulate(hs[i].counts.begin(), hs[i].counts.end(), 0), params[i].var.value().size());
  }
  ForwardContext context;
  backward(classification_loss(LossKind::cross_entropy,
                               model.forward(Var(testing::random_image({2, 1, 8, 8}, 1)), context), {0, 2}));
  hs = parameter_histograms(model, 8);
  ASSERT_EQ(hs.size(), 8u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(hs[2 * i].kind, "weight");
    EXPECT_EQ(hs[2 * i + 1].kind, "gradient");
    EXPECT_EQ(hs[2 * i + 1].name, names[i]);
    EXPECT_EQ(hs[2 * i + 1].counts.size(), 8u);
    EXPECT_EQ(std::accumulate(hs[2 * i + 1].counts.begin(), hs[2 * i + 1].counts.end(), 0),
              params[i].var.grad().size());
  }
}

}  // namespace
}  // namespace wg
