// Implementation of the introspection facade (see introspect_api.h).
#include "introspect_api.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <variant>

#include "introspect/activations.h"
#include "introspect/class_image.h"
#include "introspect/explain_unit.h"
#include "introspect/filters.h"
#include "introspect/graph.h"
#include "introspect/histograms.h"
#include "introspect/network_flow.h"
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
  const std::vector<double> numbers = numbers_from_js(values, what);
  const int n = static_cast<int>(numbers.size());
  std::vector<float> out(n);
  for (int i = 0; i < n; ++i) {
    const double x = numbers[i];
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

// ---- inside one unit: explainUnit and networkFlow

namespace {

// How a JS value reads in an error message: 1.5, NaN, "3" (a string), undefined, object.
std::string describe(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type == "number") {
    std::ostringstream text;
    text << v.as<double>();
    return text.str();
  }
  if (type == "string") return "\"" + v.as<std::string>() + "\" (a string)";
  return type;
}

// An options object (undefined counts as {}) whose keys are all in `valid`: a misspelt key
// is an error, never a setting silently ignored.
val options_object(const val& options, const std::vector<std::string>& valid, const char* what, const char* example) {
  if (options.isUndefined() || options.isNull()) return val::object();
  WG_CHECK(options.typeOf().as<std::string>() == "object" && !options.isArray(), what, ": expected an object like ",
           example, ", got ", describe(options));
  const val keys = val::global("Object").call<val>("keys", options);
  for (int i = 0; i < keys["length"].as<int>(); ++i) {
    const std::string key = keys[i].as<std::string>();
    if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
    std::string list;
    for (const std::string& v : valid) list += (list.empty() ? "" : ", ") + v;
    fail(what, ": unknown option \"", key, "\" (valid: ", list, ")");
  }
  return options;
}

// options[key] as a whole number; nullopt when absent.
std::optional<int> whole_number(const val& options, const char* key, const char* what) {
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return std::nullopt;
  const bool number = v.typeOf().as<std::string>() == "number";
  const double x = number ? v.as<double>() : NAN;
  WG_CHECK(std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 2147483648.0, what, ": \"", key,
           "\" must be a whole number, got ", describe(v));
  return static_cast<int>(x);
}

// Exactly one sample of the model's input shape (a Float32Array or an array of numbers).
Tensor one_sample_from_js(const Model& model, const val& data, const char* what) {
  WG_CHECK(data.instanceof(val::global("Float32Array")) || data.isArray(), what,
           ": the input must be a Float32Array (or an array of numbers), got ", describe(data));
  const std::int64_t length = data["length"].as<double>();
  const std::int64_t expected = shape_numel(model.input_shape());
  WG_CHECK(length == expected, what, ": the input has ", length, " values, but one sample of shape ",
           shape_str(model.input_shape()), " has ", expected);
  return tensor_from_js(data, model.input_shape(), what);
}

// o: the checked options object of explainUnit.
UnitIndex unit_from_js(const Model& model, const val& o) {
  const char* what = "explainUnit";
  const std::optional<int> layer = whole_number(o, "layer", what);
  WG_CHECK(layer.has_value(), what, ": give the unit's \"layer\" (0..", model.layers().size() - 1, ")");
  UnitIndex unit;
  unit.layer = *layer;
  unit.channel = whole_number(o, "channel", what).value_or(0);
  const std::optional<int> row = whole_number(o, "row", what), col = whole_number(o, "col", what);
  const bool in_range = unit.layer >= 0 && unit.layer < static_cast<int>(model.layers().size());
  if (in_range && model.layers()[unit.layer]->output_shape().size() == 3) {
    const Layer& l = *model.layers()[unit.layer];
    WG_CHECK(row && col, what, ": layer ", unit.layer, " (", l.type(), ") outputs maps ", shape_str(l.output_shape()),
             ": give the unit's \"row\" and \"col\" as well as its \"channel\"");
  }
  unit.row = row.value_or(0);
  unit.col = col.value_or(0);
  return unit;
}

val floats_to_js(const std::vector<float>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

val window_to_js(const InputWindow& w) {
  val out = val::object();
  out.set("top", w.top);
  out.set("left", w.left);
  out.set("rows", w.rows);
  out.set("cols", w.cols);
  out.set("step", w.step);
  out.set("stride", w.stride);
  out.set("pad", w.pad);
  out.set("padding", val(emscripten::typed_memory_view(w.padding.size(), w.padding.data())).call<val>("slice"));
  return out;
}

// Writes one kind's steps onto the explanation object `out` (std::visit over UnitSteps).
struct StepsToJs {
  val& out;
  const std::string& kind;

  void operator()(const ConvExplanation& e) const {
    out.set("window", window_to_js(e.window));
    val channels = val::array();
    for (const ConvChannelTerm& t : e.channels) {
      val term = val::object();
      term.set("channel", t.channel);
      term.set("patch", floats_to_js(t.patch));
      term.set("weights", floats_to_js(t.weights));
      term.set("products", floats_to_js(t.products));
      term.set("sum", t.sum);
      channels.call<void>("push", term);
    }
    out.set("channels", channels);
    out.set("channelSum", e.channel_sum);
    out.set("hasBias", e.has_bias);
    out.set("bias", e.bias);
    out.set("preActivation", e.pre_activation);
  }
  void operator()(const PoolExplanation& e) const {
    out.set("window", window_to_js(e.window));
    out.set("values", floats_to_js(e.values));
    if (kind == "maxpool") {
      val winner = val::object();
      winner.set("tap", e.winner);
      winner.set("row", e.winner_row);
      winner.set("col", e.winner_col);
      winner.set("value", e.values[e.winner]);
      out.set("winner", winner);
    } else if (kind == "avgpool") {
      out.set("sum", e.sum);
      out.set("divisor", e.divisor);
    } else {
      out.set("sumOfSquares", e.sum_of_squares);
    }
  }
  void operator()(const LinearExplanation& e) const {
    out.set("inputs", e.inputs);
    val top = val::array();
    for (const Contribution& c : e.top) top.call<void>("push", val(c));
    out.set("top", top);
    val rest = val::object();
    rest.set("count", e.rest_count);
    rest.set("sum", e.rest_sum);
    out.set("rest", rest);
    out.set("products", floats_to_js(e.products));
    out.set("productSum", e.product_sum);
    out.set("hasBias", e.has_bias);
    out.set("bias", e.bias);
    out.set("preActivation", e.pre_activation);
  }
  void operator()(const NormExplanation& e) const { val::global("Object").call<void>("assign", out, val(e)); }
  void operator()(const LcnExplanation& e) const {
    out.set("window", window_to_js(e.window));
    out.set("inputChannels", e.channels);
    out.set("input", e.input);
    out.set("localMean", e.local_mean);
    out.set("centered", e.centered);
    out.set("localStd", e.local_std);
    out.set("meanStd", e.mean_std);
    out.set("eps", e.eps);
    out.set("divisor", e.divisor);
    out.set("divisorFrom", e.divisor_from);
  }
  void operator()(const PointwiseExplanation& e) const {
    out.set("input", e.input);
    if (kind == "dropout") out.set("rate", e.rate);
    else out.set("slope", e.slope);
  }
  void operator()(const FlattenExplanation& e) const {
    out.set("input", e.input);
    val source = val::object();
    source.set("channel", e.channel);
    source.set("row", e.row);
    source.set("col", e.col);
    out.set("source", source);
  }
};

val edges_to_js(const FlowEdges& edges) {
  val out = val::object();
  out.set("kind", edges.kind);
  out.set("possible", static_cast<double>(edges.possible));
  out.set("source", int32_copy(edges.source));
  out.set("target", int32_copy(edges.target));
  out.set("value", floats_to_js(edges.value));
  return out;
}

}  // namespace

val explain_unit(const ModelHandle& handle, const val& input, const val& unit_options) {
  return guarded([&] {
    Model& model = *handle.model();
    const val o =
        options_object(unit_options, {"layer", "channel", "row", "col", "topK"}, "explainUnit", "{layer, channel, row, col}");
    const UnitIndex unit = unit_from_js(model, o);
    ExplainOptions options;
    options.top_k = whole_number(o, "topK", "explainUnit").value_or(options.top_k);
    const UnitExplanation e =
        wg::explain_unit(model, one_sample_from_js(model, input, "explainUnit"), unit, options);
    val out = val::object();
    out.set("kind", e.kind);
    out.set("type", e.type);
    out.set("layer", e.unit.layer);
    out.set("name", e.name);
    out.set("unit", val(e.unit));
    out.set("inputLayer", e.input_layer);
    out.set("inputShape", shape_to_js(e.input_shape));
    out.set("outputShape", shape_to_js(e.output_shape));
    out.set("value", e.value);
    out.set("result", e.result);
    out.set("receptiveField", e.receptive_field ? val(*e.receptive_field) : val::null());
    out.set("next", e.next ? val(*e.next) : val::null());
    std::visit(StepsToJs{out, e.kind}, e.steps);
    return out;
  });
}

val network_flow(const ModelHandle& handle, const val& input, const val& js_options) {
  return guarded([&] {
    Model& model = *handle.model();
    const char* what = "networkFlow";
    const val o = options_object(js_options, {"edges", "edgesPerNode", "mapLimit"}, what, "{edges, edgesPerNode, mapLimit}");
    FlowOptions options;
    options.edges = whole_number(o, "edges", what).value_or(options.edges);
    options.edges_per_node = whole_number(o, "edgesPerNode", what).value_or(options.edges_per_node);
    options.map_limit = whole_number(o, "mapLimit", what).value_or(options.map_limit);
    const NetworkFlow flow = wg::network_flow(model, one_sample_from_js(model, input, what), options);
    val columns = val::array();
    for (std::size_t i = 0; i < flow.columns.size(); ++i) {
      const FlowColumn& c = flow.columns[i];
      val column = val::object();
      column.set("index", static_cast<int>(i));
      column.set("layers", shape_to_js(c.layers));  // a plain array of layer indices
      column.set("name", c.name);
      column.set("type", c.type);
      column.set("shape", shape_to_js(c.shape));
      column.set("nodes", c.nodes);
      column.set("values", float32_copy(c.values));
      column.set("maxima", float32_copy(c.maxima));
      column.set("maps", c.maps.defined() ? float32_copy(c.maps) : val::null());
      column.set("incoming", i == 0 ? val::null() : edges_to_js(c.incoming));
      columns.call<void>("push", column);
    }
    val out = val::object();
    out.set("columns", columns);
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
