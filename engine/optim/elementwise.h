// For optimizer authors: runs one update rule over a parameter, its gradient and its
// state buffers, SIMD-wide with xsimd and then a scalar tail. The rule is a generic
// lambda written once: rule(p, g, state...) receives xsimd::batch<float> values in the
// main loop and floats in the tail; p and state are references it updates. Use
// `using std::sqrt; sqrt(x)` inside so both instantiations find their sqrt.
//
// Large parameters are split across threads in blocks of kBlock elements (a multiple of
// every SIMD width), so only the parameter's last elements ever take the scalar tail:
// the same elements get the same instructions whatever the thread count.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "core/parallel.h"

// GCC 12 warns inside its own avx512fintrin.h (_mm512_sqrt_ps starts from an
// undefined register); the warning is reported where the intrinsic is inlined, i.e.
// in the optimizer files that include this header, so it is silenced for them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace wg::optim_detail {

constexpr std::int64_t kBlock = 4096;         // elements per thread task unit
constexpr std::int64_t kMinBlocksPerTask = 4;  // below 2 x 16k elements, one thread does it all

// rule(p, g, s...) over elements [begin, end). Everything arrives by value, so the rule's
// constants and the pointers are locals that the stores through p and s cannot alias: the
// compiler keeps them in registers. (Read through a closure, they were reloaded from memory for
// every vector, and Adam's update took 29% of the MLP's step in WASM.)
template <std::size_t... I, class Rule, class... State>
void apply_rule_range(std::index_sequence<I...>, std::int64_t begin, std::int64_t end, Rule rule, float* p,
                      const float* g, State*... s) {
  using Batch = xsimd::batch<float>;
  constexpr std::int64_t width = Batch::size;
  std::int64_t i = begin;
  for (; i + width <= end; i += width) {
    Batch pv = Batch::load_unaligned(p + i);
    std::array<Batch, sizeof...(State)> sv{Batch::load_unaligned(s + i)...};
    rule(pv, Batch::load_unaligned(g + i), sv[I]...);
    pv.store_unaligned(p + i);
    (sv[I].store_unaligned(s + i), ...);
  }
  for (; i < end; ++i) rule(p[i], g[i], s[i]...);
}

// rule(p, g, s...) over elements [0, n) of p, g and every state array in s (I indexes s).
template <std::size_t... I, class Rule, class... State>
void apply_rule(std::index_sequence<I...> indices, std::int64_t n, Rule rule, float* p, const float* g,
                State*... s) {
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(0, blocks, kMinBlocksPerTask, [&](std::int64_t first, std::int64_t last) {
    apply_rule_range(indices, first * kBlock, std::min(n, last * kBlock), rule, p, g, s...);
  });
}

// A decaying state value (momentum, Adam's m and v, RMSprop's average) below the smallest normal
// float, as exactly 0. The state of a weight whose gradient has gone to 0 (a unit that died, an
// input that went blank) decays geometrically and, left alone, would spend a hundred steps or more
// in the subnormal range, where x86 CPUs take a microcode assist of ~100 cycles for every
// operation that reads or makes one; WASM has no flush-to-zero mode to switch that off. In the
// MLP trained on one repeated batch, Adam's update went from 0.09 to 0.41 ms per step once its
// dead units' m got there.
// A value that small moves no weight: it makes an update of at most lr x 1.2e-38 (momentum) or
// lr x 1.2e-38 / eps (Adam, RMSprop), far below the rounding of any weight.
inline float flush_subnormal(float x) { return std::fabs(x) < std::numeric_limits<float>::min() ? 0.0f : x; }
template <class Arch>
xsimd::batch<float, Arch> flush_subnormal(const xsimd::batch<float, Arch>& x) {
  return xsimd::select(xsimd::abs(x) < xsimd::batch<float, Arch>(std::numeric_limits<float>::min()),
                       xsimd::batch<float, Arch>(0.0f), x);
}

template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, Rule rule) {
  apply_rule(std::index_sequence<>{}, n, rule, p, g);
}
template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, float* s0, Rule rule) {
  apply_rule(std::index_sequence<0>{}, n, rule, p, g, s0);
}
template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, float* s0, float* s1, Rule rule) {
  apply_rule(std::index_sequence<0, 1>{}, n, rule, p, g, s0, s1);
}

}  // namespace wg::optim_detail
