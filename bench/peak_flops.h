// The single-core float peak for this build's xsimd arch, so every GEMM figure can be
// read as a fraction of what the core can do. Shared by the native and WASM benches.
// Three loops, the fastest one counts:
//  - FMA chains: acc = fma(acc, m, a). Natively one FMA instruction per step; in WASM
//    SIMD128 (no FMA) it is a mul then a dependent add.
//  - mul+add chains: x = x * m; acc = acc + x. The mul is off the add chain, as in a
//    GEMM micro-kernel, so independent muls and adds keep both FP ports busy without FMA.
//  - add, mul, add chains: no mul on any chain at all (see below).
// Both are noinline so repeated calls run optimised code: V8 tiers a WASM function up
// only between calls, never inside a running loop.
#pragma once
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <xsimd/xsimd.hpp>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// Node's process CPU time: on a shared machine wall time would count other processes.
// (Include this header from one translation unit only: EM_JS defines a function.)
EM_JS(double, node_cpu_seconds, (), {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1e-6;
});
#endif

namespace wg::bench {

// Seconds of this process's CPU time (the machine is shared: wall time counts others).
inline double cpu_seconds() {
#ifdef __EMSCRIPTEN__
  return node_cpu_seconds();
#else
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
#endif
}

using peak_batch = xsimd::batch<float>;


template <class T>
inline void keep_alive(const T& value) {
  volatile float sink = xsimd::hadd(value);
  (void)sink;
}

// Returns GFLOP/s of `iterations` steps of 12 independent FMA chains.
[[gnu::noinline]] inline double fma_chains_gflops(std::int64_t iterations) {
  constexpr int kChains = 12;
  peak_batch acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = peak_batch(1.0f + 0.001f * c);
  volatile float m_source = 0.999999f, a_source = 1e-7f;  // volatile: nothing to constant-fold
  const peak_batch m(m_source), a(a_source);
  const double start = cpu_seconds();
  for (std::int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], m, a);
  }
  const double seconds = cpu_seconds() - start;
  peak_batch total(0.0f);
  for (int c = 0; c < kChains; ++c) total = total + acc[c];
  keep_alive(total);
  return 2.0 * peak_batch::size * kChains * static_cast<double>(iterations) / seconds * 1e-9;
}

// Returns GFLOP/s of `iterations` steps of 7 mul chains each feeding an add chain
// (7 + 7 accumulators, m: 15 vector registers, within x86-64's 16 for V8).
[[gnu::noinline]] inline double mul_add_chains_gflops(std::int64_t iterations) {
  constexpr int kChains = 7;
  peak_batch x[kChains], acc[kChains];
  for (int c = 0; c < kChains; ++c) {
    x[c] = peak_batch(1.0f + 0.001f * c);
    acc[c] = peak_batch(0.0f);
  }
  volatile float m_source = 0.9999999f;
  const peak_batch m(m_source);
  const double start = cpu_seconds();
  for (std::int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) {
      x[c] = x[c] * m;
      acc[c] = acc[c] + x[c];
    }
  }
  const double seconds = cpu_seconds() - start;
  peak_batch total(0.0f);
  for (int c = 0; c < kChains; ++c) total = total + acc[c];
  keep_alive(total);
  return 2.0 * peak_batch::size * kChains * static_cast<double>(iterations) / seconds * 1e-9;
}

// Returns GFLOP/s of `iterations` steps of 5 chains x = x + d; acc = acc + x * m: the
// mul is off every chain (as in a GEMM micro-kernel), so it is bounded by port
// throughput rather than mul latency. 3 flops per lane and step.
[[gnu::noinline]] inline double add_mul_add_chains_gflops(std::int64_t iterations) {
  constexpr int kChains = 5;
  peak_batch x[kChains], acc[kChains];
  for (int c = 0; c < kChains; ++c) {
    x[c] = peak_batch(1.0f + 0.001f * c);
    acc[c] = peak_batch(0.0f);
  }
  volatile float m_source = 0.5f, d_source = 1e-7f;
  const peak_batch m(m_source), d(d_source);
  const double start = cpu_seconds();
  for (std::int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) {
      x[c] = x[c] + d;
      acc[c] = acc[c] + x[c] * m;
    }
  }
  const double seconds = cpu_seconds() - start;
  peak_batch total(0.0f);
  for (int c = 0; c < kChains; ++c) total = total + acc[c];
  keep_alive(total);
  return 3.0 * peak_batch::size * kChains * static_cast<double>(iterations) / seconds * 1e-9;
}

// Best of `rounds` runs of the three loops.
inline double measure_peak_gflops(int rounds = 5, std::int64_t iterations = 5'000'000) {
  double best = 0.0;
  for (int r = 0; r < rounds; ++r)
    best = std::max({best, fma_chains_gflops(iterations), mul_add_chains_gflops(iterations),
                     add_mul_add_chains_gflops(iterations)});
  return best;
}

}  // namespace wg::bench
