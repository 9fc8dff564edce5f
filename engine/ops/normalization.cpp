// Normalisation layers: batch norm, layer norm, instance norm (one shared kernel that
// standardises groups of elements, then scales and shifts them) and local contrast
// normalisation (a separate kernel built from box filters).
//
// Batch, layer and instance norm differ only in which elements form a statistics group
// and how gamma/beta are indexed (NormLayout). Groups are independent, so threads split
// over groups; sums that cross groups (dgamma, dbeta) run in a fixed order afterwards.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/ops.h"

namespace wg {

namespace {

// Group g consists of `runs` contiguous runs of `run_length` elements, the first at
// g * group_stride, the next run_stride further on. Element (g, r, i) sits at
// g * group_stride + r * run_stride + i.
//   batch norm [N,C,S]:    groups C,     runs N, run_length S,     run_stride C*S, group_stride S
//   instance norm [N,C,S]: groups N*C,   runs 1, run_length S,                     group_stride S
//   layer norm [N,D]:      groups N,     runs 1, run_length D,                     group_stride D
struct NormLayout {
  int groups = 0, runs = 1;
  std::int64_t run_length = 0, run_stride = 0, group_stride = 0;
  // gamma/beta index: position i within the run (layer norm) or g % affine_channels.
  bool affine_per_position = false;
  int affine_channels = 1;

  std::int64_t group_size() const { return static_cast<std::int64_t>(runs) * run_length; }
  std::int64_t offset(int g, int r) const { return g * group_stride + r * run_stride; }
  std::int64_t affine_index(int g, std::int64_t i) const { return affine_per_position ? i : g % affine_channels; }
};

// Statistics per group: mean [G], biased variance [G] (from x [layout]).
void group_statistics(float* mean, float* variance, const float* x, const NormLayout& L) {
  parallel_for(0, L.groups, 1, [&](std::int64_t lo, std::int64_t hi) {
    for (int g = static_cast<int>(lo); g < hi; ++g) {
      double total = 0;
      for (int r = 0; r < L.runs; ++r)
        for (std::int64_t i = 0; i < L.run_length; ++i) total += x[L.offset(g, r) + i];
      const double m = total / static_cast<double>(L.group_size());
      double squares = 0;
      for (int r = 0; r < L.runs; ++r)
        for (std::int64_t i = 0; i < L.run_length; ++i) {
          const double d = x[L.offset(g, r) + i] - m;
          squares += d * d;
        }
      mean[g] = static_cast<float>(m);
      variance[g] = static_cast<float>(squares / static_cast<double>(L.group_size()));
    }
  });
}

// y = (x - mean[g]) * rstd[g] * gamma + beta; gamma/beta may be null (1 and 0).
void normalize_forward(float* y, const float* x, const float* mean, const float* rstd, const float* gamma,
                       const float* beta, const NormLayout& L) {
  parallel_for(0, L.groups, 1, [&](std::int64_t lo, std::int64_t hi) {
    for (int g = static_cast<int>(lo); g < hi; ++g)
      for (int r = 0; r < L.runs; ++r)
        for (std::int64_t i = 0; i < L.run_length; ++i) {
          const std::int64_t at = L.offset(g, r) + i;
          const std::int64_t a = L.affine_index(g, i);
          const float x_hat = (x[at] - mean[g]) * rstd[g];
          y[at] = x_hat * (gamma ? gamma[a] : 1.0f) + (beta ? beta[a] : 0.0f);
        }
  });
}

// Backward of normalize_forward. With batch_statistics the mean and rstd depend on x:
//   dx = rstd * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)),  dx_hat = dy * gamma;
// otherwise (eval batch norm, fixed running statistics) dx = rstd * dx_hat.
// grad_x, grad_gamma, grad_beta may each be null; all accumulate.
void normalize_backward(float* grad_x, float* grad_gamma, float* grad_beta, const float* grad_y, const float* x,
                        const float* mean, const float* rstd, const float* gamma, const NormLayout& L,
                        bool batch_statistics) {
  if (grad_x) {
    parallel_for(0, L.groups, 1, [&](std::int64_t lo, std::int64_t hi) {
      for (int g = static_cast<int>(lo); g < hi; ++g) {
        double sum_dxhat = 0, sum_dxhat_xhat = 0;
        if (batch_statistics)
          for (int r = 0; r < L.runs; ++r)
            for (std::int64_t i = 0; i < L.run_length; ++i) {
              const std::int64_t at = L.offset(g, r) + i;
              const float dx_hat = grad_y[at] * (gamma ? gamma[L.affine_index(g, i)] : 1.0f);
              sum_dxhat += dx_hat;
              sum_dxhat_xhat += dx_hat * (x[at] - mean[g]) * rstd[g];
            }
        const float mean_dxhat = static_cast<float>(sum_dxhat / L.group_size());
        const float mean_dxhat_xhat = static_cast<float>(sum_dxhat_xhat / L.group_size());
        for (int r = 0; r < L.runs; ++r)
          for (std::int64_t i = 0; i < L.run_length; ++i) {
            const std::int64_t at = L.offset(g, r) + i;
            const float dx_hat = grad_y[at] * (gamma ? gamma[L.affine_index(g, i)] : 1.0f);
            const float x_hat = (x[at] - mean[g]) * rstd[g];
            grad_x[at] += rstd[g] * (dx_hat - mean_dxhat - x_hat * mean_dxhat_xhat);
          }
      }
    });
  }
  if (grad_gamma || grad_beta) {
    // Crosses groups (batch items for layer/instance norm): one thread, fixed order.
    for (int g = 0; g < L.groups; ++g)
      for (int r = 0; r < L.runs; ++r)
        for (std::int64_t i = 0; i < L.run_length; ++i) {
          const std::int64_t at = L.offset(g, r) + i;
          const std::int64_t a = L.affine_index(g, i);
          if (grad_gamma) grad_gamma[a] += grad_y[at] * (x[at] - mean[g]) * rstd[g];
          if (grad_beta) grad_beta[a] += grad_y[at];
        }
  }
}

void check_affine(const Var& v, const Shape& expected, const char* op, const char* which, const Shape& x) {
  if (!v.defined()) return;
  WG_CHECK(v.shape() == expected, op, ": ", which, " must be ", shape_str(expected), " for input ", shape_str(x),
           ", got ", shape_str(v.shape()));
}

// Shared Var plumbing: inputs x, gamma?, beta?; mean/rstd saved for backward.
Var normalize_op(const char* op, const Var& x, const Var& gamma, const Var& beta, const NormLayout& L,
                 const Tensor& mean, const Tensor& rstd, bool batch_statistics) {
  Tensor y = Tensor::empty(x.shape());
  normalize_forward(y.data(), x.value().data(), mean.data(), rstd.data(),
                    gamma.defined() ? gamma.value().data() : nullptr, beta.defined() ? beta.value().data() : nullptr,
                    L);
  std::vector<Var> inputs{x};
  int gamma_slot = -1, beta_slot = -1;
  if (gamma.defined()) {
    gamma_slot = static_cast<int>(inputs.size());
    inputs.push_back(gamma);
  }
  if (beta.defined()) {
    beta_slot = static_cast<int>(inputs.size());
    inputs.push_back(beta);
  }
  const Tensor x_value = x.value();
  const Tensor gamma_value = gamma.defined() ? gamma.value() : Tensor();
  return make_result(op, y, inputs,
                     [L, x_value, gamma_value, mean, rstd, gamma_slot, beta_slot, batch_statistics](Node& self) {
                       Tensor* gx = self.input_grad(0);
                       Tensor* gg = gamma_slot >= 0 ? self.input_grad(gamma_slot) : nullptr;
                       Tensor* gb = beta_slot >= 0 ? self.input_grad(beta_slot) : nullptr;
                       normalize_backward(gx ? gx->data() : nullptr, gg ? gg->data() : nullptr,
                                          gb ? gb->data() : nullptr, self.grad.data(), x_value.data(), mean.data(),
                                          rstd.data(), gamma_value.defined() ? gamma_value.data() : nullptr, L,
                                          batch_statistics);
                     });
}

Tensor reciprocal_std(const Tensor& variance, float eps) {
  Tensor rstd = Tensor::empty(variance.shape());
  for (std::int64_t i = 0; i < variance.size(); ++i) rstd[i] = 1.0f / std::sqrt(variance[i] + eps);
  return rstd;
}

std::int64_t spatial_size(const Shape& x) {
  std::int64_t s = 1;
  for (std::size_t i = 2; i < x.size(); ++i) s *= x[i];
  return s;
}

}  // namespace

// ---- batch norm

Var batch_norm(const Var& x, const Var& gamma, const Var& beta, Tensor& running_mean, Tensor& running_var,
               bool training, float momentum, float eps) {
  WG_CHECK(x.defined(), "batch_norm: input is undefined");
  const Shape& xs = x.shape();
  WG_CHECK(xs.size() == 2 || xs.size() == 4, "batch_norm: input must be [N,C] or [N,C,H,W], got ", shape_str(xs));
  const int C = xs[1];
  check_affine(gamma, {C}, "batch_norm", "gamma", xs);
  check_affine(beta, {C}, "batch_norm", "beta", xs);
  WG_CHECK(running_mean.defined() && running_mean.shape() == Shape{C}, "batch_norm: running_mean must be [", C,
           "] for input ", shape_str(xs), ", got ", running_mean.defined() ? shape_str(running_mean.shape()) : "undefined");
  WG_CHECK(running_var.defined() && running_var.shape() == Shape{C}, "batch_norm: running_var must be [", C,
           "] for input ", shape_str(xs), ", got ", running_var.defined() ? shape_str(running_var.shape()) : "undefined");
  WG_CHECK(eps > 0.0f, "batch_norm: eps must be positive, got ", eps);
  WG_CHECK(momentum >= 0.0f && momentum <= 1.0f, "batch_norm: momentum must be in [0, 1], got ", momentum);
  NormLayout L;
  const std::int64_t S = spatial_size(xs);
  L.groups = C;
  L.runs = xs[0];
  L.run_length = S;
  L.run_stride = C * S;
  L.group_stride = S;
  L.affine_channels = C;
  Tensor mean = Tensor::empty({C}), variance = Tensor::empty({C});
  if (training) {
    const std::int64_t count = L.group_size();
    WG_CHECK(count > 1, "batch_norm: training needs more than one value per channel, input ", shape_str(xs));
    group_statistics(mean.data(), variance.data(), x.value().data(), L);
    // PyTorch convention: running = (1 - momentum) running + momentum batch, unbiased variance.
    const float unbias = static_cast<float>(count) / static_cast<float>(count - 1);
    for (int c = 0; c < C; ++c) {
      running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * mean[c];
      running_var[c] = (1.0f - momentum) * running_var[c] + momentum * variance[c] * unbias;
    }
  } else {
    mean.copy_from(running_mean);  // copies: later updates must not change this graph's backward
    variance.copy_from(running_var);
  }
  return normalize_op("batch_norm", x, gamma, beta, L, mean, reciprocal_std(variance, eps), training);
}

// ---- layer norm: per sample over every non-batch element

Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps) {
  WG_CHECK(x.defined(), "layer_norm: input is undefined");
  const Shape& xs = x.shape();
  WG_CHECK(xs.size() >= 2, "layer_norm: input must be [N, ...], got ", shape_str(xs));
  WG_CHECK(eps > 0.0f, "layer_norm: eps must be positive, got ", eps);
  const Shape sample(xs.begin() + 1, xs.end());
  check_affine(gamma, sample, "layer_norm", "gamma", xs);
  check_affine(beta, sample, "layer_norm", "beta", xs);
  NormLayout L;
  L.groups = xs[0];
  L.run_length = shape_numel(sample);
  L.group_stride = L.run_length;
  L.affine_per_position = true;
  Tensor mean = Tensor::empty({L.groups}), variance = Tensor::empty({L.groups});
  group_statistics(mean.data(), variance.data(), x.value().data(), L);
  return normalize_op("layer_norm", x, gamma, beta, L, mean, reciprocal_std(variance, eps), true);
}

// ---- instance norm: per sample and channel over the spatial elements

Var instance_norm(const Var& x, const Var& gamma, const Var& beta, float eps) {
  WG_CHECK(x.defined(), "instance_norm: input is undefined");
  const Shape& xs = x.shape();
  WG_CHECK(xs.size() >= 3, "instance_norm: input must be [N,C,H,W] (or [N,C,L]), got ", shape_str(xs));
  WG_CHECK(eps > 0.0f, "instance_norm: eps must be positive, got ", eps);
  const int C = xs[1];
  check_affine(gamma, {C}, "instance_norm", "gamma", xs);
  check_affine(beta, {C}, "instance_norm", "beta", xs);
  NormLayout L;
  L.groups = xs[0] * C;
  L.run_length = spatial_size(xs);
  L.group_stride = L.run_length;
  L.affine_channels = C;
  Tensor mean = Tensor::empty({L.groups}), variance = Tensor::empty({L.groups});
  group_statistics(mean.data(), variance.data(), x.value().data(), L);
  return normalize_op("instance_norm", x, gamma, beta, L, mean, reciprocal_std(variance, eps), true);
}

// ---- local contrast normalisation
//
// Exact definition (per sample n; x [N,C,H,W]; k = size, odd; A = mean over a k x k box
// centred on a pixel and over all C channels, zero padded, always divided by C*k*k):
//   m(p)    = A(x)(p)                              local mean, one value per pixel p
//   v(c,p)  = x(c,p) - m(p)                        subtractive normalisation
//   s(p)    = sqrt(A(v^2)(p))                      local standard deviation
//   s_mean  = mean over p of s(p)
//   d(p)    = max(s(p), s_mean, eps)               divisor; ties pick s(p), then s_mean
//   y(c,p)  = v(c,p) / d(p)                        divisive normalisation
// A box window (not the Gaussian of Jarrett et al. 2009) keeps it simple to explain.
// Backward: A is symmetric up to the zero padding, so A^T(g)(c,p) = boxsum(g)(p) / (C k^2).

namespace {

// out [H,W] = sum of in [H,W] over the k x k box centred on each pixel, zero padded.
void box_sum(float* out, const float* in, int H, int W, int k) {
  const int r = k / 2;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      float total = 0.0f;
      for (int yy = std::max(0, y - r); yy <= std::min(H - 1, y + r); ++yy)
        for (int xx = std::max(0, x - r); xx <= std::min(W - 1, x + r); ++xx) total += in[yy * W + xx];
      out[y * W + x] = total;
    }
}

struct LcnGeometry {
  int N, C, H, W, size;
  float eps;
  std::int64_t plane() const { return static_cast<std::int64_t>(H) * W; }
  float inv_count() const { return 1.0f / static_cast<float>(C * size * size); }
};

// y, v [N,C,H,W]; s, d [N,H,W]; x [N,C,H,W]. v, s and d are kept for backward.
void local_contrast_norm_forward(float* y, float* v, float* s, float* d, const float* x, const LcnGeometry& G) {
  parallel_for(0, G.N, 1, [&](std::int64_t lo, std::int64_t hi) {
    const std::int64_t P = G.plane();
    std::vector<float> channel_sum(P), boxed(P);
    for (std::int64_t n = lo; n < hi; ++n) {
      const float* xn = x + n * G.C * P;
      float* vn = v + n * G.C * P;
      float* sn = s + n * P;
      float* dn = d + n * P;
      std::fill(channel_sum.begin(), channel_sum.end(), 0.0f);
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) channel_sum[p] += xn[c * P + p];
      box_sum(boxed.data(), channel_sum.data(), G.H, G.W, G.size);
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) vn[c * P + p] = xn[c * P + p] - boxed[p] * G.inv_count();
      std::fill(channel_sum.begin(), channel_sum.end(), 0.0f);
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) channel_sum[p] += vn[c * P + p] * vn[c * P + p];
      box_sum(boxed.data(), channel_sum.data(), G.H, G.W, G.size);
      double s_total = 0;
      for (std::int64_t p = 0; p < P; ++p) {
        sn[p] = std::sqrt(boxed[p] * G.inv_count());
        s_total += sn[p];
      }
      const float s_mean = static_cast<float>(s_total / P);
      for (std::int64_t p = 0; p < P; ++p) dn[p] = std::max({sn[p], s_mean, G.eps});
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) y[n * G.C * P + c * P + p] = vn[c * P + p] / dn[p];
    }
  });
}

void local_contrast_norm_backward(float* grad_x, const float* grad_y, const float* v, const float* s,
                                  const float* d, const LcnGeometry& G) {
  parallel_for(0, G.N, 1, [&](std::int64_t lo, std::int64_t hi) {
    const std::int64_t P = G.plane();
    std::vector<float> grad_s(P), grad_q(P), boxed(P), grad_v(G.C * P), channel_sum(P);
    for (std::int64_t n = lo; n < hi; ++n) {
      const float* gy = grad_y + n * G.C * P;
      const float* vn = v + n * G.C * P;
      const float* sn = s + n * P;
      const float* dn = d + n * P;
      double s_total = 0;
      for (std::int64_t p = 0; p < P; ++p) s_total += sn[p];
      const float s_mean = static_cast<float>(s_total / P);
      // y = v / d: direct part, and the gradient reaching d, routed to whichever term won the max.
      double grad_s_mean = 0;
      for (std::int64_t p = 0; p < P; ++p) {
        float grad_d = 0.0f;
        for (int c = 0; c < G.C; ++c) {
          grad_v[c * P + p] = gy[c * P + p] / dn[p];
          grad_d -= gy[c * P + p] * vn[c * P + p] / (dn[p] * dn[p]);
        }
        grad_s[p] = 0.0f;
        if (sn[p] >= s_mean && sn[p] >= G.eps) grad_s[p] = grad_d;
        else if (s_mean >= G.eps) grad_s_mean += grad_d;
      }
      // s_mean = mean(s); s = sqrt(q), q = A(v^2) (d s / d q taken as 0 where s == 0).
      for (std::int64_t p = 0; p < P; ++p) {
        const float gs = grad_s[p] + static_cast<float>(grad_s_mean / P);
        grad_q[p] = sn[p] > 0.0f ? gs / (2.0f * sn[p]) : 0.0f;
      }
      box_sum(boxed.data(), grad_q.data(), G.H, G.W, G.size);
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) grad_v[c * P + p] += 2.0f * vn[c * P + p] * boxed[p] * G.inv_count();
      // v = x - A(x): subtract the adjoint of the local mean.
      std::fill(channel_sum.begin(), channel_sum.end(), 0.0f);
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) channel_sum[p] += grad_v[c * P + p];
      box_sum(boxed.data(), channel_sum.data(), G.H, G.W, G.size);
      float* gx = grad_x + n * G.C * P;
      for (int c = 0; c < G.C; ++c)
        for (std::int64_t p = 0; p < P; ++p) gx[c * P + p] += grad_v[c * P + p] - boxed[p] * G.inv_count();
    }
  });
}

}  // namespace

Var local_contrast_norm(const Var& x, int size, float eps) {
  WG_CHECK(x.defined(), "local_contrast_norm: input is undefined");
  const Shape& xs = x.shape();
  WG_CHECK(xs.size() == 4, "local_contrast_norm: input must be [N,C,H,W], got ", shape_str(xs));
  WG_CHECK(size >= 1 && size % 2 == 1, "local_contrast_norm: size must be odd and >= 1 (a centred window), got ",
           size);
  WG_CHECK(eps > 0.0f, "local_contrast_norm: eps must be positive, got ", eps);
  const LcnGeometry G{xs[0], xs[1], xs[2], xs[3], size, eps};
  Tensor y = Tensor::empty(xs), v = Tensor::empty(xs);
  Tensor s = Tensor::empty({G.N, G.H, G.W}), d = Tensor::empty({G.N, G.H, G.W});
  local_contrast_norm_forward(y.data(), v.data(), s.data(), d.data(), x.value().data(), G);
  return make_result("local_contrast_norm", y, {x}, [G, v, s, d](Node& self) {
    if (Tensor* gx = self.input_grad(0))
      local_contrast_norm_backward(gx->data(), self.grad.data(), v.data(), s.data(), d.data(), G);
  });
}

}  // namespace wg
