// Fast SGEMM. First version: B (op'd) is packed to row-major K x N, then each output
// row is accumulated as C[i,:] += A[i,k] * B[k,:] with xsimd vectors; threads split rows.
// A register-tiled, cache-blocked micro-kernel replaces this (issue 3).
#include <algorithm>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/buffer_pool.h"
#include "core/parallel.h"
#include "kernels/gemm.h"

namespace wg {

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc) {
  using batch = xsimd::batch<float>;
  constexpr int W = static_cast<int>(batch::size);
  if (M <= 0 || N <= 0) return;

  // Pack op(B) as a dense K x N row-major panel.
  const float* b_rows = B;
  int b_stride = ldb;
  float* packed = nullptr;
  if (trans_b) {
    packed = acquire_buffer(static_cast<std::size_t>(K) * N);
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) packed[k * N + j] = B[j * ldb + k];
    b_rows = packed;
    b_stride = N;
  }

  parallel_for(0, M, 4, [&](std::int64_t row_begin, std::int64_t row_end) {
    for (std::int64_t i = row_begin; i < row_end; ++i) {
      float* c = C + i * ldc;
      if (beta == 0.0f) std::fill(c, c + N, 0.0f);
      else if (beta != 1.0f) for (int j = 0; j < N; ++j) c[j] *= beta;
      for (int k = 0; k < K; ++k) {
        const float a = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);
        const float* b = b_rows + static_cast<std::int64_t>(k) * b_stride;
        const batch av(a);
        int j = 0;
        for (; j + W <= N; j += W) {
          batch cv = batch::load_unaligned(c + j);
          cv = cv + av * batch::load_unaligned(b + j);
          cv.store_unaligned(c + j);
        }
        for (; j < N; ++j) c[j] += a * b[j];
      }
    }
  });

  if (packed) release_buffer(packed, static_cast<std::size_t>(K) * N);
}

}  // namespace wg
