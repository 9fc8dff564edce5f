// conv2d -> ReLU -> 2x2 max pool (stride 2, no padding) as one node, the block every small CNN
// repeats. Forward, per batch item: the convolution's planes (bias and ReLU applied) stay in a
// buffer of the thread and are pooled at once, so the full-size activation is never written to
// memory nor read back by a separate pooling pass. Backward: the pooled gradient goes to each
// window's winner where the unit was on (pooled value > 0: the ReLU's mask), into a zeroed
// full-size gradient, which the convolution's own backward kernels then take.
//
// Bit-identical to max_pool2d(relu(conv2d(...))) in outputs and every gradient: the same
// products, the same window scan order and tie rule (strictly greater wins, so the first pixel
// of a tie), and the scattered gradient is 0 + g as the unfused pooling's accumulation gives.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/conv2d.h"
#include "ops/max_pool_2x2.h"
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

namespace wg {

Var conv2d_relu_maxpool2(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options) {
  const char* op = "conv2d_relu_maxpool2";
  WG_CHECK(x.defined() && weight.defined(), op, ": input and weight must be defined");
  const ConvGeometry g = conv_geometry(x.shape(), weight.shape(), options, op);
  if (bias.defined())
    WG_CHECK(bias.shape() == Shape{g.out_channels}, op, ": bias must be [", g.out_channels, "] for weight ",
             shape_str(weight.shape()), ", got ", shape_str(bias.shape()));
  WG_CHECK(g.out_height >= 2 && g.out_width >= 2, op, ": a 2x2 pool needs a convolution output of at least 2x2, got ",
           g.out_height, "x", g.out_width);
  const int OW = g.out_width, PH = g.out_height / 2, PW = g.out_width / 2;
  const std::int64_t K = g.out_channels, P = static_cast<std::int64_t>(g.out_height) * OW,
                     Q = static_cast<std::int64_t>(PH) * PW;

  Tensor out = Tensor::empty({g.batch, g.out_channels, PH, PW});
  // Each pooled unit's winner, as a pixel index within its convolution plane.
  auto winner = std::make_shared<std::vector<std::int32_t>>(static_cast<std::size_t>(g.batch * K * Q));
  float* pooled = out.data();
  std::int32_t* win = winner->data();
  conv2d_forward_each_item(x.value().data(), weight.value().data(), bias.defined() ? bias.value().data() : nullptr,
                           true, g, [&](std::int64_t n, const float* planes) {
    for (std::int64_t k = 0; k < K; ++k)
      max_pool_2x2_plane(planes + k * P, OW, PH, PW, pooled + (n * K + k) * Q, win + (n * K + k) * Q);
  });

  std::vector<Var> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  const Tensor x_value = x.value(), w_value = weight.value();
  const bool has_bias = bias.defined();
  return make_result(op, out, inputs, [g, x_value, w_value, has_bias, winner, K, P, Q](Node& self) {
    // The gradient reaching the convolution: the pooled gradient at each winner whose unit was on,
    // 0 elsewhere. Written window by window in one pass (no zero fill first): the winner gets
    // 0 + g, what the unfused pooling's accumulation into a zeroed gradient gives.
    Tensor grad_conv = Tensor::empty({g.batch, g.out_channels, g.out_height, g.out_width});
    const float* grad = self.grad.data();
    const float* value = self.value.data();
    const std::int32_t* win = winner->data();
    float* gc = grad_conv.data();
    const int OH = g.out_height, OW = g.out_width, PH = OH / 2, PW = OW / 2;
    parallel_for(0, g.batch * K, 4, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t plane = lo; plane < hi; ++plane) {
        float* gp = gc + plane * P;
        const std::int64_t q0 = plane * Q;
        for (int oy = 0; oy < PH; ++oy) {
          float* top = gp + static_cast<std::int64_t>(2 * oy) * OW;
          float* bottom = top + OW;
          int ox = 0;
#if defined(__SSE4_1__)
          // Four windows at once: each of its four pixels gets 0 + g where it is the window's winner
          // and the unit was on, else 0; even and odd columns are interleaved back into the rows.
          const __m128i lane = _mm_set_epi32(6, 4, 2, 0);
          const __m128i right = _mm_set1_epi32(1), below = _mm_set1_epi32(OW), below_right = _mm_set1_epi32(OW + 1);
          for (; ox + 4 <= PW; ox += 4) {
            const std::int64_t q = q0 + oy * PW + ox;
            const __m128 on = _mm_cmpgt_ps(_mm_loadu_ps(value + q), _mm_setzero_ps());
            const __m128 g4 = _mm_and_ps(on, _mm_add_ps(_mm_setzero_ps(), _mm_loadu_ps(grad + q)));
            const __m128i offset = _mm_sub_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(win + q)),
                                                 _mm_add_epi32(_mm_set1_epi32(2 * oy * OW + 2 * ox), lane));
            const __m128 tl = _mm_and_ps(g4, _mm_castsi128_ps(_mm_cmpeq_epi32(offset, _mm_setzero_si128())));
            const __m128 tr = _mm_and_ps(g4, _mm_castsi128_ps(_mm_cmpeq_epi32(offset, right)));
            const __m128 bl = _mm_and_ps(g4, _mm_castsi128_ps(_mm_cmpeq_epi32(offset, below)));
            const __m128 br = _mm_and_ps(g4, _mm_castsi128_ps(_mm_cmpeq_epi32(offset, below_right)));
            _mm_storeu_ps(top + 2 * ox, _mm_unpacklo_ps(tl, tr));
            _mm_storeu_ps(top + 2 * ox + 4, _mm_unpackhi_ps(tl, tr));
            _mm_storeu_ps(bottom + 2 * ox, _mm_unpacklo_ps(bl, br));
            _mm_storeu_ps(bottom + 2 * ox + 4, _mm_unpackhi_ps(bl, br));
          }
#endif
          for (; ox < PW; ++ox) {
            const std::int64_t q = q0 + oy * PW + ox;
            top[2 * ox] = top[2 * ox + 1] = bottom[2 * ox] = bottom[2 * ox + 1] = 0.0f;
            if (value[q] > 0.0f) gp[win[q]] = 0.0f + grad[q];
          }
          if (OW % 2) top[OW - 1] = bottom[OW - 1] = 0.0f;  // the column no window covers
        }
        if (OH % 2) std::fill(gp + static_cast<std::int64_t>(OH - 1) * OW, gp + P, 0.0f);  // the row none covers
      }
    });
    if (Tensor* gx = self.input_grad(0)) conv2d_backward_input(gx->data(), gc, w_value.data(), g);
    if (Tensor* gw = self.input_grad(1)) conv2d_backward_weight(gw->data(), gc, x_value.data(), g);
    if (has_bias)
      if (Tensor* gb = self.input_grad(2)) conv2d_backward_bias(gb->data(), gc, g);
  });
}

}  // namespace wg
