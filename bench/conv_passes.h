// The convolution passes of the benchmark's CNN (conv 1->8 and 8->16, 5x5 pad 2, batch 64),
// run through the engine's fast kernels (ops/conv2d.h) exactly as training calls them.
// Shared by the native and WASM benches so both report the same passes; a pass's figure is
// its multiply-adds x 2 per second, comparable with the GEMM rows and the peak.
#pragma once
#include <cstdint>
#include <vector>

#include "core/random.h"
#include "ops/conv2d.h"

namespace wg::bench {

enum class ConvPass { kForward, kWeightGradient, kInputGradient };

struct ConvCase {
  const char* label;
  int in_channels, size, out_channels;
  ConvPass pass;
};

// The CNN preset's two layers and the passes training runs for them (the first layer's input
// is the data, so it has no input gradient).
inline const ConvCase kConvCases[] = {
    {"conv 1->8 5x5 28x28 forward", 1, 28, 8, ConvPass::kForward},
    {"conv 1->8 5x5 28x28 weight gradient", 1, 28, 8, ConvPass::kWeightGradient},
    {"conv 8->16 5x5 14x14 forward", 8, 14, 16, ConvPass::kForward},
    {"conv 8->16 5x5 14x14 weight gradient", 8, 14, 16, ConvPass::kWeightGradient},
    {"conv 8->16 5x5 14x14 input gradient", 8, 14, 16, ConvPass::kInputGradient},
};

// Operands of one case at batch 64; run() performs the pass once.
class ConvBench {
 public:
  explicit ConvBench(const ConvCase& c) : case_(c) {
    g_ = conv_geometry({64, c.in_channels, c.size, c.size}, {c.out_channels, c.in_channels, 5, 5},
                       Conv2dOptions{1, 2, 1}, "bench");
    x_ = random_floats(static_cast<std::size_t>(64) * c.in_channels * c.size * c.size, 1);
    weight_ = random_floats(static_cast<std::size_t>(c.out_channels) * c.in_channels * 25, 2);
    bias_ = random_floats(static_cast<std::size_t>(c.out_channels), 3);
    out_ = random_floats(static_cast<std::size_t>(64) * c.out_channels * g_.out_height * g_.out_width, 4);
    grad_weight_.assign(weight_.size(), 0.0f);
    grad_x_.assign(x_.size(), 0.0f);
  }

  void run() {
    switch (case_.pass) {
      case ConvPass::kForward:
        conv2d_forward(out_.data(), x_.data(), weight_.data(), bias_.data(), g_);
        break;
      case ConvPass::kWeightGradient:
        conv2d_backward_weight(grad_weight_.data(), out_.data(), x_.data(), g_);
        break;
      case ConvPass::kInputGradient:
        conv2d_backward_input(grad_x_.data(), out_.data(), weight_.data(), g_);
        break;
    }
  }

  // 2 x multiply-adds of one run.
  double flops() const {
    return 2.0 * g_.batch * g_.out_channels * g_.out_height * g_.out_width * g_.in_channels * g_.kernel_height *
           g_.kernel_width;
  }

 private:
  static std::vector<float> random_floats(std::size_t count, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(count);
    for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
  }

  ConvCase case_;
  ConvGeometry g_;
  std::vector<float> x_, weight_, bias_, out_, grad_weight_, grad_x_;
};

}  // namespace wg::bench
