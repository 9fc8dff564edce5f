// Binary elementwise ops with NumPy broadcasting (add, sub, mul, div) and their
// scalar variants (add_scalar, mul_scalar).
//
// Broadcasting is planned once per call: the shapes are right-aligned, size-1 output
// dimensions are dropped and neighbouring dimensions that broadcast the same way are
// merged ("coalesced"). After that every case is a loop over output rows whose inner
// run reads each operand either as a contiguous row (stride 1) or as one repeated value
// (stride 0): equal shapes become one long row, a per-row bias [N,F]+[F] is rows of F,
// a per-channel bias [N,C,H,W]+[C,1,1] is rows of H*W with a splatted value. The inner
// run is vectorised with xsimd.
//
// Backward reduces the output gradient over the dimensions an input was stretched
// along. Such reductions run serially in output order, so results never depend on the
// thread count; gradients of inputs that were not stretched are elementwise and may
// run in parallel.
#include <xsimd/xsimd.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr std::int64_t kLanes = static_cast<std::int64_t>(batch::size);
// Elements per parallel task: below this, waking threads costs more than it saves.
constexpr std::int64_t kParallelGrain = 1 << 15;

// One operand of a row kernel: a contiguous row (stride 1) or one value repeated (stride 0).
struct Operand {
  const float* data;
  std::int64_t stride;
};

inline batch load(const Operand& o, std::int64_t k) {
  return o.stride ? batch::load_unaligned(o.data + k) : batch(o.data[0]);
}
inline float at(const Operand& o, std::int64_t k) { return o.data[k * o.stride]; }
inline Operand advance(Operand o, std::int64_t k) { return {o.data + k * o.stride, o.stride}; }

// out[k] = f(x[k], y[k], z[k]) (or += when Accumulate) for k < n. f is generic so the
// same expression runs on xsimd batches and on the scalar tail.
template <bool Accumulate, class F>
void map_row(float* out, std::int64_t n, const F& f, Operand x, Operand y, Operand z) {
  std::int64_t k = 0;
  for (; k + kLanes <= n; k += kLanes) {
    batch v = f(load(x, k), load(y, k), load(z, k));
    if constexpr (Accumulate) v += batch::load_unaligned(out + k);
    v.store_unaligned(out + k);
  }
  for (; k < n; ++k) {
    const float v = f(at(x, k), at(y, k), at(z, k));
    if constexpr (Accumulate) out[k] += v;
    else out[k] = v;
  }
}

// sum over k < n of f(x[k], y[k], z[k]), in index order (double accumulator for accuracy).
template <class F>
float reduce_row(std::int64_t n, const F& f, Operand x, Operand y, Operand z) {
  double total = 0;
  for (std::int64_t k = 0; k < n; ++k) total += f(at(x, k), at(y, k), at(z, k));
  return static_cast<float>(total);
}

// The broadcast of a op b, reduced to the fewest dimensions. Output is contiguous over
// `dims`; stride_a/stride_b are element strides into a and b, 0 where that input is stretched.
struct BroadcastPlan {
  Shape out_shape;
  std::vector<std::int64_t> dims;
  std::vector<std::int64_t> stride_a, stride_b;
  std::int64_t inner() const { return dims.back(); }
};

BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const char* op) {
  BroadcastPlan plan;
  plan.out_shape = broadcast_shape(a, b, op);
  const std::size_t rank = plan.out_shape.size();
  auto padded = [rank](const Shape& s, std::size_t i) {
    const std::size_t lead = rank - s.size();
    return i < lead ? 1 : s[i - lead];
  };
  // Group dimensions: a new group starts whenever the (stretched a, stretched b) pattern changes.
  std::vector<bool> group_bcast_a, group_bcast_b;
  for (std::size_t i = 0; i < rank; ++i) {
    const int size = plan.out_shape[i];
    if (size == 1) continue;
    const bool bcast_a = padded(a, i) == 1, bcast_b = padded(b, i) == 1;
    if (!plan.dims.empty() && group_bcast_a.back() == bcast_a && group_bcast_b.back() == bcast_b) {
      plan.dims.back() *= size;
    } else {
      plan.dims.push_back(size);
      group_bcast_a.push_back(bcast_a);
      group_bcast_b.push_back(bcast_b);
    }
  }
  if (plan.dims.empty()) {  // every operand is a single value
    plan.dims = {1};
    group_bcast_a = {true};
    group_bcast_b = {true};
  }
  const std::size_t groups = plan.dims.size();
  plan.stride_a.assign(groups, 0);
  plan.stride_b.assign(groups, 0);
  std::int64_t next_a = 1, next_b = 1;
  for (std::size_t g = groups; g-- > 0;) {
    if (!group_bcast_a[g]) plan.stride_a[g] = next_a, next_a *= plan.dims[g];
    if (!group_bcast_b[g]) plan.stride_b[g] = next_b, next_b *= plan.dims[g];
  }
  return plan;
}

// Offsets into a and b of the first element of output row `row` (rows are runs of inner()).
void row_offsets(const BroadcastPlan& plan, std::int64_t row, std::int64_t& offset_a, std::int64_t& offset_b) {
  offset_a = offset_b = 0;
  for (std::size_t d = plan.dims.size() - 1; d-- > 0;) {
    const std::int64_t index = row % plan.dims[d];
    row /= plan.dims[d];
    offset_a += index * plan.stride_a[d];
    offset_b += index * plan.stride_b[d];
  }
}

// Calls run(out_offset, a, b, length) for consecutive pieces of output [begin, end);
// a and b are the operands positioned at that output element.
template <class Run>
void for_each_run(const BroadcastPlan& plan, const float* a, const float* b, std::int64_t begin, std::int64_t end,
                  const Run& run) {
  const std::int64_t inner = plan.inner();
  std::int64_t flat = begin;
  while (flat < end) {
    const std::int64_t row = flat / inner, col = flat % inner;
    std::int64_t offset_a, offset_b;
    row_offsets(plan, row, offset_a, offset_b);
    const std::int64_t length = std::min(inner - col, end - flat);
    run(flat, advance(Operand{a + offset_a, plan.stride_a.back()}, col),
        advance(Operand{b + offset_b, plan.stride_b.back()}, col), length);
    flat += length;
  }
}

// out = f(a, b) over the broadcast shape. Outputs are independent, so threads split them.
template <class F>
Tensor broadcast_forward(const BroadcastPlan& plan, const Tensor& a, const Tensor& b, const F& f) {
  Tensor out = Tensor::empty(plan.out_shape);
  float* o = out.data();
  auto two_operands = [&f](auto x, auto y, auto) { return f(x, y); };
  parallel_for(0, out.size(), kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    for_each_run(plan, a.data(), b.data(), lo, hi, [&](std::int64_t at_out, Operand x, Operand y, std::int64_t n) {
      map_row<false>(o + at_out, n, two_operands, x, y, x);
    });
  });
  return out;
}

// target_grad += sum over stretched dims of f(g, a, b); the target is a's gradient
// when target_is_a, else b's.
template <class F>
void broadcast_backward(const BroadcastPlan& plan, bool target_is_a, Tensor& target_grad, const Tensor& grad_out,
                        const Tensor& a, const Tensor& b, const F& f) {
  const std::vector<std::int64_t>& target_stride = target_is_a ? plan.stride_a : plan.stride_b;
  const float* g = grad_out.data();
  float* t = target_grad.data();
  bool stretched = false;
  for (std::int64_t s : target_stride) stretched = stretched || s == 0;
  if (!stretched) {
    // Same shape as the output: one target element per output element, safe to split.
    parallel_for(0, grad_out.size(), kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
      for_each_run(plan, a.data(), b.data(), lo, hi, [&](std::int64_t at_out, Operand x, Operand y, std::int64_t n) {
        map_row<true>(t + at_out, n, f, Operand{g + at_out, 1}, x, y);
      });
    });
    return;
  }
  // A reduction: one thread, output order, so the sum order is fixed.
  const std::int64_t inner = plan.inner();
  const std::int64_t rows = grad_out.size() / inner;
  for (std::int64_t row = 0; row < rows; ++row) {
    std::int64_t offset_a, offset_b;
    row_offsets(plan, row, offset_a, offset_b);
    const Operand x{a.data() + offset_a, plan.stride_a.back()};
    const Operand y{b.data() + offset_b, plan.stride_b.back()};
    const Operand gr{g + row * inner, 1};
    float* target_row = t + (target_is_a ? offset_a : offset_b);
    if (target_stride.back() == 1) map_row<true>(target_row, inner, f, gr, x, y);
    else *target_row += reduce_row(inner, f, gr, x, y);
  }
}

// A broadcasting binary op: forward f(a, b); local gradients grad_a(g, a, b), grad_b(g, a, b).
template <class Forward, class GradA, class GradB>
Var broadcast_binary(const char* op, const Var& a, const Var& b, Forward forward, GradA grad_a, GradB grad_b) {
  WG_CHECK(a.defined() && b.defined(), op, ": an input is undefined");
  auto plan = std::make_shared<BroadcastPlan>(plan_broadcast(a.shape(), b.shape(), op));
  Tensor out = broadcast_forward(*plan, a.value(), b.value(), forward);
  Tensor a_value = a.value(), b_value = b.value();
  return make_result(op, out, {a, b}, [plan, a_value, b_value, grad_a, grad_b](Node& self) {
    if (Tensor* g = self.input_grad(0)) broadcast_backward(*plan, true, *g, self.grad, a_value, b_value, grad_a);
    if (Tensor* g = self.input_grad(1)) broadcast_backward(*plan, false, *g, self.grad, a_value, b_value, grad_b);
  });
}

// out = f(x) elementwise, split across threads.
template <class F>
Tensor map_tensor(const Tensor& x, const F& f) {
  Tensor out = Tensor::empty(x.shape());
  auto one_operand = [&f](auto v, auto, auto) { return f(v); };
  parallel_for(0, x.size(), kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    const Operand in{x.data() + lo, 1};
    map_row<false>(out.data() + lo, hi - lo, one_operand, in, in, in);
  });
  return out;
}

// target += scale * g elementwise.
void accumulate_scaled(Tensor& target, const Tensor& g, float scale) {
  auto scaled = [scale](auto v, auto, auto) { return v * scale; };
  parallel_for(0, g.size(), kParallelGrain, [&](std::int64_t lo, std::int64_t hi) {
    const Operand in{g.data() + lo, 1};
    map_row<true>(target.data() + lo, hi - lo, scaled, in, in, in);
  });
}

}  // namespace

Shape broadcast_shape(const Shape& a, const Shape& b, const char* op) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    // i counts from the right: trailing dimensions align.
    const int da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int db = i < b.size() ? b[b.size() - 1 - i] : 1;
    WG_CHECK(da == db || da == 1 || db == 1, op, ": shapes ", shape_str(a), " and ", shape_str(b),
             " cannot be broadcast (dimension ", -static_cast<int>(i) - 1, ": ", da, " vs ", db, ")");
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

Var add(const Var& a, const Var& b) {
  return broadcast_binary(
      "add", a, b, [](auto x, auto y) { return x + y; }, [](auto g, auto, auto) { return g; },
      [](auto g, auto, auto) { return g; });
}

Var sub(const Var& a, const Var& b) {
  return broadcast_binary(
      "sub", a, b, [](auto x, auto y) { return x - y; }, [](auto g, auto, auto) { return g; },
      [](auto g, auto, auto) { return -g; });
}

Var mul(const Var& a, const Var& b) {
  return broadcast_binary(
      "mul", a, b, [](auto x, auto y) { return x * y; }, [](auto g, auto, auto y) { return g * y; },
      [](auto g, auto x, auto) { return g * x; });
}

// d(x/y)/dy = -x / y^2; division by zero follows IEEE (inf/NaN), like log.
Var div(const Var& a, const Var& b) {
  return broadcast_binary(
      "div", a, b, [](auto x, auto y) { return x / y; }, [](auto g, auto, auto y) { return g / y; },
      [](auto g, auto x, auto y) { return -(g * x) / (y * y); });
}

Var add_scalar(const Var& a, float s) {
  WG_CHECK(a.defined(), "add_scalar: input is undefined");
  Tensor out = map_tensor(a.value(), [s](auto v) { return v + s; });
  return make_result("add_scalar", out, {a}, [](Node& self) {
    if (Tensor* g = self.input_grad(0)) accumulate_scaled(*g, self.grad, 1.0f);
  });
}

Var mul_scalar(const Var& a, float s) {
  WG_CHECK(a.defined(), "mul_scalar: input is undefined");
  Tensor out = map_tensor(a.value(), [s](auto v) { return v * s; });
  return make_result("mul_scalar", out, {a}, [s](Node& self) {
    if (Tensor* g = self.input_grad(0)) accumulate_scaled(*g, self.grad, s);
  });
}

}  // namespace wg
