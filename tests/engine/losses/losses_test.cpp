// Tests for engine/losses: lecture worked values, finite-difference gradients of every
// loss, PyTorch fixtures (tests/fixtures/losses_optim.txt) and error messages.
#include "losses/losses.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "fixtures.h"
#include "gradcheck.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

std::vector<int> labels_of(const Tensor& t) {
  std::vector<int> labels;
  for (std::int64_t i = 0; i < t.size(); ++i) labels.push_back(static_cast<int>(t[i]));
  return labels;
}

// Lecture example: o = (1, 2, 3), true class 2. p = softmax(o), L = -log p_2, dL/do = p - y.
TEST(Losses, SoftmaxCrossEntropyWorkedExample) {
  Var o = Var::parameter(Tensor::from({1, 3}, {1, 2, 3}), "o");
  Var loss = softmax_cross_entropy(o, {2});
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const double p[3] = {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z};
  EXPECT_NEAR(loss.item(), -std::log(p[2]), 1e-6);  // 0.40760596
  EXPECT_NEAR(loss.item(), 0.40760596, 1e-6);
  backward(loss);
  EXPECT_NEAR(o.grad()[0], p[0], 1e-6);
  EXPECT_NEAR(o.grad()[1], p[1], 1e-6);
  EXPECT_NEAR(o.grad()[2], p[2] - 1.0, 1e-6);
}

TEST(Losses, CrossEntropyIsMeanOverBatchAndGradientDividesByN) {
  // two identical rows: same loss as one row, each row's gradient halved
  Var one = Var::parameter(Tensor::from({1, 3}, {1, 2, 3}), "one");
  Var two = Var::parameter(Tensor::from({2, 3}, {1, 2, 3, 1, 2, 3}), "two");
  Var l1 = softmax_cross_entropy(one, {0}), l2 = softmax_cross_entropy(two, {0, 0});
  EXPECT_NEAR(l1.item(), l2.item(), 1e-6);
  backward(l1);
  backward(l2);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(two.grad()[j], one.grad()[j] / 2, 1e-7);
}

// CS231n-style example: scores (3.2, 5.1, -1.7) for true class 0:
// max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0
TEST(Losses, MulticlassHingeWorkedExample) {
  Var s = Var::parameter(Tensor::from({1, 3}, {3.2f, 5.1f, -1.7f}), "s");
  Var loss = multiclass_hinge(s, {0});
  EXPECT_NEAR(loss.item(), 2.9f, 1e-5);
  backward(loss);
  expect_tensor_near(s.grad(), Tensor::from({1, 3}, {-1, 1, 0}), 1e-7f);
}

TEST(Losses, SquaredErrorForms) {
  // lecture form 1/2 sum (t - o)^2 has gradient o - t; mse averages (o - t)^2
  Var o = Var::parameter(Tensor::from({2}, {1.0f, 3.0f}), "o");
  Var t(Tensor::from({2}, {0.0f, 5.0f}));
  Var half = squared_error_sum_half(o, t);
  EXPECT_FLOAT_EQ(half.item(), 0.5f * (1 + 4));
  backward(half);
  expect_tensor_near(o.grad(), Tensor::from({2}, {1.0f, -2.0f}), 1e-7f);
  o.zero_grad();
  Var mean = mse_loss(o, t);
  EXPECT_FLOAT_EQ(mean.item(), (1 + 4) / 2.0f);
  backward(mean);
  expect_tensor_near(o.grad(), Tensor::from({2}, {1.0f, -2.0f}), 1e-7f);  // 2 (o - t) / 2
}

TEST(Losses, PenaltiesAndBceWorkedValues) {
  Var w = Var::parameter(Tensor::from({3}, {1.0f, -2.0f, 0.0f}), "w");
  EXPECT_FLOAT_EQ(l2_penalty({w}, 0.5f).item(), 0.5f * 5);
  EXPECT_FLOAT_EQ(l1_penalty({w}, 0.5f).item(), 0.5f * 3);
  EXPECT_FLOAT_EQ(l2_penalty({}, 0.5f).item(), 0.0f);
  // BCE at logit 0 is log 2 whatever the target
  EXPECT_NEAR(bce_with_logits(Var(Tensor::from({2}, {0, 0})), Var(Tensor::from({2}, {0, 1}))).item(), std::log(2.0),
              1e-6);
  // no overflow at extreme logits: confident and right -> 0, confident and wrong -> |x|
  EXPECT_NEAR(bce_with_logits(Var(Tensor::from({1}, {200})), Var(Tensor::from({1}, {1}))).item(), 0.0, 1e-6);
  EXPECT_NEAR(bce_with_logits(Var(Tensor::from({1}, {200})), Var(Tensor::from({1}, {0}))).item(), 200.0, 1e-3);
}

// Finite differences, one row per loss. Labels are fixed; scalar losses are checked directly.
TEST(Losses, GradientsMatchFiniteDifferences) {
  const std::vector<int> labels = {2, 0, 3};
  struct Case {
    const char* name;
    std::function<Var(const std::vector<Var>&)> f;
    std::vector<Tensor> inputs;
  };
  const std::vector<Case> cases = {
      {"softmax_cross_entropy", [&](const std::vector<Var>& v) { return softmax_cross_entropy(v[0], labels); },
       {random_tensor({3, 4}, 1, -2, 2)}},
      {"mse_loss", [](const std::vector<Var>& v) { return mse_loss(v[0], v[1]); },
       {random_tensor({2, 3}, 2), random_tensor({2, 3}, 3)}},
      {"squared_error_sum_half", [](const std::vector<Var>& v) { return squared_error_sum_half(v[0], v[1]); },
       {random_tensor({5}, 4), random_tensor({5}, 5)}},
      {"bce_with_logits", [](const std::vector<Var>& v) { return bce_with_logits(v[0], v[1]); },
       {random_tensor({2, 3}, 6, -3, 3), random_tensor({2, 3}, 7, 0, 1)}},
      {"multiclass_hinge", [&](const std::vector<Var>& v) { return multiclass_hinge(v[0], labels, 0.7f); },
       {random_tensor({3, 4}, 8, -2, 2)}},
      {"l2_penalty", [](const std::vector<Var>& v) { return l2_penalty(v, 0.3f); },
       {random_tensor({2, 2}, 9), random_tensor({3}, 10)}},
      {"l1_penalty", [](const std::vector<Var>& v) { return l1_penalty(v, 0.3f); },
       {random_tensor({2, 2}, 11), random_tensor({3}, 12)}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_gradients_match(c.f, c.inputs, 1e-3f, 1e-3f, 1e-2f);
  }
}

TEST(Losses, MatchPyTorch) {
  for (const auto& fx : testing::load_fixtures("losses_optim.txt")) {
    if (!fx.has("loss")) continue;  // optimizer cases
    SCOPED_TRACE(fx.name);
    const std::string kind = fx.word("kind");
    Var loss;
    std::vector<Var> inputs;
    if (kind == "l2" || kind == "l1") {
      inputs = {Var::parameter(fx.tensor("w1").clone(), "w1"), Var::parameter(fx.tensor("w2").clone(), "w2")};
      const float lambda = static_cast<float>(fx.num("lambda"));
      loss = kind == "l2" ? l2_penalty(inputs, lambda) : l1_penalty(inputs, lambda);
      backward(loss);
      expect_tensor_near(inputs[0].grad(), fx.tensor("grad_w1"), 1e-6f, 1e-5f, "grad_w1");
      expect_tensor_near(inputs[1].grad(), fx.tensor("grad_w2"), 1e-6f, 1e-5f, "grad_w2");
    } else {
      Var x = Var::parameter(fx.tensor("x").clone(), "x");
      Var t = fx.has("t") ? Var::parameter(fx.tensor("t").clone(), "t") : Var();
      if (kind == "cross_entropy") loss = softmax_cross_entropy(x, labels_of(fx.tensor("labels")));
      if (kind == "hinge")
        loss = multiclass_hinge(x, labels_of(fx.tensor("labels")), static_cast<float>(fx.num("margin")));
      if (kind == "mse") loss = mse_loss(x, t);
      if (kind == "bce") loss = bce_with_logits(x, t);
      ASSERT_TRUE(loss.defined()) << "unknown kind " << kind;
      backward(loss);
      expect_tensor_near(x.grad(), fx.tensor("grad_x"), 1e-6f, 1e-5f, "grad_x");
      if (t.defined()) expect_tensor_near(t.grad(), fx.tensor("grad_t"), 1e-6f, 1e-5f, "grad_t");
    }
    EXPECT_NEAR(loss.item(), fx.num("loss"), 1e-5 * std::fabs(fx.num("loss")) + 1e-6);
  }
}

TEST(Losses, ClassificationLossDispatch) {
  Var outputs(Tensor::from({2, 3}, {0.5f, -1, 2, 1, 0, -0.5f}));
  const std::vector<int> labels = {2, 0};
  Tensor one_hot = Tensor::from({2, 3}, {0, 0, 1, 1, 0, 0});
  EXPECT_FLOAT_EQ(classification_loss(parse_loss_kind("cross_entropy"), outputs, labels).item(),
                  softmax_cross_entropy(outputs, labels).item());
  EXPECT_FLOAT_EQ(classification_loss(parse_loss_kind("hinge"), outputs, labels).item(),
                  multiclass_hinge(outputs, labels).item());
  EXPECT_FLOAT_EQ(classification_loss(parse_loss_kind("mse"), outputs, labels).item(),
                  mse_loss(outputs, Var(one_hot)).item());
  EXPECT_FLOAT_EQ(classification_loss(parse_loss_kind("bce"), outputs, labels).item(),
                  bce_with_logits(outputs, Var(one_hot)).item());
  for (auto kind : {LossKind::cross_entropy, LossKind::mse, LossKind::bce, LossKind::hinge})
    EXPECT_EQ(parse_loss_kind(loss_kind_name(kind)), kind);
}

void expect_error_containing(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected an error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Losses, ErrorsNameTheProblem) {
  Var scores(Tensor::zeros({2, 3}));
  expect_error_containing([&] { softmax_cross_entropy(scores, {0, 3}); }, "label 3 at index 1 is outside [0, 3)");
  expect_error_containing([&] { multiclass_hinge(scores, {-1, 0}); }, "label -1 at index 0");
  expect_error_containing([&] { softmax_cross_entropy(scores, {0}); }, "1 labels for a batch of 2 rows");
  expect_error_containing([&] { softmax_cross_entropy(Var(Tensor::zeros({6})), {0}); }, "[N, K], got [6]");
  expect_error_containing([&] { mse_loss(scores, Var(Tensor::zeros({3, 2}))); },
                          "pred [2, 3] and target [3, 2] must have the same shape");
  expect_error_containing([&] { bce_with_logits(scores, Var(Tensor::zeros({6}))); }, "bce_with_logits");
  expect_error_containing([&] { l2_penalty({scores}, -1.0f); }, "lambda");
  expect_error_containing([] { parse_loss_kind("xent"); }, "unknown loss 'xent'; valid losses: cross_entropy, mse");
}

}  // namespace
}  // namespace wg
