// Every differentiable op of the engine, by family. Each family lives in one file of
// engine/ops/ with the raw forward and backward kernels side by side, followed by the
// Var wrapper that records the backward closure. Shapes are N-C-H-W for images.
#pragma once
#include <cstdint>
#include <vector>

#include "autodiff/var.h"

namespace wg {

// ---- elementwise.cpp: binary ops with NumPy broadcasting (trailing dims align, 1 stretches)
Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var div(const Var& a, const Var& b);
Var add_scalar(const Var& a, float s);
Var mul_scalar(const Var& a, float s);
Shape broadcast_shape(const Shape& a, const Shape& b, const char* op);  // throws naming op and both shapes

// ---- unary.cpp: pointwise functions of one tensor
Var neg(const Var& x);
Var exp(const Var& x);
Var log(const Var& x);              // natural log; x <= 0 gives -inf/NaN like IEEE, callers guard
Var pow(const Var& x, float exponent);
Var relu(const Var& x);
Var leaky_relu(const Var& x, float negative_slope = 0.01f);
Var sigmoid(const Var& x);
Var tanh(const Var& x);
Var softplus(const Var& x);         // log(1 + e^x), computed stably
Var sign(const Var& x);             // -1, 0, 1; gradient 0 (perceptron output)
Var step(const Var& x);             // x > 0 ? 1 : 0; gradient 0
Var sin(const Var& x);
Var cos(const Var& x);

// ---- reduce.cpp
Var sum(const Var& x);                                   // all elements -> shape [1]
Var mean(const Var& x);                                  // all elements -> shape [1]
Var sum_axis(const Var& x, int axis, bool keepdim);      // one axis
Var mean_axis(const Var& x, int axis, bool keepdim);

// ---- matmul.cpp
Var matmul(const Var& a, const Var& b);                  // [M,K] x [K,N] -> [M,N]
// Fully connected layer: x [N, in] , weight [out, in], bias [out] (bias may be undefined) -> [N, out]
Var linear(const Var& x, const Var& weight, const Var& bias);

// ---- softmax.cpp: over the last axis
Var softmax(const Var& x);
Var log_softmax(const Var& x);

// ---- shape.cpp
Var reshape(const Var& x, const Shape& shape);           // one -1 allowed
Var flatten(const Var& x);                               // [N, ...] -> [N, prod(...)]
Var concat(const std::vector<Var>& xs, int axis);
// Residual connection: a + b with identical shapes (a named op so graphs show it).
Var residual_add(const Var& a, const Var& b);

// ---- conv2d.cpp: x [N,C,H,W], weight [K,C,KH,KW], bias [K] (may be undefined)
struct Conv2dOptions {
  int stride = 1;
  int pad = 0;
  int dilation = 1;
};
// Output size along one axis: (in + 2 pad - dilation (k - 1) - 1) / stride + 1; throws if < 1.
// Floor division like PyTorch: a last partial window is dropped.
int conv_output_size(int in, int kernel, int stride, int pad, int dilation, const char* what);
// The lecture's "does the filter fit" question: true when (in + 2 pad - dilated kernel) is a
// multiple of stride, so the windows tile the padded input with nothing left over.
bool conv_fits_exactly(int in, int kernel, int stride, int pad, int dilation = 1);
Var conv2d(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options);
// relu(conv2d(x, weight, bias)) as one node, with the same values and gradients: bias and ReLU
// are applied while each output plane is still in cache, and backward masks the incoming
// gradient once instead of keeping a separate ReLU node and its gradient buffer.
Var conv2d_relu(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options);
// max_pool2d(relu(conv2d(x, weight, bias)), 2x2, stride 2, no padding) as one node, bit-identical to the three
// (the full-size activation is never stored; conv2d_relu_pool.cpp).
Var conv2d_relu_maxpool2(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options);

// ---- pool.cpp: x [N,C,H,W], window `kernel`, `stride` (0 = kernel), `pad`
struct Pool2dOptions {
  int kernel = 2;
  int stride = 0;
  int pad = 0;
};
Var max_pool2d(const Var& x, const Pool2dOptions& options);
Var avg_pool2d(const Var& x, const Pool2dOptions& options);  // padding counts as zeros in the average
Var l2_pool2d(const Var& x, const Pool2dOptions& options);   // sqrt(sum of squares in the window)
// Global average pooling: x [N,C,H,W] -> [N,C], each channel's mean over its H x W plane.
Var global_avg_pool2d(const Var& x);

// ---- normalization.cpp
// Batch norm over (N,H,W) per channel for [N,C,H,W] or over N for [N,C].
// training: uses batch statistics and updates running_mean/var in place
// (running = (1 - momentum) running + momentum batch, unbiased variance for running_var);
// eval: uses the running statistics.
Var batch_norm(const Var& x, const Var& gamma, const Var& beta, Tensor& running_mean, Tensor& running_var,
               bool training, float momentum = 0.1f, float eps = 1e-5f);
// Layer norm over all of (C,H,W) per sample; gamma/beta shaped like one sample (may be undefined).
Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps = 1e-5f);
// Instance norm over (H,W) per sample and channel; gamma/beta [C] (may be undefined).
Var instance_norm(const Var& x, const Var& gamma, const Var& beta, float eps = 1e-5f);
// Local contrast normalisation: subtract the local mean over a size x size window
// (all channels), divide by max(local std, mean local std over the image, eps).
Var local_contrast_norm(const Var& x, int size = 9, float eps = 1e-4f);

// ---- dropout.cpp: inverted dropout; identity when !training or p == 0
class Rng;
Var dropout(const Var& x, float p, bool training, Rng& rng);

}  // namespace wg
