// Dataset helpers: subset gathering, seeded train/validation split, class counts.
#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/random.h"

namespace wg {

int Dataset::size() const { return inputs.defined() ? inputs.dim(0) : 0; }

Shape Dataset::sample_shape() const {
  WG_CHECK(inputs.defined(), "dataset '", name, "': inputs are undefined");
  return Shape(inputs.shape().begin() + 1, inputs.shape().end());
}

void Dataset::validate() const {
  WG_CHECK(inputs.defined() && inputs.rank() >= 2, "dataset '", name,
           "': inputs must be [N, features] or [N, C, H, W], got ",
           inputs.defined() ? shape_str(inputs.shape()) : std::string("undefined"));
  const int n = size();
  if (num_classes > 0) {
    WG_CHECK(static_cast<int>(labels.size()) == n, "dataset '", name, "': ", labels.size(), " labels for ", n,
             " samples");
    for (int i = 0; i < n; ++i)
      WG_CHECK(labels[i] >= 0 && labels[i] < num_classes, "dataset '", name, "': label ", labels[i], " of sample ",
               i, " is outside [0, ", num_classes, ")");
    WG_CHECK(class_names.empty() || static_cast<int>(class_names.size()) == num_classes, "dataset '", name, "': ",
             class_names.size(), " class names for ", num_classes, " classes");
  } else {
    WG_CHECK(labels.empty(), "dataset '", name, "': labels given but num_classes is ", num_classes);
    WG_CHECK(targets.defined() && targets.rank() == 2 && targets.dim(0) == n, "dataset '", name,
             "': regression needs targets [", n, ", T], got ",
             targets.defined() ? shape_str(targets.shape()) : std::string("undefined"));
  }
}

namespace {
// Copies rows `indices` of a [N, ...] tensor into a new [indices.size(), ...] tensor.
Tensor gather_rows(const Tensor& source, const std::vector<int>& indices, const std::string& dataset_name) {
  Shape shape = source.shape();
  const std::int64_t row = source.size() / shape[0];
  shape[0] = static_cast<int>(indices.size());
  Tensor out = Tensor::empty(shape);
  for (std::size_t i = 0; i < indices.size(); ++i) {
    WG_CHECK(indices[i] >= 0 && indices[i] < source.dim(0), "dataset '", dataset_name, "': subset index ",
             indices[i], " at position ", i, " is outside [0, ", source.dim(0), ")");
    std::memcpy(out.data() + i * row, source.data() + indices[i] * row, sizeof(float) * row);
  }
  return out;
}
}  // namespace

Dataset Dataset::subset(const std::vector<int>& indices) const {
  WG_CHECK(!indices.empty(), "dataset '", name, "': subset needs at least one index");
  WG_CHECK(inputs.defined(), "dataset '", name, "': inputs are undefined");
  Dataset out;
  out.name = name;
  out.num_classes = num_classes;
  out.class_names = class_names;
  out.inputs = gather_rows(inputs, indices, name);
  if (!labels.empty()) {
    out.labels.reserve(indices.size());
    for (int i : indices) out.labels.push_back(labels[i]);
  }
  if (targets.defined()) out.targets = gather_rows(targets, indices, name);
  return out;
}

TrainValidationSplit split_train_validation_count(const Dataset& data, int validation_count, std::uint64_t seed) {
  const int n = data.size();
  WG_CHECK(validation_count > 0 && validation_count < n, "split_train_validation: validation count ",
           validation_count, " must be in [1, ", n - 1, "] for dataset '", data.name, "' of ", n, " samples");
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  Rng rng(seed);
  rng.shuffle(order);
  std::vector<int> validation(order.begin(), order.begin() + validation_count);
  std::vector<int> train(order.begin() + validation_count, order.end());
  std::sort(validation.begin(), validation.end());
  std::sort(train.begin(), train.end());
  TrainValidationSplit split{data.subset(train), data.subset(validation)};
  split.train.name = data.name + "/train";
  split.validation.name = data.name + "/validation";
  return split;
}

TrainValidationSplit split_train_validation(const Dataset& data, float validation_fraction, std::uint64_t seed) {
  WG_CHECK(validation_fraction > 0.0f && validation_fraction < 1.0f, "split_train_validation: fraction ",
           validation_fraction, " must be in (0, 1) (for a sample count use split_train_validation_count)");
  const int count = static_cast<int>(std::lround(validation_fraction * data.size()));
  WG_CHECK(count > 0 && count < data.size(), "split_train_validation: fraction ", validation_fraction, " of ",
           data.size(), " samples leaves an empty part");
  return split_train_validation_count(data, count, seed);
}

std::vector<int> class_counts(const Dataset& data) {
  WG_CHECK(data.num_classes > 0, "class_counts: dataset '", data.name, "' is not a classification set");
  std::vector<int> counts(data.num_classes, 0);
  for (int label : data.labels) {
    WG_CHECK(label >= 0 && label < data.num_classes, "class_counts: label ", label, " outside [0, ",
             data.num_classes, ") in dataset '", data.name, "'");
    counts[label]++;
  }
  return counts;
}

}  // namespace wg
