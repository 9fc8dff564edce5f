// Reductions: sum and mean of all elements (-> shape [1]) and along one axis.
//
// Determinism: a whole-tensor sum is cut into fixed blocks of kSumBlock elements; each
// block's partial sum is independent of the thread that computes it, and the partials
// are added in block order on the caller. An axis sum adds the slices along the axis in
// index order; threads only split independent output rows. So 1, 2 or 4 threads give
// bit-identical results.
#include <algorithm>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr std::int64_t kLanes = static_cast<std::int64_t>(batch::size);
constexpr std::int64_t kSumBlock = 4096;
constexpr std::int64_t kParallelGrain = 1 << 15;

// Sum of x[0..n): SIMD lanes accumulate in a fixed pattern, then lanes and tail in order.
float block_sum(const float* x, std::int64_t n) {
  batch lanes(0.0f);
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) lanes += batch::load_unaligned(x + i);
  float total = xsimd::hadd(lanes);
  for (; i < n; ++i) total += x[i];
  return total;
}

// Sum of all n elements of x, blockwise (see the file comment).
float sum_forward(const float* x, std::int64_t n) {
  const std::int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<float> partial(blocks);
  parallel_for(0, blocks, 8, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t b = lo; b < hi; ++b) {
      const std::int64_t begin = b * kSumBlock;
      partial[b] = block_sum(x + begin, std::min(kSumBlock, n - begin));
    }
  });
  double total = 0;
  for (float p : partial) total += p;
  return static_cast<float>(total);
}

// gx[i] += value for all n elements (the gradient of a full sum is a broadcast).
void add_constant(float* gx, std::int64_t n, float value) {
  parallel_for(0, n, kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) gx[i] += value;
  });
}

// x viewed as [outer, n, inner]; out [outer, inner] = scale * sum over n, in index order.
void sum_axis_forward(float* out, const float* x, std::int64_t outer, std::int64_t n, std::int64_t inner, float scale) {
  parallel_for(0, outer, std::max<std::int64_t>(1, kParallelGrain / (n * inner)), [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t o = lo; o < hi; ++o) {
      float* row = out + o * inner;
      std::fill(row, row + inner, 0.0f);
      for (std::int64_t k = 0; k < n; ++k) {
        const float* slice = x + (o * n + k) * inner;
        for (std::int64_t i = 0; i < inner; ++i) row[i] += slice[i];
      }
      if (scale != 1.0f)
        for (std::int64_t i = 0; i < inner; ++i) row[i] *= scale;
    }
  });
}

// gx [outer, n, inner] += scale * g [outer, inner], repeated along n.
void sum_axis_backward(float* gx, const float* g, std::int64_t outer, std::int64_t n, std::int64_t inner, float scale) {
  parallel_for(0, outer, std::max<std::int64_t>(1, kParallelGrain / (n * inner)), [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t o = lo; o < hi; ++o)
      for (std::int64_t k = 0; k < n; ++k) {
        float* slice = gx + (o * n + k) * inner;
        const float* row = g + o * inner;
        for (std::int64_t i = 0; i < inner; ++i) slice[i] += scale * row[i];
      }
  });
}

Var full_reduction(const char* op, const Var& x, bool average) {
  WG_CHECK(x.defined(), op, ": input is undefined");
  const std::int64_t n = x.value().size();
  const float scale = average ? 1.0f / static_cast<float>(n) : 1.0f;
  const float total = sum_forward(x.value().data(), n);
  return make_result(op, Tensor::scalar(average ? total / static_cast<float>(n) : total), {x},
                     [n, scale](Node& self) {
                       if (Tensor* gx = self.input_grad(0)) add_constant(gx->data(), n, scale * self.grad[0]);
                     });
}

Var axis_reduction(const char* op, const Var& x, int axis, bool keepdim, bool average) {
  WG_CHECK(x.defined(), op, ": input is undefined");
  const Shape& shape = x.shape();
  const int rank = static_cast<int>(shape.size());
  WG_CHECK(axis >= -rank && axis < rank, op, ": axis ", axis, " is out of range for shape ", shape_str(shape),
           " (valid: ", -rank, " to ", rank - 1, ")");
  const int a = axis < 0 ? axis + rank : axis;
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < a; ++i) outer *= shape[i];
  for (int i = a + 1; i < rank; ++i) inner *= shape[i];
  const std::int64_t n = shape[a];
  Shape out_shape = shape;
  if (keepdim) out_shape[a] = 1;
  else out_shape.erase(out_shape.begin() + a);
  if (out_shape.empty()) out_shape = {1};  // a rank-1 input reduces to one value
  const float scale = average ? 1.0f / static_cast<float>(n) : 1.0f;
  Tensor out = Tensor::empty(out_shape);
  sum_axis_forward(out.data(), x.value().data(), outer, n, inner, scale);
  return make_result(op, out, {x}, [outer, n, inner, scale](Node& self) {
    if (Tensor* gx = self.input_grad(0)) sum_axis_backward(gx->data(), self.grad.data(), outer, n, inner, scale);
  });
}

}  // namespace

Var sum(const Var& x) { return full_reduction("sum", x, false); }
Var mean(const Var& x) { return full_reduction("mean", x, true); }
Var sum_axis(const Var& x, int axis, bool keepdim) { return axis_reduction("sum_axis", x, axis, keepdim, false); }
Var mean_axis(const Var& x, int axis, bool keepdim) { return axis_reduction("mean_axis", x, axis, keepdim, true); }

}  // namespace wg
