// Tests for engine/optim: 5-step trajectories of every optimizer against PyTorch
// (tests/fixtures/losses_optim.txt), the lecture's momentum rule by hand, clipping,
// skipped parameters, state save/load, validation messages, no allocation per step, and decaying
// state that becomes 0 instead of subnormal.
#include "optim/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"
#include "fixtures.h"
#include "gradcheck.h"

namespace wg {
namespace {

using testing::expect_tensor_near;
using testing::random_tensor;

void expect_error_containing(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected an error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// grad = a * (p - t), the gradient of 1/2 sum a (p - t)^2, computed in float32 like the generator.
void set_quadratic_grad(Var& p, const Tensor& a, const Tensor& t) {
  Tensor& g = p.node()->grad_buffer();
  for (std::int64_t i = 0; i < g.size(); ++i) g[i] = a[i] * (p.value()[i] - t[i]);
}

void set_grad(Var& p, const std::vector<float>& values) {
  Tensor& g = p.node()->grad_buffer();
  for (std::int64_t i = 0; i < g.size(); ++i) g[i] = values[i];
}

TEST(Optimizer, MatchesPyTorchTrajectories) {
  int checked = 0;
  for (const auto& fx : testing::load_fixtures("losses_optim.txt")) {
    if (!fx.has("type")) continue;  // loss cases
    SCOPED_TRACE(fx.name);
    OptimizerConfig config;
    config.type = fx.word("type");
    config.learning_rate = static_cast<float>(fx.num("learning_rate"));
    config.momentum = static_cast<float>(fx.num("momentum"));
    config.weight_decay = static_cast<float>(fx.num("weight_decay"));
    config.beta1 = static_cast<float>(fx.num("beta1"));
    config.beta2 = static_cast<float>(fx.num("beta2"));
    config.eps = static_cast<float>(fx.num("eps"));
    config.alpha = static_cast<float>(fx.num("alpha"));
    config.clip_grad_norm = static_cast<float>(fx.num("clip_grad_norm"));
    config.clip_grad_value = static_cast<float>(fx.num("clip_grad_value"));
    Var w = Var::parameter(fx.tensor("w0").clone(), "w");
    Var b = Var::parameter(fx.tensor("b0").clone(), "b");
    auto opt = make_optimizer(config, {{"w", w}, {"b", b, static_cast<float>(fx.num("b_lr_multiplier")),
                                                  fx.num("b_weight_decay") != 0}});
    EXPECT_EQ(opt->type(), config.type);
    for (int step = 1; step <= 5; ++step) {
      SCOPED_TRACE("step " + std::to_string(step));
      opt->zero_grad();
      set_quadratic_grad(w, fx.tensor("a_w"), fx.tensor("t_w"));
      set_quadratic_grad(b, fx.tensor("a_b"), fx.tensor("t_b"));
      opt->step();
      const std::string k = std::to_string(step);
      expect_tensor_near(w.value(), fx.tensor("w" + k), 1e-6f, 1e-5f, "w");
      expect_tensor_near(b.value(), fx.tensor("b" + k), 1e-6f, 1e-5f, "b");
      EXPECT_NEAR(opt->last_grad_norm(), fx.tensor("norm" + k)[0], 1e-5f * fx.tensor("norm" + k)[0]);
    }
    EXPECT_EQ(opt->steps(), 5);
    ++checked;
  }
  EXPECT_GE(checked, 17);
}

// SEEDS.md: Delta <- 0.9 Delta + dL/dtheta; theta <- theta - eta Delta. With a constant
// gradient 1 and eta = 0.1: Delta = 1, 1.9, 2.71; theta = 0.9, 0.71, 0.439.
TEST(Optimizer, MomentumLectureRuleByHand) {
  Var theta = Var::parameter(Tensor::from({1}, {1.0f}), "theta");
  OptimizerConfig config;
  config.type = "momentum";
  config.learning_rate = 0.1f;
  config.momentum = 0.9f;
  auto opt = make_optimizer(config, {{"theta", theta}});
  const float expected[] = {0.9f, 0.71f, 0.439f};
  for (float e : expected) {
    set_grad(theta, {1.0f});
    opt->step();
    EXPECT_NEAR(theta.value()[0], e, 1e-6f);
  }
  EXPECT_NEAR(opt->state()[2].second[0], 2.71f, 1e-6f);  // theta.momentum_buffer
}

// The SIMD body and the scalar tail must apply the same rule: one 37-element parameter
// against 37 one-element parameters (which only take the scalar tail).
TEST(Optimizer, SimdBodyMatchesScalarTail) {
  for (const std::string& type : optimizer_types()) {
    SCOPED_TRACE(type);
    OptimizerConfig config;
    config.type = type;
    config.learning_rate = 0.05f;
    config.weight_decay = 0.01f;
    Tensor start = random_tensor({37}, 3), grads = random_tensor({37}, 4);
    Var whole = Var::parameter(start.clone(), "whole");
    std::vector<ParameterRef> pieces;
    for (int i = 0; i < 37; ++i) {
      std::string name = "piece";  // not "p" + to_string(i): GCC 12 emits a false -Wrestrict for that
      name += std::to_string(i);
      pieces.push_back({name, Var::parameter(Tensor::from({1}, {start[i]}), "")});
    }
    auto a = make_optimizer(config, {{"whole", whole}});
    auto b = make_optimizer(config, pieces);
    for (int step = 0; step < 3; ++step) {
      set_grad(whole, grads.to_vector());
      for (int i = 0; i < 37; ++i) set_grad(pieces[i].var, {grads[i] * (step + 1)});
      for (int i = 0; i < 37; ++i) whole.node()->grad[i] *= static_cast<float>(step + 1);
      a->step();
      b->step();
    }
    for (int i = 0; i < 37; ++i) EXPECT_NEAR(whole.value()[i], pieces[i].var.value()[0], 1e-6f) << "element " << i;
  }
}

// A weight whose gradient goes to 0 (a dead unit, an always-blank pixel) leaves its momentum,
// Adam's m and v and RMSprop's average to decay towards 0; they must never be stored as subnormal
// floats, which cost x86 CPUs a microcode assist per operation (Adam's update ran 4.7x slower).
// 37 elements: the SIMD body and the scalar tail. A gradient of 1e-19 makes v's (1 - beta2) g^2
// subnormal at once; then 1000 steps of 0 take every m and momentum below the smallest normal.
TEST(Optimizer, DecayingStateIsZeroNeverSubnormal) {
  for (const std::string type : {"momentum", "nesterov", "adam", "adamw", "rmsprop"}) {
    SCOPED_TRACE(type);
    OptimizerConfig config;
    config.type = type;
    config.learning_rate = 0.01f;
    Var w = Var::parameter(random_tensor({37}, 5), "w");
    auto opt = make_optimizer(config, {{"w", w}});
    Tensor kick = random_tensor({37}, 6);
    auto state_is_clean = [&](int step) {
      for (const auto& [name, tensor] : opt->state())
        for (std::int64_t i = 0; i < tensor.size(); ++i)
          if (std::fpclassify(tensor[i]) == FP_SUBNORMAL) {
            ADD_FAILURE() << name << "[" << i << "] = " << tensor[i] << " is subnormal after step " << step;
            return false;
          }
      return true;
    };
    set_grad(w, kick.to_vector());
    opt->step();
    set_grad(w, std::vector<float>(37, 1e-19f));
    opt->step();
    if (type == "adam" || type == "adamw" || type == "rmsprop") {
      // The squared-gradient average of a fresh weight given only 1e-19: subnormal, so 0.
      Var fresh = Var::parameter(Tensor::zeros({37}), "fresh");
      auto other = make_optimizer(config, {{"fresh", fresh}});
      set_grad(fresh, std::vector<float>(37, 1e-19f));
      other->step();
      const Tensor average = other->state().back().second;  // a copy: state() returns a new vector
      for (std::int64_t i = 0; i < average.size(); ++i) EXPECT_EQ(average[i], 0.0f) << "element " << i;
    }
    for (int step = 3; step <= 1000; ++step) {
      set_grad(w, std::vector<float>(37, 0.0f));
      opt->step();
      if (!state_is_clean(step)) break;
    }
    for (const auto& [name, tensor] : opt->state()) {
      if (name.find("momentum_buffer") == std::string::npos && name.find("exp_avg") == std::string::npos) continue;
      if (name.find("exp_avg_sq") != std::string::npos) continue;  // beta2 = 0.999: still normal after 1000 steps
      for (std::int64_t i = 0; i < tensor.size(); ++i) EXPECT_EQ(tensor[i], 0.0f) << name << "[" << i << "]";
    }
    for (std::int64_t i = 0; i < 37; ++i) EXPECT_TRUE(std::isfinite(w.value()[i]));
  }
}

// A parameter large enough to be split across threads (blocks of 4096 elements, plus a
// ragged end), with gradient-norm clipping: 1, 2, 3, 4 and 8 threads give the same bits for every optimizer.
TEST(Optimizer, BitIdenticalForAnyThreadCount) {
  const int saved_threads = num_threads();
  for (const std::string& type : optimizer_types()) {
    SCOPED_TRACE(type);
    OptimizerConfig config;
    config.type = type;
    config.learning_rate = 0.01f;
    config.weight_decay = 0.001f;
    config.clip_grad_norm = 1.0f;  // the norm (a sum over blocks the threads share) scales every update
    const int size = 100003;
    const Tensor start = random_tensor({size}, 5), grads = random_tensor({size}, 6);
    std::vector<Tensor> results;
    std::vector<double> norms;
    for (int threads : {1, 2, 3, 4, 8}) {
      set_num_threads(threads);
      Var p = Var::parameter(start.clone(), "p");
      auto opt = make_optimizer(config, {{"p", p}});
      for (int step = 0; step < 3; ++step) {
        set_grad(p, grads.to_vector());
        if (step == 0) norms.push_back(opt->measure_grad_norm());
        opt->step();
      }
      results.push_back(p.value().clone());
    }
    for (double norm : norms) ASSERT_EQ(norm, norms[0]) << "the gradient norm, in double";
    for (std::size_t r = 1; r < results.size(); ++r)
      for (int i = 0; i < size; ++i)
        ASSERT_EQ(results[0][i], results[r][i]) << "element " << i << ", run " << r;
  }
  set_num_threads(saved_threads);
}

TEST(Optimizer, ParametersWithoutGradientAreSkipped) {
  Var used = Var::parameter(Tensor::from({2}, {1, 1}), "used");
  Var unused = Var::parameter(Tensor::from({2}, {1, 1}), "unused");
  OptimizerConfig config;  // adam
  auto opt = make_optimizer(config, {{"used", used}, {"unused", unused}});
  set_grad(used, {1, -1});
  opt->step();
  EXPECT_FALSE(unused.grad().defined());
  expect_tensor_near(unused.value(), Tensor::from({2}, {1, 1}), 0.0f);
  expect_tensor_near(used.value(), Tensor::from({2}, {1 - 1e-3f, 1 + 1e-3f}), 1e-7f);  // Adam's first step is lr * sign
  for (const auto& [name, tensor] : opt->state())
    if (name == "unused.step") {
      EXPECT_EQ(tensor[0], 0.0f);
    }
}

TEST(Optimizer, ClippingRecordsPreClipNorm) {
  Var p = Var::parameter(Tensor::from({2}, {0, 0}), "p");
  OptimizerConfig config;
  config.type = "sgd";
  config.learning_rate = 1.0f;
  config.clip_grad_norm = 1.0f;
  auto opt = make_optimizer(config, {{"p", p}});
  set_grad(p, {3, 4});
  opt->step();
  EXPECT_FLOAT_EQ(opt->last_grad_norm(), 5.0f);
  expect_tensor_near(p.value(), Tensor::from({2}, {-0.6f, -0.8f}), 1e-6f);  // gradient scaled to norm 1
  expect_tensor_near(p.grad(), Tensor::from({2}, {0.6f, 0.8f}), 1e-6f);    // clipped in place, as torch does
  // below the threshold nothing changes
  set_grad(p, {0.3f, 0.4f});
  opt->step();
  expect_tensor_near(p.grad(), Tensor::from({2}, {0.3f, 0.4f}), 0.0f);

  Var q = Var::parameter(Tensor::from({3}, {0, 0, 0}), "q");
  config.clip_grad_norm = 0;
  config.clip_grad_value = 0.5f;
  auto by_value = make_optimizer(config, {{"q", q}});
  set_grad(q, {2, -0.25f, -7});
  by_value->step();
  EXPECT_FLOAT_EQ(by_value->last_grad_norm(), std::sqrt(4 + 0.0625f + 49));
  expect_tensor_near(q.value(), Tensor::from({3}, {-0.5f, 0.25f, 0.5f}), 1e-7f);
}

TEST(Optimizer, LearningRateStepsAndZeroGrad) {
  Var p = Var::parameter(Tensor::from({1}, {1}), "p");
  OptimizerConfig config;
  config.type = "sgd";
  config.learning_rate = 0.5f;
  auto opt = make_optimizer(config, {{"p", p, 0.5f}});  // lr_multiplier 0.5
  set_grad(p, {1});
  opt->step();
  EXPECT_FLOAT_EQ(p.value()[0], 0.75f);
  opt->set_learning_rate(0.1f);
  EXPECT_FLOAT_EQ(opt->learning_rate(), 0.1f);
  opt->step();
  EXPECT_FLOAT_EQ(p.value()[0], 0.7f);
  EXPECT_EQ(opt->steps(), 2);
  opt->zero_grad();
  EXPECT_EQ(p.grad()[0], 0.0f);
  expect_error_containing([&] { opt->set_learning_rate(-1); }, "learning_rate must be finite and >= 0, got -1");
}

TEST(Optimizer, StateRoundTripContinuesIdentically) {
  for (const std::string& type : optimizer_types()) {
    SCOPED_TRACE(type);
    OptimizerConfig config;
    config.type = type;
    config.learning_rate = 0.01f;
    Var a = Var::parameter(random_tensor({3, 5}, 5), "w");
    auto first = make_optimizer(config, {{"w", a}});
    for (int i = 0; i < 3; ++i) {
      set_grad(a, random_tensor({15}, 10 + i).to_vector());
      first->step();
    }
    Var b = Var::parameter(a.value().clone(), "w");
    auto second = make_optimizer(config, {{"w", b}});
    second->load_state(first->state());
    EXPECT_EQ(second->steps(), 3);
    const Tensor g = random_tensor({15}, 99);
    set_grad(a, g.to_vector());
    set_grad(b, g.to_vector());
    first->step();
    second->step();
    expect_tensor_near(b.value(), a.value(), 0.0f);
  }
}

TEST(Optimizer, LoadStateErrors) {
  Var w = Var::parameter(Tensor::zeros({2, 3}), "w");
  OptimizerConfig adam;
  auto opt = make_optimizer(adam, {{"w", w}});
  auto state = opt->state();
  ASSERT_EQ(state.size(), 4u);  // step, w.step, w.exp_avg, w.exp_avg_sq
  EXPECT_EQ(state[2].first, "w.exp_avg");
  EXPECT_EQ(state[3].first, "w.exp_avg_sq");

  auto missing = state;
  missing.pop_back();
  expect_error_containing([&] { opt->load_state(missing); }, "missing entry 'w.exp_avg_sq' for a adam optimizer");
  auto wrong_shape = state;
  wrong_shape[2].second = Tensor::zeros({3, 2});
  expect_error_containing([&] { opt->load_state(wrong_shape); }, "'w.exp_avg' has shape [3, 2], expected [2, 3]");
  auto extra = state;
  extra.emplace_back("w.momentum_buffer", Tensor::zeros({2, 3}));
  expect_error_containing([&] { opt->load_state(extra); }, "1 unknown entries for a adam optimizer, e.g. 'w.momentum_buffer'");
  auto twice = state;
  twice.push_back(state[1]);
  expect_error_containing([&] { opt->load_state(twice); }, "'w.step' appears twice");
  auto fractional = state;
  fractional[0].second = Tensor::scalar(1.5f);
  expect_error_containing([&] { opt->load_state(fractional); }, "'step' must be a whole number");
  EXPECT_EQ(opt->steps(), 0);  // nothing was applied by the failed loads
}

TEST(Optimizer, ConfigValidationNamesTheField) {
  Var w = Var::parameter(Tensor::zeros({2}), "w");
  auto make = [&](std::function<void(OptimizerConfig&)> edit) {
    OptimizerConfig c;
    edit(c);
    make_optimizer(c, {{"w", w}});
  };
  expect_error_containing([&] { make([](auto& c) { c.type = "adamax"; }); },
                          "unknown type 'adamax'; valid types: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw");
  expect_error_containing([&] { make([](auto& c) { c.learning_rate = -0.1f; }); }, "learning_rate must be finite and >= 0");
  expect_error_containing([&] { make([](auto& c) { c.beta1 = 1.0f; }); }, "beta1 must be in [0, 1), got 1");
  expect_error_containing([&] { make([](auto& c) { c.beta2 = -0.5f; }); }, "beta2 must be in [0, 1)");
  expect_error_containing([&] { make([](auto& c) { c.eps = 0; }); }, "eps must be finite and > 0");
  expect_error_containing([&] { make([](auto& c) { c.weight_decay = -1; }); }, "weight_decay");
  expect_error_containing([&] { make([](auto& c) { c.clip_grad_norm = -1; }); }, "clip_grad_norm");
  expect_error_containing([&] { make([](auto& c) { c.type = "rmsprop"; c.alpha = 1; }); }, "alpha must be in [0, 1)");
  expect_error_containing([&] { make([](auto& c) { c.type = "momentum"; c.momentum = 1.5f; }); }, "momentum must be in [0, 1)");
  expect_error_containing([&] { make([](auto& c) { c.type = "nesterov"; c.momentum = 0; }); }, "nesterov needs momentum > 0");
  make([](auto& c) { c.type = "sgd"; c.beta1 = 7; });  // fields the type does not use are not checked

  OptimizerConfig c;
  expect_error_containing([&] { make_optimizer(c, {{"w", w}, {"w", Var::parameter(Tensor::zeros({1}), "")}}); },
                          "parameter name 'w' is used twice");
  expect_error_containing([&] { make_optimizer(c, {{"", w}}); }, "parameter 0 has no name");
  expect_error_containing([&] { make_optimizer(c, {{"frozen", Var(Tensor::zeros({1}))}}); },
                          "'frozen' does not require grad");
  expect_error_containing([&] { make_optimizer(c, {{"w", w, -1.0f}}); }, "lr_multiplier");
}

TEST(Optimizer, ParameterResizedAfterConstructionIsAnError) {
  Var w = Var::parameter(Tensor::zeros({4}), "w");
  auto opt = make_optimizer(OptimizerConfig{}, {{"w", w}});
  w.value() = Tensor::zeros({5});
  set_grad(w, {1, 1, 1, 1, 1});
  expect_error_containing([&] { opt->step(); }, "parameter 'w' has shape [5], its gradient [5] and its optimizer state 4 elements");
}

TEST(Optimizer, StepsAllocateNothingAfterConstruction) {
  Var w = Var::parameter(random_tensor({64, 33}, 1), "w");
  Var b = Var::parameter(random_tensor({33}, 2), "b");
  OptimizerConfig config;
  config.type = "adamw";
  config.clip_grad_norm = 1.0f;
  config.clip_grad_value = 0.1f;
  auto opt = make_optimizer(config, {{"w", w}, {"b", b}});
  set_grad(w, random_tensor({64 * 33}, 3).to_vector());
  set_grad(b, random_tensor({33}, 4).to_vector());
  const BufferPoolStats before = buffer_pool_stats();
  for (int i = 0; i < 3; ++i) opt->step();
  const BufferPoolStats after = buffer_pool_stats();
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_EQ(after.live_bytes, before.live_bytes);
}

}  // namespace
}  // namespace wg
