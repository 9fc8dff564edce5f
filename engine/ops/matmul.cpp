// Matrix multiply and the fully connected layer, forward and backward through wg::sgemm.
//
//   matmul: C [M,N] = A [M,K] B [K,N]          dA += dC B^T,   dB += A^T dC
//   linear: y [N,out] = x [N,in] W^T + b       dx += dy W,     dW += dy^T x,   db += sum_rows dy
//
// Gradients accumulate with beta = 1, so a weight shared by two layers receives both.
// The bias gradient sums rows in row order (deterministic for any thread count).
#include <algorithm>
#include <vector>

#include "core/error.h"
#include "kernels/gemm.h"
#include "ops/ops.h"

namespace wg {
namespace {

// y [rows, cols] = each row a copy of bias [cols] (linear's output before the GEMM adds x W^T).
void broadcast_rows(float* y, const float* bias, int rows, int cols) {
  for (int r = 0; r < rows; ++r) std::copy(bias, bias + cols, y + static_cast<std::int64_t>(r) * cols);
}

// gbias [cols] += sum over rows of g [rows, cols], rows in order.
void sum_rows_into(float* gbias, const float* g, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float* row = g + static_cast<std::int64_t>(r) * cols;
    for (int c = 0; c < cols; ++c) gbias[c] += row[c];
  }
}

}  // namespace

Var matmul(const Var& a, const Var& b) {
  WG_CHECK(a.defined() && b.defined(), "matmul: an input is undefined");
  WG_CHECK(a.value().rank() == 2 && b.value().rank() == 2, "matmul: needs two matrices [M, K] x [K, N], got ",
           shape_str(a.shape()), " x ", shape_str(b.shape()));
  const int M = a.shape()[0], K = a.shape()[1], N = b.shape()[1];
  WG_CHECK(b.shape()[0] == K, "matmul: inner dimensions differ in ", shape_str(a.shape()), " x ",
           shape_str(b.shape()), " (", K, " vs ", b.shape()[0], ")");
  Tensor out = Tensor::empty({M, N});
  const Tensor av = a.value(), bv = b.value();
  sgemm(false, false, M, N, K, 1.0f, av.data(), K, bv.data(), N, 0.0f, out.data(), N);
  return make_result("matmul", out, {a, b}, [av, bv, M, N, K](Node& self) {
    const float* g = self.grad.data();  // [M, N]
    if (Tensor* ga = self.input_grad(0))  // [M, K] += g [M, N] * B^T
      sgemm(false, true, M, K, N, 1.0f, g, N, bv.data(), N, 1.0f, ga->data(), K);
    if (Tensor* gb = self.input_grad(1))  // [K, N] += A^T * g [M, N]
      sgemm(true, false, K, N, M, 1.0f, av.data(), K, g, N, 1.0f, gb->data(), N);
  });
}

Var linear(const Var& x, const Var& weight, const Var& bias) {
  WG_CHECK(x.defined() && weight.defined(), "linear: input or weight is undefined");
  WG_CHECK(x.value().rank() == 2, "linear: input must be [N, in], got ", shape_str(x.shape()));
  WG_CHECK(weight.value().rank() == 2, "linear: weight must be [out, in], got ", shape_str(weight.shape()));
  const int rows = x.shape()[0], in = x.shape()[1], out_features = weight.shape()[0];
  WG_CHECK(weight.shape()[1] == in, "linear: input ", shape_str(x.shape()), " has ", in,
           " features but weight [out, in] is ", shape_str(weight.shape()));
  const bool has_bias = bias.defined();
  if (has_bias)
    WG_CHECK(bias.shape() == Shape{out_features}, "linear: bias must be [", out_features, "] for weight ",
             shape_str(weight.shape()), ", got ", shape_str(bias.shape()));
  Tensor y = Tensor::empty({rows, out_features});
  const Tensor xv = x.value(), wv = weight.value();
  if (has_bias) broadcast_rows(y.data(), bias.value().data(), rows, out_features);
  sgemm(false, true, rows, out_features, in, 1.0f, xv.data(), in, wv.data(), in, has_bias ? 1.0f : 0.0f, y.data(),
        out_features);
  std::vector<Var> inputs{x, weight};
  if (has_bias) inputs.push_back(bias);
  return make_result("linear", y, inputs, [xv, wv, rows, in, out_features, has_bias](Node& self) {
    const float* g = self.grad.data();  // [rows, out]
    float beta = 1.0f;  // 0 when the gradient buffer stands for zeros: the product overwrites it
    if (Tensor* gx = self.input_grad_to_write(0, beta))  // [rows, in] += g [rows, out] * W [out, in]
      sgemm(false, false, rows, in, out_features, 1.0f, g, out_features, wv.data(), in, beta, gx->data(), in);
    if (Tensor* gw = self.input_grad_to_write(1, beta))  // [out, in] += g^T [out, rows] * x [rows, in]
      sgemm(true, false, out_features, in, rows, 1.0f, g, out_features, xv.data(), in, beta, gw->data(), in);
    if (has_bias)
      if (Tensor* gb = self.input_grad(2)) sum_rows_into(gb->data(), g, rows, out_features);
  });
}

}  // namespace wg
