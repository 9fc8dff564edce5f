// Saliency and receptive fields: which input pixels a prediction or a single unit depends on.
//   saliency                 |d score_k / d input| for one input and class k (Simonyan et al.);
//   effective receptive field  |d a_{L,c,row,col} / d input| averaged over input channels,
//                            from a backward pass seeded with a one-hot on that activation;
//   theoretical receptive field  the input rectangle the unit can see at all, from the layer
//                            summary (rf_size, rf_jump, rf_start): every non-zero gradient of
//                            the effective field lies inside it.
// The backward passes run with the model's parameters frozen (FrozenParameters), so no
// parameter gradient is computed or changed: looking never affects training.
#pragma once
#include <string>

#include "nn/model.h"

namespace wg {

struct SaliencyMap {
  int class_index = 0;  // the class explained (the predicted one by default)
  float score = 0.0f;   // its score (the model output before any softmax)
  Tensor gradient;      // |d score / d input|, shaped like one input
  Tensor map;           // [H, W]: max over channels for [C, H, W] inputs; = gradient otherwise
};

// image: one sample shaped model.input_shape() (or a batch of one). class_index < 0: the
// predicted class. The model's output must be a vector of class scores.
SaliencyMap saliency(Model& model, const Tensor& image, int class_index = -1);

// An input-pixel rectangle; top/left may be negative and the bottom/right may pass the
// image edge when the region reaches into padding.
struct PixelRect {
  int top = 0, left = 0, height = 0, width = 0;
};

// Theoretical receptive field of unit (row, col) of `layer`, in input pixel coordinates:
// rows top .. top + height - 1 with top = round(rf_start - (rf_size - 1) / 2) + row * rf_jump
// (LayerSummary::rf_start is the centre of unit 0; web/protocol.md's `start`, the top-left
// pixel of unit 0, is `top` for row 0). Units of vector outputs (linear, flatten and what
// follows them) are given the whole input {0, 0, H, W}: exact for linear, an upper bound after flatten.
// `clipped` is the part inside the image (height or width 0 if none).
struct TheoreticalField {
  PixelRect full;
  PixelRect clipped;
};
TheoreticalField theoretical_receptive_field(const Model& model, int layer, int row, int col);

struct EffectiveField {
  int layer = 0, channel = 0, row = 0, col = 0;
  float activation = 0.0f;  // the unit's value for this input
  Tensor map;               // [H, W]: mean over input channels of |d unit / d input|
  TheoreticalField theoretical;
};

// The unit is (channel, row, col) of layer `layer`'s [C, H, W] output; for a vector output
// [F] the unit is `channel` and row = col = 0. The model input must be an image [C, H, W].
EffectiveField effective_receptive_field(Model& model, const Tensor& image, int layer, int channel, int row,
                                         int col);

}  // namespace wg
