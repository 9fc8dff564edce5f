// Image augmentation: inverse-mapped shift + rotation with bilinear sampling, then noise.
#include "data/augment.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/parallel.h"

namespace wg {

void AugmentConfig::validate() const {
  WG_CHECK(max_shift >= 0 && max_shift <= 64, "augment: max_shift ", max_shift, " must be in [0, 64] pixels");
  WG_CHECK(std::isfinite(max_rotation_degrees) && max_rotation_degrees >= 0.0f && max_rotation_degrees <= 180.0f,
           "augment: max_rotation_degrees ", max_rotation_degrees, " must be in [0, 180]");
  WG_CHECK(std::isfinite(noise_std) && noise_std >= 0.0f && noise_std <= 1.0f, "augment: noise_std ", noise_std,
           " must be in [0, 1]");
}

namespace {

// Integer shift, zero fill: exact copies of the pixels that stay inside.
void shift_image(float* dst, const float* src, int channels, int height, int width, int shift_x, int shift_y) {
  std::fill(dst, dst + static_cast<std::int64_t>(channels) * height * width, 0.0f);
  const int x_begin = std::max(0, shift_x), x_end = std::min(width, width + shift_x);
  if (x_begin >= x_end) return;
  for (int c = 0; c < channels; ++c)
    for (int y = std::max(0, shift_y); y < std::min(height, height + shift_y); ++y) {
      const float* from = src + (static_cast<std::int64_t>(c) * height + (y - shift_y)) * width + (x_begin - shift_x);
      float* to = dst + (static_cast<std::int64_t>(c) * height + y) * width + x_begin;
      std::memcpy(to, from, sizeof(float) * (x_end - x_begin));
    }
}

}  // namespace

void transform_image(float* dst, const float* src, int channels, int height, int width, int shift_x, int shift_y,
                     float degrees) {
  if (degrees == 0.0f) return shift_image(dst, src, channels, height, width, shift_x, shift_y);
  // Inverse map: for each destination pixel find where it came from. With rows pointing down,
  // an on-screen counter-clockwise rotation by t maps offset (u, v) to (c u + s v, -s u + c v);
  // its inverse is (c u - s v, s u + c v).
  const double radians = static_cast<double>(degrees) * 3.14159265358979323846 / 180.0;
  const float cos_t = static_cast<float>(std::cos(radians)), sin_t = static_cast<float>(std::sin(radians));
  const float cx = 0.5f * static_cast<float>(width - 1), cy = 0.5f * static_cast<float>(height - 1);
  const std::int64_t plane = static_cast<std::int64_t>(height) * width;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float u = static_cast<float>(x - shift_x) - cx, v = static_cast<float>(y - shift_y) - cy;
      const float sx = cos_t * u - sin_t * v + cx, sy = sin_t * u + cos_t * v + cy;
      const float fx = std::floor(sx), fy = std::floor(sy);
      const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
      const float ax = sx - fx, ay = sy - fy;
      // Bilinear weights of the four neighbours; neighbours outside the image count as 0.
      const float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
      const bool in_x0 = x0 >= 0 && x0 < width, in_x1 = x0 + 1 >= 0 && x0 + 1 < width;
      const bool in_y0 = y0 >= 0 && y0 < height, in_y1 = y0 + 1 >= 0 && y0 + 1 < height;
      for (int c = 0; c < channels; ++c) {
        const float* s = src + c * plane;
        float value = 0.0f;
        if (in_y0 && in_x0) value += w00 * s[y0 * width + x0];
        if (in_y0 && in_x1) value += w01 * s[y0 * width + x0 + 1];
        if (in_y1 && in_x0) value += w10 * s[(y0 + 1) * width + x0];
        if (in_y1 && in_x1) value += w11 * s[(y0 + 1) * width + x0 + 1];
        dst[c * plane + y * width + x] = value;
      }
    }
}

void augment_image(float* dst, const float* src, int channels, int height, int width, const AugmentConfig& config,
                   Rng& rng) {
  const std::int64_t count = static_cast<std::int64_t>(channels) * height * width;
  int shift_x = 0, shift_y = 0;
  float degrees = 0.0f;
  if (config.max_shift > 0) {
    const std::uint32_t span = 2 * static_cast<std::uint32_t>(config.max_shift) + 1;
    shift_x = static_cast<int>(rng.below(span)) - config.max_shift;
    shift_y = static_cast<int>(rng.below(span)) - config.max_shift;
  }
  if (config.max_rotation_degrees > 0.0f)
    degrees = rng.uniform(-config.max_rotation_degrees, config.max_rotation_degrees);
  if (shift_x == 0 && shift_y == 0 && degrees == 0.0f)
    std::memcpy(dst, src, sizeof(float) * count);
  else
    transform_image(dst, src, channels, height, width, shift_x, shift_y, degrees);
  if (config.noise_std > 0.0f)
    for (std::int64_t i = 0; i < count; ++i)
      dst[i] = std::clamp(dst[i] + config.noise_std * rng.normal(), 0.0f, 1.0f);
}

std::uint64_t sample_seed(std::uint64_t seed, std::uint64_t epoch, std::uint64_t index) {
  // splitmix64 finaliser over a combination; Rng's own splitmix seeding mixes further.
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(seed) ^ epoch) ^ index);
}

Tensor augment_images(const Tensor& images, const AugmentConfig& config, std::uint64_t seed, int epoch) {
  WG_CHECK(images.defined() && images.rank() == 4, "augment_images: need images [N, C, H, W], got ",
           images.defined() ? shape_str(images.shape()) : std::string("undefined"));
  config.validate();
  Tensor out = Tensor::empty(images.shape());
  const int c = images.dim(1), h = images.dim(2), w = images.dim(3);
  const std::int64_t sample = static_cast<std::int64_t>(c) * h * w;
  parallel_for(0, images.dim(0), 4, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t i = lo; i < hi; ++i) {
      Rng rng(sample_seed(seed, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(i)));
      augment_image(out.data() + i * sample, images.data() + i * sample, c, h, w, config, rng);
    }
  });
  return out;
}

}  // namespace wg
