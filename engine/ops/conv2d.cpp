// 2-D convolution (cross-correlation, like PyTorch) with stride, zero padding and dilation.
//
// Fast path, per batch item: the image is copied into a zero-bordered plane, and the
// unfolded matrix of receptive fields
//   col [C*KH*KW, OH*OW],  col[t, q] = padded[tap_offset[t] + pixel_offset[q]]
// is never built: the GEMMs read it through those two offset tables (sgemm_gathered_a).
//   forward        out_n [K, OH*OW] = (col^T [OH*OW, C*KH*KW] * weight^T)^T
//   weight grad    grad_weight^T [C*KH*KW, K] += col * grad_out_n^T
//   input grad     stride 1: a transposed convolution, grad_x_n^T [H*W, C] += gathered
//                  grad_out_pad [H*W, K*KH*KW] * weight [K*KH*KW, C]; other strides:
//                  dcol = weight^T grad_out_n, folded back into the image (col2im)
// Threads split over batch items (independent outputs); the weight gradient, a sum over
// the batch, is accumulated in blocks of a FIXED number of items whose partials are then
// added in block order, so 1, 2 and 4 threads give identical bits.
// The naive direct loops at the end are the oracle the tests compare against.
#include "ops/conv2d.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"
#include "kernels/gemm.h"

namespace wg {

// ---- output size

int conv_output_size(int in, int kernel, int stride, int pad, int dilation, const char* what) {
  WG_CHECK(in >= 1 && kernel >= 1, what, ": input size ", in, " and kernel ", kernel, " must be positive");
  WG_CHECK(stride >= 1, what, ": stride must be >= 1, got ", stride);
  WG_CHECK(pad >= 0, what, ": pad must be >= 0, got ", pad);
  WG_CHECK(dilation >= 1, what, ": dilation must be >= 1, got ", dilation);
  const int span = dilation * (kernel - 1) + 1;  // extent of a dilated kernel
  const int padded = in + 2 * pad;
  WG_CHECK(span <= padded, what, ": kernel ", kernel, " (dilation ", dilation, ", span ", span,
           ") does not fit the input of size ", in, " with pad ", pad, " (padded size ", padded, "), stride ",
           stride);
  return (padded - span) / stride + 1;
}

bool conv_fits_exactly(int in, int kernel, int stride, int pad, int dilation) {
  const int span = dilation * (kernel - 1) + 1;
  const int room = in + 2 * pad - span;
  return stride >= 1 && room >= 0 && room % stride == 0;
}

ConvGeometry conv_geometry(const Shape& x_shape, const Shape& weight_shape, const Conv2dOptions& options,
                           const char* what) {
  WG_CHECK(x_shape.size() == 4, what, ": input must be [N,C,H,W], got ", shape_str(x_shape));
  WG_CHECK(weight_shape.size() == 4, what, ": weight must be [K,C,KH,KW], got ", shape_str(weight_shape));
  WG_CHECK(x_shape[1] == weight_shape[1], what, ": input has ", x_shape[1], " channels but weight expects ",
           weight_shape[1], " (input ", shape_str(x_shape), ", weight ", shape_str(weight_shape), ")");
  ConvGeometry g;
  g.batch = x_shape[0];
  g.in_channels = x_shape[1];
  g.in_height = x_shape[2];
  g.in_width = x_shape[3];
  g.out_channels = weight_shape[0];
  g.kernel_height = weight_shape[2];
  g.kernel_width = weight_shape[3];
  g.stride = options.stride;
  g.pad = options.pad;
  g.dilation = options.dilation;
  try {
    g.out_height = conv_output_size(g.in_height, g.kernel_height, g.stride, g.pad, g.dilation, "height");
    g.out_width = conv_output_size(g.in_width, g.kernel_width, g.stride, g.pad, g.dilation, "width");
  } catch (const Error& e) {
    fail(what, ": input ", shape_str(x_shape), ", weight ", shape_str(weight_shape), ": ", e.what());
  }
  return g;
}

namespace {

std::int64_t col_rows(const ConvGeometry& g) {
  return static_cast<std::int64_t>(g.in_channels) * g.kernel_height * g.kernel_width;
}
std::int64_t out_pixels(const ConvGeometry& g) { return static_cast<std::int64_t>(g.out_height) * g.out_width; }
std::int64_t in_pixels(const ConvGeometry& g) { return static_cast<std::int64_t>(g.in_height) * g.in_width; }

// A 1x1, stride-1, unpadded convolution needs no unfolding: the image already is col.
bool is_pointwise(const ConvGeometry& g) {
  return g.kernel_height == 1 && g.kernel_width == 1 && g.stride == 1 && g.pad == 0;
}

// For a stride-1 row: the output columns [lo, hi) whose tap ox + x0 lands inside a row of
// width W; the columns outside read padding.
struct InImageColumns {
  int lo, hi;
};
InImageColumns in_image_columns(int x0, int OW, int W) {
  const int lo = std::clamp(-x0, 0, OW);
  return {lo, std::clamp(W - x0, lo, OW)};
}

// dst[0:n] += src[0:n]
void add_into(float* dst, const float* src, int n) {
  using batch = xsimd::batch<float>;
  constexpr int kW = static_cast<int>(batch::size);
  int i = 0;
  for (; i + kW <= n; i += kW) (batch::load_unaligned(dst + i) + batch::load_unaligned(src + i)).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] += src[i];
}

// Short row copies and fills (an image row is 28 or 14 floats for MNIST): inline vector
// loops, because a memcpy/memset call per row (memory.copy/fill in WASM) costs more than the
// copy itself at these lengths.
inline void copy_floats(float* dst, const float* src, int n) {
  using batch = xsimd::batch<float>;
  constexpr int kW = static_cast<int>(batch::size);
  int i = 0;
  for (; i + kW <= n; i += kW) batch::load_unaligned(src + i).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}
inline void zero_floats(float* dst, std::int64_t n) {
  using batch = xsimd::batch<float>;
  constexpr int kW = static_cast<int>(batch::size);
  std::int64_t i = 0;
  for (; i + kW <= n; i += kW) batch(0.0f).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

std::int64_t padded_plane(const ConvGeometry& g) {
  return static_cast<std::int64_t>(g.in_height + 2 * g.pad) * (g.in_width + 2 * g.pad);
}
std::int64_t padded_floats(const ConvGeometry& g) { return g.in_channels * padded_plane(g); }

constexpr int kPadW = static_cast<int>(xsimd::batch<float>::size);

// dst [C, H+2*pad_h, W+2*pad_w] <- src [C, H, W] with a zero border.
void copy_padded(float* dst, const float* src, int channels, int H, int W, int pad_h, int pad_w) {
  const int Wp = W + 2 * pad_w;
  const std::int64_t plane = static_cast<std::int64_t>(H + 2 * pad_h) * Wp;
  for (int c = 0; c < channels; ++c) {
    float* d = dst + c * plane;
    const float* s = src + static_cast<std::int64_t>(c) * H * W;
    zero_floats(d, static_cast<std::int64_t>(pad_h) * Wp);
    if (pad_w <= kPadW && W >= kPadW) {
      // Whole vectors only: a zero vector at each end of the row first (each may cover some of
      // the values' places), then the values, the last vector overlapping the one before. Three
      // loops with scalar tails per 14-float row cost more than the 6 stores this takes.
      using batch = xsimd::batch<float>;
      for (int y = 0; y < H; ++y) {
        float* row = d + static_cast<std::int64_t>(y + pad_h) * Wp;
        const float* in = s + static_cast<std::int64_t>(y) * W;
        batch(0.0f).store_unaligned(row);
        batch(0.0f).store_unaligned(row + Wp - kPadW);
        int x = 0;
        for (; x + kPadW <= W; x += kPadW) batch::load_unaligned(in + x).store_unaligned(row + pad_w + x);
        if (x < W) batch::load_unaligned(in + W - kPadW).store_unaligned(row + pad_w + W - kPadW);
      }
    } else {
      for (int y = 0; y < H; ++y) {
        float* row = d + static_cast<std::int64_t>(y + pad_h) * Wp;
        zero_floats(row, pad_w);
        copy_floats(row + pad_w, s + static_cast<std::int64_t>(y) * W, W);
        zero_floats(row + pad_w + W, pad_w);
      }
    }
    zero_floats(d + static_cast<std::int64_t>(H + pad_h) * Wp, static_cast<std::int64_t>(pad_h) * Wp);
  }
}
void copy_padded(float* dst, const float* x_n, const ConvGeometry& g) {
  copy_padded(dst, x_n, g.in_channels, g.in_height, g.in_width, g.pad, g.pad);
}

// Offsets into the padded image that stand for col: col[t, q] = padded[tap[t] + pixel[q]].
struct ColOffsets {
  std::vector<int> tap;    // [C*KH*KW]: tap (c, ky, kx) relative to a window's top-left corner
  std::vector<int> pixel;  // [OH*OW]: top-left corner of output pixel (oy, ox)'s window
};
ColOffsets col_offsets(const ConvGeometry& g) {
  const int Wp = g.in_width + 2 * g.pad;
  WG_CHECK(padded_floats(g) < (std::int64_t(1) << 31), "conv2d: input of ", g.in_channels, " x ", g.in_height,
           " x ", g.in_width, " (padded) is too large for one batch item");
  ColOffsets o;
  o.tap.reserve(static_cast<std::size_t>(col_rows(g)));
  for (int c = 0; c < g.in_channels; ++c)
    for (int ky = 0; ky < g.kernel_height; ++ky)
      for (int kx = 0; kx < g.kernel_width; ++kx)
        o.tap.push_back(static_cast<int>(c * padded_plane(g) + ky * g.dilation * Wp + kx * g.dilation));
  o.pixel.reserve(static_cast<std::size_t>(out_pixels(g)));
  for (int oy = 0; oy < g.out_height; ++oy)
    for (int ox = 0; ox < g.out_width; ++ox) o.pixel.push_back(oy * g.stride * Wp + ox * g.stride);
  return o;
}

// col2im for stride 1: the taps are summed into a zero-bordered plane [C, H+2p, W+2p] with
// straight vector adds (a border tap lands in the border and is dropped with it), then the
// interior is added to grad_x_n. Same order of additions per pixel as the general loop.
void col2im_add_stride1(float* grad_x_n, const float* col, const ConvGeometry& g) {
  const int OH = g.out_height, OW = g.out_width, H = g.in_height, W = g.in_width, p = g.pad, d = g.dilation;
  const int Hp = H + 2 * p, Wp = W + 2 * p;
  const std::int64_t plane = static_cast<std::int64_t>(Hp) * Wp;
  thread_local std::vector<float> padded;  // grows to the largest layer once, then reused
  padded.resize(static_cast<std::size_t>(g.in_channels * plane));
  float* pad_data = padded.data();
  zero_floats(pad_data, g.in_channels * plane);
  for (int c = 0; c < g.in_channels; ++c)
    for (int ky = 0; ky < g.kernel_height; ++ky)
      for (int kx = 0; kx < g.kernel_width; ++kx) {
        const float* row =
            col + ((static_cast<std::int64_t>(c) * g.kernel_height + ky) * g.kernel_width + kx) * OH * OW;
        float* dst = pad_data + c * plane + static_cast<std::int64_t>(ky * d) * Wp + kx * d;
        for (int oy = 0; oy < OH; ++oy) add_into(dst + static_cast<std::int64_t>(oy) * Wp, row + oy * OW, OW);
      }
  for (int c = 0; c < g.in_channels; ++c)
    for (int y = 0; y < H; ++y)
      add_into(grad_x_n + (static_cast<std::int64_t>(c) * H + y) * W, pad_data + c * plane + (y + p) * Wp + p, W);
}

// grad_x_n [C,H,W] += fold(col [C*KH*KW, OH*OW]); taps outside the image are dropped.
void col2im_add(float* grad_x_n, const float* col, const ConvGeometry& g) {
  if (g.stride == 1) {
    col2im_add_stride1(grad_x_n, col, g);
    return;
  }
  const int OH = g.out_height, OW = g.out_width, H = g.in_height, W = g.in_width;
  for (int c = 0; c < g.in_channels; ++c)
    for (int ky = 0; ky < g.kernel_height; ++ky)
      for (int kx = 0; kx < g.kernel_width; ++kx) {
        const float* row =
            col + ((static_cast<std::int64_t>(c) * g.kernel_height + ky) * g.kernel_width + kx) * OH * OW;
        float* plane = grad_x_n + c * in_pixels(g);
        const int x0 = kx * g.dilation - g.pad;
        for (int oy = 0; oy < OH; ++oy) {
          const int iy = oy * g.stride - g.pad + ky * g.dilation;
          if (iy < 0 || iy >= H) continue;
          float* dst = plane + iy * W;
          const float* src = row + oy * OW;
          if (g.stride == 1) {
            const InImageColumns in = in_image_columns(x0, OW, W);
            add_into(dst + x0 + in.lo, src + in.lo, in.hi - in.lo);
            continue;
          }
          for (int ox = 0; ox < OW; ++ox) {
            const int ix = ox * g.stride + x0;
            if (ix >= 0 && ix < W) dst[ix] += src[ox];
          }
        }
      }
}

// Scratch for one thread's chunk, from the pool (released on scope exit, even on throw).
struct Scratch {
  explicit Scratch(std::size_t floats) : size(floats), data(floats ? acquire_buffer(floats) : nullptr) {}
  ~Scratch() {
    if (data) release_buffer(data, size);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::size_t size;
  float* data;
};

// Batch items summed into one weight-gradient partial. Fixed, so the reduction order
// never depends on the thread count.
constexpr int kWeightGradItemsPerBlock = 4;

}  // namespace

// ---- forward: out [N,K,OH,OW], x [N,C,H,W], weight [K,C*KH*KW], bias [K] or null

namespace {

// out = out + bias, then max(out, 0), over the K output planes of one item while they are in cache.
void bias_relu_item(float* out, const float* bias, bool relu, std::int64_t K, std::int64_t P) {
  using batch = xsimd::batch<float>;
  constexpr int kW = static_cast<int>(batch::size);
  for (std::int64_t k = 0; k < K; ++k) {
    float* o = out + k * P;
    const float b = bias ? bias[k] : 0.0f;
    std::int64_t p = 0;
    if (relu) {
      for (; p + kW <= P; p += kW) xsimd::max(batch::load_unaligned(o + p) + batch(b), batch(0.0f)).store_unaligned(o + p);
      for (; p < P; ++p) o[p] = std::max(o[p] + b, 0.0f);
    } else {
      for (; p + kW <= P; p += kW) (batch::load_unaligned(o + p) + batch(b)).store_unaligned(o + p);
      for (; p < P; ++p) o[p] += b;
    }
  }
}

// Each item in one pass: its product into dest(n, scratch), then bias and ReLU on its planes
// while they are in cache, then after(n, planes); threaded over the batch (one parallel_for).
// scratch is K * OH * OW floats of the calling thread, for a dest that does not keep the planes.
template <class Dest, class After>
void forward_items(const float* x, const float* weight, const float* bias, bool relu, const ConvGeometry& g,
                   bool needs_scratch, const Dest& dest, const After& after) {
  const std::int64_t rows = col_rows(g), P = out_pixels(g), K = g.out_channels;
  const bool epilogue = bias || relu;
  const std::size_t scratch_floats = needs_scratch ? static_cast<std::size_t>(K * P) : 0;
  if (is_pointwise(g)) {  // the image already is col
    parallel_for(0, g.batch, 1, [&](std::int64_t lo, std::int64_t hi) {
      Scratch scratch(scratch_floats);
      for (std::int64_t n = lo; n < hi; ++n) {
        float* planes = dest(n, scratch.data);
        sgemm(false, false, K, P, rows, 1.0f, weight, rows, x + n * g.in_channels * in_pixels(g), P, 0.0f, planes, P);
        if (epilogue) bias_relu_item(planes, bias, relu, K, P);
        after(n, planes);
      }
    });
    return;
  }
  // out_n^T [P, K] = col^T [P, rows] * weight^T [rows, K]: the gathered operand is col^T
  // (pixel offsets for its rows, tap offsets along k), stored transposed straight into out_n.
  const ColOffsets offsets = col_offsets(g);
  Scratch weight_t(static_cast<std::size_t>(rows * K));  // weight^T, read in place by the GEMM
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t r = 0; r < rows; ++r) weight_t.data[r * K + k] = weight[k * rows + r];
  parallel_for(0, g.batch, 1, [&](std::int64_t lo, std::int64_t hi) {
    Scratch padded(static_cast<std::size_t>(padded_floats(g)));
    Scratch scratch(scratch_floats);
    for (std::int64_t n = lo; n < hi; ++n) {
      float* planes = dest(n, scratch.data);
      copy_padded(padded.data, x + n * g.in_channels * in_pixels(g), g);
      sgemm_gathered_a(static_cast<int>(P), static_cast<int>(K), static_cast<int>(rows), padded.data,
                       offsets.pixel.data(), offsets.tap.data(), false, weight_t.data, static_cast<int>(K), 0.0f,
                       planes, static_cast<int>(P), true);
      if (epilogue) bias_relu_item(planes, bias, relu, K, P);
      after(n, planes);
    }
  });
}

void forward(float* out, const float* x, const float* weight, const float* bias, bool relu, const ConvGeometry& g) {
  const std::int64_t item_floats = static_cast<std::int64_t>(g.out_channels) * out_pixels(g);
  forward_items(x, weight, bias, relu, g, false, [&](std::int64_t n, float*) { return out + n * item_floats; },
                [](std::int64_t, const float*) {});
}

}  // namespace

void conv2d_forward_each_item(const float* x, const float* weight, const float* bias, bool relu, const ConvGeometry& g,
                              const std::function<void(std::int64_t, const float*)>& consume) {
  forward_items(x, weight, bias, relu, g, true, [](std::int64_t, float* scratch) { return scratch; },
                [&](std::int64_t n, const float* planes) { consume(n, planes); });
}

void conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g) {
  forward(out, x, weight, bias, false, g);
}

void conv2d_relu_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g) {
  forward(out, x, weight, bias, true, g);
}

// ---- backward input: dcol [C*KH*KW, OH*OW] = weight^T grad_out_n, folded into grad_x_n

namespace {

// The input gradient of a stride-1 convolution is a full convolution of grad_out with the
// flipped kernel: grad_x_n [C, H*W] += sum over (k, ky, kx) of
//   weight[k, c, ky, kx] * grad_out_pad[k, y + d*(KH-1-ky), x + d*(KW-1-kx)]
// where grad_out_pad is grad_out_n with a zero border of d*(K-1) - pad. That border must
// not be negative (pad <= d*(K-1), true of every "same" and "valid" convolution).
struct TransposedConv {
  int pad_h, pad_w;  // border of grad_out_pad
  int height, width;  // of grad_out_pad
};
bool transposed_conv_applies(const ConvGeometry& g) {
  return g.stride == 1 && g.pad <= g.dilation * (g.kernel_height - 1) && g.pad <= g.dilation * (g.kernel_width - 1);
}
TransposedConv transposed_conv(const ConvGeometry& g) {
  TransposedConv t;
  t.pad_h = g.dilation * (g.kernel_height - 1) - g.pad;
  t.pad_w = g.dilation * (g.kernel_width - 1) - g.pad;
  t.height = g.out_height + 2 * t.pad_h;
  t.width = g.out_width + 2 * t.pad_w;
  return t;
}

// grad_x_n^T [H*W, C] += grad_out_pad gathered [H*W, K*KH*KW] * weight rearranged [K*KH*KW, C],
// stored transposed into grad_x_n [C, H*W].
void backward_input_transposed_conv(float* grad_x, const float* grad_out, const float* weight, const ConvGeometry& g) {
  const TransposedConv t = transposed_conv(g);
  const std::int64_t K = g.out_channels, C = g.in_channels, KH = g.kernel_height, KW = g.kernel_width;
  const std::int64_t taps = K * KH * KW, P = out_pixels(g), plane = static_cast<std::int64_t>(t.height) * t.width;
  WG_CHECK(K * plane < (std::int64_t(1) << 31), "conv2d: output gradient of ", K, " x ", g.out_height, " x ",
           g.out_width, " is too large for one batch item");
  // tap (k, ky, kx) of input pixel (y, x) reads grad_out_pad[k, y + d*(KH-1-ky), x + d*(KW-1-kx)].
  std::vector<int> tap_offset, pixel_offset;
  tap_offset.reserve(static_cast<std::size_t>(taps));
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t ky = 0; ky < KH; ++ky)
      for (std::int64_t kx = 0; kx < KW; ++kx)
        tap_offset.push_back(static_cast<int>(k * plane + g.dilation * (KH - 1 - ky) * t.width +
                                              g.dilation * (KW - 1 - kx)));
  pixel_offset.reserve(static_cast<std::size_t>(in_pixels(g)));
  for (int y = 0; y < g.in_height; ++y)
    for (int x = 0; x < g.in_width; ++x) pixel_offset.push_back(y * t.width + x);
  Scratch taps_by_channel(static_cast<std::size_t>(taps * C));  // [(k, ky, kx), c] = weight[k, c, ky, kx]
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t c = 0; c < C; ++c)
      for (std::int64_t i = 0; i < KH * KW; ++i)
        taps_by_channel.data[(k * KH * KW + i) * C + c] = weight[(k * C + c) * KH * KW + i];
  parallel_for(0, g.batch, 1, [&](std::int64_t lo, std::int64_t hi) {
    Scratch padded(static_cast<std::size_t>(K * plane));
    for (std::int64_t n = lo; n < hi; ++n) {
      copy_padded(padded.data, grad_out + n * K * P, static_cast<int>(K), g.out_height, g.out_width, t.pad_h, t.pad_w);
      sgemm_gathered_a(static_cast<int>(in_pixels(g)), static_cast<int>(C), static_cast<int>(taps), padded.data,
                       pixel_offset.data(), tap_offset.data(), false, taps_by_channel.data, static_cast<int>(C), 1.0f,
                       grad_x + n * C * in_pixels(g), static_cast<int>(in_pixels(g)), true);
    }
  });
}

}  // namespace

// Stride 1 (every model in the lectures): a transposed convolution through the gathered
// GEMM, no unfolded matrix. Otherwise dcol = weight^T grad_out_n, folded back with col2im.
void conv2d_backward_input(float* grad_x, const float* grad_out, const float* weight, const ConvGeometry& g) {
  const std::int64_t rows = col_rows(g), P = out_pixels(g), K = g.out_channels;
  const bool pointwise = is_pointwise(g);
  if (!pointwise && transposed_conv_applies(g)) {
    backward_input_transposed_conv(grad_x, grad_out, weight, g);
    return;
  }
  parallel_for(0, g.batch, 1, [&](std::int64_t lo, std::int64_t hi) {
    Scratch dcol(pointwise ? 0 : static_cast<std::size_t>(rows * P));
    for (std::int64_t n = lo; n < hi; ++n) {
      float* gx_n = grad_x + n * g.in_channels * in_pixels(g);
      const float* gy_n = grad_out + n * K * P;
      if (pointwise) {  // col is the image itself: accumulate straight into it
        sgemm(true, false, rows, P, K, 1.0f, weight, rows, gy_n, P, 1.0f, gx_n, P);
        continue;
      }
      sgemm(true, false, rows, P, K, 1.0f, weight, rows, gy_n, P, 0.0f, dcol.data, P);
      col2im_add(gx_n, dcol.data, g);
    }
  });
}

// ---- backward weight: grad_weight [K, C*KH*KW] += sum_n grad_out_n [K,P] * col_n^T [P, C*KH*KW]
// Computed transposed, grad_weight^T [C*KH*KW, K] = sum_n col_n [C*KH*KW, P] * grad_out_n^T [P, K]:
// col_n is the gathered operand (tap offsets for its rows, pixel offsets along k), and the
// GEMM packs the small grad_out_n.

void conv2d_backward_weight(float* grad_weight, const float* grad_out, const float* x, const ConvGeometry& g) {
  const std::int64_t rows = col_rows(g), P = out_pixels(g), K = g.out_channels;
  const bool pointwise = is_pointwise(g);
  const std::int64_t blocks = (g.batch + kWeightGradItemsPerBlock - 1) / kWeightGradItemsPerBlock;
  const std::int64_t partial_size = K * rows;
  const ColOffsets offsets = pointwise ? ColOffsets{} : col_offsets(g);
  Scratch partials(static_cast<std::size_t>(blocks * partial_size));  // each [rows, K]
  parallel_for(0, blocks, 1, [&](std::int64_t lo, std::int64_t hi) {
    Scratch padded(pointwise ? 0 : static_cast<std::size_t>(padded_floats(g)));
    for (std::int64_t b = lo; b < hi; ++b) {
      float* partial = partials.data + b * partial_size;
      const std::int64_t first = b * kWeightGradItemsPerBlock;
      const std::int64_t last = std::min<std::int64_t>(first + kWeightGradItemsPerBlock, g.batch);
      for (std::int64_t n = first; n < last; ++n) {
        const float* x_n = x + n * g.in_channels * in_pixels(g);
        const float* gy_n = grad_out + n * K * P;
        const float beta = n == first ? 0.0f : 1.0f;
        if (pointwise) {
          sgemm(false, true, rows, K, P, 1.0f, x_n, P, gy_n, P, beta, partial, K);
          continue;
        }
        copy_padded(padded.data, x_n, g);
        sgemm_gathered_a(static_cast<int>(rows), static_cast<int>(K), static_cast<int>(P), padded.data,
                         offsets.tap.data(), offsets.pixel.data(), true, gy_n, static_cast<int>(P), beta, partial,
                         static_cast<int>(K), false);
      }
    }
  });
  // Fixed-order sum of the block partials (transposed back); split over independent weight rows.
  parallel_for(0, K, 4, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t k = lo; k < hi; ++k) {
      float* gw = grad_weight + k * rows;
      for (std::int64_t b = 0; b < blocks; ++b) {
        const float* partial = partials.data + b * partial_size + k;
        for (std::int64_t r = 0; r < rows; ++r) gw[r] += partial[r * K];
      }
    }
  });
}

// grad_bias[k] += sum over n, p of grad_out[n, k, p]. Split over channels (each sum is one
// thread's), vector lanes summed in a fixed order: the bits do not depend on the thread count.
void conv2d_backward_bias(float* grad_bias, const float* grad_out, const ConvGeometry& g) {
  using batch = xsimd::batch<float>;
  constexpr int kW = static_cast<int>(batch::size);
  const std::int64_t P = out_pixels(g), K = g.out_channels;
  parallel_for(0, K, 1, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t k = lo; k < hi; ++k) {
      batch lanes(0.0f);
      float tail = 0.0f;
      for (std::int64_t n = 0; n < g.batch; ++n) {
        const float* gy = grad_out + (n * K + k) * P;
        std::int64_t p = 0;
        for (; p + kW <= P; p += kW) lanes += batch::load_unaligned(gy + p);
        for (; p < P; ++p) tail += gy[p];
      }
      grad_bias[k] += xsimd::hadd(lanes) + tail;
    }
  });
}

// ---- reference: direct loops over every output and tap (slow, obviously correct)

namespace {
// Calls tap(n, k, oy, ox, c, iy, ix, w_index) for every in-image tap of every output.
template <class Tap>
void for_each_tap(const ConvGeometry& g, Tap tap) {
  for (int n = 0; n < g.batch; ++n)
    for (int k = 0; k < g.out_channels; ++k)
      for (int oy = 0; oy < g.out_height; ++oy)
        for (int ox = 0; ox < g.out_width; ++ox)
          for (int c = 0; c < g.in_channels; ++c)
            for (int ky = 0; ky < g.kernel_height; ++ky)
              for (int kx = 0; kx < g.kernel_width; ++kx) {
                const int iy = oy * g.stride - g.pad + ky * g.dilation;
                const int ix = ox * g.stride - g.pad + kx * g.dilation;
                if (iy < 0 || iy >= g.in_height || ix < 0 || ix >= g.in_width) continue;
                const std::int64_t out_index = ((static_cast<std::int64_t>(n) * g.out_channels + k) * g.out_height + oy) * g.out_width + ox;
                const std::int64_t in_index = ((static_cast<std::int64_t>(n) * g.in_channels + c) * g.in_height + iy) * g.in_width + ix;
                const std::int64_t w_index = ((static_cast<std::int64_t>(k) * g.in_channels + c) * g.kernel_height + ky) * g.kernel_width + kx;
                tap(out_index, in_index, w_index);
              }
}
}  // namespace

void conv2d_forward_reference(float* out, const float* x, const float* weight, const float* bias,
                              const ConvGeometry& g) {
  const std::int64_t P = out_pixels(g);
  for (std::int64_t i = 0; i < g.batch * g.out_channels * P; ++i)
    out[i] = bias ? bias[(i / P) % g.out_channels] : 0.0f;
  for_each_tap(g, [&](std::int64_t o, std::int64_t in, std::int64_t w) { out[o] += x[in] * weight[w]; });
}

void conv2d_backward_input_reference(float* grad_x, const float* grad_out, const float* weight,
                                     const ConvGeometry& g) {
  for_each_tap(g, [&](std::int64_t o, std::int64_t in, std::int64_t w) { grad_x[in] += grad_out[o] * weight[w]; });
}

void conv2d_backward_weight_reference(float* grad_weight, const float* grad_out, const float* x,
                                      const ConvGeometry& g) {
  for_each_tap(g, [&](std::int64_t o, std::int64_t in, std::int64_t w) { grad_weight[w] += grad_out[o] * x[in]; });
}

// ---- the Var op

namespace {

// conv2d and conv2d_relu: the same node, with or without the ReLU folded in.
Var conv2d_node(const char* op, const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options,
                bool relu) {
  WG_CHECK(x.defined() && weight.defined(), op, ": input and weight must be defined");
  const ConvGeometry g = conv_geometry(x.shape(), weight.shape(), options, op);
  if (bias.defined())
    WG_CHECK(bias.shape() == Shape{g.out_channels}, op, ": bias must be [", g.out_channels, "] for weight ",
             shape_str(weight.shape()), ", got ", shape_str(bias.shape()));
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_height, g.out_width});
  forward(out.data(), x.value().data(), weight.value().data(), bias.defined() ? bias.value().data() : nullptr, relu, g);
  std::vector<Var> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  const Tensor x_value = x.value(), w_value = weight.value();
  const bool has_bias = bias.defined();
  // With the ReLU folded in, the gradient reaching the convolution is grad_out where the
  // output is positive and 0 elsewhere (as relu's backward: the subgradient at 0 is 0, and a
  // non-finite gradient where the unit is off stays 0).
  return make_result(op, out, inputs, [g, x_value, w_value, has_bias, relu](Node& self) {
    const float* grad = self.grad.data();
    Scratch masked(relu ? static_cast<std::size_t>(self.grad.size()) : 0);
    if (relu) {
      using batch = xsimd::batch<float>;
      constexpr int kW = static_cast<int>(batch::size);
      const float* y = self.value.data();  // the ReLU's output: positive exactly where its input was
      parallel_for(0, self.grad.size(), 1 << 15, [&](std::int64_t lo, std::int64_t hi) {
        std::int64_t i = lo;
        for (; i + kW <= hi; i += kW)
          xsimd::select(batch::load_unaligned(y + i) > batch(0.0f), batch::load_unaligned(grad + i), batch(0.0f))
              .store_unaligned(masked.data + i);
        for (; i < hi; ++i) masked.data[i] = y[i] > 0.0f ? grad[i] : 0.0f;
      });
      grad = masked.data;
    }
    if (Tensor* gx = self.input_grad(0)) conv2d_backward_input(gx->data(), grad, w_value.data(), g);
    if (Tensor* gw = self.input_grad(1)) conv2d_backward_weight(gw->data(), grad, x_value.data(), g);
    if (has_bias)
      if (Tensor* gb = self.input_grad(2)) conv2d_backward_bias(gb->data(), grad, g);
  });
}

}  // namespace

Var conv2d(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options) {
  return conv2d_node("conv2d", x, weight, bias, options, false);
}

Var conv2d_relu(const Var& x, const Var& weight, const Var& bias, const Conv2dOptions& options) {
  return conv2d_node("conv2d_relu", x, weight, bias, options, true);
}

}  // namespace wg
