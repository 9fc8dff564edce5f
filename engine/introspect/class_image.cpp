// Gradient ascent on the input: class images and deep-dream amplification.
#include "introspect/class_image.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/error.h"
#include "core/random.h"
#include "introspect/probe.h"
#include "ops/ops.h"

namespace wg {

namespace {

// dst = src rolled by (dy, dx) with wrap-around, per channel. src, dst: [C, H, W].
void roll_image(const float* src, float* dst, int c, int h, int w, int dy, int dx) {
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y) {
      const int ty = ((y + dy) % h + h) % h;
      for (int x = 0; x < w; ++x) {
        const int tx = ((x + dx) % w + w) % w;
        dst[(static_cast<std::int64_t>(ch) * h + ty) * w + tx] = src[(static_cast<std::int64_t>(ch) * h + y) * w + x];
      }
    }
}

// In place [1 2 1]/4 smoothing along rows then columns, edges replicated. x: [C, H, W].
void blur_image(float* x, int c, int h, int w) {
  std::vector<float> line(static_cast<std::size_t>(std::max(h, w)));
  for (int ch = 0; ch < c; ++ch) {
    float* plane = x + static_cast<std::int64_t>(ch) * h * w;
    for (int y = 0; y < h; ++y) {
      float* row = plane + static_cast<std::int64_t>(y) * w;
      for (int i = 0; i < w; ++i) line[i] = row[i];
      for (int i = 0; i < w; ++i)
        row[i] = 0.25f * line[std::max(i - 1, 0)] + 0.5f * line[i] + 0.25f * line[std::min(i + 1, w - 1)];
    }
    for (int xcol = 0; xcol < w; ++xcol) {
      for (int i = 0; i < h; ++i) line[i] = plane[static_cast<std::int64_t>(i) * w + xcol];
      for (int i = 0; i < h; ++i)
        plane[static_cast<std::int64_t>(i) * w + xcol] =
            0.25f * line[std::max(i - 1, 0)] + 0.5f * line[i] + 0.25f * line[std::min(i + 1, h - 1)];
    }
  }
}

// The value to report and the scalar to ascend, given the model output and layer outputs.
struct Objective {
  Var score;      // reported in `scores`
  Var objective;  // ascended; reported in `objectives`
};
using ObjectiveFn = std::function<Objective(const Var& input, const Var& output, const std::vector<Var>& layers)>;

AscentResult ascend(Model& model, Tensor start, const AscentOptions& options, const ObjectiveFn& objective_of) {
  const Shape& sample = model.input_shape();
  const int c = sample[0], h = sample[1], w = sample[2];
  Shape batch_shape = {1, c, h, w};
  Tensor x = start.clone().reshaped(batch_shape);
  Tensor shifted = Tensor::empty(batch_shape);
  Rng rng(options.seed);
  FrozenParameters frozen(model);
  AscentResult result;

  auto evaluate = [&](bool with_gradient, int dy, int dx) -> Tensor {
    roll_image(x.data(), shifted.data(), c, h, w, dy, dx);
    Var input(shifted.clone(), true, "input");
    std::vector<Var> layers;
    const Var output = forward_eval(model, input, &layers);
    const Objective o = objective_of(input, output, layers);
    result.scores.push_back(o.score.item());
    result.objectives.push_back(o.objective.item());
    if (!with_gradient) return Tensor();
    backward(o.objective);
    Tensor gradient = Tensor::zeros(batch_shape);
    if (input.grad().defined()) roll_image(input.grad().data(), gradient.data(), c, h, w, -dy, -dx);
    return gradient;
  };

  for (int step = 0; step < options.steps; ++step) {
    int dy = 0, dx = 0;
    if (options.jitter > 0) {
      const auto span = static_cast<std::uint32_t>(2 * options.jitter + 1);
      dy = static_cast<int>(rng.below(span)) - options.jitter;
      dx = static_cast<int>(rng.below(span)) - options.jitter;
    }
    const Tensor g = evaluate(true, dy, dx);
    double square_sum = 0.0;
    for (std::int64_t i = 0; i < g.size(); ++i) square_sum += static_cast<double>(g[i]) * g[i];
    const double rms = std::sqrt(square_sum / static_cast<double>(g.size()));
    if (rms > 0.0 && std::isfinite(rms)) {
      const float scale = static_cast<float>(options.step_size / rms);
      for (std::int64_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i] + scale * g[i], 0.0f, 1.0f);
    }
    if (options.blur_every > 0 && (step + 1) % options.blur_every == 0) blur_image(x.data(), c, h, w);
  }
  {
    NoGrad no_graph;  // the final score needs no gradient
    evaluate(false, 0, 0);
  }
  result.image = x.reshaped(sample);
  return result;
}

void require_image_input(const Model& model, const char* what) {
  WG_CHECK(model.input_shape().size() == 3, what, ": the model input ", shape_str(model.input_shape()),
           " is not an image [C, H, W]");
}

}  // namespace

void validate(const AscentOptions& o) {
  WG_CHECK(o.steps >= 0 && o.steps <= 100000, "ascent options: steps must be in [0, 100000], got ", o.steps);
  WG_CHECK(std::isfinite(o.step_size) && o.step_size > 0.0f, "ascent options: step_size must be positive, got ",
           o.step_size);
  WG_CHECK(std::isfinite(o.l2) && o.l2 >= 0.0f, "ascent options: l2 must be >= 0, got ", o.l2);
  WG_CHECK(o.start_value >= 0.0f && o.start_value <= 1.0f, "ascent options: start_value must be in [0, 1], got ",
           o.start_value);
  WG_CHECK(o.blur_every >= 0, "ascent options: blur_every must be >= 0, got ", o.blur_every);
  WG_CHECK(o.jitter >= 0 && o.jitter <= 64, "ascent options: jitter must be in [0, 64], got ", o.jitter);
}

AscentResult class_image(Model& model, int class_index, const AscentOptions& options) {
  validate(options);
  require_image_input(model, "class_image");
  WG_CHECK(model.output_shape().size() == 1, "class_image: the model's output per sample is ",
           shape_str(model.output_shape()), ", not a vector of class scores");
  const int classes = model.output_shape()[0];
  WG_CHECK(class_index >= 0 && class_index < classes, "class_image: class ", class_index,
           " out of range (the model has ", classes, " outputs)");
  const float l2 = options.l2;
  ObjectiveFn objective = [class_index, l2](const Var& input, const Var& output, const std::vector<Var>&) {
    Tensor pick = Tensor::zeros(output.shape());
    pick[class_index] = 1.0f;
    const Var score = sum(mul(output, Var(pick)));
    const Var penalty = mul_scalar(sum(mul(input, input)), l2);
    return Objective{score, sub(score, penalty)};
  };
  return ascend(model, Tensor::full(model.input_shape(), options.start_value), options, objective);
}

AscentResult deep_dream(Model& model, const Tensor& image, int layer, const AscentOptions& options) {
  validate(options);
  require_image_input(model, "deep_dream");
  check_layer_index(model, layer, "deep_dream");
  const Tensor batch = as_model_batch(model, image, "deep_dream");
  WG_CHECK(batch.shape()[0] == 1, "deep_dream: expects one input, got a batch of ", batch.shape()[0]);
  ObjectiveFn objective = [layer](const Var&, const Var&, const std::vector<Var>& layers) {
    const Var energy = sum(mul(layers[layer], layers[layer]));
    return Objective{energy, energy};
  };
  return ascend(model, batch.reshaped(model.input_shape()), options, objective);
}

}  // namespace wg
