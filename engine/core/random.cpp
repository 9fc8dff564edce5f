#include "core/random.h"

#include <cmath>

namespace wg {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
}  // namespace

void Rng::reseed(std::uint64_t seed) {
  std::uint64_t a = splitmix64(seed), b = splitmix64(seed);
  state_[0] = static_cast<std::uint32_t>(a);
  state_[1] = static_cast<std::uint32_t>(a >> 32);
  state_[2] = static_cast<std::uint32_t>(b);
  state_[3] = static_cast<std::uint32_t>(b >> 32);
  has_spare_normal_ = false;
}

std::uint32_t Rng::next_u32() {
  const std::uint32_t result = rotl(state_[0] + state_[3], 7) + state_[0];
  const std::uint32_t t = state_[1] << 9;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 11);
  return result;
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

float Rng::uniform(float low, float high) { return low + (high - low) * uniform(); }

float Rng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Box-Muller in double so results match across platforms with IEEE libm.
  double u1 = (static_cast<double>(next_u32()) + 1.0) / 4294967296.0;  // (0, 1]
  double u2 = static_cast<double>(next_u32()) / 4294967296.0;
  double r = std::sqrt(-2.0 * std::log(u1));
  double theta = 6.283185307179586 * u2;
  spare_normal_ = static_cast<float>(r * std::sin(theta));
  has_spare_normal_ = true;
  return static_cast<float>(r * std::cos(theta));
}

std::uint32_t Rng::below(std::uint32_t bound) {
  if (bound <= 1) return 0;
  // Lemire's nearly divisionless method.
  std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * bound;
  std::uint32_t low = static_cast<std::uint32_t>(m);
  if (low < bound) {
    const std::uint32_t threshold = (0u - bound) % bound;
    while (low < threshold) {
      m = static_cast<std::uint64_t>(next_u32()) * bound;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

}  // namespace wg
