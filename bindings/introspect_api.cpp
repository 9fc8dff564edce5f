// Implementation of the introspection facade (see introspect_api.h).
#include "introspect_api.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "introspect/block_paths.h"
#include "introspect/grad_norms.h"
#include "introspect/graph.h"
#include "introspect/histograms.h"
#include "js_interop.h"
#include "js_types.h"

namespace wg::api {

namespace {

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

}  // namespace

val layer_activations(const ModelHandle& handle, const val& image) {
  return guarded([&] {
    Model& model = *handle.model();
    val layers = val::array();
    for (const LayerActivation& a : wg::layer_activations(model, samples_from_js(model.input_shape(), image, -1, "activations")))
      layers.call<void>("push", val(to_js(a)));
    return layers;
  });
}

val block_activations(const ModelHandle& handle, const val& image, int layer) {
  return guarded([&] {
    Model& model = *handle.model();
    val paths = val::array();
    for (const PathOutput& p : wg::block_activations(model, samples_from_js(model.input_shape(), image, -1, "blockActivations"), layer)) {
      val inner = val::array();
      for (const LayerActivation& a : p.inner) inner.call<void>("push", val(to_js(a)));
      paths.call<void>("push", val(JsBlockPath{p.branch, p.identity, shape_to_js(p.shape), inner}));
    }
    return paths;
  });
}

JsLayerFilters layer_filters(const ModelHandle& handle, int layer) {
  return guarded([&] { return to_js(wg::layer_filters(*handle.model(), layer)); });
}

JsSaliencyMap saliency_map(const ModelHandle& handle, const val& image, int class_index) {
  return guarded([&] {
    Model& model = *handle.model();
    return to_js(wg::saliency(model, samples_from_js(model.input_shape(), image, -1, "saliency"), class_index));
  });
}

JsEffectiveField effective_receptive_field(const ModelHandle& handle, const val& image, int layer, int channel, int row,
                                           int col) {
  return guarded([&] {
    Model& model = *handle.model();
    return to_js(wg::effective_receptive_field(
        model, samples_from_js(model.input_shape(), image, -1, "effectiveReceptiveField"), layer, channel, row, col));
  });
}

TheoreticalField theoretical_receptive_field(const ModelHandle& handle, int layer, int row, int col) {
  return guarded([&] { return wg::theoretical_receptive_field(*handle.model(), layer, row, col); });
}

JsAscent class_image(const ModelHandle& handle, int class_index, const val& options) {
  return guarded([&] { return to_js(wg::class_image(*handle.model(), class_index, ascent_options(options))); });
}

JsAscent deep_dream(const ModelHandle& handle, const val& image, int layer, const val& options) {
  return guarded([&] {
    Model& model = *handle.model();
    return to_js(
        wg::deep_dream(model, samples_from_js(model.input_shape(), image, -1, "deepDream"), layer, ascent_options(options)));
  });
}

val parameter_histograms(const ModelHandle& handle, int bins) {
  return guarded([&] {
    return array_to_js(wg::parameter_histograms(*handle.model(), bins));
  });
}

val parameter_grad_norms(const ModelHandle& handle) {
  return guarded([&] {
    val out = val::array();
    for (const GradNorm& g : wg::parameter_grad_norms(*handle.model())) out.call<void>("push", val(g));
    return out;
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

}  // namespace

val explain_unit(const ModelHandle& handle, const val& input, const val& unit_options) {
  return guarded([&] {
    Model& model = *handle.model();
    const val o =
        options_object(unit_options, {"layer", "channel", "row", "col", "topK"}, "explainUnit", "{layer, channel, row, col}");
    const UnitIndex unit = unit_from_js(model, o);
    ExplainOptions options;
    options.top_k = whole_number(o, "topK", "explainUnit").value_or(options.top_k);
    return explanation_to_js(wg::explain_unit(model, one_sample_from_js(model, input, "explainUnit"), unit, options));
  });
}

JsNetworkFlow network_flow(const ModelHandle& handle, const val& input, const val& js_options) {
  return guarded([&] {
    Model& model = *handle.model();
    const char* what = "networkFlow";
    const val o = options_object(js_options, {"edges", "edgesPerNode", "mapLimit"}, what, "{edges, edgesPerNode, mapLimit}");
    FlowOptions options;
    options.edges = whole_number(o, "edges", what).value_or(options.edges);
    options.edges_per_node = whole_number(o, "edgesPerNode", what).value_or(options.edges_per_node);
    options.map_limit = whole_number(o, "mapLimit", what).value_or(options.map_limit);
    return to_js(wg::network_flow(model, one_sample_from_js(model, input, what), options));
  });
}

}  // namespace wg::api
