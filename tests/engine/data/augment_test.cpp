// Augmentation: identity when off, exact shifts, rotation direction, noise range, seeding.
#include "data/augment.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/parallel.h"

namespace wg {
namespace {

// [n, 1, h, w] with distinct values in (0, 1).
Tensor ramp_images(int n, int h, int w) {
  Tensor t = Tensor::empty({n, 1, h, w});
  for (std::int64_t i = 0; i < t.size(); ++i) t[i] = static_cast<float>(i + 1) / static_cast<float>(t.size() + 1);
  return t;
}

TEST(Augment, ZeroConfigIsIdentity) {
  const Tensor images = ramp_images(3, 5, 4);
  const AugmentConfig none;
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(augment_images(images, none, 9).to_vector(), images.to_vector());
}

TEST(Augment, ShiftMovesPixelsExactlyWithZeroFill) {
  const Tensor image = ramp_images(1, 3, 4);
  Tensor out = Tensor::empty({1, 1, 3, 4});
  transform_image(out.data(), image.data(), 1, 3, 4, +1, 0, 0.0f);  // one pixel to the right
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(out[y * 4], 0.0f);
    for (int x = 1; x < 4; ++x) EXPECT_EQ(out[y * 4 + x], image[y * 4 + x - 1]);
  }
  transform_image(out.data(), image.data(), 1, 3, 4, 0, -1, 0.0f);  // one pixel up
  for (int x = 0; x < 4; ++x) {
    EXPECT_EQ(out[0 * 4 + x], image[1 * 4 + x]);
    EXPECT_EQ(out[2 * 4 + x], 0.0f);
  }
  transform_image(out.data(), image.data(), 1, 3, 4, 9, 0, 0.0f);  // off the image
  for (float v : out.to_vector()) EXPECT_EQ(v, 0.0f);
}

TEST(Augment, RandomShiftIsOneOfTheAllowedShifts) {
  const Tensor images = ramp_images(20, 5, 5);
  AugmentConfig config;
  config.max_shift = 1;
  const Tensor out = augment_images(images, config, 4);
  Tensor candidate = Tensor::empty({1, 1, 5, 5});
  int moved = 0;
  for (int i = 0; i < 20; ++i) {
    bool matched = false;
    for (int dy = -1; dy <= 1 && !matched; ++dy)
      for (int dx = -1; dx <= 1 && !matched; ++dx) {
        transform_image(candidate.data(), images.data() + i * 25, 1, 5, 5, dx, dy, 0.0f);
        matched = std::equal(candidate.data(), candidate.data() + 25, out.data() + i * 25);
        if (matched && (dx || dy)) moved++;
      }
    EXPECT_TRUE(matched) << "sample " << i;
  }
  EXPECT_GT(moved, 10);  // 8 of 9 shifts move: 20 samples all unmoved would mean no augmentation
}

TEST(Augment, RotationIsCounterClockwiseAboutTheCentre) {
  // 3x3 with one bright pixel right of centre: 90 degrees counter-clockwise puts it above.
  Tensor image = Tensor::zeros({1, 1, 3, 3});
  image[1 * 3 + 2] = 1.0f;
  Tensor out = Tensor::empty({1, 1, 3, 3});
  transform_image(out.data(), image.data(), 1, 3, 3, 0, 0, 90.0f);
  for (int p = 0; p < 9; ++p) EXPECT_NEAR(out[p], p == 0 * 3 + 1 ? 1.0f : 0.0f, 1e-6f) << "pixel " << p;
  transform_image(out.data(), image.data(), 1, 3, 3, 0, 0, -90.0f);
  EXPECT_NEAR(out[2 * 3 + 1], 1.0f, 1e-6f);
  // A small angle keeps most of a centred blob's ink (bilinear interpolation).
  Tensor blob = Tensor::zeros({1, 1, 9, 9});
  for (int y = 3; y < 6; ++y)
    for (int x = 3; x < 6; ++x) blob[y * 9 + x] = 1.0f;
  Tensor turned = Tensor::empty({1, 1, 9, 9});
  transform_image(turned.data(), blob.data(), 1, 9, 9, 0, 0, 10.0f);
  double ink = 0;
  for (float v : turned.to_vector()) ink += v;
  EXPECT_NEAR(ink, 9.0, 0.5);
  EXPECT_NEAR(turned[4 * 9 + 4], 1.0f, 1e-5f);
}

TEST(Augment, NoiseStaysInUnitRangeAndChangesPixels) {
  Tensor images = ramp_images(4, 6, 6);
  images[0] = 0.0f;
  images[1] = 1.0f;
  AugmentConfig config;
  config.noise_std = 0.5f;
  const Tensor out = augment_images(images, config, 2);
  int changed = 0;
  for (std::int64_t i = 0; i < out.size(); ++i) {
    EXPECT_GE(out[i], 0.0f);
    EXPECT_LE(out[i], 1.0f);
    changed += out[i] != images[i];
  }
  EXPECT_GT(changed, out.size() / 2);
}

TEST(Augment, SameSeedSameResultAnyThreadCount) {
  const Tensor images = ramp_images(16, 8, 8);
  AugmentConfig config;
  config.max_shift = 2;
  config.max_rotation_degrees = 15.0f;
  config.noise_std = 0.05f;
  const int threads_before = num_threads();
  set_num_threads(1);
  const std::vector<float> one = augment_images(images, config, 5, 3).to_vector();
  set_num_threads(std::min(2, max_threads()));
  EXPECT_EQ(augment_images(images, config, 5, 3).to_vector(), one);
  set_num_threads(1);
  EXPECT_NE(augment_images(images, config, 6, 3).to_vector(), one);
  EXPECT_NE(augment_images(images, config, 5, 4).to_vector(), one);
  set_num_threads(threads_before);
}

TEST(Augment, ValidatesConfig) {
  const Tensor images = ramp_images(1, 4, 4);
  for (AugmentConfig bad : {AugmentConfig{-1, 0, 0}, AugmentConfig{0, 200.0f, 0}, AugmentConfig{0, 0, -0.1f},
                            AugmentConfig{0, NAN, 0}, AugmentConfig{100, 0, 0}})
    EXPECT_THROW(augment_images(images, bad, 1), Error);
  EXPECT_THROW(augment_images(Tensor::zeros({4, 16}), AugmentConfig{}, 1), Error);
}

}  // namespace
}  // namespace wg
