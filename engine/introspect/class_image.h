// "What does class k look like": gradient ascent on the input image that maximises a class
// score, and "deep dream"-style amplification of what a layer responds to in an input.
//
// Both ascend an objective J(x) over the input x in [0, 1] with steps normalised by the
// gradient's root mean square (step_size is then roughly the change per pixel per step,
// whatever the scale of the network's outputs):
//   x <- clamp(x + step_size * g / rms(g), 0, 1),   g = dJ/dx
// every `blur_every` steps x is smoothed with a [1 2 1]/4 kernel along rows and columns
// (suppresses the high-frequency noise gradient ascent otherwise produces), and with
// jitter > 0 each step's gradient is taken on x rolled by a random shift in
// [-jitter, jitter] pixels (from Rng(seed): the result is deterministic).
// Parameters are frozen during the ascent (FrozenParameters): the model is not changed.
#pragma once
#include <cstdint>
#include <vector>

#include "nn/model.h"

namespace wg {

struct AscentOptions {
  int steps = 200;
  float step_size = 0.05f;
  float l2 = 0.01f;          // class image only: J = score_k - l2 * sum x^2
  float start_value = 0.0f;  // class image only: the start image (0 = black, 0.5 = grey)
  int blur_every = 4;        // 0: never blur
  int jitter = 0;            // pixels; 0: no jitter
  std::uint64_t seed = 1;
};

struct AscentResult {
  Tensor image;                   // shaped like one model input, values in [0, 1]
  std::vector<float> scores;      // class image: score_k at each step (before its update) and at the end
                                  // (steps + 1 values); dream: sum of squares of the layer's activations
  std::vector<float> objectives;  // J at the same points (the score minus the penalty for class images)
};

// The model input must be an image [C, H, W] and the output a vector of class scores.
AscentResult class_image(Model& model, int class_index, const AscentOptions& options = {});

// Starts from `image` (one input) and ascends J = sum of squares of layer `layer`'s output.
AscentResult deep_dream(Model& model, const Tensor& image, int layer, const AscentOptions& options = {});

// Throws naming the field: steps in [0, 100000], step_size > 0 and finite, l2 >= 0,
// start_value in [0, 1], blur_every >= 0, jitter in [0, 64].
void validate(const AscentOptions& options);

}  // namespace wg
