// Toy data sets: sizes, label balance, reproducibility, truth tables, name errors.
#include "data/toy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace wg {
namespace {

struct GateCase {
  const char* name;
  std::vector<int> labels;  // for inputs 00, 01, 10, 11
};

TEST(Toy, TruthTables) {
  const std::vector<GateCase> cases = {
      {"xor", {0, 1, 1, 0}}, {"and", {0, 0, 0, 1}}, {"or", {0, 1, 1, 1}}, {"nand", {1, 1, 1, 0}}};
  for (const GateCase& c : cases) {
    const Dataset d = make_toy(c.name, 4, 0.0f, 1);
    EXPECT_EQ(d.inputs.to_vector(), (std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1})) << c.name;
    EXPECT_EQ(d.labels, c.labels) << c.name;
    EXPECT_EQ(d.num_classes, 2);
    EXPECT_NO_THROW(d.validate());
  }
}

TEST(Toy, NoisyXorClustersAroundCorners) {
  const Dataset d = make_toy("xor", 400, 0.1f, 3);
  EXPECT_EQ(d.size(), 400);
  for (int i = 0; i < d.size(); ++i) {
    const int a = d.inputs[2 * i] > 0.5f, b = d.inputs[2 * i + 1] > 0.5f;
    EXPECT_EQ(d.labels[i], a ^ b) << "sample " << i;  // 0.1 std: 5 sigma from the midline
  }
}

TEST(Toy, EveryNameHasRightSizesBalanceAndIsReproducible) {
  for (std::string name : toy_names()) {
    if (name == "blobs:K") name = "blobs:5";
    const Dataset a = make_toy(name, 200, 0.1f, 11);
    const Dataset b = make_toy(name, 200, 0.1f, 11);
    const Dataset c = make_toy(name, 200, 0.1f, 12);
    EXPECT_NO_THROW(a.validate()) << name;
    EXPECT_EQ(a.size(), 200) << name;
    EXPECT_EQ(a.inputs.to_vector(), b.inputs.to_vector()) << name;
    EXPECT_EQ(a.labels, b.labels) << name;
    if (a.is_classification()) {
      EXPECT_EQ(a.inputs.shape(), (Shape{200, 2})) << name;
      EXPECT_NE(a.inputs.to_vector(), c.inputs.to_vector()) << name;
      const std::vector<int> counts = class_counts(a);
      for (int count : counts) EXPECT_GE(count, 200 / a.num_classes / 4) << name;  // gates are 1:3 at worst
      if (name == "circles" || name == "moons" || name == "spirals" || name.rfind("blobs", 0) == 0) {
        for (int count : counts) EXPECT_LE(std::abs(count - 200 / a.num_classes), 1) << name;
      }
    } else {
      EXPECT_EQ(a.inputs.shape(), (Shape{200, 1})) << name;
      EXPECT_EQ(a.targets.shape(), (Shape{200, 1})) << name;
      EXPECT_NE(a.targets.to_vector(), c.targets.to_vector()) << name;
    }
  }
}

TEST(Toy, ShapesLookRight) {
  const Dataset circles = make_toy("circles", 100, 0.0f, 1);
  for (int i = 0; i < 100; ++i)
    EXPECT_NEAR(std::hypot(circles.inputs[2 * i], circles.inputs[2 * i + 1]), circles.labels[i] ? 1.0 : 0.5, 1e-5);
  EXPECT_EQ(make_toy("blobs", 9, 0.5f, 1).num_classes, 3);
  EXPECT_EQ(make_toy("blobs:7", 70, 0.5f, 1).num_classes, 7);
  const Dataset sine = make_toy("sin", 5, 0.0f, 1);
  EXPECT_NEAR(sine.inputs[0], -3.14159, 1e-4);
  EXPECT_NEAR(sine.targets[1], -1.0, 1e-5);  // sin(-pi/2)
  EXPECT_NEAR(sine.targets[2], 0.0, 1e-6);
  const Dataset step = make_toy("step", 4, 0.0f, 1);
  EXPECT_EQ(step.targets.to_vector(), (std::vector<float>{0, 0, 1, 1}));
  EXPECT_EQ(make_toy("linear", 3, 0.0f, 1).targets.to_vector(), (std::vector<float>{-1, 1, 3}));
}

TEST(Toy, ErrorsListValidNames) {
  try {
    make_toy("spiral", 10, 0.0f, 1);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown toy set 'spiral'"), std::string::npos) << m;
    EXPECT_NE(m.find("xor, and, or, nand, circles"), std::string::npos) << m;
    EXPECT_NE(m.find("sin"), std::string::npos) << m;
  }
  EXPECT_THROW(make_toy("xor", 3, 0.0f, 1), Error);
  EXPECT_THROW(make_toy("xor", 0, 0.0f, 1), Error);
  EXPECT_THROW(make_toy("circles", 10, -1.0f, 1), Error);
  EXPECT_THROW(make_toy("circles", 10, NAN, 1), Error);
  EXPECT_THROW(make_toy("blobs:1", 10, 0.1f, 1), Error);
  EXPECT_THROW(make_toy("blobs:11", 20, 0.1f, 1), Error);
  EXPECT_THROW(make_toy("blobs:x", 10, 0.1f, 1), Error);
  EXPECT_THROW(make_toy("blobs:", 10, 0.1f, 1), Error);
}

}  // namespace
}  // namespace wg
