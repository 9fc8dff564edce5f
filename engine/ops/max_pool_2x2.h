// Max pooling of one plane over 2x2 windows with stride 2 and no padding: every window lies
// inside the image, so the four taps are compared directly, in scan order (top-left, top-right,
// bottom-left, bottom-right), strictly greater winning: the first pixel of a tie, the rule of
// the general pooling loop. With SSE (natively, and in WASM where Emscripten lowers it to
// SIMD128) four windows go at once: a shuffle splits each row into its even and odd columns.
// Shared by max_pool2d (argmax stored as float) and the fused conv + ReLU + pool (as int32).
#pragma once
#include <cstdint>
#include <type_traits>
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace wg {

// out [out_height, out_width] = the windows' maxima of in [.., in_width]; argmax = the winner's
// pixel index within the input plane. Needs 2 * out_width <= in_width and 2 * out_height rows.
template <class Index>
inline void max_pool_2x2_plane(const float* in, int in_width, int out_height, int out_width, float* out,
                               Index* argmax) {
  const int W = in_width, OW = out_width;
  for (int oy = 0; oy < out_height; ++oy) {
    const float* top = in + static_cast<std::int64_t>(2 * oy) * W;
    const float* bottom = top + W;
    const int row_index = 2 * oy * W;
    float* out_row = out + static_cast<std::int64_t>(oy) * OW;
    Index* arg_row = argmax + static_cast<std::int64_t>(oy) * OW;
    int ox = 0;
#if defined(__SSE4_1__)
    const __m128 lane = _mm_set_ps(6.0f, 4.0f, 2.0f, 0.0f);  // 2 * ox of the four windows, ox relative
    for (; ox + 4 <= OW; ox += 4) {
      const int x0 = 2 * ox;
      const __m128 t0 = _mm_loadu_ps(top + x0), t1 = _mm_loadu_ps(top + x0 + 4);
      const __m128 b0 = _mm_loadu_ps(bottom + x0), b1 = _mm_loadu_ps(bottom + x0 + 4);
      const __m128 base = _mm_add_ps(_mm_set1_ps(static_cast<float>(row_index + x0)), lane);
      __m128 best = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0));  // top, even columns
      __m128 index = base;
      auto consider = [&](__m128 candidate, float offset) {  // strictly greater: first wins ties
        const __m128 greater = _mm_cmpgt_ps(candidate, best);
        best = _mm_blendv_ps(best, candidate, greater);
        index = _mm_blendv_ps(index, _mm_add_ps(base, _mm_set1_ps(offset)), greater);
      };
      consider(_mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1)), 1.0f);
      consider(_mm_shuffle_ps(b0, b1, _MM_SHUFFLE(2, 0, 2, 0)), static_cast<float>(W));
      consider(_mm_shuffle_ps(b0, b1, _MM_SHUFFLE(3, 1, 3, 1)), static_cast<float>(W + 1));
      _mm_storeu_ps(out_row + ox, best);
      if constexpr (std::is_integral_v<Index>) {  // exact: plane indices are far below 2^24
#if defined(__wasm_simd128__)
        // Emscripten's _mm_cvttps_epi32 is a scalar loop (x86 out-of-range rules); this is one instruction.
        wasm_v128_store(arg_row + ox, wasm_i32x4_trunc_sat_f32x4((v128_t)index));
#else
        _mm_storeu_si128(reinterpret_cast<__m128i*>(arg_row + ox), _mm_cvttps_epi32(index));
#endif
      } else {
        _mm_storeu_ps(reinterpret_cast<float*>(arg_row + ox), index);
      }
    }
#endif
    for (; ox < OW; ++ox) {
      const int x0 = 2 * ox;
      float best = top[x0];
      int best_index = row_index + x0;
      if (top[x0 + 1] > best) best = top[x0 + 1], best_index = row_index + x0 + 1;
      if (bottom[x0] > best) best = bottom[x0], best_index = row_index + W + x0;
      if (bottom[x0 + 1] > best) best = bottom[x0 + 1], best_index = row_index + W + x0 + 1;
      out_row[ox] = best;
      arg_row[ox] = static_cast<Index>(best_index);
    }
  }
}

}  // namespace wg
