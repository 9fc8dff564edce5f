// Fast SGEMM: cache-blocked, B packed, with a register-tiled xsimd micro-kernel.
//
// Loop nest (after Goto/BLIS, with the parallel loop outermost):
//   parallel over tasks = (kMC-row block) x (column block of up to kNB)
//     for each K block of kKC          (pc)   the A rows and the B sliver fit the caches
//       for each B sliver of the task  (kc x kNR: packed by the task, stays in L1)
//         for each group of kMR rows of A (the kMC x kc block stays in L2)
//           micro-kernel: kMR x kNR accumulators in registers, one k at a time
// A is read in place (each value is broadcast, so no layout needs copying); B is read in
// place too when it is row-major and A has few rows (a copy would not pay for itself).
//
// Determinism: tiles sit on a fixed grid anchored at C[0,0] and every tile sums k in
// the same order (K blocks in sequence, k inside a block in sequence), whichever
// thread computes it. Threads only choose which tiles they take, so 1, 2 and 4
// threads give bit-identical C.
//
// Each step is madd() below: in the plain SIMD128 builds a mul and an add (2 * kMR
// accumulators give enough independent chains to hide both latencies); in the
// relaxed-SIMD builds one f32x4.relaxed_madd; natively the compiler contracts
// xsimd::fma into an FMA instruction.
#include <algorithm>
#include <cstdint>
#include <xsimd/xsimd.hpp>
#if defined(__wasm_relaxed_simd__)
#include <wasm_simd128.h>
#endif

#include "core/buffer_pool.h"
#include "core/parallel.h"
#include "kernels/gemm.h"

namespace wg {
namespace {

using batch = xsimd::batch<float>;
constexpr int kW = static_cast<int>(batch::size);  // 4 in WASM (sse4.1 -> f32x4), 8 AVX2, 16 AVX-512
// Rows of the register tile. 4 x 2 f32x4 accumulators in WASM: V8 has 16 XMM registers
// on x86-64 (one kept as scratch); 6 rows plus B, the broadcast and a product spill there
// (measured: 4 rows ~30 GFLOP/s at 256^3, 6 rows ~25). Wider ISAs have 32 registers.
constexpr int kMR = kW == 4 ? 4 : 6;
constexpr int kNR = 2 * kW;                        // columns of the register tile: two vectors
constexpr int kKC = 256;                           // depth of one K block: a B sliver of kKC x kNR stays in L1
constexpr int kMC = 16 * kMR;                      // rows per task: their kMC x kKC part of A stays in L2
constexpr int kNB = 8 * kNR;                       // columns per task (fewer when a product is small)

// acc + a * b, the step of every micro-kernel. Built with -mrelaxed-simd (the `simd-relaxed*`
// modules, CMake WASMGRAD_RELAXED_SIMD) it is f32x4.relaxed_madd: the engine fuses it into one FMA
// (one rounding) where the CPU has FMA, else it is a mul and an add, as in the plain build. Within a
// build every tile still sums the same k in the same order, so results stay bit-identical for any
// thread count; across builds they agree to float tolerance.
inline batch madd(batch a, batch b, batch acc) {
#if defined(__wasm_relaxed_simd__)
  return batch(static_cast<__m128>(wasm_f32x4_relaxed_madd(static_cast<v128_t>(static_cast<__m128>(a)),
                                                           static_cast<v128_t>(static_cast<__m128>(b)),
                                                           static_cast<v128_t>(static_cast<__m128>(acc)))));
#else
  return xsimd::fma(a, b, acc);
#endif
}

// out[j] = column j of the 4 x 4 block in rows r[0..3] (SIMD128 / SSE width only).
inline void transpose4x4(const batch* r, batch* out) {
  using dbatch = xsimd::batch<double>;
  const auto d0 = xsimd::bitwise_cast<dbatch>(xsimd::zip_lo(r[0], r[1]));  // r0[0] r1[0] | r0[1] r1[1]
  const auto d1 = xsimd::bitwise_cast<dbatch>(xsimd::zip_hi(r[0], r[1]));  // r0[2] r1[2] | r0[3] r1[3]
  const auto d2 = xsimd::bitwise_cast<dbatch>(xsimd::zip_lo(r[2], r[3]));
  const auto d3 = xsimd::bitwise_cast<dbatch>(xsimd::zip_hi(r[2], r[3]));
  out[0] = xsimd::bitwise_cast<batch>(xsimd::zip_lo(d0, d2));
  out[1] = xsimd::bitwise_cast<batch>(xsimd::zip_hi(d0, d2));
  out[2] = xsimd::bitwise_cast<batch>(xsimd::zip_lo(d1, d3));
  out[3] = xsimd::bitwise_cast<batch>(xsimd::zip_hi(d1, d3));
}

// b_packed is (kc, kNR) for columns [col0, col0 + kNR) of op(B), zero past N.
void pack_b_sliver(bool trans_b, const float* B, int ldb, int N, int col0, int pc, int kc, float* b_packed) {
  const int cols = std::min(kNR, N - col0);
  if (trans_b) {  // op(B)[k, j] = B[j, k]
    int k0 = 0;
    if constexpr (kW == 4) {
      if (cols == kNR) {  // 4 x 4 transposes: rows of B in, rows of the sliver out
        const float* src[kNR];
        for (int c = 0; c < kNR; ++c) src[c] = B + static_cast<std::int64_t>(col0 + c) * ldb + pc;
        for (; k0 + 4 <= kc; k0 += 4) {
          batch lo_in[4], hi_in[4], lo[4], hi[4];
          for (int c = 0; c < 4; ++c) {
            lo_in[c] = batch::load_unaligned(src[c] + k0);
            hi_in[c] = batch::load_unaligned(src[c + 4] + k0);
          }
          transpose4x4(lo_in, lo);
          transpose4x4(hi_in, hi);
          for (int k = 0; k < 4; ++k) {
            lo[k].store_aligned(b_packed + (k0 + k) * kNR);
            hi[k].store_aligned(b_packed + (k0 + k) * kNR + kW);
          }
        }
      }
    }
    for (int c = 0; c < kNR; ++c) {
      if (c < cols) {
        const float* src = B + static_cast<std::int64_t>(col0 + c) * ldb + pc;
        for (int k = k0; k < kc; ++k) b_packed[k * kNR + c] = src[k];
      } else {
        for (int k = k0; k < kc; ++k) b_packed[k * kNR + c] = 0.0f;
      }
    }
  } else {
    for (int k = 0; k < kc; ++k) {
      const float* src = B + static_cast<std::int64_t>(pc + k) * ldb + col0;
      float* dst = b_packed + k * kNR;
      if (cols == kNR) {  // the common case: two vector copies, no memcpy call
        batch::load_unaligned(src).store_aligned(dst);
        batch::load_unaligned(src + kW).store_aligned(dst + kW);
      } else {
        for (int c = 0; c < cols; ++c) dst[c] = src[c];
        for (int c = cols; c < kNR; ++c) dst[c] = 0.0f;
      }
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

// The A operand of one micro-kernel call, read in place: kMR row pointers into op(A)
// (rows past M repeat row 0, whose results are discarded), and the distance between
// consecutive k. A is not packed: its values are broadcast one at a time, so any
// layout serves, and skipping the copy matters for the small shapes.
struct ASliver {
  const float* rows[kMR];
  std::ptrdiff_t k_stride;
};

// A gathered A operand: A[r, k] = rows[r][k_offset[k]]. A convolution's receptive fields
// read straight from the (padded) image, without unfolding them first.
struct GatheredASliver {
  const float* rows[kMR];
  const int* k_offset;
};

// Multiply-accumulates a kMR x kc sliver of A and a kc x kNR sliver of B (consecutive k
// b_stride floats apart, 16-byte aligned rows not required) into acc0 (columns 0..kW-1)
// and acc1 (columns kW..2kW-1).
inline void accumulate(int kc, const ASliver& a, const float* __restrict b, std::ptrdiff_t b_stride, batch* acc0,
                       batch* acc1) {
  const float* a_rows[kMR];
#pragma GCC unroll 16
  for (int r = 0; r < kMR; ++r) a_rows[r] = a.rows[r];
  const std::ptrdiff_t a_stride = a.k_stride;
  for (int k = 0; k < kc; ++k) {
    const batch b0 = batch::load_unaligned(b);
    const batch b1 = batch::load_unaligned(b + kW);
#pragma GCC unroll 16
    for (int r = 0; r < kMR; ++r) {
      const batch ar(*a_rows[r]);
      acc0[r] = madd(ar, b0, acc0[r]);
      acc1[r] = madd(ar, b1, acc1[r]);
      a_rows[r] += a_stride;
    }
    b += b_stride;
  }
}

inline void accumulate(int kc, const GatheredASliver& a, const float* __restrict b, std::ptrdiff_t b_stride,
                       batch* acc0, batch* acc1) {
  const float* a_rows[kMR];
#pragma GCC unroll 16
  for (int r = 0; r < kMR; ++r) a_rows[r] = a.rows[r];
  const int* k_offset = a.k_offset;
  for (int k = 0; k < kc; ++k) {
    const batch b0 = batch::load_unaligned(b);
    const batch b1 = batch::load_unaligned(b + kW);
    const int offset = k_offset[k];
#pragma GCC unroll 16
    for (int r = 0; r < kMR; ++r) {
      const batch ar(a_rows[r][offset]);
      acc0[r] = madd(ar, b0, acc0[r]);
      acc1[r] = madd(ar, b1, acc1[r]);
    }
    b += b_stride;
  }
}

// How a finished tile lands in C: the first K block applies beta (beta == 0 never
// reads C), later K blocks add on top.
inline void combine_into(float& out, float product, const WriteBack& wb) {
  if (!wb.first_k_block || wb.beta == 1.0f) out = product + out;
  else if (wb.beta != 0.0f) out = product + wb.beta * out;
  else out = product;
}

// C[0:rows, 0:cols] (row stride ldc) <- the kMR x kNR product of an A sliver (kMR x kc)
// and a B sliver. With transposed_c the tile lands transposed: C[j, i] instead of C[i, j].
template <class A>
void micro_kernel(int kc, const A& a, const float* __restrict b, std::ptrdiff_t b_stride, float* c, int ldc,
                  int rows, int cols, WriteBack wb, bool transposed_c = false) {
  batch acc0[kMR], acc1[kMR];
#pragma GCC unroll 16
  for (int r = 0; r < kMR; ++r) {
    acc0[r] = batch(0.0f);
    acc1[r] = batch(0.0f);
  }
  accumulate(kc, a, b, b_stride, acc0, acc1);

  const batch alpha(wb.alpha), beta(wb.beta);
  if (rows == kMR && cols == kNR && !transposed_c) {
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
  if constexpr (kW == 4 && kMR == 4) {
    if (rows == kMR && cols == kNR && transposed_c) {
      // Two 4x4 transposes (acc0: columns 0-3, acc1: columns 4-7): each column of the tile
      // becomes one vector of kMR consecutive rows, stored as a row of C^T.
      auto transpose_store = [&](const batch* acc, int col0) {
        batch columns[4];
        transpose4x4(acc, columns);
        for (int j = 0; j < 4; ++j) {
          float* cj = c + static_cast<std::int64_t>(col0 + j) * ldc;
          batch v = columns[j] * alpha;
          if (!wb.first_k_block || wb.beta == 1.0f) v = v + batch::load_unaligned(cj);
          else if (wb.beta != 0.0f) v = v + beta * batch::load_unaligned(cj);
          v.store_unaligned(cj);
        }
      };
      transpose_store(acc0, 0);
      transpose_store(acc1, kW);
      return;
    }
  }
  // Edge tile (or a transposed store on wide ISAs): spill the accumulators and write only
  // the valid part of C.
  alignas(64) float tile[kMR * kNR];
  for (int r = 0; r < kMR; ++r) {
    acc0[r].store_aligned(tile + r * kNR);
    acc1[r].store_aligned(tile + r * kNR + kW);
  }
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < cols; ++j) {
      float& out = transposed_c ? c[static_cast<std::int64_t>(j) * ldc + r] : c[static_cast<std::int64_t>(r) * ldc + j];
      combine_into(out, tile[r * kNR + j] * wb.alpha, wb);
    }
}

void scale_c(int M, int N, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<std::int64_t>(i) * ldc;
    if (beta == 0.0f) std::fill(c, c + N, 0.0f);
    else if (beta != 1.0f) for (int j = 0; j < N; ++j) c[j] *= beta;
  }
}

// Up to this many rows of A, row-major B is read in place instead of packed.
constexpr int kMaxRowsForUnpackedB = 4 * kMR;

// Below this many multiply-adds a call runs on the caller's thread: waking the pool
// costs more than it saves.
constexpr std::int64_t kMinParallelWork = std::int64_t(1) << 18;

// The blocked loop nest shared by both entry points. a_sliver(i, rows, pc) returns the
// A operand of rows [i, i + rows) from depth pc on; B is read in place when b_in_place
// (row-major op(B), see below), else packed.
//
// One parallel_for per product: C is cut into tasks of whole row blocks (kMC rows each) x a
// column block of up to kNB columns, and each task runs every K block of its own part, packing
// the B slivers of its columns into scratch of its own (reused by all its row blocks). A
// training step makes dozens of small products, and a barrier per K block and per packing pass
// (as one shared packed panel needs) cost more than the packing the tasks repeat. The task grid
// only decides who computes which tile: every kMR x kNR tile sums the same k in the same order
// whatever the grid or the thread count.
template <class MakeASliver>
void blocked_gemm(int M, int N, int K, float alpha, bool trans_b, const float* B, int ldb, float beta, float* C,
                  int ldc, bool b_in_place, bool transposed_c, const MakeASliver& a_sliver) {
  const int kc_max = std::min(K, kKC);
  const int threads = static_cast<std::int64_t>(M) * N * K >= kMinParallelWork ? parallel_threads() : 1;
  const int m_blocks = (M + kMC - 1) / kMC;
  // One thread: a task per column block, over all rows (each packed sliver serves all of M).
  // More: a few tasks per thread, from narrower column blocks and fewer row blocks per task.
  const int wanted = threads == 1 ? 1 : 4 * threads;
  int nb = kNB;
  while (nb > kNR && static_cast<std::int64_t>(m_blocks) * ((N + nb - 1) / nb) < wanted) nb -= kNR;
  const int n_blocks = (N + nb - 1) / nb;
  const int group = threads == 1 ? m_blocks : std::max(1, m_blocks * n_blocks / wanted);  // row blocks per task
  const int row_groups = (m_blocks + group - 1) / group;
  const std::size_t b_floats = static_cast<std::size_t>(nb) * kc_max;

  auto tasks = [&](std::int64_t lo, std::int64_t hi) {
    float* b_packed = acquire_buffer(b_floats);
    for (std::int64_t task = lo; task < hi; ++task) {
      const int r0 = static_cast<int>(task / n_blocks) * group * kMC;
      const int r1 = std::min(M, r0 + group * kMC);
      const int j0 = static_cast<int>(task % n_blocks) * nb;
      const int j1 = std::min(N, j0 + nb);
      for (int pc = 0; pc < K; pc += kKC) {
        const int kc = std::min(kKC, K - pc);
        const WriteBack wb{alpha, beta, pc == 0};
        for (int j = j0; j < j1; j += kNR) {
          const bool direct = b_in_place && N - j >= kNR;
          if (!direct) pack_b_sliver(trans_b, B, ldb, N, j, pc, kc, b_packed + static_cast<std::int64_t>((j - j0) / kNR) * kNR * kc);
        }
        for (int i0 = r0; i0 < r1; i0 += kMC) {  // one row block (its kMC x kc part of A stays in L2)
          const int i1 = std::min(r1, i0 + kMC);
          for (int j = j0; j < j1; j += kNR) {
            const int cols = std::min(kNR, N - j);
            const bool direct = b_in_place && cols == kNR;
            const float* b_sliver = direct ? B + static_cast<std::int64_t>(pc) * ldb + j
                                           : b_packed + static_cast<std::int64_t>((j - j0) / kNR) * kNR * kc;
            const std::ptrdiff_t b_stride = direct ? ldb : kNR;
            for (int i = i0; i < i1; i += kMR) {
              const int rows = std::min(kMR, M - i);
              float* c = transposed_c ? C + static_cast<std::int64_t>(j) * ldc + i : C + static_cast<std::int64_t>(i) * ldc + j;
              micro_kernel(kc, a_sliver(i, rows, pc), b_sliver, b_stride, c, ldc, rows, cols, wb, transposed_c);
            }
          }
        }
      }
    }
    release_buffer(b_packed, b_floats);
  };
  const std::int64_t count = static_cast<std::int64_t>(row_groups) * n_blocks;
  if (threads > 1 && count > 1) parallel_for(0, count, 1, tasks);
  else tasks(0, count);
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
           int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  // Packing B costs one copy of it per K block and pays off when each sliver then
  // serves many A slivers; for a few rows of A it is cheaper to read B in place
  // (row-major op(B) only; a ragged last sliver is still packed, zero-padded).
  const bool b_in_place = !trans_b && M <= kMaxRowsForUnpackedB;
  blocked_gemm(M, N, K, alpha, trans_b, B, ldb, beta, C, ldc, b_in_place, false, [&](int i, int rows, int pc) {
    ASliver a;
    a.k_stride = trans_a ? lda : 1;
    for (int r = 0; r < kMR; ++r) {
      const int row = i + (r < rows ? r : 0);
      a.rows[r] = trans_a ? A + static_cast<std::int64_t>(pc) * lda + row : A + static_cast<std::int64_t>(row) * lda + pc;
    }
    return a;
  });
}

void sgemm_gathered_a(int M, int N, int K, const float* base, const int* row_offset, const int* k_offset,
                      bool trans_b, const float* B, int ldb, float beta, float* C, int ldc, bool transposed_c) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (transposed_c) {
      for (int j = 0; j < N; ++j)
        for (int i = 0; i < M; ++i) {
          float& out = C[static_cast<std::int64_t>(j) * ldc + i];
          out = beta == 0.0f ? 0.0f : beta * out;
        }
    } else {
      scale_c(M, N, beta, C, ldc);
    }
    return;
  }
  // Row-major op(B) is read in place: here B is a small weight matrix every tile reuses.
  blocked_gemm(M, N, K, 1.0f, trans_b, B, ldb, beta, C, ldc, !trans_b, transposed_c, [&](int i, int rows, int pc) {
    GatheredASliver a;
    a.k_offset = k_offset + pc;
    for (int r = 0; r < kMR; ++r) a.rows[r] = base + row_offset[i + (r < rows ? r : 0)];
    return a;
  });
}

}  // namespace wg
