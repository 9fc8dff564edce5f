// Small seeded toy data sets for the playground and the lectures: logic truth tables
// (XOR is the classic "needs a hidden layer" case; NAND the perceptron example), 2-D
// classification shapes (circles, moons, spirals, blobs) and 1-D regression curves.
//
// make_toy(name, n, noise, seed) is the single entry point. Names:
//   classification, inputs [n, 2], labels in [0, num_classes):
//     xor, and, or, nand  inputs are the corners {0,1}^2 in the order 00, 01, 10, 11, repeated
//                         (sample i is corner i % 4), labels the gate's truth value
//                         (NAND: 00->1, 01->1, 10->1, 11->0). n = 4 gives the bare truth
//                         table; noise adds gaussian jitter of that std to the inputs, so a
//                         larger n with noise gives noisy clusters around the corners.
//     circles             class 0 on the circle of radius 0.5, class 1 on radius 1
//     moons               two interleaved half circles
//     spirals             two interleaved spirals (one and a half turns each)
//     blobs, blobs:K      K gaussian clusters (K = 3 for "blobs", 2..10) with centres on a
//                         circle of radius 2, std = noise (use e.g. 0.5)
//     For circles, moons and spirals sample i has class i % 2 (balanced) and noise is the
//     std of gaussian jitter added to both coordinates.
//   regression, inputs [n, 1] on an even grid, targets [n, 1] = f(x) + gaussian(noise):
//     sin (x in [-pi, pi]), abs, step (0 for x < 0, 1 otherwise), cubic (x^3), linear
//     (2x + 1), all but sin on x in [-1, 1].
// Same (name, n, noise, seed) gives bit-identical data.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace wg {

inline constexpr int kToyMaxSamples = 1 << 20;

Dataset make_toy(const std::string& name, int n, float noise, std::uint64_t seed);

// Every accepted name, in the order of the list above ("blobs:K" listed once as "blobs:K").
std::vector<std::string> toy_names();

}  // namespace wg
