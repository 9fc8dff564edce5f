// Tests for engine/introspect/explain_unit: every layer type's explanation arrives at the
// engine's own activation value (padded borders, strides and dilation included), the
// steps are internally consistent, and bad requests fail with a message naming the problem.
#include "introspect/explain_unit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "../ops/error_message.h"
#include "introspect/activations.h"
#include "small_models.h"

namespace wg {
namespace {

// Parameters and batch-norm statistics drawn away from their initial values (gamma = 1,
// beta = 0, running mean 0 / var 1 would hide a wrong index), reproducibly.
void randomize(Model& model, std::uint64_t seed) {
  Rng rng(seed);
  for (const NamedParameter& p : model.parameters()) {
    Tensor t = p.var.value();
    for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(-1.0f, 1.0f);
  }
  for (const NamedBuffer& b : model.buffers()) {
    Tensor t = b.tensor;
    const bool variance = b.name.find("running_var") != std::string::npos;
    for (std::int64_t i = 0; i < t.size(); ++i) t[i] = variance ? rng.uniform(0.2f, 3.0f) : rng.uniform(-1.0f, 1.0f);
  }
}

// Uniform in [-1, 1): negative values reach every branch of the activations.
Tensor signed_input(const Shape& shape, std::uint64_t seed) {
  Tensor t = Tensor::empty(shape);
  Rng rng(seed);
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(-1.0f, 1.0f);
  return t;
}

// The sum of |terms| the result adds up: float rounding of the engine's kernels is relative to it.
double magnitude(const UnitExplanation& e) {
  if (const auto* conv = std::get_if<ConvExplanation>(&e.steps)) {
    double total = std::fabs(conv->bias);
    for (const ConvChannelTerm& t : conv->channels)
      for (float p : t.products) total += std::fabs(p);
    return total;
  }
  if (const auto* linear = std::get_if<LinearExplanation>(&e.steps)) {
    double total = std::fabs(linear->bias);
    for (float p : linear->products) total += std::fabs(p);
    return total;
  }
  return std::fabs(e.value) + 1.0;
}

void expect_matches_engine(const UnitExplanation& e, const std::string& where) {
  EXPECT_NEAR(e.result, e.value, 2e-6 * magnitude(e) + 1e-7) << where;
  if (e.next) {
    EXPECT_NEAR(e.next->result, e.next->value, 2e-6 * (std::fabs(e.next->value) + 1.0)) << where << " (next)";
  }
}

struct Case {
  const char* name;
  const char* spec;  // {"input": ..., "layers": ...}: the unit's layer is `layer`
  int layer, channel, row, col;
  const char* kind;
};

// One line per case. Borders: row/col 0 and the last row/col, where windows read padding.
const Case kCases[] = {
    {"conv_plain", R"({"input":[2,7,7],"layers":[{"type":"conv2d","filters":3,"kernel":3}]})", 0, 1, 2, 3, "conv2d"},
    {"conv_pad_corner", R"({"input":[2,7,7],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1}]})", 0, 2, 0, 0, "conv2d"},
    {"conv_pad_far_corner", R"({"input":[2,7,7],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1}]})", 0, 0, 6, 6, "conv2d"},
    {"conv_stride2_pad1_top", R"({"input":[3,8,8],"layers":[{"type":"conv2d","filters":4,"kernel":3,"stride":2,"pad":1}]})", 0, 3, 0, 2, "conv2d"},
    {"conv_stride2_pad1_bottom", R"({"input":[3,8,8],"layers":[{"type":"conv2d","filters":4,"kernel":3,"stride":2,"pad":1}]})", 0, 1, 3, 3, "conv2d"},
    {"conv_dilation2_pad2_corner", R"({"input":[2,9,8],"layers":[{"type":"conv2d","filters":3,"kernel":[3,2],"pad":2,"dilation":2}]})", 0, 2, 0, 0, "conv2d"},
    {"conv_dilation2_pad2_edge", R"({"input":[2,9,8],"layers":[{"type":"conv2d","filters":3,"kernel":[3,2],"pad":2,"dilation":2}]})", 0, 0, 8, 7, "conv2d"},
    {"conv_stride3_dilation2", R"({"input":[2,11,11],"layers":[{"type":"conv2d","filters":2,"kernel":3,"stride":3,"pad":3,"dilation":2}]})", 0, 1, 4, 0, "conv2d"},
    {"conv_no_bias", R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":5,"pad":2,"bias":false}]})", 0, 1, 5, 0, "conv2d"},
    {"conv_second_layer", R"({"input":[1,12,12],"layers":[{"type":"conv2d","filters":4,"kernel":3,"pad":1},{"type":"relu"},{"type":"conv2d","filters":5,"kernel":3,"stride":2,"pad":1}]})", 2, 4, 5, 5, "conv2d"},
    {"maxpool_2", R"({"input":[2,6,6],"layers":[{"type":"maxpool","kernel":2}]})", 0, 1, 2, 1, "maxpool"},
    {"maxpool_3_s2_pad1_corner", R"({"input":[2,7,5],"layers":[{"type":"maxpool","kernel":3,"stride":2,"pad":1}]})", 0, 0, 0, 0, "maxpool"},
    {"maxpool_3_s2_pad1_edge", R"({"input":[2,7,5],"layers":[{"type":"maxpool","kernel":3,"stride":2,"pad":1}]})", 0, 1, 3, 2, "maxpool"},
    {"avgpool_2", R"({"input":[2,6,6],"layers":[{"type":"avgpool","kernel":2}]})", 0, 0, 1, 2, "avgpool"},
    {"avgpool_3_s2_pad1_corner", R"({"input":[2,7,5],"layers":[{"type":"avgpool","kernel":3,"stride":2,"pad":1}]})", 0, 1, 0, 0, "avgpool"},
    {"avgpool_3_s1_pad1_edge", R"({"input":[1,5,5],"layers":[{"type":"avgpool","kernel":3,"stride":1,"pad":1}]})", 0, 0, 4, 2, "avgpool"},
    {"l2pool_2", R"({"input":[2,6,6],"layers":[{"type":"l2pool","kernel":2}]})", 0, 1, 0, 2, "l2pool"},
    {"l2pool_3_s1_pad1_corner", R"({"input":[1,5,5],"layers":[{"type":"l2pool","kernel":3,"stride":1,"pad":1}]})", 0, 0, 4, 4, "l2pool"},
    {"linear_on_image", R"({"input":[2,4,4],"layers":[{"type":"linear","units":5}]})", 0, 3, 0, 0, "linear"},
    {"linear_on_vector", R"({"input":[7],"layers":[{"type":"linear","units":4},{"type":"tanh"},{"type":"linear","units":3}]})", 2, 2, 0, 0, "linear"},
    {"linear_no_bias", R"({"input":[9],"layers":[{"type":"linear","units":2,"bias":false}]})", 0, 1, 0, 0, "linear"},
    {"dense_alias", R"({"input":[6],"layers":[{"type":"dense","units":3}]})", 0, 0, 0, 0, "linear"},
    {"batchnorm_maps", R"({"input":[3,4,4],"layers":[{"type":"batchnorm"}]})", 0, 2, 3, 1, "batchnorm"},
    {"batchnorm_vector", R"({"input":[5],"layers":[{"type":"batchnorm","eps":0.01}]})", 0, 4, 0, 0, "batchnorm"},
    {"layernorm_maps", R"({"input":[2,3,4],"layers":[{"type":"layernorm"}]})", 0, 1, 2, 3, "layernorm"},
    {"layernorm_vector_no_affine", R"({"input":[6],"layers":[{"type":"layernorm","affine":false}]})", 0, 5, 0, 0, "layernorm"},
    {"instancenorm", R"({"input":[3,4,5],"layers":[{"type":"instancenorm"}]})", 0, 2, 0, 4, "instancenorm"},
    {"instancenorm_no_affine", R"({"input":[2,3,3],"layers":[{"type":"instancenorm","affine":false,"eps":0.001}]})", 0, 1, 1, 1, "instancenorm"},
    {"lcn_centre", R"({"input":[2,7,7],"layers":[{"type":"lcn","size":3}]})", 0, 1, 3, 3, "lcn"},
    {"lcn_corner", R"({"input":[2,7,7],"layers":[{"type":"lcn","size":5}]})", 0, 0, 0, 6, "lcn"},
    {"relu", R"({"input":[2,3,3],"layers":[{"type":"relu"}]})", 0, 1, 2, 0, "activation"},
    {"leaky_relu", R"({"input":[10],"layers":[{"type":"leaky_relu","slope":0.2}]})", 0, 3, 0, 0, "activation"},
    {"sigmoid", R"({"input":[10],"layers":[{"type":"sigmoid"}]})", 0, 4, 0, 0, "activation"},
    {"tanh", R"({"input":[10],"layers":[{"type":"tanh"}]})", 0, 5, 0, 0, "activation"},
    {"softplus", R"({"input":[10],"layers":[{"type":"softplus"}]})", 0, 6, 0, 0, "activation"},
    {"sign", R"({"input":[10],"layers":[{"type":"sign"}]})", 0, 7, 0, 0, "activation"},
    {"step", R"({"input":[10],"layers":[{"type":"step"}]})", 0, 8, 0, 0, "activation"},
    {"dropout", R"({"input":[2,3,3],"layers":[{"type":"dropout","rate":0.5}]})", 0, 1, 1, 2, "dropout"},
    {"flatten", R"({"input":[2,3,4],"layers":[{"type":"flatten"}]})", 0, 19, 0, 0, "flatten"},
    {"conv_then_relu", R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":3,"pad":1},{"type":"relu"}]})", 0, 1, 5, 5, "conv2d"},
    {"linear_then_sigmoid", R"({"input":[4],"layers":[{"type":"linear","units":3},{"type":"sigmoid"}]})", 0, 2, 0, 0, "linear"},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ExplainUnitMatchesEngine : public ::testing::TestWithParam<Case> {};

TEST_P(ExplainUnitMatchesEngine, ResultIsTheActivationValue) {
  const Case& c = GetParam();
  Model model(c.spec);
  randomize(model, 7);
  const Tensor input = signed_input(model.input_shape(), 11);
  const UnitExplanation e = explain_unit(model, input, {c.layer, c.channel, c.row, c.col});
  EXPECT_EQ(e.kind, c.kind);
  EXPECT_EQ(e.type, model.layers()[c.layer]->type());
  EXPECT_EQ(e.name, model.layers()[c.layer]->name());
  EXPECT_EQ(e.input_layer, c.layer - 1);
  // The engine's own map, read independently of explain_unit.
  const auto maps = layer_activations(model, input);
  const Shape& out = e.output_shape;
  const std::int64_t at = out.size() == 3 ? (static_cast<std::int64_t>(c.channel) * out[1] + c.row) * out[2] + c.col : c.channel;
  EXPECT_EQ(e.value, maps[c.layer].data[at]);
  expect_matches_engine(e, c.name);
}

INSTANTIATE_TEST_SUITE_P(EveryLayerType, ExplainUnitMatchesEngine, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// Every unit of every layer of a network with every layer type, not just the chosen ones.
TEST(ExplainUnit, EveryUnitOfEveryLayerMatches) {
  Model model(R"({"input":[2,9,9],"layers":[
    {"type":"conv2d","filters":3,"kernel":3,"stride":2,"pad":2,"dilation":2},{"type":"batchnorm"},{"type":"relu"},
    {"type":"lcn","size":3},{"type":"maxpool","kernel":3,"stride":1,"pad":1},{"type":"instancenorm"},
    {"type":"avgpool","kernel":2,"stride":1},{"type":"layernorm"},{"type":"l2pool","kernel":2,"stride":1},
    {"type":"dropout"},{"type":"leaky_relu"},{"type":"flatten"},{"type":"linear","units":6},{"type":"tanh"},
    {"type":"dense","units":3},{"type":"softplus"}]})");
  randomize(model, 3);
  const Tensor input = signed_input(model.input_shape(), 5);
  int checked = 0;
  for (int l = 0; l < static_cast<int>(model.layers().size()); ++l) {
    const Shape& out = model.layers()[l]->output_shape();
    const int rows = out.size() == 3 ? out[1] : 1, cols = out.size() == 3 ? out[2] : 1;
    for (int ch = 0; ch < out[0]; ++ch)
      for (int r = 0; r < rows; ++r)
        for (int q = 0; q < cols; ++q) {
          const UnitExplanation e = explain_unit(model, input, {l, ch, r, q});
          expect_matches_engine(e, "layer " + std::to_string(l) + " unit " + std::to_string(ch) + "," +
                                       std::to_string(r) + "," + std::to_string(q));
          ++checked;
        }
  }
  EXPECT_GT(checked, 300);
}

TEST(ExplainUnit, ConvWindowMarksPaddingAndShowsStrideAndDilation) {
  // 7x7 input, kernel 3, stride 2, pad 2, dilation 2: output 4x4; unit (row 0, col 3)
  // taps rows -2, 0, 2 and cols 4, 6, 8.
  Model model(R"({"input":[2,7,7],"layers":[{"type":"conv2d","filters":3,"kernel":3,"stride":2,"pad":2,"dilation":2}]})");
  randomize(model, 1);
  const Tensor input = signed_input({2, 7, 7}, 2);
  const UnitExplanation e = explain_unit(model, input, {0, 1, 0, 3});
  const auto& conv = std::get<ConvExplanation>(e.steps);
  const InputWindow& w = conv.window;
  EXPECT_EQ(w.top, -2);
  EXPECT_EQ(w.left, 4);
  EXPECT_EQ(w.rows, 3);
  EXPECT_EQ(w.cols, 3);
  EXPECT_EQ(w.step, 2);
  EXPECT_EQ(w.stride, 2);
  EXPECT_EQ(w.pad, 2);
  const std::vector<std::uint8_t> padding = {1, 1, 1, 0, 0, 1, 0, 0, 1};  // row -2 and col 8 are padding
  EXPECT_EQ(w.padding, padding);
  ASSERT_EQ(conv.channels.size(), 2u);
  const Tensor weight = model.parameters()[0].var.value();  // [3, 2, 3, 3]
  double total = 0;
  for (int c = 0; c < 2; ++c) {
    const ConvChannelTerm& t = conv.channels[c];
    EXPECT_EQ(t.channel, c);
    double sum = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const int tap = i * 3 + j, row = -2 + 2 * i, col = 4 + 2 * j;
        const float x = padding[tap] ? 0.0f : input[(c * 7 + row) * 7 + col];
        EXPECT_EQ(t.patch[tap], x) << c << " tap " << tap;
        EXPECT_EQ(t.weights[tap], weight[((1 * 2 + c) * 3 + i) * 3 + j]);
        EXPECT_EQ(t.products[tap], t.patch[tap] * t.weights[tap]);
        sum += static_cast<double>(t.patch[tap]) * t.weights[tap];
      }
    EXPECT_FLOAT_EQ(t.sum, static_cast<float>(sum));
    total += sum;
  }
  EXPECT_FLOAT_EQ(conv.channel_sum, static_cast<float>(total));
  EXPECT_EQ(conv.bias, model.parameters()[1].var.value()[1]);
  EXPECT_FLOAT_EQ(conv.pre_activation, static_cast<float>(total + conv.bias));
  EXPECT_EQ(e.result, conv.pre_activation);
}

TEST(ExplainUnit, ConvThenReluShowsTheActivationStep) {
  Model model(R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":3,"pad":1},{"type":"relu"},
                  {"type":"maxpool","kernel":2}]})");
  randomize(model, 4);
  const Tensor input = signed_input({1, 6, 6}, 4);
  bool saw_negative = false, saw_positive = false;
  for (int r = 0; r < 6; ++r) {
    const UnitExplanation e = explain_unit(model, input, {0, 0, r, 2});
    ASSERT_TRUE(e.next.has_value());
    EXPECT_EQ(e.next->layer, 1);
    EXPECT_EQ(e.next->type, "relu");
    EXPECT_EQ(e.next->name, "relu1");
    EXPECT_EQ(e.next->input, e.result);
    EXPECT_EQ(e.next->result, std::max(e.result, 0.0f));
    (e.result < 0 ? saw_negative : saw_positive) = true;
  }
  EXPECT_TRUE(saw_negative && saw_positive) << "pick an input that reaches both sides of the ReLU";
  EXPECT_FALSE(explain_unit(model, input, {1, 0, 0, 0}).next.has_value());  // relu itself
  EXPECT_FALSE(explain_unit(model, input, {2, 0, 0, 0}).next.has_value());  // pool: nothing follows
}

TEST(ExplainUnit, MaxPoolWinnerIsTheFirstMaximumAndNeverPadding) {
  Model model(R"({"input":[1,4,4],"layers":[{"type":"maxpool","kernel":3,"stride":1,"pad":1}]})");
  Tensor input = Tensor::full({1, 4, 4}, -0.5f);  // every in-map tap ties; padding (0) would be larger
  const UnitExplanation corner = explain_unit(model, input, {0, 0, 0, 0});
  const auto& pool = std::get<PoolExplanation>(corner.steps);
  EXPECT_EQ(pool.winner, 4);  // taps 0..3 and 6 are padding: the first in-map tap is (1, 1) -> input (0, 0)
  EXPECT_EQ(pool.winner_row, 0);
  EXPECT_EQ(pool.winner_col, 0);
  EXPECT_EQ(corner.result, -0.5f);
  EXPECT_EQ(corner.value, -0.5f);
  input[1 * 4 + 2] = 3.0f;  // a clear winner at input (1, 2), and a tie for second place
  input[2 * 4 + 1] = 3.0f;
  const UnitExplanation tie = explain_unit(model, input, {0, 0, 1, 1});
  const auto& tied = std::get<PoolExplanation>(tie.steps);
  EXPECT_EQ(tied.winner_row, 1);  // (1, 2) comes before (2, 1) in scan order
  EXPECT_EQ(tied.winner_col, 2);
  EXPECT_EQ(tie.result, 3.0f);
}

TEST(ExplainUnit, AvgPoolCountsPaddingAsZerosInTheDivisor) {
  Model model(R"({"input":[1,3,3],"layers":[{"type":"avgpool","kernel":3,"stride":1,"pad":1}]})");
  const Tensor input = Tensor::full({1, 3, 3}, 0.9f);
  const UnitExplanation e = explain_unit(model, input, {0, 0, 0, 0});
  const auto& pool = std::get<PoolExplanation>(e.steps);
  EXPECT_EQ(pool.divisor, 9);
  EXPECT_FLOAT_EQ(pool.sum, 3.6f);  // 4 in-map taps
  EXPECT_FLOAT_EQ(e.result, 0.4f);
  EXPECT_EQ(std::count(pool.window.padding.begin(), pool.window.padding.end(), 1), 5);
}

TEST(ExplainUnit, L2PoolIsTheRootOfTheSumOfSquares) {
  Model model(R"({"input":[1,2,2],"layers":[{"type":"l2pool","kernel":2}]})");
  const Tensor input = Tensor::from({1, 2, 2}, {3.0f, 0.0f, 0.0f, -4.0f});
  const UnitExplanation e = explain_unit(model, input, {0, 0, 0, 0});
  EXPECT_EQ(std::get<PoolExplanation>(e.steps).sum_of_squares, 25.0f);
  EXPECT_EQ(e.result, 5.0f);
  EXPECT_EQ(e.value, 5.0f);
}

TEST(ExplainUnit, LinearListsTheLargestContributionsAndSumsTheRest) {
  Model model(R"({"input":[2,3,3],"layers":[{"type":"linear","units":4}]})");
  randomize(model, 9);
  const Tensor input = signed_input({2, 3, 3}, 9);
  const UnitExplanation e = explain_unit(model, input, {0, 2, 0, 0}, {.top_k = 5});
  const auto& linear = std::get<LinearExplanation>(e.steps);
  EXPECT_EQ(linear.inputs, 18);
  ASSERT_EQ(linear.top.size(), 5u);
  EXPECT_EQ(linear.rest_count, 13);
  const Tensor weight = model.parameters()[0].var.value();  // [4, 18]
  double top_sum = 0;
  for (std::size_t r = 0; r < linear.top.size(); ++r) {
    const Contribution& c = linear.top[r];
    EXPECT_EQ(c.input, (c.channel * 3 + c.row) * 3 + c.col);
    EXPECT_EQ(c.input_value, input[c.input]);
    EXPECT_EQ(c.weight, weight[2 * 18 + c.input]);
    EXPECT_EQ(c.product, c.input_value * c.weight);
    if (r > 0) {
      EXPECT_GE(std::fabs(linear.top[r - 1].product), std::fabs(c.product));
    }
    top_sum += c.product;
  }
  // Nothing left out is larger than the smallest listed.
  for (int i = 0; i < 18; ++i) {
    bool listed = false;
    for (const Contribution& c : linear.top) listed |= c.input == i;
    if (!listed) {
      EXPECT_LE(std::fabs(linear.products[i]), std::fabs(linear.top.back().product));
    }
  }
  EXPECT_NEAR(top_sum + linear.rest_sum, linear.product_sum, 1e-5);
  EXPECT_FLOAT_EQ(linear.pre_activation, linear.product_sum + linear.bias);
  // top_k 0 lists nothing, a large top_k lists everything.
  EXPECT_EQ(std::get<LinearExplanation>(explain_unit(model, input, {0, 0, 0, 0}, {.top_k = 0}).steps).rest_count, 18);
  EXPECT_EQ(std::get<LinearExplanation>(explain_unit(model, input, {0, 0, 0, 0}, {.top_k = 99}).steps).top.size(), 18u);
}

TEST(ExplainUnit, BatchNormUsesTheRunningStatistics) {
  Model model(R"({"input":[3,2,2],"layers":[{"type":"batchnorm","eps":0.001}]})");
  randomize(model, 2);
  const Tensor input = signed_input({3, 2, 2}, 2);
  const UnitExplanation e = explain_unit(model, input, {0, 1, 1, 0});
  const auto& bn = std::get<NormExplanation>(e.steps);
  const auto buffers = model.buffers();
  const auto params = model.parameters();
  EXPECT_EQ(bn.mean, buffers[0].tensor[1]);
  EXPECT_EQ(bn.variance, buffers[1].tensor[1]);
  EXPECT_EQ(bn.gamma, params[0].var.value()[1]);
  EXPECT_EQ(bn.beta, params[1].var.value()[1]);
  EXPECT_FLOAT_EQ(bn.eps, 0.001f);
  EXPECT_EQ(bn.count, 0);
  EXPECT_EQ(bn.input, input[1 * 4 + 2]);
  EXPECT_FLOAT_EQ(bn.std_dev, std::sqrt(bn.variance + bn.eps));
  EXPECT_FLOAT_EQ(bn.normalized, (bn.input - bn.mean) / bn.std_dev);
}

TEST(ExplainUnit, InstanceNormStatisticsAreThoseOfTheUnitsChannel) {
  Model model(R"({"input":[2,2,2],"layers":[{"type":"instancenorm","affine":false}]})");
  const Tensor input = Tensor::from({2, 2, 2}, {1, 2, 3, 4, 10, 10, 30, 30});
  const UnitExplanation e = explain_unit(model, input, {0, 1, 0, 1});
  const auto& n = std::get<NormExplanation>(e.steps);
  EXPECT_EQ(n.count, 4);
  EXPECT_FLOAT_EQ(n.mean, 20.0f);
  EXPECT_FLOAT_EQ(n.variance, 100.0f);
  EXPECT_FALSE(n.affine);
  EXPECT_EQ(n.gamma, 1.0f);
  EXPECT_EQ(n.beta, 0.0f);
}

TEST(ExplainUnit, LcnNamesTheTermThatDivides) {
  Model model(R"({"input":[1,5,5],"layers":[{"type":"lcn","size":3}]})");
  const Tensor black = Tensor::zeros({1, 5, 5});  // no contrast anywhere: eps divides
  const UnitExplanation dark = explain_unit(model, black, {0, 0, 2, 2});
  const auto& still = std::get<LcnExplanation>(dark.steps);
  EXPECT_EQ(still.divisor_from, "eps");
  EXPECT_EQ(still.channels, 1);
  EXPECT_EQ(std::count(still.window.padding.begin(), still.window.padding.end(), 1), 0);
  Tensor spot = Tensor::zeros({1, 5, 5});
  spot[12] = 1.0f;  // one bright pixel: its neighbourhood has more contrast than the image's mean
  const UnitExplanation e = explain_unit(model, spot, {0, 0, 2, 2});
  const auto& lcn = std::get<LcnExplanation>(e.steps);
  EXPECT_EQ(lcn.divisor_from, "local");
  EXPECT_GT(lcn.local_std, lcn.mean_std);
  EXPECT_FLOAT_EQ(lcn.local_mean, 1.0f / 9.0f);
  expect_matches_engine(e, "lcn spot");
  const UnitExplanation corner = explain_unit(model, spot, {0, 0, 0, 0});
  const auto& far = std::get<LcnExplanation>(corner.steps);
  EXPECT_EQ(far.divisor_from, "mean");  // little contrast in the corner's window
  EXPECT_EQ(std::count(far.window.padding.begin(), far.window.padding.end(), 1), 5);
}

TEST(ExplainUnit, FlattenNamesTheInputItCopies) {
  Model model(R"({"input":[2,3,4],"layers":[{"type":"flatten"}]})");
  const Tensor input = signed_input({2, 3, 4}, 1);
  const UnitExplanation e = explain_unit(model, input, {0, 19, 0, 0});
  const auto& f = std::get<FlattenExplanation>(e.steps);
  EXPECT_EQ(f.channel, 1);  // 19 = (1 * 3 + 1) * 4 + 3
  EXPECT_EQ(f.row, 1);
  EXPECT_EQ(f.col, 3);
  EXPECT_EQ(f.input, input[19]);
}

// A residual block with a projection shortcut (conv + batch norm on the main path, stride 2),
// and one with the identity: layers(x) + shortcut(x) = the engine's activation at every unit.
TEST(ExplainUnit, ResidualUnitIsTheSumOfItsTwoTerms) {
  Model model(R"({"input":[2,6,6],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},
    {"type":"residual","layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"batchnorm"},{"type":"relu"}]},
    {"type":"residual","layers":[{"type":"conv2d","filters":4,"kernel":3,"stride":2,"pad":1}],
     "shortcut":[{"type":"conv2d","filters":4,"kernel":1,"stride":2}]}]})");
  randomize(model, 5);
  const Tensor input = signed_input({2, 6, 6}, 6);
  const std::vector<LayerActivation> maps = layer_activations(model, input);
  for (int layer : {1, 2}) {
    const Shape& out = model.layers()[layer]->output_shape();
    for (int c = 0; c < out[0]; ++c)
      for (int y = 0; y < out[1]; ++y)
        for (int x = 0; x < out[2]; ++x) {
          const UnitExplanation e = explain_unit(model, input, {layer, c, y, x});
          const std::string where = "layer " + std::to_string(layer) + " unit " + std::to_string(c) + "," +
                                    std::to_string(y) + "," + std::to_string(x);
          ASSERT_EQ(e.kind, "residual");
          const auto& r = std::get<ResidualExplanation>(e.steps);
          EXPECT_EQ(r.identity, layer == 1) << where;
          EXPECT_EQ(r.layers_count, layer == 1 ? 3 : 1) << where;
          EXPECT_EQ(r.shortcut_count, layer == 1 ? 0 : 1) << where;
          EXPECT_EQ(e.result, r.layers_term + r.shortcut_term) << where;
          EXPECT_NEAR(e.result, e.value, 1e-5 * (std::fabs(r.layers_term) + std::fabs(r.shortcut_term) + 1.0)) << where;
          // The identity's term is the block's input there: the previous layer's map.
          if (layer == 1) {
            EXPECT_EQ(r.shortcut_term, maps[0].data[(c * 6 + y) * 6 + x]) << where;
          }
        }
  }
}

// A concat of a conv branch (3 channels), an identity branch (the input's 2) and a pooling one
// (2): output channel 4 is channel 1 of branch 1, which is input channel 1 itself.
TEST(ExplainUnit, ConcatUnitNamesItsBranchAndChannel) {
  Model model(R"({"input":[2,5,5],"layers":[{"type":"concat","branches":[
    [{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"}],[],
    [{"type":"maxpool","kernel":3,"stride":1,"pad":1}]]}]})");
  randomize(model, 7);
  const Tensor input = signed_input({2, 5, 5}, 8);
  for (int c = 0; c < 7; ++c)
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 5; ++x) {
        const UnitExplanation e = explain_unit(model, input, {0, c, y, x});
        ASSERT_EQ(e.kind, "concat");
        const auto& j = std::get<ConcatExplanation>(e.steps);
        EXPECT_EQ(j.branch_channels, (std::vector<int>{3, 2, 2}));
        EXPECT_EQ(j.branch, c < 3 ? 0 : c < 5 ? 1 : 2);
        EXPECT_EQ(j.offset, c < 3 ? 0 : c < 5 ? 3 : 5);
        EXPECT_EQ(j.channel, c - j.offset);
        EXPECT_EQ(j.identity, j.branch == 1);
        EXPECT_NEAR(e.result, e.value, 1e-5 * (std::fabs(e.value) + 1.0)) << c << "," << y << "," << x;
        if (j.branch == 1) {
          EXPECT_EQ(j.input, input[(j.channel * 5 + y) * 5 + x]);
        }
      }
}

TEST(ExplainUnit, ReceptiveFieldIsTheTheoreticalOne) {
  Model model(testing::kSmallCnn);
  const Tensor input = testing::random_image({1, 8, 8}, 1);
  const UnitExplanation e = explain_unit(model, input, {2, 1, 2, 1});
  ASSERT_TRUE(e.receptive_field.has_value());
  const TheoreticalField expected = theoretical_receptive_field(model, 2, 2, 1);
  EXPECT_EQ(e.receptive_field->full.top, expected.full.top);
  EXPECT_EQ(e.receptive_field->full.left, expected.full.left);
  EXPECT_EQ(e.receptive_field->full.height, 4);
  EXPECT_EQ(e.receptive_field->clipped.width, expected.clipped.width);
  Model vector_model(R"({"input":[2],"layers":[{"type":"linear","units":3}]})");
  EXPECT_FALSE(explain_unit(vector_model, Tensor::from({2}, {0.5f, -1.0f}), {0, 1, 0, 0}).receptive_field.has_value());
}

TEST(ExplainUnit, LookingChangesNothing) {
  Model model(R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":3},{"type":"batchnorm"},
                  {"type":"dropout"},{"type":"linear","units":2}]})");
  const std::string before = model.spec_json();
  const std::vector<float> running_mean = model.buffers()[0].tensor.to_vector();
  explain_unit(model, testing::random_image({1, 6, 6}, 3), {3, 1, 0, 0});
  EXPECT_EQ(model.spec_json(), before);
  EXPECT_EQ(model.buffers()[0].tensor.to_vector(), running_mean);
  EXPECT_FALSE(testing::any_parameter_gradient(model));
}

TEST(ExplainUnit, BadRequestsNameWhatIsWrong) {
  using testing::expect_error_mentions;
  Model model(testing::kSmallCnn);  // conv [2,6,6], relu, maxpool [2,3,3], linear [3]
  const Tensor input = testing::random_image({1, 8, 8}, 1);
  expect_error_mentions([&] { explain_unit(model, input, {4, 0, 0, 0}); }, {"layer 4 out of range", "0..3"});
  expect_error_mentions([&] { explain_unit(model, input, {-1, 0, 0, 0}); }, {"layer -1 out of range"});
  expect_error_mentions([&] { explain_unit(model, input, {0, 2, 0, 0}); }, {"channel 2 out of range", "conv2d", "0..1"});
  expect_error_mentions([&] { explain_unit(model, input, {2, 0, 3, 0}); }, {"row 3 out of range", "maxpool", "0..2"});
  expect_error_mentions([&] { explain_unit(model, input, {0, 0, 0, -1}); }, {"col -1 out of range", "0..5"});
  expect_error_mentions([&] { explain_unit(model, input, {3, 3, 0, 0}); }, {"unit 3 out of range", "linear", "0..2"});
  expect_error_mentions([&] { explain_unit(model, input, {3, 0, 1, 0}); }, {"outputs a vector", "row 1"});
  expect_error_mentions([&] { explain_unit(model, testing::random_image({1, 7, 8}, 1), {0, 0, 0, 0}); },
                        {"explain_unit", "[1, 8, 8]", "[1, 7, 8]"});
  expect_error_mentions([&] { explain_unit(model, testing::random_image({2, 1, 8, 8}, 1), {0, 0, 0, 0}); },
                        {"one input", "batch of 2"});
  Tensor bad = input.clone();
  bad[10] = NAN;
  expect_error_mentions([&] { explain_unit(model, bad, {0, 0, 0, 0}); }, {"input value 10 is NaN"});
  bad[10] = INFINITY;
  expect_error_mentions([&] { explain_unit(model, bad, {0, 0, 0, 0}); }, {"input value 10 is infinite"});
  expect_error_mentions([&] { explain_unit(model, input, {3, 0, 0, 0}, {.top_k = -1}); }, {"topK", "-1"});
}

}  // namespace
}  // namespace wg
