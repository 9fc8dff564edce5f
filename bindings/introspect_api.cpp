// Implementation of the introspection facade (see introspect_api.h).
#include "introspect_api.h"

#include <cmath>

#include "introspect/activations.h"
#include "introspect/class_image.h"
#include "introspect/filters.h"
#include "introspect/graph.h"
#include "introspect/histograms.h"
#include "introspect/saliency.h"
#include "js_interop.h"
#include "js_types.h"

namespace wg::api {

namespace {


val map_to_js(const Tensor& map) {
  val out = val::object();
  out.set("shape", shape_to_js(map.shape()));
  out.set("data", float32_copy(map));
  return out;
}

val rect_to_js(const PixelRect& r) {
  val out = val::object();
  out.set("top", r.top);
  out.set("left", r.left);
  out.set("height", r.height);
  out.set("width", r.width);
  return out;
}

val field_to_js(const TheoreticalField& f) {
  val out = val::object();
  out.set("full", rect_to_js(f.full));
  out.set("clipped", rect_to_js(f.clipped));
  return out;
}

AscentOptions ascent_options(const val& options) {
  AscentOptions o;
  if (options.isUndefined() || options.isNull()) return o;
  auto number = [&](const char* key, double fallback) {
    const val v = options[key];
    if (v.isUndefined()) return fallback;
    WG_CHECK(v.typeOf().as<std::string>() == "number", "class image options: \"", key, "\" must be a number");
    return v.as<double>();
  };
  o.steps = static_cast<int>(number("steps", o.steps));
  o.step_size = static_cast<float>(number("stepSize", o.step_size));
  o.l2 = static_cast<float>(number("l2", o.l2));
  o.start_value = static_cast<float>(number("startValue", o.start_value));
  o.blur_every = static_cast<int>(number("blurEvery", o.blur_every));
  o.jitter = static_cast<int>(number("jitter", o.jitter));
  const double seed = number("seed", static_cast<double>(o.seed));
  WG_CHECK(seed >= 0 && seed == std::floor(seed), "class image options: \"seed\" must be a whole number >= 0");
  o.seed = static_cast<std::uint64_t>(seed);
  validate(o);
  return o;
}

val ascent_to_js(const AscentResult& r) {
  val out = map_to_js(r.image);
  out.set("scores", val(emscripten::typed_memory_view(r.scores.size(), r.scores.data())).call<val>("slice"));
  out.set("objectives",
          val(emscripten::typed_memory_view(r.objectives.size(), r.objectives.data())).call<val>("slice"));
  return out;
}

std::vector<float> floats_from_js(const val& values, const char* what) {
  WG_CHECK(values.isArray() || values.instanceof(val::global("Float32Array")), what, ": expected an array of numbers");
  const int n = values["length"].as<int>();
  std::vector<float> out(n);
  for (int i = 0; i < n; ++i) {
    const double x = values[i].as<double>();
    WG_CHECK(std::isfinite(x), what, ": value ", i, " is not a finite number");
    out[i] = static_cast<float>(x);
  }
  return out;
}

}  // namespace

val layer_activations(const ModelHandle& handle, const val& image) {
  return guarded([&] {
    Model& model = *handle.model();
    val layers = val::array();
    for (const LayerActivation& a : wg::layer_activations(model, samples_from_js(model.input_shape(), image, -1, "activations"))) {
      val layer = val::object();
      layer.set("layer", a.layer);
      layer.set("name", a.name);
      layer.set("type", a.type);
      layer.set("shape", shape_to_js(a.shape));
      layer.set("data", float32_copy(a.data));
      layers.call<void>("push", layer);
    }
    return layers;
  });
}

val layer_filters(const ModelHandle& handle, int layer) {
  return guarded([&] {
    const LayerFilters f = wg::layer_filters(*handle.model(), layer);
    val out = map_to_js(f.data);
    out.set("shape", shape_to_js(f.shape));
    out.set("layer", f.layer);
    out.set("name", f.name);
    out.set("type", f.type);
    return out;
  });
}

val saliency_map(const ModelHandle& handle, const val& image, int class_index) {
  return guarded([&] {
    Model& model = *handle.model();
    const SaliencyMap s = wg::saliency(model, samples_from_js(model.input_shape(), image, -1, "saliency"), class_index);
    val out = map_to_js(s.map);
    out.set("classIndex", s.class_index);
    out.set("score", s.score);
    return out;
  });
}

val effective_receptive_field(const ModelHandle& handle, const val& image, int layer, int channel, int row, int col) {
  return guarded([&] {
    Model& model = *handle.model();
    const EffectiveField f = wg::effective_receptive_field(
        model, samples_from_js(model.input_shape(), image, -1, "effectiveReceptiveField"), layer, channel, row, col);
    val out = map_to_js(f.map);
    out.set("layer", f.layer);
    out.set("channel", f.channel);
    out.set("row", f.row);
    out.set("col", f.col);
    out.set("activation", f.activation);
    out.set("theoretical", field_to_js(f.theoretical));
    return out;
  });
}

val theoretical_receptive_field(const ModelHandle& handle, int layer, int row, int col) {
  return guarded([&] { return field_to_js(wg::theoretical_receptive_field(*handle.model(), layer, row, col)); });
}

val class_image(const ModelHandle& handle, int class_index, const val& options) {
  return guarded([&] { return ascent_to_js(wg::class_image(*handle.model(), class_index, ascent_options(options))); });
}

val deep_dream(const ModelHandle& handle, const val& image, int layer, const val& options) {
  return guarded([&] {
    Model& model = *handle.model();
    return ascent_to_js(
        wg::deep_dream(model, samples_from_js(model.input_shape(), image, -1, "deepDream"), layer, ascent_options(options)));
  });
}

val parameter_histograms(const ModelHandle& handle, int bins) {
  return guarded([&] {
    return array_to_js(wg::parameter_histograms(*handle.model(), bins));
  });
}

std::string loss_graph(const ModelHandle& handle, const val& inputs, const val& labels, int max_nodes) {
  return guarded([&] {
    Model& model = *handle.model();
    Tensor batch = samples_from_js(model.input_shape(), inputs, -1, "lossGraph");
    std::vector<int> classes;
    for (float x : floats_from_js(labels, "lossGraph: labels")) classes.push_back(static_cast<int>(x));
    return json::dump(to_json(model_loss_graph(model, batch, classes, LossKind::cross_entropy, max_nodes)));
  });
}

std::string worked_example(const std::string& name, const val& inputs) {
  return guarded([&] { return json::dump(to_json(worked_example_graph(name, floats_from_js(inputs, name.c_str())))); });
}

val worked_example_names() {
  return guarded([] {
    val out = val::array();
    for (const std::string& n : wg::worked_example_names()) out.call<void>("push", n);
    return out;
  });
}

PerceptronHandle PerceptronHandle::create(int features, double learning_rate) {
  return guarded([&] { return PerceptronHandle(Perceptron(features, static_cast<float>(learning_rate))); });
}

int PerceptronHandle::predict(const val& x) const {
  return guarded([&] {
    const std::vector<float> v = floats_from_js(x, "Perceptron.predict");
    WG_CHECK(v.size() == perceptron_.weights.size(), "Perceptron.predict: ", v.size(), " inputs for ",
             perceptron_.weights.size(), " weights");
    return perceptron_.predict(v.data());
  });
}

bool PerceptronHandle::learn(const val& x, int label) {
  return guarded([&] {
    const std::vector<float> v = floats_from_js(x, "Perceptron.learn");
    WG_CHECK(v.size() == perceptron_.weights.size(), "Perceptron.learn: ", v.size(), " inputs for ",
             perceptron_.weights.size(), " weights");
    return perceptron_.learn(v.data(), label);
  });
}

val PerceptronHandle::weights() const {
  return guarded([&] {
    return val(emscripten::typed_memory_view(perceptron_.weights.size(), perceptron_.weights.data())).call<val>("slice");
  });
}

void PerceptronHandle::set_weights(const val& weights, double bias) {
  guarded([&] {
    const std::vector<float> w = floats_from_js(weights, "Perceptron.setWeights");
    WG_CHECK(w.size() == perceptron_.weights.size(), "Perceptron.setWeights: ", w.size(), " weights for ",
             perceptron_.weights.size(), " inputs");
    WG_CHECK(std::isfinite(bias), "Perceptron.setWeights: bias must be a finite number");
    perceptron_.weights = w;
    perceptron_.bias = static_cast<float>(bias);
  });
}

}  // namespace wg::api
