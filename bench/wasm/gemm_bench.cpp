// WASM SGEMM throughput on one thread, as a fraction of the measured SIMD128 peak.
// Built by emcc (-DWASMGRAD_WASM_BENCH=ON, see CMakeLists.txt) into a Node script:
//   node --no-experimental-fetch build/wasm-bench/wasmgrad_wasm_bench.js
// Prints one line per shape: GFLOP/s (best of several timed rounds) and % of peak; then one
// line per convolution pass of the CNN (bench/conv_passes.h), run through the engine's kernels.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "../conv_passes.h"
#include "../peak_flops.h"
#include "core/parallel.h"
#include "core/random.h"
#include "kernels/gemm.h"

namespace {

struct Shape {
  int M, N, K;
  bool trans_a, trans_b;
  const char* what;
};

// GFLOP/s of once(): the best of several rounds of >= 50 ms of CPU time each. The machine
// is shared; the best round is the one least disturbed by other processes.
template <class Once>
double best_gflops(double flops, const Once& once) {
  once();  // warm up: buffers pooled, code tiered up
  double best = 0.0;
  for (int round = 0; round < 7; ++round) {
    int calls = 0;
    const double start = wg::bench::cpu_seconds();
    double elapsed = 0.0;
    do {
      once();
      ++calls;
      elapsed = wg::bench::cpu_seconds() - start;
    } while (elapsed < 0.05);
    best = std::max(best, flops * calls / elapsed * 1e-9);
  }
  return best;
}

double gemm_gflops(const Shape& s) {
  wg::Rng rng(1);
  std::vector<float> A(static_cast<std::size_t>(s.M) * s.K), B(static_cast<std::size_t>(s.K) * s.N),
      C(static_cast<std::size_t>(s.M) * s.N);
  for (float& x : A) x = rng.uniform(-1.0f, 1.0f);
  for (float& x : B) x = rng.uniform(-1.0f, 1.0f);
  const int lda = s.trans_a ? s.M : s.K, ldb = s.trans_b ? s.K : s.N;
  auto once = [&] { wg::sgemm(s.trans_a, s.trans_b, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N); };
  return best_gflops(2.0 * s.M * s.N * s.K, once);
}

}  // namespace

int main() {
  wg::set_num_threads(1);
  double peak = 0.0;
  peak = wg::bench::measure_peak_gflops();
  std::printf("arch %s, peak (best of FMA / mul+add chain loops, 1 thread): %.1f GFLOP/s\n", xsimd::default_arch::name(), peak);

  const Shape shapes[] = {
      {64, 128, 784, false, false, "MLP layer 1 forward (batch 64)"},
      {64, 10, 128, false, false, "MLP layer 2 forward"},
      {64, 784, 128, false, true, "layer 1 input gradient dY W^T"},
      {784, 128, 64, true, false, "layer 1 weight gradient X^T dY"},
      {128, 64, 784, false, false, ""},
      {256, 256, 256, false, false, "square"},
      {512, 512, 512, false, false, "square"},
  };
  std::printf("%5s %5s %5s %2s %2s %8s %7s  %s\n", "M", "N", "K", "tA", "tB", "GFLOP/s", "%peak", "");
  for (const Shape& s : shapes) {
    const double g = gemm_gflops(s);
    std::printf("%5d %5d %5d %2d %2d %8.1f %6.1f%%  %s\n", s.M, s.N, s.K, s.trans_a, s.trans_b, g, 100.0 * g / peak,
                s.what);
  }
  // The CNN's convolution passes through the engine's kernels (batch 64).
  std::printf("conv passes (batch 64, 1 thread)\n");
  for (const wg::bench::ConvCase& c : wg::bench::kConvCases) {
    wg::bench::ConvBench bench(c);
    const double g = best_gflops(bench.flops(), [&] { bench.run(); });
    std::printf("conv %8.1f %6.1f%%  %s\n", g, 100.0 * g / peak, c.label);
  }
  return 0;
}
