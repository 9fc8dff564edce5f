// Introspection results -> their plain JS objects (see introspect_types.h).
#include "introspect_types.h"

#include <variant>
#include <vector>

#include "js_interop.h"

namespace wg::api {

namespace {

template <class T>
val copy_to_js(const std::vector<T>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

// A JS array of val(convert(item)) for every item.
template <class List, class Convert>
val list_to_js(const List& items, Convert convert) {
  val out = val::array();
  for (const auto& item : items) out.call<void>("push", val(convert(item)));
  return out;
}

JsInputWindow to_js(const InputWindow& w) {
  return {w.top, w.left, w.rows, w.cols, w.step, w.stride, w.pad, copy_to_js(w.padding)};
}

JsConvChannelTerm to_js(const ConvChannelTerm& t) {
  return {t.channel, copy_to_js(t.patch), copy_to_js(t.weights), copy_to_js(t.products), t.sum};
}

JsFlowEdges to_js(const FlowEdges& edges) {
  return {edges.kind, static_cast<double>(edges.possible), int32_copy(edges.source), int32_copy(edges.target),
          copy_to_js(edges.value)};
}

// One kind's steps as its record (std::visit over UnitSteps); pools and activations differ by kind.
struct StepsToJs {
  const std::string& kind;

  val operator()(const ConvExplanation& e) const {
    const val channels = list_to_js(e.channels, [](const ConvChannelTerm& t) { return to_js(t); });
    return val(JsConvSteps{to_js(e.window), channels, e.channel_sum, e.has_bias, e.bias, e.pre_activation});
  }
  val operator()(const PoolExplanation& e) const {
    if (kind == "maxpool") {
      const JsPoolWinner winner{e.winner, e.winner_row, e.winner_col, e.values[e.winner]};
      return val(JsMaxPoolSteps{to_js(e.window), copy_to_js(e.values), winner});
    }
    if (kind == "avgpool") return val(JsAvgPoolSteps{to_js(e.window), copy_to_js(e.values), e.sum, e.divisor});
    return val(JsL2PoolSteps{to_js(e.window), copy_to_js(e.values), e.sum_of_squares});
  }
  val operator()(const LinearExplanation& e) const {
    const val top = list_to_js(e.top, [](const Contribution& c) { return c; });
    return val(JsLinearSteps{e.inputs, top, {e.rest_count, e.rest_sum}, copy_to_js(e.products), e.product_sum,
                             e.has_bias, e.bias, e.pre_activation});
  }
  val operator()(const NormExplanation& e) const { return val(e); }
  val operator()(const LcnExplanation& e) const {
    return val(JsLcnSteps{to_js(e.window), e.channels, e.input, e.local_mean, e.centered, e.local_std, e.mean_std,
                          e.eps, e.divisor, e.divisor_from});
  }
  val operator()(const PointwiseExplanation& e) const {
    if (kind == "dropout") return val(JsDropoutSteps{e.input, e.rate});
    return val(JsSlopeSteps{e.input, e.slope});
  }
  val operator()(const FlattenExplanation& e) const {
    return val(JsFlattenSteps{e.input, {e.channel, e.row, e.col}});
  }
  val operator()(const ResidualExplanation& e) const {
    return val(JsResidualSteps{e.layers_term, e.shortcut_term, e.identity, e.layers_count, e.shortcut_count});
  }
  val operator()(const ConcatExplanation& e) const {
    return val(JsConcatSteps{e.branch, e.channel, e.offset, list_to_js(e.branch_channels, [](int c) { return c; }),
                             e.identity, e.layers_count, e.input});
  }
};

}  // namespace

JsLayerActivation to_js(const LayerActivation& a) {
  return {a.layer, a.name, a.type, shape_to_js(a.shape), float32_copy(a.data)};
}

JsLayerFilters to_js(const LayerFilters& f) {
  return {shape_to_js(f.shape), float32_copy(f.data), f.layer, f.name, f.type};
}

JsSaliencyMap to_js(const SaliencyMap& s) {
  return {shape_to_js(s.map.shape()), float32_copy(s.map), s.class_index, s.score};
}

JsEffectiveField to_js(const EffectiveField& f) {
  return {shape_to_js(f.map.shape()), float32_copy(f.map), f.layer, f.channel, f.row, f.col, f.activation,
          f.theoretical};
}

JsAscent to_js(const AscentResult& r) {
  return {shape_to_js(r.image.shape()), float32_copy(r.image), copy_to_js(r.scores), copy_to_js(r.objectives)};
}

JsNetworkFlow to_js(const NetworkFlow& flow) {
  val columns = val::array();
  for (std::size_t i = 0; i < flow.columns.size(); ++i) {
    const FlowColumn& c = flow.columns[i];
    columns.call<void>("push", val(JsFlowColumn{static_cast<int>(i), shape_to_js(c.layers), c.name, c.type,
                                                shape_to_js(c.shape), c.nodes, float32_copy(c.values),
                                                float32_copy(c.maxima), c.maps.defined() ? float32_copy(c.maps) : val::null(),
                                                i == 0 ? val::null() : val(to_js(c.incoming))}));
  }
  return {columns};
}

val explanation_to_js(const UnitExplanation& e) {
  const val out(JsUnitExplanation{e.kind, e.type, e.unit.layer, e.name, e.unit, e.input_layer, shape_to_js(e.input_shape),
                                  shape_to_js(e.output_shape), e.value, e.result,
                                  e.receptive_field ? val(*e.receptive_field) : val::null(),
                                  e.next ? val(*e.next) : val::null()});
  val::global("Object").call<void>("assign", out, std::visit(StepsToJs{e.kind}, e.steps));
  return out;
}

}  // namespace wg::api
