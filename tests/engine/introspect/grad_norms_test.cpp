// Tests for engine/introspect/grad_norms: per-parameter gradient norms, by hand on a linear
// layer, and against PyTorch on the composite fixture's model of residual and concat blocks
// (tests/fixtures/composite.txt), whose nested parameter names are PyTorch's state_dict keys.
#include "introspect/grad_norms.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.h"
#include "small_models.h"

namespace wg {
namespace {

void set_values(const Var& parameter, const std::vector<float>& values) {
  ASSERT_EQ(parameter.value().size(), static_cast<std::int64_t>(values.size()));
  std::copy(values.begin(), values.end(), parameter.node()->value.data());
}

TEST(IntrospectGradNorms, EmptyBeforeAnyBackwardPass) {
  Model model(testing::kSmallCnn);
  EXPECT_TRUE(parameter_grad_norms(model).empty());
}

TEST(IntrospectGradNorms, LinearLayerByHand) {
  // y = w.x + b with x = (3, 4), w = (1, 2), b = 0.5; dy/dw = x and dy/db = 1, seeded with
  // dL/dy = 2 (two samples each seeded 1 would do the same): |dL/dw| = 2 * |x| = 2 * 5 = 10.
  Model model(R"({"input":[2],"layers":[{"type":"linear","units":1}]})");
  const auto parameters = model.parameters();
  set_values(parameters[0].var, {1.0f, 2.0f});
  set_values(parameters[1].var, {0.5f});
  ForwardContext context;
  Var y = model.forward(Var(Tensor::from({1, 2}, {3.0f, 4.0f})), context);
  EXPECT_FLOAT_EQ(y.value()[0], 11.5f);
  backward(y, Tensor::full(y.shape(), 2.0f));
  const auto norms = parameter_grad_norms(model);
  ASSERT_EQ(norms.size(), 2u);
  EXPECT_EQ(norms[0].name, "linear1.weight");
  EXPECT_EQ(norms[0].layer_name, "linear1");
  EXPECT_EQ(norms[0].layer, 0);
  EXPECT_DOUBLE_EQ(norms[0].norm, 10.0);
  EXPECT_EQ(norms[1].name, "linear1.bias");
  EXPECT_DOUBLE_EQ(norms[1].norm, 2.0);
}

TEST(IntrospectGradNorms, L2NormTable) {
  struct Case {
    std::vector<float> values;
    double norm;
  };
  for (const Case& c : std::vector<Case>{{{3, -4}, 5.0}, {{0, 0, 0}, 0.0}, {{-2}, 2.0}, {{1, 1, 1, 1}, 2.0}})
    EXPECT_DOUBLE_EQ(l2_norm(Tensor::from({static_cast<int>(c.values.size())}, c.values)), c.norm);
  EXPECT_EQ(l2_norm(Tensor()), 0.0);
}

TEST(IntrospectGradNorms, NestedBlocksMatchPyTorch) {
  const auto cases = testing::load_fixtures("composite.txt");
  const testing::FixtureCase* model_case = nullptr;
  for (const auto& c : cases)
    if (c.name == "model") model_case = &c;
  ASSERT_NE(model_case, nullptr);
  Model model(model_case->word("spec"));
  for (const NamedParameter& p : model.parameters()) {
    const Tensor& value = model_case->tensor("param:" + p.name);
    std::copy(value.data(), value.data() + value.size(), p.var.node()->value.data());
  }
  ForwardContext context;
  context.training = true;
  Var y = model.forward(Var(model_case->tensor("x").clone()), context);
  backward(y, model_case->tensor("gy"));

  const auto norms = parameter_grad_norms(model);
  ASSERT_EQ(norms.size(), model.parameters().size());
  // Names and layer indices as the spec nests them: residual1 is layer 2, its list's layer 3 a conv.
  EXPECT_EQ(norms[0].name, "conv1.weight");
  EXPECT_EQ(norms[2].name, "residual1.layers.0.weight");
  EXPECT_EQ(norms[2].layer, 2);
  EXPECT_EQ(norms[2].layer_name, "residual1");
  bool saw_shortcut = false, saw_branch = false, saw_inner_conv = false;
  for (const GradNorm& g : norms) {
    saw_shortcut |= g.name == "residual2.shortcut.0.weight";
    saw_branch |= g.name == "concat1.branches.1.0.weight";
    saw_inner_conv |= g.name == "residual1.layers.3.weight";
    // PyTorch's gradient (the fixture), its norm computed here in double.
    const Tensor& torch_grad = model_case->tensor("grad:" + g.name);
    double sum = 0.0;
    for (std::int64_t i = 0; i < torch_grad.size(); ++i) sum += static_cast<double>(torch_grad[i]) * torch_grad[i];
    EXPECT_NEAR(g.norm, std::sqrt(sum), 1e-4 * std::sqrt(sum) + 1e-6) << g.name;
  }
  EXPECT_TRUE(saw_shortcut);
  EXPECT_TRUE(saw_branch);
  EXPECT_TRUE(saw_inner_conv);
}

}  // namespace
}  // namespace wg
