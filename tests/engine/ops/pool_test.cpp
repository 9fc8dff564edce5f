// Pooling: the lecture's 4x4 example, gradients by finite differences, PyTorch
// fixtures, tie-breaking and errors.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "fixtures.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

const std::vector<float> kLectureImage{1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4};

TEST(Pool2d, LectureExample) {
  Var x(Tensor::from({1, 1, 4, 4}, kLectureImage));
  expect_tensor_near(max_pool2d(x, {2, 2, 0}).value(), Tensor::from({1, 1, 2, 2}, {6, 8, 3, 4}), 0.0f);
  expect_tensor_near(avg_pool2d(x, {2, 2, 0}).value(), Tensor::from({1, 1, 2, 2}, {3.25f, 5.25f, 2, 2}), 1e-6f);
  // stride 0 means stride = kernel
  expect_tensor_near(max_pool2d(x, {2, 0, 0}).value(), Tensor::from({1, 1, 2, 2}, {6, 8, 3, 4}), 0.0f);
  const float l2[] = {std::sqrt(1.f + 1 + 25 + 36), std::sqrt(4.f + 16 + 49 + 64), std::sqrt(9.f + 4 + 1 + 4),
                      std::sqrt(1.f + 0 + 9 + 16)};
  expect_tensor_near(l2_pool2d(x, {2, 2, 0}).value(), Tensor::from({1, 1, 2, 2}, {l2[0], l2[1], l2[2], l2[3]}),
                     1e-5f);
}

TEST(Pool2d, MaxGradientGoesToFirstArgmaxOnTies) {
  Var x(Tensor::from({1, 1, 2, 2}, {3, 3, 1, 3}), true);
  backward(max_pool2d(x, {2, 2, 0}));
  expect_tensor_near(x.grad(), Tensor::from({1, 1, 2, 2}, {1, 0, 0, 0}), 0.0f);
}

// The 2x2 fast path (four windows per SIMD step, then a scalar tail) against a direct scan,
// on small integers (many ties) and widths that exercise both parts; odd sizes drop the last
// row/column as PyTorch does.
TEST(Pool2d, Max2x2MatchesDirectScanWithTies) {
  for (int width : {2, 3, 8, 9, 14, 28, 30}) {
    SCOPED_TRACE(width);
    const int height = 6, channels = 3, OH = height / 2, OW = width / 2;
    Tensor values = Tensor::empty({2, channels, height, width});
    for (std::int64_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>((i * 7919) % 5);
    Var x(values, true);
    Var y = max_pool2d(x, {2, 2, 0});
    backward(sum(y));
    Tensor expected_grad = Tensor::zeros(values.shape());
    for (int plane = 0; plane < 2 * channels; ++plane)
      for (int oy = 0; oy < OH; ++oy)
        for (int ox = 0; ox < OW; ++ox) {
          const std::int64_t base = static_cast<std::int64_t>(plane) * height * width;
          std::int64_t best = base + (2 * oy) * width + 2 * ox;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
              const std::int64_t i = base + (2 * oy + dy) * width + 2 * ox + dx;
              if (values[i] > values[best]) best = i;
            }
          ASSERT_EQ(y.value()[(static_cast<std::int64_t>(plane) * OH + oy) * OW + ox], values[best]);
          expected_grad[best] += 1.0f;
        }
    expect_tensor_near(x.grad(), expected_grad, 0.0f);
  }
}

TEST(Pool2d, L2GradientIsFiniteAtZero) {
  Var x(Tensor::zeros({1, 1, 2, 2}), true);
  backward(l2_pool2d(x, {2, 2, 0}));
  expect_tensor_near(x.grad(), Tensor::zeros({1, 1, 2, 2}), 0.0f);
}

struct PoolCase {
  Shape x;
  Pool2dOptions options;
};
const PoolCase kPoolCases[] = {
    {{1, 1, 4, 4}, {2, 2, 0}}, {{2, 3, 6, 5}, {2, 0, 0}}, {{1, 2, 7, 7}, {3, 2, 1}},
    {{2, 1, 5, 6}, {3, 1, 1}}, {{1, 2, 8, 8}, {4, 2, 2}}, {{1, 1, 5, 5}, {2, 1, 0}},
};

TEST(Pool2d, GradientsMatchFiniteDifferences) {
  using PoolFn = Var (*)(const Var&, const Pool2dOptions&);
  const std::pair<const char*, PoolFn> ops[] = {
      {"max", max_pool2d}, {"avg", avg_pool2d}, {"l2", l2_pool2d}};
  std::uint64_t seed = 20;
  for (const auto& [name, op] : ops)
    for (const PoolCase& c : kPoolCases) {
      SCOPED_TRACE(std::string(name) + " " + shape_str(c.x) + " k" + std::to_string(c.options.kernel) + " s" +
                   std::to_string(c.options.stride) + " p" + std::to_string(c.options.pad));
      // Random inputs in [-1, 1]: ties and zero windows have probability ~0; a small eps
      // keeps max pooling off its kinks.
      const Pool2dOptions options = c.options;
      PoolFn fn = op;
      expect_gradients_match([fn, options](const std::vector<Var>& v) { return fn(v[0], options); },
                             {random_tensor(c.x, seed++)}, 1e-3f);
    }
}

TEST(Pool2d, MatchesPyTorch) {
  int checked = 0;
  for (const auto& c : testing::load_fixtures("conv_pool_norm.txt")) {
    const std::string op = c.word("op");
    if (op != "max_pool2d" && op != "avg_pool2d") continue;
    SCOPED_TRACE(c.name);
    const Pool2dOptions options{static_cast<int>(c.num("kernel")), static_cast<int>(c.num("stride")),
                                static_cast<int>(c.num("pad"))};
    Var x(c.tensor("x").clone(), true);
    Var y = op == "max_pool2d" ? max_pool2d(x, options) : avg_pool2d(x, options);
    expect_tensor_near(y.value(), c.tensor("y"), 1e-5f, 1e-4f, "y");
    backward(y, c.tensor("gy"));
    expect_tensor_near(x.grad(), c.tensor("gx"), 1e-5f, 1e-4f, "gx");
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(Pool2d, ErrorsNameTheProblem) {
  Var x(Tensor::zeros({1, 2, 3, 3}));
  for (auto op : {max_pool2d, avg_pool2d, l2_pool2d}) {
    try {
      op(x, {4, 0, 0});
      ADD_FAILURE() << "window larger than the input must throw";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("[1, 2, 3, 3]"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
    }
    EXPECT_THROW(op(x, {2, 1, 2}), Error);   // pad > kernel / 2
    EXPECT_THROW(op(x, {0, 1, 0}), Error);   // kernel 0
    EXPECT_THROW(op(x, {2, -1, 0}), Error);  // negative stride
    EXPECT_THROW(op(Var(Tensor::zeros({2, 3, 3})), {2, 0, 0}), Error);
  }
}

}  // namespace
}  // namespace wg
