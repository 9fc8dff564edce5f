// Ops that move or relabel values without arithmetic (plus residual_add, a named add):
// reshape, flatten, concat, residual_add.
//
// reshape and flatten return a view: the result shares the input's storage (like a
// PyTorch view), so they cost nothing; their gradient is the output gradient read with
// the input's shape.
#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr std::int64_t kLanes = static_cast<std::int64_t>(batch::size);
constexpr std::int64_t kParallelGrain = 1 << 15;

// target[i] += source[i] for n floats; elementwise, so threads may split it.
void accumulate(float* target, const float* source, std::int64_t n) {
  parallel_for(0, n, kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    std::int64_t i = lo;
    for (; i + kLanes <= hi; i += kLanes)
      (batch::load_unaligned(target + i) + batch::load_unaligned(source + i)).store_unaligned(target + i);
    for (; i < hi; ++i) target[i] += source[i];
  });
}

// out = a + b for n floats.
void add_forward(float* out, const float* a, const float* b, std::int64_t n) {
  parallel_for(0, n, kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    std::int64_t i = lo;
    for (; i + kLanes <= hi; i += kLanes)
      (batch::load_unaligned(a + i) + batch::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < hi; ++i) out[i] = a[i] + b[i];
  });
}

// A view of x with a new shape; backward adds the gradient back in x's shape.
Var view_as(const char* op, const Var& x, const Shape& shape) {
  Tensor out = x.value().reshaped(shape);
  return make_result(op, out, {x}, [](Node& self) {
    if (Tensor* gx = self.input_grad(0)) accumulate(gx->data(), self.grad.data(), gx->size());
  });
}

}  // namespace

Var reshape(const Var& x, const Shape& shape) {
  WG_CHECK(x.defined(), "reshape: input is undefined");
  return view_as("reshape", x, shape);
}

Var flatten(const Var& x) {
  WG_CHECK(x.defined(), "flatten: input is undefined");
  WG_CHECK(x.value().rank() >= 2, "flatten: input must be [N, ...] with rank >= 2, got ", shape_str(x.shape()));
  const int batch_size = x.shape()[0];
  return view_as("flatten", x, {batch_size, static_cast<int>(x.value().size() / batch_size)});
}

// Each input viewed as [outer, width_i] with width_i = its axis size * inner; the output
// row o is the inputs' rows o laid side by side.
Var concat(const std::vector<Var>& xs, int axis) {
  WG_CHECK(!xs.empty(), "concat: needs at least one input");
  for (std::size_t i = 0; i < xs.size(); ++i) WG_CHECK(xs[i].defined(), "concat: input ", i, " is undefined");
  const Shape& first = xs[0].shape();
  const int rank = static_cast<int>(first.size());
  WG_CHECK(axis >= -rank && axis < rank, "concat: axis ", axis, " is out of range for shape ", shape_str(first));
  const int a = axis < 0 ? axis + rank : axis;
  Shape out_shape = first;
  out_shape[a] = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Shape& s = xs[i].shape();
    bool matches = static_cast<int>(s.size()) == rank;
    for (int d = 0; matches && d < rank; ++d) matches = d == a || s[d] == first[d];
    WG_CHECK(matches, "concat: input ", i, " has shape ", shape_str(s), " but input 0 has ", shape_str(first),
             "; all dimensions except axis ", a, " must match");
    out_shape[a] += s[a];
  }
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < a; ++d) outer *= first[d];
  for (int d = a + 1; d < rank; ++d) inner *= first[d];
  std::vector<std::int64_t> widths;
  for (const Var& x : xs) widths.push_back(x.shape()[a] * inner);
  const std::int64_t out_width = out_shape[a] * inner;

  Tensor out = Tensor::empty(out_shape);
  std::int64_t column = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const float* src = xs[i].value().data();
    for (std::int64_t o = 0; o < outer; ++o)
      std::copy(src + o * widths[i], src + (o + 1) * widths[i], out.data() + o * out_width + column);
    column += widths[i];
  }
  return make_result("concat", out, xs, [widths, outer, out_width](Node& self) {
    std::int64_t column = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      if (Tensor* gx = self.input_grad(i))
        for (std::int64_t o = 0; o < outer; ++o) {
          const float* g = self.grad.data() + o * out_width + column;
          float* target = gx->data() + o * widths[i];
          for (std::int64_t k = 0; k < widths[i]; ++k) target[k] += g[k];
        }
      column += widths[i];
    }
  });
}

Var residual_add(const Var& a, const Var& b) {
  WG_CHECK(a.defined() && b.defined(), "residual_add: an input is undefined");
  WG_CHECK(a.shape() == b.shape(), "residual_add: shapes must be identical, got ", shape_str(a.shape()), " and ",
           shape_str(b.shape()));
  Tensor out = Tensor::empty(a.shape());
  add_forward(out.data(), a.value().data(), b.value().data(), out.size());
  return make_result("residual_add", out, {a, b}, [](Node& self) {
    for (std::size_t i = 0; i < 2; ++i)
      if (Tensor* g = self.input_grad(i)) accumulate(g->data(), self.grad.data(), g->size());
  });
}

}  // namespace wg
