// For optimizer authors: runs one update rule over a parameter, its gradient and its
// state buffers, SIMD-wide with xsimd and then a scalar tail. The rule is a generic
// lambda written once: rule(p, g, state...) receives xsimd::batch<float> values in the
// main loop and floats in the tail; p and state are references it updates. Use
// `using std::sqrt; sqrt(x)` inside so both instantiations find their sqrt.
#pragma once
#include <cstdint>

#include <xsimd/xsimd.hpp>

// GCC 12 warns inside its own avx512fintrin.h (_mm512_sqrt_ps starts from an
// undefined register); the warning is reported where the intrinsic is inlined, i.e.
// in the optimizer files that include this header, so it is silenced for them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace wg::optim_detail {

template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, Rule rule) {
  using Batch = xsimd::batch<float>;
  constexpr std::int64_t width = Batch::size;
  std::int64_t i = 0;
  for (; i + width <= n; i += width) {
    Batch pv = Batch::load_unaligned(p + i);
    rule(pv, Batch::load_unaligned(g + i));
    pv.store_unaligned(p + i);
  }
  for (; i < n; ++i) rule(p[i], g[i]);
}

template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, float* s0, Rule rule) {
  using Batch = xsimd::batch<float>;
  constexpr std::int64_t width = Batch::size;
  std::int64_t i = 0;
  for (; i + width <= n; i += width) {
    Batch pv = Batch::load_unaligned(p + i), s0v = Batch::load_unaligned(s0 + i);
    rule(pv, Batch::load_unaligned(g + i), s0v);
    pv.store_unaligned(p + i);
    s0v.store_unaligned(s0 + i);
  }
  for (; i < n; ++i) rule(p[i], g[i], s0[i]);
}

template <class Rule>
void for_each_element(std::int64_t n, float* p, const float* g, float* s0, float* s1, Rule rule) {
  using Batch = xsimd::batch<float>;
  constexpr std::int64_t width = Batch::size;
  std::int64_t i = 0;
  for (; i + width <= n; i += width) {
    Batch pv = Batch::load_unaligned(p + i), s0v = Batch::load_unaligned(s0 + i), s1v = Batch::load_unaligned(s1 + i);
    rule(pv, Batch::load_unaligned(g + i), s0v, s1v);
    pv.store_unaligned(p + i);
    s0v.store_unaligned(s0 + i);
    s1v.store_unaligned(s1 + i);
  }
  for (; i < n; ++i) rule(p[i], g[i], s0[i], s1[i]);
}

}  // namespace wg::optim_detail
