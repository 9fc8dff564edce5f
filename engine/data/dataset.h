// Dataset: a whole data set held in memory as one tensor of inputs plus labels
// (classification) or targets (regression), with the small helpers every trainer
// needs: subsets, a seeded train/validation split and per-class counts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace wg {

struct Dataset {
  std::string name;
  Tensor inputs;                         // [N, C, H, W] images or [N, F] features
  std::vector<int> labels;               // classification: N values in [0, num_classes); empty for regression
  Tensor targets;                        // regression: [N, T]; undefined for classification
  int num_classes = 0;                   // 0 for regression
  std::vector<std::string> class_names;  // num_classes names (may be empty)

  int size() const;                      // N (0 when inputs are undefined)
  Shape sample_shape() const;            // inputs' shape without N: [C, H, W] or [F]
  bool is_classification() const { return num_classes > 0; }
  // A new dataset holding copies of the samples at `indices` (in that order; repeats allowed).
  Dataset subset(const std::vector<int>& indices) const;
  // Checks inputs/labels/targets agree in N and labels are in range; names the dataset in errors.
  void validate() const;
};

struct TrainValidationSplit {
  Dataset train;
  Dataset validation;
};

// Seeded random split (not stratified): a permutation of [0, N) from Rng(seed), the first
// `validation_count` indices go to validation, the rest to train; both keep their original
// relative order so a split does not also shuffle. Both parts must be non-empty.
// (Two names rather than overloads: split(data, 0.2, seed) with int/float overloads is ambiguous.)
TrainValidationSplit split_train_validation_count(const Dataset& data, int validation_count, std::uint64_t seed);
// validation_count = round(fraction * N), fraction in (0, 1).
TrainValidationSplit split_train_validation(const Dataset& data, float validation_fraction, std::uint64_t seed);

// counts[c] = number of samples with label c; size num_classes.
std::vector<int> class_counts(const Dataset& data);

}  // namespace wg
