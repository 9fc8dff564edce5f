// The engine's one pseudo-random generator (xoshiro128++ seeded by splitmix64).
// Every random choice (initial weights, shuffling, dropout, augmentation) draws from
// an Rng created from the run's seed, so a run with the same seed is reproducible
// bit for bit, natively and in WASM.
#pragma once
#include <cstdint>
#include <vector>

namespace wg {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }
  void reseed(std::uint64_t seed);

  std::uint32_t next_u32();
  float uniform();                            // [0, 1)
  float uniform(float low, float high);       // [low, high)
  float normal();                             // standard normal (Box-Muller)
  float normal(float mean, float stddev) { return mean + stddev * normal(); }
  std::uint32_t below(std::uint32_t bound);   // uniform integer in [0, bound), unbiased
  template <class T>
  void shuffle(std::vector<T>& items) {       // Fisher-Yates
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = below(static_cast<std::uint32_t>(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::uint32_t state_[4];
  bool has_spare_normal_ = false;
  float spare_normal_ = 0.0f;
};

}  // namespace wg
