// The plain JavaScript objects the introspection results become (introspect_api.h): each struct
// is an Embind value_object declared in bindings.cpp, so the field list there is the one place
// a record's JS shape is written, and bindings/wasmgrad.d.ts types it under the same names.
// Engine structs whose fields JS takes as they are (PixelRect, TheoreticalField, UnitIndex,
// NextActivation, Contribution, NormExplanation) are declared directly; the ones below carry
// tensors and vectors, which travel as typed-array copies (`val`). to_js() converts each.
#pragma once
#include <emscripten/val.h>

#include <string>

#include "introspect/activations.h"
#include "introspect/class_image.h"
#include "introspect/explain_unit.h"
#include "introspect/filters.h"
#include "introspect/grad_norms.h"
#include "introspect/network_flow.h"
#include "introspect/saliency.h"

namespace wg::api {

using emscripten::val;

// ---- maps: shape [H, W] (or the layer's) and a Float32Array of the values
struct JsLayerActivation {
  int layer;
  std::string name;
  std::string type;
  val shape = val::undefined();
  val data = val::undefined();  // Float32Array [N, ...shape]
};

struct JsBlockPath {  // blockActivations: one path of a block
  std::string branch;
  bool identity;
  val shape = val::undefined();   // number[]
  val layers = val::undefined();  // LayerActivation[]
};

struct JsLayerFilters {
  val shape = val::undefined();  // [K, C, KH, KW]
  val data = val::undefined();
  int layer;
  std::string name;
  std::string type;
};

struct JsSaliencyMap {
  val shape = val::undefined();
  val data = val::undefined();
  int classIndex;
  float score;
};

struct JsEffectiveField {
  val shape = val::undefined();
  val data = val::undefined();
  int layer;
  int channel;
  int row;
  int col;
  float activation;
  TheoreticalField theoretical;
};

struct JsAscent {  // class image, deep dream
  val shape = val::undefined();
  val data = val::undefined();
  val scores = val::undefined();      // Float32Array
  val objectives = val::undefined();  // Float32Array
};

// ---- explainUnit: the fields every kind has, then one of the step records below
struct JsUnitExplanation {
  std::string kind;
  std::string type;
  int layer;
  std::string name;
  UnitIndex unit;
  int inputLayer;
  val inputShape = val::undefined();
  val outputShape = val::undefined();
  float value;
  float result;
  val receptiveField = val::null();  // TheoreticalField, or null for vector inputs
  val next = val::null();            // NextActivation, or null
};

struct JsInputWindow {
  int top;
  int left;
  int rows;
  int cols;
  int step;
  int stride;
  int pad;
  val padding = val::undefined();  // Uint8Array [rows * cols]
};

struct JsConvChannelTerm {
  int channel;
  val patch = val::undefined();
  val weights = val::undefined();
  val products = val::undefined();
  float sum;
};

struct JsConvSteps {
  JsInputWindow window;
  val channels = val::undefined();  // JsConvChannelTerm[]
  float channelSum;
  bool hasBias;
  float bias;
  float preActivation;
};

struct JsPoolWinner {
  int tap;
  int row;
  int col;
  float value;
};

struct JsMaxPoolSteps {
  JsInputWindow window;
  val values = val::undefined();
  JsPoolWinner winner;
};

struct JsAvgPoolSteps {
  JsInputWindow window;
  val values = val::undefined();
  float sum;
  int divisor;
};

struct JsL2PoolSteps {
  JsInputWindow window;
  val values = val::undefined();
  float sumOfSquares;
};

struct JsRest {
  int count;
  float sum;
};

struct JsLinearSteps {
  int inputs;
  val top = val::undefined();  // Contribution[]
  JsRest rest;
  val products = val::undefined();
  float productSum;
  bool hasBias;
  float bias;
  float preActivation;
};

struct JsLcnSteps {
  JsInputWindow window;
  int inputChannels;
  float input;
  float localMean;
  float centered;
  float localStd;
  float meanStd;
  float eps;
  float divisor;
  std::string divisorFrom;
};

struct JsDropoutSteps {
  float input;
  float rate;
};

struct JsSlopeSteps {  // every activation but dropout (slope: leaky_relu's, else 0)
  float input;
  float slope;
};

struct JsFlattenSource {
  int channel;
  int row;
  int col;
};

struct JsFlattenSteps {
  float input;
  JsFlattenSource source;
};

struct JsResidualSteps {
  float layersTerm;
  float shortcutTerm;
  bool identity;
  int layersCount;
  int shortcutCount;
};

struct JsConcatSteps {
  int branch;
  int channel;
  int offset;
  val branchChannels = val::undefined();  // number[]
  bool identity;
  int layersCount;
  float input;
};

// ---- networkFlow
struct JsFlowEdges {
  std::string kind;
  double possible;
  val source = val::undefined();  // Int32Array
  val target = val::undefined();  // Int32Array
  val value = val::undefined();   // Float32Array
};

struct JsFlowColumn {
  int index;
  val layers = val::undefined();  // a plain array of layer indices
  std::string name;
  std::string type;
  val shape = val::undefined();
  int nodes;
  val values = val::undefined();
  val maxima = val::undefined();
  val maps = val::null();      // Float32Array, or null
  val incoming = val::null();  // JsFlowEdges, or null for the input column
};

struct JsNetworkFlow {
  val columns = val::undefined();  // JsFlowColumn[]
};

JsLayerActivation to_js(const LayerActivation& a);
JsLayerFilters to_js(const LayerFilters& f);
JsSaliencyMap to_js(const SaliencyMap& s);
JsEffectiveField to_js(const EffectiveField& f);
JsAscent to_js(const AscentResult& r);
JsNetworkFlow to_js(const NetworkFlow& flow);
// The explanation as one object: the common fields, then the kind's steps (Object.assign).
val explanation_to_js(const UnitExplanation& e);

}  // namespace wg::api
