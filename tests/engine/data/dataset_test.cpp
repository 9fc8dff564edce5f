// Dataset: subset, seeded train/validation split, class counts, validation of fields.
#include "data/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"

namespace wg {
namespace {

// n samples of 2 features: sample i = (i, -i), label i % 3.
Dataset counting_set(int n) {
  Dataset d;
  d.name = "counting";
  std::vector<float> values;
  for (int i = 0; i < n; ++i) {
    values.push_back(static_cast<float>(i));
    values.push_back(static_cast<float>(-i));
    d.labels.push_back(i % 3);
  }
  d.inputs = Tensor::from({n, 2}, values);
  d.num_classes = 3;
  return d;
}

TEST(Dataset, SizeSampleShapeSubset) {
  const Dataset d = counting_set(10);
  EXPECT_EQ(d.size(), 10);
  EXPECT_EQ(d.sample_shape(), (Shape{2}));
  const Dataset s = d.subset({7, 2, 7});
  EXPECT_EQ(s.size(), 3);
  EXPECT_EQ(s.labels, (std::vector<int>{1, 2, 1}));
  EXPECT_EQ(s.inputs.to_vector(), (std::vector<float>{7, -7, 2, -2, 7, -7}));
  EXPECT_THROW(d.subset({10}), Error);
  EXPECT_THROW(d.subset({-1}), Error);
  EXPECT_THROW(d.subset({}), Error);
  EXPECT_EQ(Dataset{}.size(), 0);
}

TEST(Dataset, SubsetCopiesRegressionTargets) {
  Dataset d;
  d.name = "curve";
  d.inputs = Tensor::from({3, 1}, {0, 1, 2});
  d.targets = Tensor::from({3, 1}, {10, 11, 12});
  EXPECT_NO_THROW(d.validate());
  const Dataset s = d.subset({2, 0});
  EXPECT_TRUE(s.labels.empty());
  EXPECT_EQ(s.targets.to_vector(), (std::vector<float>{12, 10}));
}

TEST(Dataset, ValidateNamesTheProblem) {
  Dataset d = counting_set(4);
  EXPECT_NO_THROW(d.validate());
  d.labels[2] = 3;
  try {
    d.validate();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 3 of sample 2"), std::string::npos) << e.what();
  }
  d.labels.pop_back();
  EXPECT_THROW(d.validate(), Error);
}

TEST(Dataset, SplitIsSeededDisjointAndComplete) {
  const Dataset d = counting_set(50);
  const auto a = split_train_validation(d, 0.2f, 7);
  const auto b = split_train_validation(d, 0.2f, 7);
  const auto c = split_train_validation(d, 0.2f, 8);
  EXPECT_EQ(a.train.size(), 40);
  EXPECT_EQ(a.validation.size(), 10);
  EXPECT_EQ(a.validation.inputs.to_vector(), b.validation.inputs.to_vector());
  EXPECT_NE(a.validation.inputs.to_vector(), c.validation.inputs.to_vector());
  std::vector<int> seen;
  for (const Dataset* part : {&a.train, &a.validation})
    for (int i = 0; i < part->size(); ++i) {
      const int id = static_cast<int>(part->inputs[2 * i]);
      EXPECT_EQ(part->labels[i], id % 3);  // labels travel with their inputs
      seen.push_back(id);
    }
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(split_train_validation_count(d, 5, 1).validation.size(), 5);
  EXPECT_THROW(split_train_validation_count(d, 0, 1), Error);
  EXPECT_THROW(split_train_validation_count(d, 50, 1), Error);
  EXPECT_THROW(split_train_validation(d, 1.0f, 1), Error);
  EXPECT_THROW(split_train_validation(counting_set(2), 0.1f, 1), Error);  // rounds to 0 samples
}

TEST(Dataset, ClassCounts) {
  EXPECT_EQ(class_counts(counting_set(10)), (std::vector<int>{4, 3, 3}));
  Dataset regression;
  EXPECT_THROW(class_counts(regression), Error);
}

}  // namespace
}  // namespace wg
