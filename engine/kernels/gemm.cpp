// Fast SGEMM: packed, cache-blocked, with a register-tiled xsimd micro-kernel.
//
// Loop nest (the classic Goto/BLIS structure):
//   for each K block of kKC          (pc)   A and B slices that fit the caches
//     pack op(A)[:, pc] into kMR-row slivers, op(B)[pc, :] into kNR-column slivers
//     for each N panel of kNC        (jc)
//       parallel over tasks = (kMC-row block) x (kNB-column block)
//         for each B sliver (kc x kNR, stays in L1)
//           for each A sliver (kMR x kc, the A block stays in L2)
//             micro-kernel: kMR x kNR accumulators in registers, one k at a time
//
// Determinism: tiles sit on a fixed grid anchored at C[0,0] and every tile sums k in
// the same order (K blocks in sequence, k inside a block in sequence), whichever
// thread computes it. Threads only choose which tiles they take, so 1, 2 and 4
// threads give bit-identical C.
//
// Without FMA (WASM SIMD128) each step is a mul and an add; 2 * kMR accumulators
// give enough independent chains to hide both latencies. Natively the compiler
// contracts them into FMA.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "core/buffer_pool.h"
#include "core/parallel.h"
#include "kernels/gemm.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr int kW = static_cast<int>(batch::size);  // 4 in WASM (sse4.1 -> f32x4), 8 AVX2, 16 AVX-512
constexpr int kMR = 6;                             // rows of the register tile
constexpr int kNR = 2 * kW;                        // columns of the register tile: two vectors
constexpr int kKC = 256;                           // depth of one packed slice (A sliver + B sliver in L1)
constexpr int kMC = 16 * kMR;                      // rows per task: packed A block ~ kMC * kKC floats in L2
constexpr int kNB = 8 * kNR;                       // columns per task
constexpr int kNC = 64 * kNR;                      // columns of one packed B panel

int round_up(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

// a_packed is (kc, kMR) for rows [row0, row0 + kMR) of op(A), zero past M.
void pack_a_sliver(bool trans_a, const float* A, int lda, int M, int row0, int pc, int kc, float* a_packed) {
  const int rows = std::min(kMR, M - row0);
  if (trans_a) {  // op(A)[i, k] = A[k, i]: each k reads kMR neighbours
    for (int k = 0; k < kc; ++k) {
      const float* src = A + static_cast<std::int64_t>(pc + k) * lda + row0;
      float* dst = a_packed + k * kMR;
      int r = 0;
      for (; r < rows; ++r) dst[r] = src[r];
      for (; r < kMR; ++r) dst[r] = 0.0f;
    }
  } else {
    for (int r = 0; r < kMR; ++r) {
      if (r < rows) {
        const float* src = A + static_cast<std::int64_t>(row0 + r) * lda + pc;
        for (int k = 0; k < kc; ++k) a_packed[k * kMR + r] = src[k];
      } else {
        for (int k = 0; k < kc; ++k) a_packed[k * kMR + r] = 0.0f;
      }
    }
  }
}

// b_packed is (kc, kNR) for columns [col0, col0 + kNR) of op(B), zero past N.
void pack_b_sliver(bool trans_b, const float* B, int ldb, int N, int col0, int pc, int kc, float* b_packed) {
  const int cols = std::min(kNR, N - col0);
  if (trans_b) {  // op(B)[k, j] = B[j, k]
    for (int c = 0; c < kNR; ++c) {
      if (c < cols) {
        const float* src = B + static_cast<std::int64_t>(col0 + c) * ldb + pc;
        for (int k = 0; k < kc; ++k) b_packed[k * kNR + c] = src[k];
      } else {
        for (int k = 0; k < kc; ++k) b_packed[k * kNR + c] = 0.0f;
      }
    }
  } else {
    for (int k = 0; k < kc; ++k) {
      const float* src = B + static_cast<std::int64_t>(pc + k) * ldb + col0;
      float* dst = b_packed + k * kNR;
      std::memcpy(dst, src, sizeof(float) * cols);
      for (int c = cols; c < kNR; ++c) dst[c] = 0.0f;
    }
  }
}

// How a finished tile lands in C: the first K block applies beta (beta == 0 never
// reads C), later K blocks add on top.
struct WriteBack {
  float alpha;
  float beta;
  bool first_k_block;
};

// C[0:rows, 0:cols] (row stride ldc) <- the kMR x kNR product of one A sliver and one B sliver.
void micro_kernel(int kc, const float* __restrict a_packed, const float* __restrict b_packed, float* c, int ldc,
                  int rows, int cols, WriteBack wb) {
  batch acc0[kMR], acc1[kMR];
#pragma GCC unroll 16
  for (int r = 0; r < kMR; ++r) {
    acc0[r] = batch(0.0f);
    acc1[r] = batch(0.0f);
  }
  for (int k = 0; k < kc; ++k) {
    const batch b0 = batch::load_aligned(b_packed);
    const batch b1 = batch::load_aligned(b_packed + kW);
#pragma GCC unroll 16
    for (int r = 0; r < kMR; ++r) {
      const batch a(a_packed[r]);
      acc0[r] = xsimd::fma(a, b0, acc0[r]);
      acc1[r] = xsimd::fma(a, b1, acc1[r]);
    }
    a_packed += kMR;
    b_packed += kNR;
  }

  const batch alpha(wb.alpha), beta(wb.beta);
  if (rows == kMR && cols == kNR) {
#pragma GCC unroll 16
    for (int r = 0; r < kMR; ++r) {
      float* cr = c + static_cast<std::int64_t>(r) * ldc;
      batch v0 = acc0[r] * alpha, v1 = acc1[r] * alpha;
      if (!wb.first_k_block || wb.beta == 1.0f) {
        v0 = v0 + batch::load_unaligned(cr);
        v1 = v1 + batch::load_unaligned(cr + kW);
      } else if (wb.beta != 0.0f) {
        v0 = v0 + beta * batch::load_unaligned(cr);
        v1 = v1 + beta * batch::load_unaligned(cr + kW);
      }
      v0.store_unaligned(cr);
      v1.store_unaligned(cr + kW);
    }
    return;
  }
  // Edge tile: spill the accumulators and write only the valid part of C.
  alignas(64) float tile[kMR * kNR];
  for (int r = 0; r < kMR; ++r) {
    acc0[r].store_aligned(tile + r * kNR);
    acc1[r].store_aligned(tile + r * kNR + kW);
  }
  for (int r = 0; r < rows; ++r) {
    float* cr = c + static_cast<std::int64_t>(r) * ldc;
    for (int j = 0; j < cols; ++j) {
      const float v = tile[r * kNR + j] * wb.alpha;
      if (!wb.first_k_block || wb.beta == 1.0f) cr[j] = v + cr[j];
      else if (wb.beta != 0.0f) cr[j] = v + wb.beta * cr[j];
      else cr[j] = v;
    }
  }
}

void scale_c(int M, int N, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<std::int64_t>(i) * ldc;
    if (beta == 0.0f) std::fill(c, c + N, 0.0f);
    else if (beta != 1.0f) for (int j = 0; j < N; ++j) c[j] *= beta;
  }
}

// Below this many multiply-adds a call runs on the caller's thread: waking the pool
// costs more than it saves.
constexpr std::int64_t kMinParallelWork = std::int64_t(1) << 18;

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_c(M, N, beta, C, ldc);
    return;
  }

  const int kc_max = std::min(K, kKC);
  const int m_slivers = (M + kMR - 1) / kMR;
  const int nc_max = std::min(round_up(N, kNR), kNC);
  const std::size_t a_floats = static_cast<std::size_t>(m_slivers) * kMR * kc_max;
  const std::size_t b_floats = static_cast<std::size_t>(nc_max) * kc_max;
  float* a_packed = acquire_buffer(a_floats);
  float* b_packed = acquire_buffer(b_floats);

  const bool threaded = static_cast<std::int64_t>(M) * N * K >= kMinParallelWork && num_threads() > 1;
  auto run = [&](std::int64_t count, std::int64_t min_chunk, const auto& body) {
    if (threaded) parallel_for(0, count, min_chunk, body);
    else body(0, count);
  };

  for (int pc = 0; pc < K; pc += kKC) {
    const int kc = std::min(kKC, K - pc);
    const WriteBack wb{alpha, beta, pc == 0};
    run(m_slivers, 8, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t s = lo; s < hi; ++s)
        pack_a_sliver(trans_a, A, lda, M, static_cast<int>(s) * kMR, pc, kc, a_packed + s * kMR * kc);
    });

    for (int jc = 0; jc < N; jc += kNC) {
      const int nc = std::min(kNC, N - jc);
      const int n_slivers = (nc + kNR - 1) / kNR;
      run(n_slivers, 4, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t s = lo; s < hi; ++s)
          pack_b_sliver(trans_b, B, ldb, N, jc + static_cast<int>(s) * kNR, pc, kc, b_packed + s * kNR * kc);
      });

      const int m_blocks = (M + kMC - 1) / kMC;
      const int n_blocks = (nc + kNB - 1) / kNB;
      run(static_cast<std::int64_t>(m_blocks) * n_blocks, 1, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t task = lo; task < hi; ++task) {
          const int i0 = static_cast<int>(task / n_blocks) * kMC;
          const int j0 = static_cast<int>(task % n_blocks) * kNB;  // within the panel
          const int i1 = std::min(M, i0 + kMC), j1 = std::min(nc, j0 + kNB);
          for (int j = j0; j < j1; j += kNR) {
            const float* b_sliver = b_packed + static_cast<std::int64_t>(j / kNR) * kNR * kc;
            for (int i = i0; i < i1; i += kMR) {
              const float* a_sliver = a_packed + static_cast<std::int64_t>(i / kMR) * kMR * kc;
              micro_kernel(kc, a_sliver, b_sliver, C + static_cast<std::int64_t>(i) * ldc + jc + j, ldc,
                           std::min(kMR, M - i), std::min(kNR, nc - j), wb);
            }
          }
        }
      });
    }
  }

  release_buffer(b_packed, b_floats);
  release_buffer(a_packed, a_floats);
}

}  // namespace wg
