// Toy data set generators (names and conventions in toy.h).
#include "data/toy.h"

#include <cmath>
#include <functional>
#include <map>

#include "core/error.h"
#include "core/random.h"

namespace wg {

namespace {

constexpr float kPi = 3.14159265358979f;

std::string valid_names() {
  std::string s;
  for (const std::string& name : toy_names()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

Dataset classification(const std::string& name, int n, int num_classes, std::vector<std::string> class_names) {
  Dataset d;
  d.name = name;
  d.inputs = Tensor::empty({n, 2});
  d.labels.resize(n);
  d.num_classes = num_classes;
  d.class_names = std::move(class_names);
  return d;
}

Dataset logic_gate(const std::string& name, int n, float noise, Rng& rng) {
  WG_CHECK(n >= 4, "make_toy '", name, "': needs n >= 4 (one sample per truth table row), got ", n);
  static const std::map<std::string, std::function<int(int, int)>> gates = {
      {"xor", [](int a, int b) { return a ^ b; }},
      {"and", [](int a, int b) { return a & b; }},
      {"or", [](int a, int b) { return a | b; }},
      {"nand", [](int a, int b) { return 1 - (a & b); }},
  };
  const auto& gate = gates.at(name);
  Dataset d = classification(name, n, 2, {"0", "1"});
  for (int i = 0; i < n; ++i) {
    const int a = (i % 4) >> 1, b = (i % 4) & 1;
    d.inputs[2 * i] = static_cast<float>(a) + (noise > 0 ? rng.normal(0.0f, noise) : 0.0f);
    d.inputs[2 * i + 1] = static_cast<float>(b) + (noise > 0 ? rng.normal(0.0f, noise) : 0.0f);
    d.labels[i] = gate(a, b);
  }
  return d;
}

// Fills sample i with point (x, y) plus jitter.
void put_point(Dataset& d, int i, float x, float y, int label, float noise, Rng& rng) {
  d.inputs[2 * i] = x + (noise > 0 ? rng.normal(0.0f, noise) : 0.0f);
  d.inputs[2 * i + 1] = y + (noise > 0 ? rng.normal(0.0f, noise) : 0.0f);
  d.labels[i] = label;
}

Dataset circles(int n, float noise, Rng& rng) {
  Dataset d = classification("circles", n, 2, {"inner", "outer"});
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    const float radius = label == 0 ? 0.5f : 1.0f;
    const float angle = rng.uniform(0.0f, 2.0f * kPi);
    put_point(d, i, radius * std::cos(angle), radius * std::sin(angle), label, noise, rng);
  }
  return d;
}

Dataset moons(int n, float noise, Rng& rng) {
  Dataset d = classification("moons", n, 2, {"upper", "lower"});
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    const float t = rng.uniform(0.0f, kPi);
    if (label == 0)
      put_point(d, i, std::cos(t), std::sin(t), 0, noise, rng);
    else
      put_point(d, i, 1.0f - std::cos(t), 0.5f - std::sin(t), 1, noise, rng);
  }
  return d;
}

Dataset spirals(int n, float noise, Rng& rng) {
  Dataset d = classification("spirals", n, 2, {"spiral 0", "spiral 1"});
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    // sqrt spreads points evenly along the arc instead of crowding the centre.
    const float t = std::sqrt(rng.uniform(0.02f, 1.0f));
    const float angle = 3.0f * kPi * t + kPi * static_cast<float>(label);
    put_point(d, i, t * std::cos(angle), t * std::sin(angle), label, noise, rng);
  }
  return d;
}

Dataset blobs(const std::string& name, int k, int n, float noise, Rng& rng) {
  WG_CHECK(k >= 2 && k <= 10, "make_toy '", name, "': number of blobs must be in 2..10, got ", k);
  WG_CHECK(n >= k, "make_toy '", name, "': needs n >= ", k, " (one sample per blob), got ", n);
  std::vector<std::string> class_names;
  for (int c = 0; c < k; ++c) class_names.push_back("blob " + std::to_string(c));
  Dataset d = classification(name, n, k, class_names);
  for (int i = 0; i < n; ++i) {
    const int label = i % k;
    const float angle = 2.0f * kPi * static_cast<float>(label) / static_cast<float>(k);
    put_point(d, i, 2.0f * std::cos(angle), 2.0f * std::sin(angle), label, noise, rng);
  }
  return d;
}

Dataset curve(const std::string& name, int n, float noise, Rng& rng) {
  static const std::map<std::string, std::function<float(float)>> curves = {
      {"sin", [](float x) { return std::sin(x); }},
      {"abs", [](float x) { return std::fabs(x); }},
      {"step", [](float x) { return x < 0.0f ? 0.0f : 1.0f; }},
      {"cubic", [](float x) { return x * x * x; }},
      {"linear", [](float x) { return 2.0f * x + 1.0f; }},
  };
  const auto& f = curves.at(name);
  const float low = name == "sin" ? -kPi : -1.0f, high = -low;
  WG_CHECK(n >= 2, "make_toy '", name, "': needs n >= 2, got ", n);
  Dataset d;
  d.name = name;
  d.inputs = Tensor::empty({n, 1});
  d.targets = Tensor::empty({n, 1});
  for (int i = 0; i < n; ++i) {
    const float x = low + (high - low) * static_cast<float>(i) / static_cast<float>(n - 1);
    d.inputs[i] = x;
    d.targets[i] = f(x) + (noise > 0 ? rng.normal(0.0f, noise) : 0.0f);
  }
  return d;
}

}  // namespace

std::vector<std::string> toy_names() {
  return {"xor", "and", "or", "nand", "circles", "moons", "spirals", "blobs", "blobs:K",
          "sin", "abs", "step", "cubic", "linear"};
}

Dataset make_toy(const std::string& name, int n, float noise, std::uint64_t seed) {
  WG_CHECK(n >= 1 && n <= kToyMaxSamples, "make_toy '", name, "': n = ", n, " must be in [1, ", kToyMaxSamples, "]");
  WG_CHECK(std::isfinite(noise) && noise >= 0.0f, "make_toy '", name, "': noise = ", noise,
           " must be a finite number >= 0");
  Rng rng(seed);
  if (name == "xor" || name == "and" || name == "or" || name == "nand") return logic_gate(name, n, noise, rng);
  if (name == "circles") return circles(n, noise, rng);
  if (name == "moons") return moons(n, noise, rng);
  if (name == "spirals") return spirals(n, noise, rng);
  if (name == "blobs") return blobs(name, 3, n, noise, rng);
  if (name.rfind("blobs:", 0) == 0) {
    const std::string count = name.substr(6);
    const bool numeric = !count.empty() && count.size() <= 2 && count.find_first_not_of("0123456789") == std::string::npos;
    WG_CHECK(numeric, "make_toy: '", name, "' needs a number of blobs after the colon, e.g. blobs:4");
    return blobs(name, std::stoi(count), n, noise, rng);
  }
  if (name == "sin" || name == "abs" || name == "step" || name == "cubic" || name == "linear")
    return curve(name, n, noise, rng);
  fail("make_toy: unknown toy set '", name, "'; valid names: ", valid_names());
}

}  // namespace wg
