// sgemm against the naive sgemm_reference: edge sizes, transposes, alpha/beta,
// padded strides and the shapes the engine really multiplies (MLP layers at batch 64,
// convolution-sized products); sgemm_gathered_a against the same oracle on the materialised A;
// plus bit-identical results for 1, 2, 3, 4 and 8 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "core/random.h"
#include "kernels/gemm.h"

namespace wg {
namespace {

struct GemmCase {
  int M, N, K;
  bool trans_a, trans_b;
  float alpha, beta;
  int pad;  // extra floats at the end of every row of A, B and C (lda/ldb/ldc > width)
};

std::string describe(const GemmCase& g) {
  return "M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) + " K=" + std::to_string(g.K) +
         " trans_a=" + std::to_string(g.trans_a) + " trans_b=" + std::to_string(g.trans_b) +
         " alpha=" + std::to_string(g.alpha) + " beta=" + std::to_string(g.beta) + " pad=" + std::to_string(g.pad);
}

std::vector<float> random_floats(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(count);
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// Operands laid out for one case: A is M x K (K x M when trans_a), B is K x N (N x K when trans_b).
struct Operands {
  int lda, ldb, ldc;
  std::vector<float> A, B, C;
  explicit Operands(const GemmCase& g, std::uint64_t seed) {
    const int a_rows = g.trans_a ? g.K : g.M, a_cols = g.trans_a ? g.M : g.K;
    const int b_rows = g.trans_b ? g.N : g.K, b_cols = g.trans_b ? g.K : g.N;
    lda = a_cols + g.pad;
    ldb = b_cols + g.pad;
    ldc = g.N + g.pad;
    A = random_floats(static_cast<std::size_t>(a_rows) * lda, seed);
    B = random_floats(static_cast<std::size_t>(b_rows) * ldb, seed + 1);
    C = random_floats(static_cast<std::size_t>(g.M) * ldc, seed + 2);
  }
};

class GemmMatchesReference : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmMatchesReference, WithinFloatRoundingOfTheOracle) {
  const GemmCase g = GetParam();
  Operands ops(g, 7);
  if (g.beta == 0.0f)  // beta == 0 must ignore C entirely, even NaN
    for (float& c : ops.C) c = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> expected = ops.C, actual = ops.C;
  sgemm_reference(g.trans_a, g.trans_b, g.M, g.N, g.K, g.alpha, ops.A.data(), ops.lda, ops.B.data(), ops.ldb, g.beta,
                  expected.data(), ops.ldc);
  sgemm(g.trans_a, g.trans_b, g.M, g.N, g.K, g.alpha, ops.A.data(), ops.lda, ops.B.data(), ops.ldb, g.beta,
        actual.data(), ops.ldc);

  // Rounding bound: each sum of K float products errs by at most ~K ulps of the sum of |terms|.
  auto abs_of = [](std::vector<float> v) {
    for (float& x : v) x = std::isnan(x) ? 0.0f : std::fabs(x);
    return v;
  };
  std::vector<float> magnitude = abs_of(ops.C);
  const std::vector<float> abs_a = abs_of(ops.A), abs_b = abs_of(ops.B);
  sgemm_reference(g.trans_a, g.trans_b, g.M, g.N, g.K, std::fabs(g.alpha), abs_a.data(), ops.lda, abs_b.data(),
                  ops.ldb, std::fabs(g.beta), magnitude.data(), ops.ldc);
  const float unit = std::numeric_limits<float>::epsilon();
  for (int i = 0; i < g.M; ++i) {
    for (int j = 0; j < g.N; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * ops.ldc + j;
      const float tol = 2.0f * (g.K + 2) * unit * magnitude[at] + 1e-30f;
      ASSERT_NEAR(actual[at], expected[at], tol) << describe(g) << " at C[" << i << "," << j << "]";
    }
    for (int j = g.N; j < ops.ldc; ++j) {  // padding past N must be untouched
      const std::size_t at = static_cast<std::size_t>(i) * ops.ldc + j;
      ASSERT_TRUE(std::isnan(ops.C[at]) ? std::isnan(actual[at]) : actual[at] == ops.C[at])
          << describe(g) << " wrote padding C[" << i << "," << j << "]";
    }
  }
}

std::vector<GemmCase> reference_cases() {
  std::vector<GemmCase> cases = {
      {1, 1, 1, false, false, 1.0f, 0.0f, 0},
      {7, 13, 5, false, false, 1.0f, 0.0f, 0},
      {17, 33, 65, false, false, 1.0f, 0.0f, 0},
      {6, 32, 256, false, false, 1.0f, 0.0f, 0},    // exactly one register tile wide at AVX-512
      {97, 131, 600, false, false, 1.0f, 0.0f, 0},  // several K blocks, ragged tiles
      {300, 1100, 9, false, false, 1.0f, 0.0f, 0},  // N spans more than one packed B panel
      {5, 3, 0, false, false, 1.0f, 0.5f, 0},       // K == 0: C = beta * C
      {9, 10, 11, false, false, 0.0f, 2.0f, 0},     // alpha == 0: C = beta * C
      // The engine's shapes: MLP 784-128-10 at batch 64 (forward, both backward products)...
      {64, 128, 784, false, false, 1.0f, 0.0f, 0},
      {64, 10, 128, false, false, 1.0f, 0.0f, 0},
      {64, 784, 128, false, true, 1.0f, 0.0f, 0},
      {784, 128, 64, true, false, 1.0f, 1.0f, 0},
      {128, 784, 64, true, false, 1.0f, 0.0f, 0},
      // ... and convolution-sized products: (out channels) x (pixels) x (in channels * kernel area).
      {8, 784, 25, false, false, 1.0f, 0.0f, 0},
      {16, 196, 200, false, false, 1.0f, 0.0f, 0},
      {16, 200, 196, false, true, 1.0f, 1.0f, 0},
  };
  // Every transpose combination with alpha/beta variants and padded strides.
  const float alphas_betas[][2] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {-0.5f, 0.0f}, {0.75f, -2.0f}};
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (const auto& ab : alphas_betas)
        for (int pad : {0, 3}) {
          cases.push_back({7, 13, 5, ta == 1, tb == 1, ab[0], ab[1], pad});
          cases.push_back({23, 45, 300, ta == 1, tb == 1, ab[0], ab[1], pad});
        }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemmMatchesReference, ::testing::ValuesIn(reference_cases()));

// sgemm_gathered_a: A[i, k] = base[row_offset[i] + k_offset[k]] with arbitrary (overlapping,
// unordered) offsets, checked against sgemm_reference on A written out, for C stored both
// ways, both B layouts, beta 0 (C full of NaN) and 1, ragged tiles and several K blocks.
struct GatheredCase {
  int M, N, K;
  bool trans_b, transposed_c;
  float beta;
};

TEST(GemmGathered, MatchesTheOracleOnTheMaterialisedMatrix) {
  const GatheredCase cases[] = {
      {784, 8, 25, false, true, 0.0f},   // conv 1->8 5x5 forward on 28x28 (out^T)
      {196, 16, 200, false, true, 0.0f},  // conv 8->16 forward
      {25, 8, 784, true, false, 1.0f},    // conv 1->8 weight gradient (K > one block)
      {200, 16, 196, true, false, 0.0f},  // conv 8->16 weight gradient
      {13, 11, 7, false, false, 0.0f},    // ragged everything
      {13, 11, 7, true, true, 1.0f},
      {5, 19, 600, false, true, 1.0f},
      {1, 1, 1, true, false, 0.0f},
  };
  Rng rng(21);
  for (const GatheredCase& g : cases) {
    const std::string what = "M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) + " K=" + std::to_string(g.K) +
                             " trans_b=" + std::to_string(g.trans_b) + " transposed_c=" +
                             std::to_string(g.transposed_c) + " beta=" + std::to_string(g.beta);
    const std::vector<float> base = random_floats(4096, 31);
    std::vector<int> row_offset(g.M), k_offset(g.K);
    for (int& o : row_offset) o = static_cast<int>(rng.uniform(0.0f, 2047.0f));
    for (int& o : k_offset) o = static_cast<int>(rng.uniform(0.0f, 2047.0f));
    std::vector<float> A(static_cast<std::size_t>(g.M) * g.K);
    for (int i = 0; i < g.M; ++i)
      for (int k = 0; k < g.K; ++k) A[static_cast<std::size_t>(i) * g.K + k] = base[row_offset[i] + k_offset[k]];
    const int ldb = g.trans_b ? g.K : g.N;
    const std::vector<float> B = random_floats(static_cast<std::size_t>(g.K) * g.N, 41);
    // C is M x N (ldc N + 2), or stored transposed: N x M (ldc M + 2); the 2 extra floats per row are padding.
    const int c_rows = g.transposed_c ? g.N : g.M, c_cols = g.transposed_c ? g.M : g.N, ldc = c_cols + 2;
    std::vector<float> C = random_floats(static_cast<std::size_t>(c_rows) * ldc, 51);
    if (g.beta == 0.0f)
      for (int r = 0; r < c_rows; ++r)
        for (int c = 0; c < c_cols; ++c) C[static_cast<std::size_t>(r) * ldc + c] = std::numeric_limits<float>::quiet_NaN();

    std::vector<float> expected(static_cast<std::size_t>(g.M) * g.N);
    for (int i = 0; i < g.M; ++i)
      for (int j = 0; j < g.N; ++j) {
        const float old = g.transposed_c ? C[static_cast<std::size_t>(j) * ldc + i] : C[static_cast<std::size_t>(i) * ldc + j];
        expected[static_cast<std::size_t>(i) * g.N + j] = g.beta == 0.0f ? 0.0f : old;
      }
    sgemm_reference(false, g.trans_b, g.M, g.N, g.K, 1.0f, A.data(), g.K, B.data(), ldb, g.beta, expected.data(), g.N);
    std::vector<float> actual = C;
    sgemm_gathered_a(g.M, g.N, g.K, base.data(), row_offset.data(), k_offset.data(), g.trans_b, B.data(), ldb, g.beta,
                     actual.data(), ldc, g.transposed_c);
    const float tol = 4.0f * (g.K + 2) * std::numeric_limits<float>::epsilon() * (g.K + 1);
    for (int i = 0; i < g.M; ++i)
      for (int j = 0; j < g.N; ++j) {
        const std::size_t at = g.transposed_c ? static_cast<std::size_t>(j) * ldc + i : static_cast<std::size_t>(i) * ldc + j;
        ASSERT_NEAR(actual[at], expected[static_cast<std::size_t>(i) * g.N + j], tol) << what << " at C[" << i << "," << j << "]";
      }
    for (int r = 0; r < c_rows; ++r)
      for (int c = c_cols; c < ldc; ++c) {
        const std::size_t at = static_cast<std::size_t>(r) * ldc + c;
        ASSERT_EQ(actual[at], C[at]) << what << " wrote padding at row " << r;
      }
  }
}

TEST(Gemm, BitIdenticalForOneTwoAndFourThreads) {
  const GemmCase cases[] = {
      {256, 256, 256, false, false, 1.0f, 0.0f, 0},
      {131, 97, 600, true, true, 0.5f, 1.0f, 1},
      {8, 784, 25, false, false, 1.0f, 0.0f, 0},
      {784, 128, 64, true, false, 1.0f, 1.0f, 0},
  };
  for (const GemmCase& g : cases) {
    Operands ops(g, 11);
    std::vector<float> first;
    for (int threads : {1, 2, 3, 4, 8}) {
      set_num_threads(threads);
      std::vector<float> c = ops.C;
      sgemm(g.trans_a, g.trans_b, g.M, g.N, g.K, g.alpha, ops.A.data(), ops.lda, ops.B.data(), ops.ldb, g.beta,
            c.data(), ops.ldc);
      if (first.empty()) first = c;
      else
        for (std::size_t i = 0; i < c.size(); ++i)
          ASSERT_EQ(c[i], first[i]) << describe(g) << " differs at flat " << i << " with " << threads << " threads";
    }
  }
  set_num_threads(1);
}

}  // namespace
}  // namespace wg
