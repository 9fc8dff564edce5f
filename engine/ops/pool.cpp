// 2-D pooling over square windows: max (gradient to the first argmax), average
// (padding counts as zeros, PyTorch's count_include_pad=True) and L2 (sqrt of the sum
// of squares). Output sizes use conv_output_size with floor division, like PyTorch.
// Every (n, c) plane is independent, so threads split over planes.
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/parallel.h"
#include "ops/max_pool_2x2.h"
#include "ops/ops.h"

namespace wg {

namespace {

struct PoolGeometry {
  int planes = 0;  // N * C
  int in_height = 0, in_width = 0, out_height = 0, out_width = 0;
  int kernel = 0, stride = 0, pad = 0;
  std::int64_t in_plane() const { return static_cast<std::int64_t>(in_height) * in_width; }
  std::int64_t out_plane() const { return static_cast<std::int64_t>(out_height) * out_width; }
};

PoolGeometry pool_geometry(const Shape& x, const Pool2dOptions& options, const char* what) {
  WG_CHECK(x.size() == 4, what, ": input must be [N,C,H,W], got ", shape_str(x));
  WG_CHECK(options.kernel >= 1, what, ": kernel must be >= 1, got ", options.kernel);
  WG_CHECK(options.stride >= 0, what, ": stride must be >= 0 (0 means kernel), got ", options.stride);
  // As in PyTorch: a window must keep at least one real pixel, so pad <= kernel / 2.
  WG_CHECK(options.pad >= 0 && options.pad <= options.kernel / 2, what, ": pad ", options.pad,
           " must be between 0 and kernel/2 = ", options.kernel / 2);
  PoolGeometry g;
  g.planes = x[0] * x[1];
  g.in_height = x[2];
  g.in_width = x[3];
  g.kernel = options.kernel;
  g.stride = options.stride == 0 ? options.kernel : options.stride;
  g.pad = options.pad;
  try {
    g.out_height = conv_output_size(g.in_height, g.kernel, g.stride, g.pad, 1, "height");
    g.out_width = conv_output_size(g.in_width, g.kernel, g.stride, g.pad, 1, "width");
  } catch (const Error& e) {
    fail(what, ": window ", g.kernel, "x", g.kernel, " on input ", shape_str(x), ": ", e.what());
  }
  return g;
}

Shape pool_output_shape(const Shape& x, const PoolGeometry& g) { return {x[0], x[1], g.out_height, g.out_width}; }

// Calls visit(out_index, in_index) for every in-image pixel of every window of one plane.
template <class Visit>
void for_each_window_pixel(const PoolGeometry& g, int oy, int ox, Visit visit) {
  for (int ky = 0; ky < g.kernel; ++ky) {
    const int iy = oy * g.stride - g.pad + ky;
    if (iy < 0 || iy >= g.in_height) continue;
    for (int kx = 0; kx < g.kernel; ++kx) {
      const int ix = ox * g.stride - g.pad + kx;
      if (ix < 0 || ix >= g.in_width) continue;
      visit(static_cast<std::int64_t>(iy) * g.in_width + ix);
    }
  }
}

// Runs body(plane_in, plane_out, plane) for every (n, c) plane, threaded over planes.
template <class Body>
void for_each_plane(const PoolGeometry& g, Body body) {
  parallel_for(0, g.planes, 4, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t p = lo; p < hi; ++p) body(p);
  });
}

}  // namespace

// ---- max: out [N,C,OH,OW], argmax [N,C,OH,OW] (index within the plane, stored as float:
// planes are far below 2^24 pixels), x [N,C,H,W]. Ties keep the first pixel in scan order.

// The common 2x2, stride-2, unpadded window: ops/max_pool_2x2.h (shared with the fused
// conv + ReLU + pool, which pools each plane while it is in cache).
void max_pool2d_forward_2x2(float* out, float* argmax, const float* x, const PoolGeometry& g) {
  for_each_plane(g, [&](std::int64_t p) {
    max_pool_2x2_plane(x + p * g.in_plane(), g.in_width, g.out_height, g.out_width, out + p * g.out_plane(),
                       argmax + p * g.out_plane());
  });
}

void max_pool2d_forward(float* out, float* argmax, const float* x, const PoolGeometry& g) {
  if (g.kernel == 2 && g.stride == 2 && g.pad == 0) return max_pool2d_forward_2x2(out, argmax, x, g);
  for_each_plane(g, [&](std::int64_t p) {
    const float* in = x + p * g.in_plane();
    for (int oy = 0; oy < g.out_height; ++oy)
      for (int ox = 0; ox < g.out_width; ++ox) {
        float best = -std::numeric_limits<float>::infinity();
        std::int64_t best_index = -1;
        for_each_window_pixel(g, oy, ox, [&](std::int64_t i) {
          if (best_index < 0 || in[i] > best) {
            best = in[i];
            best_index = i;
          }
        });
        const std::int64_t o = p * g.out_plane() + oy * g.out_width + ox;
        out[o] = best;
        argmax[o] = static_cast<float>(best_index);
      }
  });
}

void max_pool2d_backward(float* grad_x, const float* grad_out, const float* argmax, const PoolGeometry& g) {
  for_each_plane(g, [&](std::int64_t p) {
    for (std::int64_t o = p * g.out_plane(); o < (p + 1) * g.out_plane(); ++o)
      grad_x[p * g.in_plane() + static_cast<std::int64_t>(argmax[o])] += grad_out[o];
  });
}

// ---- average: the divisor is always kernel^2 (padding counts as zeros)

void avg_pool2d_forward(float* out, const float* x, const PoolGeometry& g) {
  const float inv_area = 1.0f / static_cast<float>(g.kernel * g.kernel);
  for_each_plane(g, [&](std::int64_t p) {
    const float* in = x + p * g.in_plane();
    for (int oy = 0; oy < g.out_height; ++oy)
      for (int ox = 0; ox < g.out_width; ++ox) {
        float total = 0.0f;
        for_each_window_pixel(g, oy, ox, [&](std::int64_t i) { total += in[i]; });
        out[p * g.out_plane() + oy * g.out_width + ox] = total * inv_area;
      }
  });
}

void avg_pool2d_backward(float* grad_x, const float* grad_out, const PoolGeometry& g) {
  const float inv_area = 1.0f / static_cast<float>(g.kernel * g.kernel);
  for_each_plane(g, [&](std::int64_t p) {
    float* gx = grad_x + p * g.in_plane();
    for (int oy = 0; oy < g.out_height; ++oy)
      for (int ox = 0; ox < g.out_width; ++ox) {
        const float share = grad_out[p * g.out_plane() + oy * g.out_width + ox] * inv_area;
        for_each_window_pixel(g, oy, ox, [&](std::int64_t i) { gx[i] += share; });
      }
  });
}

// ---- L2: out = sqrt(sum x^2); d out / d x = x / out, taken as 0 where out == 0
// (the subgradient of the norm at the origin that keeps the gradient finite).

void l2_pool2d_forward(float* out, const float* x, const PoolGeometry& g) {
  for_each_plane(g, [&](std::int64_t p) {
    const float* in = x + p * g.in_plane();
    for (int oy = 0; oy < g.out_height; ++oy)
      for (int ox = 0; ox < g.out_width; ++ox) {
        float total = 0.0f;
        for_each_window_pixel(g, oy, ox, [&](std::int64_t i) { total += in[i] * in[i]; });
        out[p * g.out_plane() + oy * g.out_width + ox] = std::sqrt(total);
      }
  });
}

void l2_pool2d_backward(float* grad_x, const float* grad_out, const float* out, const float* x,
                        const PoolGeometry& g) {
  for_each_plane(g, [&](std::int64_t p) {
    const float* in = x + p * g.in_plane();
    float* gx = grad_x + p * g.in_plane();
    for (int oy = 0; oy < g.out_height; ++oy)
      for (int ox = 0; ox < g.out_width; ++ox) {
        const std::int64_t o = p * g.out_plane() + oy * g.out_width + ox;
        if (out[o] == 0.0f) continue;
        const float scale = grad_out[o] / out[o];
        for_each_window_pixel(g, oy, ox, [&](std::int64_t i) { gx[i] += scale * in[i]; });
      }
  });
}

// ---- global average: out [N*C] = the mean of each [H, W] plane; each input pixel's gradient is
// its plane's output gradient / (H W). One plane per output, summed in scan order: the same bits
// on any thread count.

void global_avg_pool2d_forward(float* out, const float* x, int planes, std::int64_t plane) {
  const float inv_area = 1.0f / static_cast<float>(plane);
  parallel_for(0, planes, 16, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t p = lo; p < hi; ++p) {
      const float* in = x + p * plane;
      float total = 0.0f;
      for (std::int64_t i = 0; i < plane; ++i) total += in[i];
      out[p] = total * inv_area;
    }
  });
}

void global_avg_pool2d_backward(float* grad_x, const float* grad_out, int planes, std::int64_t plane) {
  const float inv_area = 1.0f / static_cast<float>(plane);
  parallel_for(0, planes, 16, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t p = lo; p < hi; ++p) {
      const float share = grad_out[p] * inv_area;
      float* gx = grad_x + p * plane;
      for (std::int64_t i = 0; i < plane; ++i) gx[i] += share;
    }
  });
}

// ---- the Var ops

Var max_pool2d(const Var& x, const Pool2dOptions& options) {
  WG_CHECK(x.defined(), "max_pool2d: input is undefined");
  const PoolGeometry g = pool_geometry(x.shape(), options, "max_pool2d");
  const Shape out_shape = pool_output_shape(x.shape(), g);
  Tensor out = Tensor::empty(out_shape), argmax = Tensor::empty(out_shape);
  max_pool2d_forward(out.data(), argmax.data(), x.value().data(), g);
  return make_result("max_pool2d", out, {x}, [g, argmax](Node& self) {
    if (Tensor* gx = self.input_grad(0)) max_pool2d_backward(gx->data(), self.grad.data(), argmax.data(), g);
  });
}

Var avg_pool2d(const Var& x, const Pool2dOptions& options) {
  WG_CHECK(x.defined(), "avg_pool2d: input is undefined");
  const PoolGeometry g = pool_geometry(x.shape(), options, "avg_pool2d");
  Tensor out = Tensor::empty(pool_output_shape(x.shape(), g));
  avg_pool2d_forward(out.data(), x.value().data(), g);
  return make_result("avg_pool2d", out, {x}, [g](Node& self) {
    if (Tensor* gx = self.input_grad(0)) avg_pool2d_backward(gx->data(), self.grad.data(), g);
  });
}

Var l2_pool2d(const Var& x, const Pool2dOptions& options) {
  WG_CHECK(x.defined(), "l2_pool2d: input is undefined");
  const PoolGeometry g = pool_geometry(x.shape(), options, "l2_pool2d");
  Tensor out = Tensor::empty(pool_output_shape(x.shape(), g));
  l2_pool2d_forward(out.data(), x.value().data(), g);
  const Tensor x_value = x.value();
  return make_result("l2_pool2d", out, {x}, [g, x_value, out](Node& self) {
    if (Tensor* gx = self.input_grad(0))
      l2_pool2d_backward(gx->data(), self.grad.data(), out.data(), x_value.data(), g);
  });
}

Var global_avg_pool2d(const Var& x) {
  WG_CHECK(x.defined(), "global_avg_pool2d: input is undefined");
  const Shape& shape = x.shape();
  WG_CHECK(shape.size() == 4, "global_avg_pool2d: input must be [N,C,H,W], got ", shape_str(shape));
  const int planes = shape[0] * shape[1];
  const std::int64_t plane = static_cast<std::int64_t>(shape[2]) * shape[3];
  Tensor out = Tensor::empty({shape[0], shape[1]});
  global_avg_pool2d_forward(out.data(), x.value().data(), planes, plane);
  return make_result("global_avg_pool2d", out, {x}, [planes, plane](Node& self) {
    if (Tensor* gx = self.input_grad(0)) global_avg_pool2d_backward(gx->data(), self.grad.data(), planes, plane);
  });
}

}  // namespace wg
