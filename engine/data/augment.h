// Data augmentation for image samples: random shift (zero fill), rotation about the centre
// (bilinear sampling, zero outside) and gaussian pixel noise clamped to [0, 1], as in the
// lectures ("translate, rotate, add noise"). Each sample draws from its own Rng, derived from
// (seed, epoch, dataset index) by the BatchLoader, so results do not depend on batch
// composition or thread count. With every field zero the sample is copied unchanged.
#pragma once
#include <cstdint>

#include "core/random.h"
#include "core/tensor.h"

namespace wg {

struct AugmentConfig {
  int max_shift = 0;                  // pixels; shift drawn uniformly from [-max_shift, max_shift] per axis
  float max_rotation_degrees = 0.0f;  // angle drawn uniformly from [-max, max]; positive = counter-clockwise
  float noise_std = 0.0f;             // std of gaussian noise added to every pixel, result clamped to [0, 1]

  bool enabled() const { return max_shift != 0 || max_rotation_degrees != 0.0f || noise_std != 0.0f; }
  void validate() const;  // ranges: shift in [0, 64], rotation in [0, 180], noise in [0, 1]
};

// The deterministic part: dst = src shifted by (shift_x right, shift_y down) and rotated by
// `degrees` counter-clockwise (as seen with rows top to bottom) about the image centre.
// src and dst are [channels, height, width] and must not overlap.
// Integer shifts without rotation move pixels exactly; uncovered pixels become 0.
void transform_image(float* dst, const float* src, int channels, int height, int width, int shift_x, int shift_y,
                     float degrees);

// One random augmentation of one image sample [channels, height, width]; draws, in order,
// shift_x, shift_y (if max_shift > 0), the angle (if max_rotation_degrees > 0), then one normal
// per pixel (if noise_std > 0). src and dst must not overlap.
void augment_image(float* dst, const float* src, int channels, int height, int width, const AugmentConfig& config,
                   Rng& rng);

// The per-sample seed the loader uses: a hash of (seed, epoch, sample index).
std::uint64_t sample_seed(std::uint64_t seed, std::uint64_t epoch, std::uint64_t index);

// Augments every image of [N, C, H, W] with Rng(sample_seed(seed, epoch, i)) for sample i: the
// same results the BatchLoader gives those samples in that epoch (for previews in the UI).
Tensor augment_images(const Tensor& images, const AugmentConfig& config, std::uint64_t seed, int epoch = 0);

}  // namespace wg
