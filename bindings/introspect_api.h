// The facade for "seeing inside the network" (engine/introspect/): functions over a ModelHandle
// returning the records of introspect_types.h (value objects: plain JS objects with
// Float32Array data); every call runs in guarded(). The lectures' teaching pieces (perceptron
// rule, worked-example graphs) are teaching_api.h.
#pragma once
#include <emscripten/val.h>

#include <string>

#include "introspect_types.h"
#include "model_api.h"

namespace wg::api {

using emscripten::val;

// image: Float32Array of one sample (or count samples for activations/probabilities).
val layer_activations(const ModelHandle& model, const val& image);
// Inside block `layer`: [{branch, identity, shape, layers: [{layer, name, type, shape, data}]}].
val block_activations(const ModelHandle& model, const val& image, int layer);
JsLayerFilters layer_filters(const ModelHandle& model, int layer);
JsSaliencyMap saliency_map(const ModelHandle& model, const val& image, int class_index);
JsEffectiveField effective_receptive_field(const ModelHandle& model, const val& image, int layer, int channel, int row,
                                           int col);
TheoreticalField theoretical_receptive_field(const ModelHandle& model, int layer, int row, int col);
// options: {steps, stepSize, l2, startValue, blurEvery, jitter, seed} (all optional)
JsAscent class_image(const ModelHandle& model, int class_index, const val& options);
JsAscent deep_dream(const ModelHandle& model, const val& image, int layer, const val& options);
val parameter_histograms(const ModelHandle& model, int bins);
// [{layer, layerName, name, norm}]: each parameter's last gradient norm (introspect/grad_norms.h).
val parameter_grad_norms(const ModelHandle& model);
// JSON text of the loss graph for a small batch (nodes nearest the loss, at most max_nodes).
std::string loss_graph(const ModelHandle& model, const val& inputs, const val& labels, int max_nodes);

// ---- inside one unit (introspect/explain_unit.h, introspect/network_flow.h)
// unit: {layer, channel?, row?, col?, topK?}; returns the explanation as a plain object
// discriminated by `kind` (bindings/wasmgrad.d.ts, UnitExplanation).
val explain_unit(const ModelHandle& model, const val& input, const val& unit);
// options: {edges?, edgesPerNode?, mapLimit?}; returns {columns: [...]} (NetworkFlow in the .d.ts).
JsNetworkFlow network_flow(const ModelHandle& model, const val& input, const val& options);

}  // namespace wg::api
