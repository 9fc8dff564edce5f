// Pointwise functions of one tensor: neg, exp, log, pow, the activations (relu,
// leaky_relu, sigmoid, tanh, softplus), the threshold units sign and step (gradient 0,
// as for the perceptron), sin and cos.
//
// Each op is a forward function y = f(x) and a local derivative dy/dx written from x
// and/or y (whichever is cheaper or more stable); one helper applies them and records
// gx += g * dy/dx. ReLU and leaky ReLU are vectorised with xsimd (max / mul); the rest
// are scalar std:: calls, which the compiler may vectorise. Every element is
// independent, so large tensors are split across threads without affecting results.
#include <algorithm>
#include <cmath>
#include <xsimd/xsimd.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr std::int64_t kLanes = static_cast<std::int64_t>(batch::size);
// Transcendental functions cost ~10-50 ns each: a few thousand per task amortise the wake-up.
constexpr std::int64_t kParallelGrain = 1 << 14;

// y[i] = f(x[i]), x and y of n floats.
template <class F>
void pointwise_forward(float* y, const float* x, std::int64_t n, const F& f) {
  parallel_for(0, n, kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) y[i] = f(x[i]);
  });
}

// gx[i] += g[i] * dydx(x[i], y[i]), all of n floats.
template <class D>
void pointwise_backward(float* gx, const float* g, const float* x, const float* y, std::int64_t n, const D& dydx) {
  parallel_for(0, n, kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) gx[i] += g[i] * dydx(x[i], y[i]);
  });
}

// Records y = f(x) with local derivative dydx(x, y).
template <class F, class D>
Var pointwise(const char* op, const Var& x, const F& f, const D& dydx) {
  WG_CHECK(x.defined(), op, ": input is undefined");
  const Tensor& in = x.value();
  Tensor out = Tensor::empty(in.shape());
  pointwise_forward(out.data(), in.data(), in.size(), f);
  return make_result(op, out, {x}, [in, out, dydx](Node& self) {
    if (Tensor* gx = self.input_grad(0))
      pointwise_backward(gx->data(), self.grad.data(), in.data(), out.data(), in.size(), dydx);
  });
}

// A piecewise-constant function: its gradient is zero everywhere (defined, zero-filled).
template <class F>
Var piecewise_constant(const char* op, const Var& x, const F& f) {
  WG_CHECK(x.defined(), op, ": input is undefined");
  Tensor out = Tensor::empty(x.shape());
  pointwise_forward(out.data(), x.value().data(), out.size(), f);
  return make_result(op, out, {x}, [](Node& self) { self.input_grad(0); });
}

// leaky_relu forward: y = x for x > 0, slope * x otherwise. For 0 <= slope <= 1 that is
// max(x, slope x) (min for slope > 1), which vectorises without compares or blends.
void leaky_relu_forward(float* y, const float* x, std::int64_t n, float slope) {
  const bool use_max = slope <= 1.0f;
  parallel_for(0, n, 1 << 15, [&](std::int64_t lo, std::int64_t hi) {
    const batch s(slope);
    std::int64_t i = lo;
    for (; i + kLanes <= hi; i += kLanes) {
      const batch v = batch::load_unaligned(x + i);
      (use_max ? xsimd::max(v, v * s) : xsimd::min(v, v * s)).store_unaligned(y + i);
    }
    for (; i < hi; ++i) y[i] = x[i] > 0.0f ? x[i] : slope * x[i];
  });
}

// relu forward: y = max(x, 0).
void relu_forward(float* y, const float* x, std::int64_t n) {
  parallel_for(0, n, 1 << 15, [&](std::int64_t lo, std::int64_t hi) {
    const batch zero(0.0f);
    std::int64_t i = lo;
    for (; i + kLanes <= hi; i += kLanes) xsimd::max(batch::load_unaligned(x + i), zero).store_unaligned(y + i);
    for (; i < hi; ++i) y[i] = std::max(x[i], 0.0f);
  });
}

// Sigmoid without overflow: for x < 0 use e^x / (1 + e^x), whose e^x cannot overflow.
float stable_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

}  // namespace

Var neg(const Var& x) {
  return pointwise("neg", x, [](float v) { return -v; }, [](float, float) { return -1.0f; });
}

Var exp(const Var& x) {
  return pointwise("exp", x, [](float v) { return std::exp(v); }, [](float, float y) { return y; });
}

namespace {

// relu / leaky_relu backward: gx[i] += x[i] > 0 ? g[i] : slope * g[i]. A select, not a
// multiply by the 0/1 derivative, so a non-finite upstream gradient where the unit is off
// stays 0 (as PyTorch's threshold_backward does); vectorised because it runs over every
// activation of every convolution.
void relu_backward(float* gx, const float* g, const float* x, std::int64_t n, float slope) {
  parallel_for(0, n, 1 << 15, [&](std::int64_t lo, std::int64_t hi) {
    const batch zero(0.0f), s(slope);
    std::int64_t i = lo;
    for (; i + kLanes <= hi; i += kLanes) {
      const batch gv = batch::load_unaligned(g + i);
      const batch off = slope == 0.0f ? zero : gv * s;
      (batch::load_unaligned(gx + i) + xsimd::select(batch::load_unaligned(x + i) > zero, gv, off))
          .store_unaligned(gx + i);
    }
    for (; i < hi; ++i) gx[i] += x[i] > 0.0f ? g[i] : (slope == 0.0f ? 0.0f : slope * g[i]);
  });
}

}  // namespace

Var log(const Var& x) {
  return pointwise("log", x, [](float v) { return std::log(v); }, [](float v, float) { return 1.0f / v; });
}

Var pow(const Var& x, float exponent) {
  return pointwise(
      "pow", x, [exponent](float v) { return std::pow(v, exponent); },
      [exponent](float v, float) { return exponent * std::pow(v, exponent - 1.0f); });
}

Var relu(const Var& x) {
  WG_CHECK(x.defined(), "relu: input is undefined");
  const Tensor& in = x.value();
  Tensor out = Tensor::empty(in.shape());
  relu_forward(out.data(), in.data(), in.size());
  // The subgradient at 0 is taken as 0 (as PyTorch does).
  return make_result("relu", out, {x}, [in](Node& self) {
    if (Tensor* gx = self.input_grad(0))
      relu_backward(gx->data(), self.grad.data(), in.data(), in.size(), 0.0f);
  });
}

Var leaky_relu(const Var& x, float negative_slope) {
  WG_CHECK(x.defined(), "leaky_relu: input is undefined");
  WG_CHECK(std::isfinite(negative_slope), "leaky_relu: negative_slope must be finite, got ", negative_slope);
  const Tensor& in = x.value();
  Tensor out = Tensor::empty(in.shape());
  leaky_relu_forward(out.data(), in.data(), in.size(), negative_slope);
  return make_result("leaky_relu", out, {x}, [in, negative_slope](Node& self) {
    if (Tensor* gx = self.input_grad(0))
      relu_backward(gx->data(), self.grad.data(), in.data(), in.size(), negative_slope);
  });
}

Var sigmoid(const Var& x) {
  return pointwise("sigmoid", x, stable_sigmoid, [](float, float y) { return y * (1.0f - y); });
}

Var tanh(const Var& x) {
  return pointwise("tanh", x, [](float v) { return std::tanh(v); }, [](float, float y) { return 1.0f - y * y; });
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no lost digits for
// very negative x. d/dx = sigmoid(x).
Var softplus(const Var& x) {
  return pointwise(
      "softplus", x, [](float v) { return std::max(v, 0.0f) + std::log1p(std::exp(-std::fabs(v))); },
      [](float v, float) { return stable_sigmoid(v); });
}

Var sign(const Var& x) {
  return piecewise_constant("sign", x, [](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); });
}

Var step(const Var& x) {
  return piecewise_constant("step", x, [](float v) { return v > 0.0f ? 1.0f : 0.0f; });
}

Var sin(const Var& x) {
  return pointwise("sin", x, [](float v) { return std::sin(v); }, [](float v, float) { return std::cos(v); });
}

Var cos(const Var& x) {
  return pointwise("cos", x, [](float v) { return std::cos(v); }, [](float v, float) { return -std::sin(v); });
}

}  // namespace wg
