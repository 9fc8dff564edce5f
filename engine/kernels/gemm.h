// Single-precision matrix multiply, row-major, BLAS conventions:
//   C[M,N] = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T.
// A is M x K (K x M when trans_a), B is K x N (N x K when trans_b); lda/ldb/ldc are
// row strides in floats. beta == 0 means C is write-only (its old contents, even NaN, are ignored).
//
// sgemm is the fast kernel (SIMD, threaded over output tiles; the k-reduction order
// never depends on the thread count). sgemm_reference is the naive oracle for tests.
#pragma once

namespace wg {

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc);

// Gathered-A SGEMM: C = A * op(B) + beta * C with A[i, k] = base[row_offset[i] + k_offset[k]],
// A never materialised. A convolution multiplies its input this way without unfolding it
// (im2col): row_offset addresses each output pixel's window in the padded image, k_offset
// each tap inside the window. With transposed_c, C is stored transposed (C^T is N x M, row
// stride ldc). Same tiles, order of sums and threading as sgemm.
void sgemm_gathered_a(int M, int N, int K, const float* base, const int* row_offset, const int* k_offset,
                      bool trans_b, const float* B, int ldb, float beta, float* C, int ldc, bool transposed_c);

void sgemm_reference(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                     const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace wg
