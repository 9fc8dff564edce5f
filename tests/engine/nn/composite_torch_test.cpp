// The composite layers against PyTorch (tests/fixtures/composite.txt, gen_composite.py): the
// ops they are made of, and a model of residual and concat blocks whose PyTorch twin has the
// engine's parameter names as its state_dict keys; values and gradients of sum(y * gy).
#include <gtest/gtest.h>

#include "fixtures.h"
#include "gradcheck.h"
#include "nn/model.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_tensor_near;
using testing::load_fixtures;

const testing::FixtureCase& find_case(const std::vector<testing::FixtureCase>& cases, const std::string& name) {
  for (const auto& c : cases)
    if (c.name == name) return c;
  throw Error("no fixture case " + name);
}

TEST(CompositeTorch, OpsMatchPyTorch) {
  const auto cases = load_fixtures("composite.txt");
  {
    const auto& c = find_case(cases, "global_avg_pool");
    Var x(c.tensor("x").clone(), true);
    Var y = global_avg_pool2d(x);
    backward(y, c.tensor("gy"));
    expect_tensor_near(y.value(), c.tensor("y"), 1e-6f, 1e-5f, "y");
    expect_tensor_near(x.grad(), c.tensor("gx"), 1e-6f, 1e-5f, "gx");
  }
  {
    const auto& c = find_case(cases, "residual_add");
    Var a(c.tensor("a").clone(), true), b(c.tensor("b").clone(), true);
    Var y = residual_add(a, b);
    backward(y, c.tensor("gy"));
    expect_tensor_near(y.value(), c.tensor("y"), 1e-6f, 1e-6f, "y");
    expect_tensor_near(a.grad(), c.tensor("ga"), 0.0f, 0.0f, "ga");
    expect_tensor_near(b.grad(), c.tensor("gb"), 0.0f, 0.0f, "gb");
  }
  {
    const auto& c = find_case(cases, "concat_channels");
    Var a(c.tensor("a").clone(), true), b(c.tensor("b").clone(), true), d(c.tensor("c").clone(), true);
    Var y = concat({a, b, d}, 1);
    backward(y, c.tensor("gy"));
    expect_tensor_near(y.value(), c.tensor("y"), 0.0f, 0.0f, "y");
    expect_tensor_near(a.grad(), c.tensor("ga"), 0.0f, 0.0f, "ga");
    expect_tensor_near(b.grad(), c.tensor("gb"), 0.0f, 0.0f, "gb");
    expect_tensor_near(d.grad(), c.tensor("gc"), 0.0f, 0.0f, "gc");
  }
}

TEST(CompositeTorch, ModelOfBlocksMatchesItsPyTorchTwin) {
  const auto cases = load_fixtures("composite.txt");
  const auto& c = find_case(cases, "model");
  Model model(c.word("spec"));
  const auto parameters = model.parameters();
  int loaded = 0;
  for (const auto& [key, tensor] : c.tensors) {
    if (key.rfind("param:", 0) != 0) continue;
    const std::string name = key.substr(6);
    bool found = false;
    for (const NamedParameter& p : parameters) {
      if (p.name != name) continue;
      ASSERT_EQ(p.var.shape(), tensor.shape()) << name;
      std::copy(tensor.data(), tensor.data() + tensor.size(), p.var.node()->value.data());
      found = true;
    }
    EXPECT_TRUE(found) << "PyTorch's state_dict key " << name << " is no engine parameter name";
    ++loaded;
  }
  EXPECT_EQ(loaded, static_cast<int>(parameters.size())) << "every engine parameter has a PyTorch twin";

  Var x(c.tensor("x").clone(), true);
  ForwardContext context;
  context.training = true;
  Var y = model.forward(x, context);
  backward(y, c.tensor("gy"));
  expect_tensor_near(y.value(), c.tensor("y"), 1e-5f, 1e-4f, "y");
  expect_tensor_near(x.grad(), c.tensor("gx"), 1e-5f, 1e-4f, "gx");
  for (const NamedParameter& p : model.parameters())
    expect_tensor_near(p.var.grad(), c.tensor("grad:" + p.name), 1e-5f, 1e-4f, "grad of " + p.name);
}

}  // namespace
}  // namespace wg
