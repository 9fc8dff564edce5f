// Native SGEMM throughput (GFLOP/s counter) on the shapes the engine multiplies and on
// squares, and the single-core peak of the same xsimd arch (BM_PeakFlops) so a GEMM
// figure reads as a fraction of what the core can do.
//   build/native/wasmgrad_bench --benchmark_filter='Gemm|Conv|Peak'
#include <benchmark/benchmark.h>

#include <iterator>
#include <vector>

#include "../conv_passes.h"
#include "../peak_flops.h"
#include "core/parallel.h"
#include "core/random.h"
#include "kernels/gemm.h"

namespace {

std::vector<float> random_floats(std::size_t count, std::uint64_t seed) {
  wg::Rng rng(seed);
  std::vector<float> v(count);
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

// Args: M, N, K, trans_a, trans_b, threads.
void BM_Sgemm(benchmark::State& state) {
  const int M = static_cast<int>(state.range(0)), N = static_cast<int>(state.range(1)),
            K = static_cast<int>(state.range(2));
  const bool trans_a = state.range(3) != 0, trans_b = state.range(4) != 0;
  wg::set_num_threads(static_cast<int>(state.range(5)));
  const std::vector<float> A = random_floats(static_cast<std::size_t>(M) * K, 1);
  const std::vector<float> B = random_floats(static_cast<std::size_t>(K) * N, 2);
  std::vector<float> C(static_cast<std::size_t>(M) * N);
  const int lda = trans_a ? M : K, ldb = trans_b ? K : N;
  for (auto _ : state) {
    wg::sgemm(trans_a, trans_b, M, N, K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), N);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * M * N * K * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  wg::set_num_threads(1);
}
BENCHMARK(BM_Sgemm)
    ->ArgNames({"M", "N", "K", "ta", "tb", "threads"})
    ->Args({64, 128, 784, 0, 0, 1})   // MLP layer 1 forward, batch 64
    ->Args({64, 10, 128, 0, 0, 1})    // MLP layer 2 forward
    ->Args({64, 784, 128, 0, 1, 1})   // layer 1 input gradient: dY W^T
    ->Args({784, 128, 64, 1, 0, 1})   // layer 1 weight gradient: X^T dY
    ->Args({128, 64, 784, 0, 0, 1})
    ->Args({256, 256, 256, 0, 0, 1})
    ->Args({512, 512, 512, 0, 0, 1});
// Two threads: wall-clock rate (CPU time of the calling thread alone would flatter it).
BENCHMARK(BM_Sgemm)
    ->ArgNames({"M", "N", "K", "ta", "tb", "threads"})
    ->Args({256, 256, 256, 0, 0, 2})
    ->Args({512, 512, 512, 0, 0, 2})
    ->UseRealTime();

// The CNN's convolution passes through the engine's kernels (bench/conv_passes.h), one thread.
// Arg: index into kConvCases.
void BM_ConvPass(benchmark::State& state) {
  const wg::bench::ConvCase& c = wg::bench::kConvCases[state.range(0)];
  wg::set_num_threads(1);
  wg::bench::ConvBench bench(c);
  for (auto _ : state) {
    bench.run();
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(bench.flops() * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(c.label);
}
BENCHMARK(BM_ConvPass)->ArgName("case")->DenseRange(0, std::size(wg::bench::kConvCases) - 1);

void BM_PeakFlops(benchmark::State& state) {
  double gflops = 0;
  for (auto _ : state) gflops = wg::bench::measure_peak_gflops(3);
  state.counters["GFLOP/s"] = gflops;
  state.SetLabel(xsimd::default_arch::name());
}
BENCHMARK(BM_PeakFlops)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
