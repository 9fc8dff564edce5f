// Softmax and log-softmax over the last axis, numerically stable: the row maximum is
// subtracted before exponentiating, so e^(x - max) <= 1 never overflows and at least one
// term of the sum is 1 (log-softmax never takes log 0).
//
//   softmax:      y = e^(x - m) / s,           dx = y * (g - sum_j g_j y_j)
//   log_softmax:  y = x - m - log s,           dx = g - softmax(x) * sum_j g_j
// with m = max_j x_j and s = sum_j e^(x_j - m). Rows are independent: threads split rows,
// each row is reduced serially in index order.
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {
namespace {

constexpr std::int64_t kParallelGrain = 1 << 14;  // elements per task

// Softmax (or log-softmax when take_log) of x [rows, cols] into y [rows, cols].
void softmax_forward(float* y, const float* x, std::int64_t rows, std::int64_t cols, bool take_log) {
  parallel_for(0, rows, std::max<std::int64_t>(1, kParallelGrain / cols), [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t r = lo; r < hi; ++r) {
      const float* in = x + r * cols;
      float* out = y + r * cols;
      const float m = *std::max_element(in, in + cols);
      double s = 0;
      for (std::int64_t j = 0; j < cols; ++j) s += std::exp(in[j] - m);
      if (take_log) {
        const float log_s = static_cast<float>(std::log(s));
        for (std::int64_t j = 0; j < cols; ++j) out[j] = in[j] - m - log_s;
      } else {
        const float inv_s = static_cast<float>(1.0 / s);
        for (std::int64_t j = 0; j < cols; ++j) out[j] = std::exp(in[j] - m) * inv_s;
      }
    }
  });
}

// gx [rows, cols] += softmax backward given y = softmax(x) and g = dL/dy.
void softmax_backward(float* gx, const float* g, const float* y, std::int64_t rows, std::int64_t cols) {
  parallel_for(0, rows, std::max<std::int64_t>(1, kParallelGrain / cols), [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t r = lo; r < hi; ++r) {
      const float* gr = g + r * cols;
      const float* yr = y + r * cols;
      double dot = 0;
      for (std::int64_t j = 0; j < cols; ++j) dot += static_cast<double>(gr[j]) * yr[j];
      float* out = gx + r * cols;
      for (std::int64_t j = 0; j < cols; ++j) out[j] += yr[j] * (gr[j] - static_cast<float>(dot));
    }
  });
}

// gx [rows, cols] += log-softmax backward given y = log_softmax(x) and g = dL/dy.
void log_softmax_backward(float* gx, const float* g, const float* y, std::int64_t rows, std::int64_t cols) {
  parallel_for(0, rows, std::max<std::int64_t>(1, kParallelGrain / cols), [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t r = lo; r < hi; ++r) {
      const float* gr = g + r * cols;
      const float* yr = y + r * cols;
      double total = 0;
      for (std::int64_t j = 0; j < cols; ++j) total += gr[j];
      float* out = gx + r * cols;
      for (std::int64_t j = 0; j < cols; ++j) out[j] += gr[j] - std::exp(yr[j]) * static_cast<float>(total);
    }
  });
}

Var softmax_op(const char* op, const Var& x, bool take_log) {
  WG_CHECK(x.defined(), op, ": input is undefined");
  const Tensor& in = x.value();
  const std::int64_t cols = in.dim(-1), rows = in.size() / cols;
  Tensor out = Tensor::empty(in.shape());
  softmax_forward(out.data(), in.data(), rows, cols, take_log);
  return make_result(op, out, {x}, [out, rows, cols, take_log](Node& self) {
    if (Tensor* gx = self.input_grad(0)) {
      if (take_log) log_softmax_backward(gx->data(), self.grad.data(), out.data(), rows, cols);
      else softmax_backward(gx->data(), self.grad.data(), out.data(), rows, cols);
    }
  });
}

}  // namespace

Var softmax(const Var& x) { return softmax_op("softmax", x, false); }
Var log_softmax(const Var& x) { return softmax_op("log_softmax", x, true); }

}  // namespace wg
