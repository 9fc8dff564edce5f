// Dropout: identity in eval and at p = 0, inverted scaling, reproducible masks,
// gradient through the mask, and the range check on p.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/random.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

TEST(Dropout, IdentityInEvalOrAtZero) {
  Var x(random_tensor({3, 4}, 1), true);
  Rng rng(7);
  for (auto [p, training] : {std::pair{0.5f, false}, std::pair{0.0f, true}}) {
    Var y = dropout(x, p, training, rng);
    expect_tensor_near(y.value(), x.value(), 0.0f);
  }
  // identity draws no random numbers
  Rng fresh(7);
  EXPECT_EQ(rng.next_u32(), fresh.next_u32());
}

TEST(Dropout, KeepsOrZeroesWithInvertedScale) {
  const float ps[] = {0.1f, 0.5f, 0.9f};
  for (float p : ps) {
    SCOPED_TRACE(p);
    Var x(Tensor::full({100, 100}, 2.0f));
    Rng rng(11);
    Tensor y = dropout(x, p, true, rng).value();
    int kept = 0;
    double total = 0;
    for (std::int64_t i = 0; i < y.size(); ++i) {
      if (y[i] != 0.0f) {
        ++kept;
        EXPECT_NEAR(y[i], 2.0f / (1.0f - p), 1e-5f);
      }
      total += y[i];
    }
    EXPECT_NEAR(kept / 10000.0, 1.0 - p, 0.03);
    EXPECT_NEAR(total / 10000.0, 2.0, 0.2);  // expectation preserved
  }
}

TEST(Dropout, SameSeedSameMask) {
  Var x(random_tensor({5, 7}, 3));
  Rng a(99), b(99), c(100);
  Tensor ya = dropout(x, 0.5f, true, a).value(), yb = dropout(x, 0.5f, true, b).value();
  Tensor yc = dropout(x, 0.5f, true, c).value();
  EXPECT_EQ(ya.to_vector(), yb.to_vector());
  EXPECT_NE(ya.to_vector(), yc.to_vector());
}

TEST(Dropout, GradientFlowsThroughTheMask) {
  for (float p : {0.2f, 0.5f}) {
    // the same seed in every call, so the finite differences see the same mask
    expect_gradients_match(
        [p](const std::vector<Var>& v) {
          Rng rng(5);
          return dropout(v[0], p, true, rng);
        },
        {random_tensor({4, 6}, 8)});
  }
  Var x(Tensor::full({2, 8}, 1.0f), true);
  Rng rng(4);
  Var y = dropout(x, 0.5f, true, rng);
  backward(y, Tensor::full({2, 8}, 1.0f));
  for (std::int64_t i = 0; i < 16; ++i) EXPECT_EQ(x.grad()[i], y.value()[i]);  // grad = mask
}

TEST(Dropout, RejectsProbabilityOutsideRange) {
  Var x(Tensor::zeros({2}));
  Rng rng(1);
  for (float p : {-0.1f, 1.0f, 1.5f}) {
    try {
      dropout(x, p, true, rng);
      ADD_FAILURE() << "p = " << p << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("dropout"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace wg
