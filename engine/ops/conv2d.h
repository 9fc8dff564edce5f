// Raw 2-D convolution kernels on pointers (the Var wrapper conv2d lives in ops.h).
// Exposed so layers, benchmarks and tests can call the fast kernels and the naive
// direct-loop reference (the test oracle) with the same geometry.
#pragma once
#include <cstdint>
#include <functional>

#include "ops/ops.h"

namespace wg {

// Every size of one convolution. Built by conv_geometry, which validates it.
struct ConvGeometry {
  int batch = 0, in_channels = 0, in_height = 0, in_width = 0;
  int out_channels = 0, kernel_height = 0, kernel_width = 0;
  int out_height = 0, out_width = 0;
  int stride = 1, pad = 0, dilation = 1;
};
// x_shape [N,C,H,W], weight_shape [K,C,KH,KW]; throws naming `what` and the shapes.
ConvGeometry conv_geometry(const Shape& x_shape, const Shape& weight_shape, const Conv2dOptions& options,
                           const char* what);

// Fast kernels: per batch item, GEMMs that read the padded image through offset tables (no
// unfolded im2col matrix), threaded over items; bit-identical for any thread count.
// out [N,K,OH,OW] = x [N,C,H,W] (*) weight [K,C,KH,KW] + bias [K] (bias may be null). Overwrites out.
void conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g);
// The same followed by max(out, 0), in the same pass over each output plane.
void conv2d_relu_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g);
// The forward of one item at a time, for a consumer that reduces the output at once (the fused
// conv + ReLU + max-pool): consume(n, planes) gets item n's [K, OH*OW] planes (bias added,
// ReLU applied when relu) in a buffer of the calling thread, valid until it returns. Threaded
// over items: consume runs on several threads at once, for different n.
void conv2d_forward_each_item(const float* x, const float* weight, const float* bias, bool relu, const ConvGeometry& g,
                              const std::function<void(std::int64_t, const float*)>& consume);
// grad_x [N,C,H,W] += d(out)/d(x)^T grad_out [N,K,OH,OW]
void conv2d_backward_input(float* grad_x, const float* grad_out, const float* weight, const ConvGeometry& g);
// grad_weight [K,C,KH,KW] += sum over the batch (fixed-size item blocks, summed in a fixed order)
void conv2d_backward_weight(float* grad_weight, const float* grad_out, const float* x, const ConvGeometry& g);
// grad_bias [K] += sum over N, OH, OW of grad_out
void conv2d_backward_bias(float* grad_bias, const float* grad_out, const ConvGeometry& g);

// Naive direct loops with the same contracts: the oracle for the fast kernels.
void conv2d_forward_reference(float* out, const float* x, const float* weight, const float* bias,
                              const ConvGeometry& g);
void conv2d_backward_input_reference(float* grad_x, const float* grad_out, const float* weight,
                                     const ConvGeometry& g);
void conv2d_backward_weight_reference(float* grad_weight, const float* grad_out, const float* x,
                                      const ConvGeometry& g);

}  // namespace wg
