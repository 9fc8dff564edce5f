// Normalisation: finite-difference gradients for every op and layout, PyTorch fixtures
// (batch norm train/eval with running statistics, layer norm, instance norm), the
// statistics each op produces, and errors.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "fixtures.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

// Gradients with respect to x, gamma and beta (when present) by finite differences.
struct NormCase {
  const char* op;
  Shape x, affine;  // affine empty: gamma and beta undefined
  bool training = true;
};

Var run_norm(const NormCase& c, const std::vector<Var>& v) {
  const Var gamma = v.size() > 1 ? v[1] : Var();
  const Var beta = v.size() > 2 ? v[2] : Var();
  const std::string op = c.op;
  if (op == "batch_norm") {
    Tensor running_mean = random_tensor(c.affine.empty() ? Shape{c.x[1]} : c.affine, 5);
    Tensor running_var = random_tensor(c.affine.empty() ? Shape{c.x[1]} : c.affine, 6, 0.5f, 1.5f);
    return batch_norm(v[0], gamma, beta, running_mean, running_var, c.training);
  }
  if (op == "layer_norm") return layer_norm(v[0], gamma, beta);
  return instance_norm(v[0], gamma, beta);
}

TEST(Normalization, GradientsMatchFiniteDifferences) {
  const NormCase cases[] = {
      {"batch_norm", {4, 3, 2, 3}, {3}},        {"batch_norm", {5, 4}, {4}},
      {"batch_norm", {3, 2, 3, 3}, {}},         {"batch_norm", {4, 3, 2, 2}, {3}, false},
      {"batch_norm", {6, 2}, {2}, false},       {"layer_norm", {3, 2, 3, 3}, {2, 3, 3}},
      {"layer_norm", {4, 7}, {7}},              {"layer_norm", {2, 3, 4, 2}, {}},
      {"instance_norm", {2, 3, 3, 4}, {3}},     {"instance_norm", {3, 2, 5, 5}, {}},
  };
  std::uint64_t seed = 30;
  for (const NormCase& c : cases) {
    SCOPED_TRACE(std::string(c.op) + " " + shape_str(c.x) + (c.training ? " train" : " eval") +
                 (c.affine.empty() ? " no affine" : ""));
    std::vector<Tensor> inputs;
    inputs.push_back(random_tensor(c.x, seed++, -2.0f, 2.0f));
    if (!c.affine.empty()) {
      inputs.push_back(random_tensor(c.affine, seed++, 0.5f, 1.5f));
      inputs.push_back(random_tensor(c.affine, seed++));
    }
    expect_gradients_match([c](const std::vector<Var>& v) { return run_norm(c, v); }, inputs, 1e-2f, 3e-3f, 3e-2f);
  }
}

TEST(Normalization, BatchNormOutputIsStandardisedPerChannel) {
  Var x(random_tensor({8, 2, 3, 3}, 40, -3.0f, 5.0f));
  Tensor running_mean = Tensor::zeros({2}), running_var = Tensor::full({2}, 1.0f);
  Tensor y = batch_norm(x, Var(), Var(), running_mean, running_var, true).value();
  for (int c = 0; c < 2; ++c) {
    double sum = 0, sum_sq = 0;
    for (int n = 0; n < 8; ++n)
      for (int p = 0; p < 9; ++p) {
        const double v = y[(n * 2 + c) * 9 + p];
        sum += v;
        sum_sq += v * v;
      }
    EXPECT_NEAR(sum / 72, 0.0, 1e-5);
    EXPECT_NEAR(sum_sq / 72, 1.0, 1e-3);
  }
}

Var affine_or_none(const testing::FixtureCase& c, const char* key) { return Var(c.tensor(key).clone(), true); }

TEST(Normalization, MatchesPyTorch) {
  int checked = 0;
  for (const auto& c : testing::load_fixtures("conv_pool_norm.txt")) {
    const std::string op = c.word("op");
    if (op != "batch_norm" && op != "layer_norm" && op != "instance_norm") continue;
    SCOPED_TRACE(c.name);
    Var x(c.tensor("x").clone(), true), gamma = affine_or_none(c, "gamma"), beta = affine_or_none(c, "beta");
    const float eps = static_cast<float>(c.num("eps"));
    Var y;
    if (op == "batch_norm") {
      Tensor running_mean = c.tensor("running_mean_before").clone(), running_var = c.tensor("running_var_before").clone();
      y = batch_norm(x, gamma, beta, running_mean, running_var, c.num("training") != 0,
                     static_cast<float>(c.num("momentum")), eps);
      expect_tensor_near(running_mean, c.tensor("running_mean_after"), 1e-5f, 1e-4f, "running_mean");
      expect_tensor_near(running_var, c.tensor("running_var_after"), 1e-5f, 1e-4f, "running_var");
    } else if (op == "layer_norm") {
      y = layer_norm(x, gamma, beta, eps);
    } else {
      y = instance_norm(x, gamma, beta, eps);
    }
    expect_tensor_near(y.value(), c.tensor("y"), 1e-4f, 1e-4f, "y");
    backward(y, c.tensor("gy"));
    expect_tensor_near(x.grad(), c.tensor("gx"), 1e-4f, 1e-4f, "gx");
    expect_tensor_near(gamma.grad(), c.tensor("ggamma"), 1e-4f, 1e-4f, "ggamma");
    expect_tensor_near(beta.grad(), c.tensor("gbeta"), 1e-4f, 1e-4f, "gbeta");
    ++checked;
  }
  EXPECT_GE(checked, 7);
}

TEST(LocalContrastNorm, GradientsMatchFiniteDifferences) {
  struct Case {
    Shape x;
    int size;
  };
  const Case cases[] = {{{1, 1, 5, 5}, 3}, {{2, 2, 6, 5}, 3}, {{1, 3, 7, 7}, 5}, {{1, 2, 4, 4}, 1}};  // size 1: mean over channels only
  std::uint64_t seed = 50;
  for (const Case& c : cases) {
    SCOPED_TRACE(shape_str(c.x) + " size " + std::to_string(c.size));
    const int size = c.size;
    expect_gradients_match([size](const std::vector<Var>& v) { return local_contrast_norm(v[0], size); },
                           {random_tensor(c.x, seed++)}, 1e-3f, 5e-3f, 3e-2f);
  }
}

TEST(LocalContrastNorm, RemovesLocalMeanAndContrast) {
  // A constant image has no contrast: v = 0 everywhere away from the zero-padded border,
  // and scaling the input leaves the output unchanged (divisive normalisation).
  Tensor x = random_tensor({1, 2, 8, 8}, 60, 0.0f, 1.0f);
  Tensor scaled = x.clone();
  for (std::int64_t i = 0; i < scaled.size(); ++i) scaled[i] *= 10.0f;
  Tensor y1 = local_contrast_norm(Var(x), 3).value(), y2 = local_contrast_norm(Var(scaled), 3).value();
  expect_tensor_near(y2, y1, 1e-4f, 1e-4f, "scale invariance");
  Tensor flat = local_contrast_norm(Var(Tensor::full({1, 1, 6, 6}, 3.0f)), 3).value();
  for (int y = 1; y < 5; ++y)
    for (int x0 = 1; x0 < 5; ++x0) EXPECT_NEAR(flat[y * 6 + x0], 0.0f, 1e-5f);
}

TEST(Normalization, ErrorsNameTheShapes) {
  Tensor rm = Tensor::zeros({3}), rv = Tensor::full({3}, 1.0f);
  Var x(Tensor::zeros({2, 3, 4, 4}));
  auto mentions = [](const std::function<void()>& f, const std::string& part) {
    try {
      f();
      ADD_FAILURE() << "no error for " << part;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  mentions([&] { batch_norm(x, Var(Tensor::zeros({4})), Var(), rm, rv, true); }, "[4]");
  Tensor wrong = Tensor::zeros({2});
  mentions([&] { batch_norm(x, Var(), Var(), wrong, rv, true); }, "running_mean");
  mentions([&] { batch_norm(Var(Tensor::zeros({1, 3})), Var(), Var(), rm, rv, true); }, "more than one value");
  mentions([&] { batch_norm(Var(Tensor::zeros({2, 3, 4})), Var(), Var(), rm, rv, true); }, "[2, 3, 4]");
  mentions([&] { layer_norm(x, Var(Tensor::zeros({3})), Var()); }, "[3, 4, 4]");
  mentions([&] { instance_norm(x, Var(), Var(Tensor::zeros({2}))); }, "beta");
  mentions([&] { local_contrast_norm(x, 4); }, "odd");
  mentions([&] { local_contrast_norm(Var(Tensor::zeros({3, 4, 4})), 3); }, "[3, 4, 4]");
}

}  // namespace
}  // namespace wg
