// The determinism promise as a test helper: the same training on 1, 2, 3, 4 and 8 threads must
// leave bit-identical weights. In a threaded build the count really is in effect (the WASM test
// binary has a pool of 8 workers on any machine).
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "core/parallel.h"
#include "nn/model.h"

namespace wg::testing {

// Every parameter of the model, in order, as one vector.
inline std::vector<float> all_weights(const Model& model) {
  std::vector<float> weights;
  for (const NamedParameter& p : model.parameters()) {
    const std::vector<float> v = p.var.value().to_vector();
    weights.insert(weights.end(), v.begin(), v.end());
  }
  return weights;
}

// train() builds a model, trains it with the thread count in effect and returns all_weights.
template <class Train>
void expect_same_bits_on_any_thread_count(Train train) {
  const std::vector<int> counts = {1, 2, 3, 4, 8};
  std::vector<std::vector<float>> results;
  for (int threads : counts) {
    set_num_threads(threads);
    if (threads_supported()) {
      ASSERT_EQ(num_threads(), threads);
    }
    results.push_back(train());
  }
  set_num_threads(1);
  for (std::size_t r = 1; r < results.size(); ++r) EXPECT_EQ(results[0], results[r]) << counts[r] << " threads";
}

}  // namespace wg::testing
