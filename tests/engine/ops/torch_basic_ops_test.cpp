// softmax, log_softmax and linear against PyTorch: values and gradients of
// sum(op(x) * upstream) from tests/fixtures/basic_ops.txt (gen_basic_ops.py).
#include <gtest/gtest.h>

#include "fixtures.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_tensor_near;
using testing::load_fixtures;

TEST(TorchBasicOps, MatchPyTorch) {
  const auto cases = load_fixtures("basic_ops.txt");
  ASSERT_EQ(cases.size(), 3u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (c.name == "linear") {
      Var x(c.tensor("x").clone(), true), w(c.tensor("weight").clone(), true), b(c.tensor("bias").clone(), true);
      Var y = linear(x, w, b);
      backward(y, c.tensor("upstream"));
      expect_tensor_near(y.value(), c.tensor("y"), 1e-5f, 1e-5f, "y");
      expect_tensor_near(x.grad(), c.tensor("grad_x"), 1e-5f, 1e-5f, "grad_x");
      expect_tensor_near(w.grad(), c.tensor("grad_weight"), 1e-5f, 1e-5f, "grad_weight");
      expect_tensor_near(b.grad(), c.tensor("grad_bias"), 1e-5f, 1e-5f, "grad_bias");
    } else {
      Var x(c.tensor("x").clone(), true);
      Var y = c.word("op") == "softmax" ? softmax(x) : log_softmax(x);
      backward(y, c.tensor("upstream"));
      expect_tensor_near(y.value(), c.tensor("y"), 1e-6f, 1e-5f, "y");
      expect_tensor_near(x.grad(), c.tensor("grad_x"), 1e-6f, 1e-5f, "grad_x");
    }
  }
}

}  // namespace
}  // namespace wg
