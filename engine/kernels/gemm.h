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

void sgemm_reference(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                     const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace wg
