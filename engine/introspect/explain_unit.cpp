// explain_unit: one unit's value as the steps its layer takes, from the engine's own
// per-layer activations and the layer's parameters. See explain_unit.h. One function per
// layer kind returns its steps and sets `result`, the value they arrive at.
//
// Sums are accumulated in double from the float inputs and weights, then rounded once:
// the engine's kernels add the same terms in float in their own order, so `result` and
// `value` differ by the kernels' rounding only. Where the engine's forward is a short
// scalar loop (pools, normalisation with fixed statistics) the same float steps are
// taken in the same order, so the numbers are bit-identical.
#include "introspect/explain_unit.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "introspect/activations.h"
#include "introspect/block_paths.h"
#include "introspect/layer_view.h"
#include "introspect/probe.h"

namespace wg {

namespace {

using namespace introspect;

std::string layer_words(const Layer& layer, int index) {
  return "layer " + std::to_string(index) + " (" + layer.type() + ", output " + shape_str(layer.output_shape()) + ")";
}

void check_unit(const Layer& layer, const UnitIndex& u) {
  const Shape& out = layer.output_shape();
  const bool image = out.size() == 3;
  WG_CHECK(u.channel >= 0 && u.channel < out[0], "explain_unit: ", image ? "channel " : "unit ", u.channel,
           " out of range for ", layer_words(layer, u.layer), ": valid ", image ? "channels" : "units", " are 0..",
           out[0] - 1);
  if (!image) {
    WG_CHECK(u.row == 0 && u.col == 0, "explain_unit: ", layer_words(layer, u.layer),
             " outputs a vector: give the unit as channel (0..", out[0] - 1, ") and leave row and col at 0, got row ",
             u.row, ", col ", u.col);
    return;
  }
  WG_CHECK(u.row >= 0 && u.row < out[1], "explain_unit: row ", u.row, " out of range for ", layer_words(layer, u.layer),
           ": valid rows are 0..", out[1] - 1);
  WG_CHECK(u.col >= 0 && u.col < out[2], "explain_unit: col ", u.col, " out of range for ", layer_words(layer, u.layer),
           ": valid cols are 0..", out[2] - 1);
}

// Offset of (channel, row, col) in a [C, H, W] sample, or of unit `channel` in an [F] one.
std::int64_t unit_offset(const Shape& shape, int channel, int row, int col) {
  if (shape.size() != 3) return channel;
  return (static_cast<std::int64_t>(channel) * shape[1] + row) * shape[2] + col;
}

InputWindow make_window(int top, int left, int rows, int cols, int step, int stride, int pad, int height, int width) {
  InputWindow w;
  w.top = top;
  w.left = left;
  w.rows = rows;
  w.cols = cols;
  w.step = step;
  w.stride = stride;
  w.pad = pad;
  w.padding.resize(static_cast<std::size_t>(rows) * cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const int r = w.tap_row(i), c = w.tap_col(j);
      w.padding[i * cols + j] = r < 0 || r >= height || c < 0 || c >= width;
    }
  return w;
}

// The values under a window in one channel plane [H, W]; 0 at padding.
std::vector<float> window_values(const InputWindow& w, const float* plane, int width) {
  std::vector<float> values(w.padding.size(), 0.0f);
  for (int i = 0; i < w.rows; ++i)
    for (int j = 0; j < w.cols; ++j)
      if (!w.padding[i * w.cols + j]) values[i * w.cols + j] = plane[w.tap_row(i) * width + w.tap_col(j)];
  return values;
}

ConvExplanation explain_conv(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u, float& result) {
  const ConvView conv = conv_view(layer);
  const int height = in[1], width = in[2];
  ConvExplanation e;
  e.window = make_window(u.row * conv.stride - conv.pad, u.col * conv.stride - conv.pad, conv.kernel_height,
                         conv.kernel_width, conv.dilation, conv.stride, conv.pad, height, width);
  double total = 0;
  for (int c = 0; c < conv.in_channels; ++c) {
    ConvChannelTerm term;
    term.channel = c;
    term.patch = window_values(e.window, x + static_cast<std::int64_t>(c) * height * width, width);
    const float* kernel = conv.kernel(u.channel, c);
    term.weights.assign(kernel, kernel + conv.taps());
    term.products.resize(conv.taps());
    double sum = 0;
    for (int t = 0; t < conv.taps(); ++t) {
      term.products[t] = term.patch[t] * term.weights[t];
      sum += static_cast<double>(term.patch[t]) * term.weights[t];
    }
    term.sum = static_cast<float>(sum);
    total += sum;
    e.channels.push_back(std::move(term));
  }
  e.channel_sum = static_cast<float>(total);
  e.has_bias = conv.bias.defined();
  e.bias = e.has_bias ? conv.bias[u.channel] : 0.0f;
  e.pre_activation = static_cast<float>(total + e.bias);
  result = e.pre_activation;
  return e;
}

// The engine's pooling loops (ops/pool.cpp): in-map taps in scan order, float accumulation.
PoolExplanation explain_pool(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u, float& result) {
  const PoolView pool = pool_view(layer);
  const int height = in[1], width = in[2];
  PoolExplanation e;
  e.window = make_window(u.row * pool.stride - pool.pad, u.col * pool.stride - pool.pad, pool.kernel, pool.kernel, 1,
                         pool.stride, pool.pad, height, width);
  e.values = window_values(e.window, x + static_cast<std::int64_t>(u.channel) * height * width, width);
  e.divisor = pool.kernel * pool.kernel;
  float best = 0.0f;
  for (std::size_t t = 0; t < e.values.size(); ++t) {
    if (e.window.padding[t]) continue;
    const float v = e.values[t];
    if (e.winner < 0 || v > best) {  // strictly greater: the first maximum wins ties
      best = v;
      e.winner = static_cast<int>(t);
    }
    e.sum += v;
    e.sum_of_squares += v * v;
  }
  e.winner_row = e.window.tap_row(e.winner / pool.kernel);
  e.winner_col = e.window.tap_col(e.winner % pool.kernel);
  const std::string type = layer.type();
  if (type == "maxpool") result = best;
  else if (type == "avgpool") result = e.sum * (1.0f / static_cast<float>(e.divisor));
  else result = std::sqrt(e.sum_of_squares);
  return e;
}

LinearExplanation explain_linear(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u, int top_k,
                                 float& result) {
  const LinearView linear = linear_view(layer);
  LinearExplanation e;
  e.inputs = linear.inputs;
  const float* w = linear.weight.data() + static_cast<std::int64_t>(u.channel) * linear.inputs;
  e.products.resize(linear.inputs);
  double total = 0;
  for (int i = 0; i < linear.inputs; ++i) {
    e.products[i] = w[i] * x[i];
    total += static_cast<double>(w[i]) * x[i];
  }
  std::vector<int> order(linear.inputs);
  std::iota(order.begin(), order.end(), 0);
  const int k = std::min(top_k, linear.inputs);
  auto larger = [&](int a, int b) {
    const float fa = std::fabs(e.products[a]), fb = std::fabs(e.products[b]);
    return fa != fb ? fa > fb : a < b;
  };
  std::partial_sort(order.begin(), order.begin() + k, order.end(), larger);
  double top_total = 0;
  for (int r = 0; r < k; ++r) {
    const int i = order[r];
    Contribution c;
    c.input = i;
    if (in.size() == 3) {
      const int plane = in[1] * in[2];
      c.channel = i / plane;
      c.row = i % plane / in[2];
      c.col = i % in[2];
    } else {
      c.channel = i;
    }
    c.input_value = x[i];
    c.weight = w[i];
    c.product = e.products[i];
    top_total += static_cast<double>(w[i]) * x[i];
    e.top.push_back(c);
  }
  e.rest_count = linear.inputs - k;
  e.rest_sum = static_cast<float>(total - top_total);
  e.product_sum = static_cast<float>(total);
  e.has_bias = linear.bias.defined();
  e.bias = e.has_bias ? linear.bias[u.channel] : 0.0f;
  e.pre_activation = static_cast<float>(total + e.bias);
  result = e.pre_activation;
  return e;
}

// y = (x - mean) * (1 / sqrt(var + eps)) * gamma + beta, in the engine's float steps (ops/normalization.cpp).
float normalize(NormExplanation& e) {
  const float rstd = 1.0f / std::sqrt(e.variance + e.eps);
  e.std_dev = std::sqrt(e.variance + e.eps);
  e.normalized = (e.input - e.mean) * rstd;
  return e.normalized * e.gamma + e.beta;
}

NormExplanation explain_batchnorm(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u,
                                  float& result) {
  NormExplanation e;
  e.input = x[unit_offset(in, u.channel, u.row, u.col)];
  e.mean = layer_buffer(layer, "running_mean")[u.channel];
  e.variance = layer_buffer(layer, "running_var")[u.channel];
  e.eps = static_cast<float>(spec_number(layer, "eps"));
  e.count = 0;
  e.gamma = layer_parameter(layer, "weight")[u.channel];
  e.beta = layer_parameter(layer, "bias")[u.channel];
  result = normalize(e);
  return e;
}

// layernorm: statistics over the whole sample, gamma/beta per position;
// instancenorm: over the unit's channel plane, gamma/beta per channel.
NormExplanation explain_sample_norm(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u,
                                    float& result) {
  const bool per_channel = std::string(layer.type()) == "instancenorm";
  const std::int64_t at = unit_offset(in, u.channel, u.row, u.col);
  const std::int64_t count = per_channel ? static_cast<std::int64_t>(in[1]) * in[2] : shape_numel(in);
  const float* group = per_channel ? x + u.channel * count : x;
  double total = 0;
  for (std::int64_t i = 0; i < count; ++i) total += group[i];
  const double mean = total / static_cast<double>(count);
  double squares = 0;
  for (std::int64_t i = 0; i < count; ++i) squares += (group[i] - mean) * (group[i] - mean);
  NormExplanation e;
  e.input = x[at];
  e.mean = static_cast<float>(mean);
  e.variance = static_cast<float>(squares / static_cast<double>(count));
  e.eps = static_cast<float>(spec_number(layer, "eps"));
  e.count = static_cast<int>(count);
  e.affine = spec_flag(layer, "affine");
  if (e.affine) {
    const std::int64_t a = per_channel ? u.channel : at;
    e.gamma = layer_parameter(layer, "weight")[a];
    e.beta = layer_parameter(layer, "bias")[a];
  }
  result = normalize(e);
  return e;
}

// Local contrast normalisation, following its definition in ops/normalization.cpp.
LcnExplanation explain_lcn(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u, float& result) {
  const int C = in[0], H = in[1], W = in[2];
  const int size = static_cast<int>(spec_number(layer, "size")), r = size / 2;
  const double count = static_cast<double>(C) * size * size;
  const std::int64_t P = static_cast<std::int64_t>(H) * W;
  // Box mean over size x size and all channels, zero padded, always divided by C size^2.
  auto box_mean = [&](const std::vector<double>& per_pixel, int y, int x0) {
    double total = 0;
    for (int yy = std::max(0, y - r); yy <= std::min(H - 1, y + r); ++yy)
      for (int xx = std::max(0, x0 - r); xx <= std::min(W - 1, x0 + r); ++xx) total += per_pixel[yy * W + xx];
    return total / count;
  };
  std::vector<double> channel_sum(P, 0.0), local_mean(P), squares(P, 0.0);
  for (int c = 0; c < C; ++c)
    for (std::int64_t p = 0; p < P; ++p) channel_sum[p] += x[c * P + p];
  for (int y = 0; y < H; ++y)
    for (int x0 = 0; x0 < W; ++x0) local_mean[y * W + x0] = box_mean(channel_sum, y, x0);
  for (int c = 0; c < C; ++c)
    for (std::int64_t p = 0; p < P; ++p) {
      const double v = x[c * P + p] - local_mean[p];
      squares[p] += v * v;
    }
  double std_total = 0, unit_std = 0;
  for (int y = 0; y < H; ++y)
    for (int x0 = 0; x0 < W; ++x0) {
      const double s = std::sqrt(box_mean(squares, y, x0));
      std_total += s;
      if (y == u.row && x0 == u.col) unit_std = s;
    }
  LcnExplanation e;
  e.window = make_window(u.row - r, u.col - r, size, size, 1, 1, r, H, W);
  e.channels = C;
  e.input = x[unit_offset(in, u.channel, u.row, u.col)];
  e.local_mean = static_cast<float>(local_mean[u.row * W + u.col]);
  e.centered = static_cast<float>(e.input - local_mean[u.row * W + u.col]);
  e.local_std = static_cast<float>(unit_std);
  e.mean_std = static_cast<float>(std_total / static_cast<double>(P));
  e.eps = static_cast<float>(spec_number(layer, "eps"));
  e.divisor = std::max({e.local_std, e.mean_std, e.eps});  // ties: local, then mean (as the engine)
  e.divisor_from = e.divisor == e.local_std ? "local" : e.divisor == e.mean_std ? "mean" : "eps";
  result = e.centered / e.divisor;
  return e;
}

// The pointwise layer's own forward on one value: the engine's function, not a copy of it.
float apply_pointwise(Layer& layer, float x) {
  NoGrad no_graph;
  ForwardContext context;
  return layer.forward(Var(Tensor::scalar(x)), context).value()[0];
}

// Activations and dropout: input -> the layer's function -> output.
PointwiseExplanation explain_pointwise(Layer& layer, const float* x, const Shape& in, const UnitIndex& u,
                                       float& result) {
  PointwiseExplanation p;
  p.input = x[unit_offset(in, u.channel, u.row, u.col)];
  const std::string type = layer.type();
  if (type == "leaky_relu") p.slope = static_cast<float>(spec_number(layer, "slope"));
  if (type == "dropout") p.rate = static_cast<float>(spec_number(layer, "rate"));
  result = apply_pointwise(layer, p.input);
  return p;
}

// Output unit i of flatten copies input i, which is (channel, row, col) of a [C, H, W] input.
FlattenExplanation explain_flatten(const float* x, const Shape& in, const UnitIndex& u, float& result) {
  FlattenExplanation f;
  const std::int64_t i = u.channel;
  if (in.size() == 3) {
    const std::int64_t plane = static_cast<std::int64_t>(in[1]) * in[2];
    f.channel = static_cast<int>(i / plane);
    f.row = static_cast<int>(i % plane / in[2]);
    f.col = static_cast<int>(i % in[2]);
  } else {
    f.channel = static_cast<int>(i);
  }
  f.input = x[i];
  result = f.input;
  return f;
}

// The block's input x (one sample, shaped `in`) as a batch of one.
Tensor one_sample(const float* x, const Shape& in) {
  Shape batch{1};
  batch.insert(batch.end(), in.begin(), in.end());
  Tensor input = Tensor::empty(batch);
  std::copy(x, x + shape_numel(in), input.data());
  return input;
}

// A block's unit from its paths run on the block's input x (one sample).
ResidualExplanation explain_residual(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u,
                                     float& result) {
  const std::vector<PathOutput> paths = block_path_outputs(layer, one_sample(x, in));
  const std::int64_t at = unit_offset(layer.output_shape(), u.channel, u.row, u.col);
  ResidualExplanation r;
  r.layers_term = paths[0].output[at];
  r.shortcut_term = paths[1].output[at];
  r.identity = paths[1].identity;
  r.layers_count = static_cast<int>(paths[0].inner.size());
  r.shortcut_count = static_cast<int>(paths[1].inner.size());
  result = r.layers_term + r.shortcut_term;  // the engine's residual_add: one float add
  return r;
}

ConcatExplanation explain_concat(const Layer& layer, const float* x, const Shape& in, const UnitIndex& u, float& result) {
  const std::vector<PathOutput> paths = block_path_outputs(layer, one_sample(x, in));
  ConcatExplanation c;
  for (const PathOutput& p : paths) c.branch_channels.push_back(p.shape[0]);
  int offset = 0;
  for (std::size_t b = 0; b < paths.size(); ++b) {
    if (u.channel < offset + c.branch_channels[b]) {
      c.branch = static_cast<int>(b);
      c.offset = offset;
      c.channel = u.channel - offset;
      c.identity = paths[b].identity;
      c.layers_count = static_cast<int>(paths[b].inner.size());
      c.input = paths[b].output[unit_offset(paths[b].shape, c.channel, u.row, u.col)];
      break;
    }
    offset += c.branch_channels[b];
  }
  result = c.input;
  return c;
}

std::string kind_of(const Layer& layer) {
  if (is_activation(layer)) return "activation";
  return layer.type();
}

}  // namespace

UnitExplanation explain_unit(Model& model, const Tensor& input, const UnitIndex& unit, const ExplainOptions& options) {
  check_layer_index(model, unit.layer, "explain_unit");
  WG_CHECK(options.top_k >= 0, "explain_unit: topK must be 0 or more, got ", options.top_k);
  const auto& layers = model.layers();
  Layer& layer = *layers[unit.layer];
  check_unit(layer, unit);
  const Tensor sample = finite_sample(model, input, "explain_unit");
  const std::vector<LayerActivation> maps = layer_activations(model, sample);

  UnitExplanation e;
  e.unit = unit;
  e.kind = kind_of(layer);
  e.type = layer.type();
  e.name = layer.name();
  e.input_layer = unit.layer - 1;
  e.input_shape = layer.input_shape();
  e.output_shape = layer.output_shape();
  e.value = maps[unit.layer].data[unit_offset(e.output_shape, unit.channel, unit.row, unit.col)];
  if (model.input_shape().size() == 3)
    e.receptive_field = theoretical_receptive_field(model, unit.layer, unit.row, unit.col);

  const float* x = (unit.layer == 0 ? sample : maps[unit.layer - 1].data).data();
  const Shape& in = e.input_shape;
  const std::string& kind = e.kind;
  if (kind == "conv2d") {
    e.steps = explain_conv(layer, x, in, unit, e.result);
  } else if (kind == "maxpool" || kind == "avgpool" || kind == "l2pool") {
    e.steps = explain_pool(layer, x, in, unit, e.result);
  } else if (kind == "linear") {
    e.steps = explain_linear(layer, x, in, unit, options.top_k, e.result);
  } else if (kind == "batchnorm") {
    e.steps = explain_batchnorm(layer, x, in, unit, e.result);
  } else if (kind == "layernorm" || kind == "instancenorm") {
    e.steps = explain_sample_norm(layer, x, in, unit, e.result);
  } else if (kind == "lcn") {
    e.steps = explain_lcn(layer, x, in, unit, e.result);
  } else if (kind == "activation" || kind == "dropout") {
    e.steps = explain_pointwise(layer, x, in, unit, e.result);
  } else if (kind == "flatten") {
    e.steps = explain_flatten(x, in, unit, e.result);
  } else if (kind == "residual") {
    e.steps = explain_residual(layer, x, in, unit, e.result);
  } else if (kind == "concat") {
    e.steps = explain_concat(layer, x, in, unit, e.result);
  } else {
    fail("explain_unit: layer ", unit.layer, " has type \"", e.type, "\", which explain_unit does not know");
  }

  const int next = unit.layer + 1;
  if (kind != "activation" && next < static_cast<int>(layers.size()) && is_activation(*layers[next])) {
    Layer& activation = *layers[next];
    NextActivation a;
    a.layer = next;
    a.name = activation.name();
    a.type = activation.type();
    if (a.type == "leaky_relu") a.slope = static_cast<float>(spec_number(activation, "slope"));
    a.input = e.result;
    a.result = apply_pointwise(activation, e.result);
    a.value = maps[next].data[unit_offset(activation.output_shape(), unit.channel, unit.row, unit.col)];
    e.next = a;
  }
  return e;
}

}  // namespace wg
