// conv2d: output sizes from the lectures, finite-difference gradients, the fast kernels
// against the direct-loop reference, PyTorch fixtures, thread-count determinism, errors.
#include "ops/conv2d.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/parallel.h"
#include "fixtures.h"
#include "gradcheck.h"
#include "ops/ops.h"

namespace wg {
namespace {

using testing::expect_gradients_match;
using testing::expect_tensor_near;
using testing::random_tensor;

// SEEDS.md: (W - K + 2P)/S + 1 with W = 7, K = 3.
TEST(Conv2dOutputSize, LectureNumbers) {
  struct Case {
    int in, kernel, stride, pad, dilation, expected;
    bool fits;
  };
  const Case cases[] = {
      {7, 3, 1, 0, 1, 5, true},   // stride 1 -> 5x5
      {7, 3, 2, 0, 1, 3, true},   // stride 2 -> 3x3
      {7, 3, 3, 0, 1, 2, false},  // stride 3 "does not fit": (7-3)/3 is not whole; floor gives 2 like PyTorch
      {7, 3, 1, 1, 1, 7, true},   // pad 1 keeps 7x7
      {32, 5, 1, 2, 1, 32, true}, // 5x5 pad 2 keeps 32x32
      {5, 3, 1, 0, 1, 3, true},
      {9, 3, 1, 0, 2, 5, true},   // dilation 2: the kernel spans 5
      {8, 3, 2, 0, 2, 2, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(conv_output_size(c.in, c.kernel, c.stride, c.pad, c.dilation, "test"), c.expected)
        << c.in << " " << c.kernel << " s" << c.stride << " p" << c.pad << " d" << c.dilation;
    EXPECT_EQ(conv_fits_exactly(c.in, c.kernel, c.stride, c.pad, c.dilation), c.fits) << c.in << " s" << c.stride;
  }
  EXPECT_THROW(conv_output_size(2, 3, 1, 0, 1, "test"), Error);
  EXPECT_THROW(conv_output_size(5, 3, 1, 0, 3, "test"), Error);  // dilated span 7 > 5
}

TEST(Conv2d, TenFiltersKeepSpatialSize) {
  Var x(Tensor::zeros({1, 3, 32, 32}));
  Var w(Tensor::zeros({10, 3, 5, 5}));
  Var b(Tensor::zeros({10}));
  Var y = conv2d(x, w, b, {1, 2, 1});
  EXPECT_EQ(y.shape(), (Shape{1, 10, 32, 32}));
}

TEST(Conv2d, HandComputedValue) {
  // 1x1x3x3 input, 2x2 kernel of ones: each output is the sum of a 2x2 patch, plus bias 1.
  Var x(Tensor::from({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  Var w(Tensor::full({1, 1, 2, 2}, 1.0f));
  Var b(Tensor::from({1}, {1.0f}));
  Var y = conv2d(x, w, b, {});
  expect_tensor_near(y.value(), Tensor::from({1, 1, 2, 2}, {13, 17, 25, 29}), 0.0f);
}

struct ConvCase {
  Shape x, w;
  Conv2dOptions options;
  bool bias;
};

const ConvCase kConvCases[] = {
    {{1, 1, 5, 5}, {1, 1, 3, 3}, {1, 0, 1}, true},
    {{2, 3, 6, 5}, {4, 3, 3, 3}, {1, 1, 1}, true},
    {{2, 2, 7, 7}, {3, 2, 3, 3}, {2, 0, 1}, true},
    {{1, 2, 6, 8}, {2, 2, 2, 3}, {2, 2, 1}, false},  // non-square kernel and input, pad 2
    {{2, 2, 7, 6}, {3, 2, 3, 2}, {1, 1, 2}, true},   // dilation 2
    {{3, 4, 4, 4}, {5, 4, 1, 1}, {1, 0, 1}, true},   // pointwise (1x1) fast path
    {{2, 1, 9, 9}, {2, 1, 3, 3}, {2, 2, 2}, true},   // stride 2, pad 2, dilation 2
    {{5, 2, 5, 5}, {2, 2, 3, 3}, {1, 1, 1}, true},   // more items than one weight-gradient block
};

TEST(Conv2d, GradientsMatchFiniteDifferences) {
  std::uint64_t seed = 10;
  for (const ConvCase& c : kConvCases) {
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w) + " s" + std::to_string(c.options.stride) + " p" +
                 std::to_string(c.options.pad) + " d" + std::to_string(c.options.dilation));
    std::vector<Tensor> inputs{random_tensor(c.x, seed++), random_tensor(c.w, seed++)};
    if (c.bias) inputs.push_back(random_tensor({c.w[0]}, seed++));
    const Conv2dOptions options = c.options;
    expect_gradients_match(
        [options](const std::vector<Var>& v) { return conv2d(v[0], v[1], v.size() > 2 ? v[2] : Var(), options); },
        inputs);
  }
}

TEST(Conv2d, FastKernelsMatchReference) {
  const ConvCase extra[] = {{{3, 5, 13, 11}, {7, 5, 5, 3}, {2, 1, 1}, true},
                            {{2, 3, 16, 16}, {8, 3, 3, 3}, {1, 1, 1}, true},
                            {{3, 8, 14, 14}, {16, 8, 5, 5}, {1, 2, 1}, true},  // the CNN preset's conv2
                            {{2, 3, 6, 6}, {4, 3, 3, 3}, {1, 3, 1}, true},      // pad > kernel-1: col2im input gradient
                            {{2, 2, 5, 4}, {3, 2, 1, 1}, {1, 1, 1}, true}};     // 1x1 with pad: not pointwise
  std::vector<ConvCase> cases(std::begin(kConvCases), std::end(kConvCases));
  cases.insert(cases.end(), std::begin(extra), std::end(extra));
  std::uint64_t seed = 100;
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w));
    const ConvGeometry g = conv_geometry(c.x, c.w, c.options, "test");
    Tensor x = random_tensor(c.x, seed++), w = random_tensor(c.w, seed++), b = random_tensor({c.w[0]}, seed++);
    const Shape out_shape{g.batch, g.out_channels, g.out_height, g.out_width};
    Tensor fast = Tensor::empty(out_shape), slow = Tensor::empty(out_shape);
    conv2d_forward(fast.data(), x.data(), w.data(), b.data(), g);
    conv2d_forward_reference(slow.data(), x.data(), w.data(), b.data(), g);
    expect_tensor_near(fast, slow, 1e-5f, 1e-5f, "forward");

    Tensor gy = random_tensor(out_shape, seed++);
    // Start from a non-zero gradient: the kernels must accumulate, not overwrite.
    Tensor gx_fast = Tensor::full(c.x, 0.5f), gx_slow = Tensor::full(c.x, 0.5f);
    conv2d_backward_input(gx_fast.data(), gy.data(), w.data(), g);
    conv2d_backward_input_reference(gx_slow.data(), gy.data(), w.data(), g);
    expect_tensor_near(gx_fast, gx_slow, 1e-5f, 1e-5f, "grad input");
    Tensor gw_fast = Tensor::full(c.w, 0.5f), gw_slow = Tensor::full(c.w, 0.5f);
    conv2d_backward_weight(gw_fast.data(), gy.data(), x.data(), g);
    conv2d_backward_weight_reference(gw_slow.data(), gy.data(), x.data(), g);
    expect_tensor_near(gw_fast, gw_slow, 1e-4f, 1e-5f, "grad weight");
  }
}

TEST(Conv2d, BitIdenticalForAnyThreadCount) {
  // batch 9: threads split items and weight-gradient blocks; batch 1: threads split GEMM rows.
  const ConvCase cases[] = {{{9, 3, 12, 10}, {6, 3, 3, 3}, {2, 1, 1}, true},
                            {{1, 4, 16, 16}, {16, 4, 3, 3}, {1, 1, 1}, true},
                            {{6, 8, 8, 8}, {12, 8, 1, 1}, {1, 0, 1}, true}};
  std::uint64_t seed = 200;
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w));
    Tensor x = random_tensor(c.x, seed++), w = random_tensor(c.w, seed++), b = random_tensor({c.w[0]}, seed++);
    std::vector<std::vector<float>> results;
    for (int threads : {1, 2, 3, 4, 8}) {
      set_num_threads(threads);
      Var xv(x.clone(), true), wv(w.clone(), true), bv(b.clone(), true);
      Var y = conv2d(xv, wv, bv, c.options);
      backward(y, random_tensor(y.shape(), 10));
      std::vector<float> all = y.value().to_vector();
      for (const Tensor* t : {&xv.grad(), &wv.grad(), &bv.grad()}) {
        auto v = t->to_vector();
        all.insert(all.end(), v.begin(), v.end());
      }
      results.push_back(all);
    }
    set_num_threads(1);
    for (std::size_t r = 1; r < results.size(); ++r) EXPECT_EQ(results[0], results[r]) << "run " << r;
  }
}

void expect_error_mentions(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "'" << p << "' missing in: " << e.what();
  }
}

// conv2d_relu is relu(conv2d(...)) in one node: same bits forward and backward (gradients of
// x, weight and bias), and a non-finite upstream gradient where a unit is off stays out, as
// relu's own backward keeps it out.
TEST(Conv2d, FusedReluIsBitIdenticalToConvThenRelu) {
  struct Case {
    Shape x, w;
    Conv2dOptions options;
  };
  const Case cases[] = {{{4, 1, 28, 28}, {8, 1, 5, 5}, {1, 2, 1}},
                        {{3, 8, 14, 14}, {16, 8, 5, 5}, {1, 2, 1}},
                        {{2, 3, 9, 7}, {4, 3, 3, 3}, {2, 1, 1}}};
  for (const Case& c : cases) {
    const Tensor x0 = random_tensor(c.x, 1), w0 = random_tensor(c.w, 2), b0 = random_tensor({c.w[0]}, 3);
    auto run = [&](bool fused) {
      Var x(x0.clone(), true), w(w0.clone(), true), b(b0.clone(), true);
      Var y = fused ? conv2d_relu(x, w, b, c.options) : relu(conv2d(x, w, b, c.options));
      Tensor seed = random_tensor(y.shape(), 4);
      seed[0] = std::numeric_limits<float>::infinity();  // lands on an off unit in some cases
      backward(y, seed);
      return std::vector<Tensor>{y.value(), x.grad(), w.grad(), b.grad()};
    };
    const std::vector<Tensor> fused = run(true), separate = run(false);
    const char* names[] = {"output", "x gradient", "weight gradient", "bias gradient"};
    for (int t = 0; t < 4; ++t) {
      ASSERT_EQ(fused[t].shape(), separate[t].shape()) << names[t];
      for (std::int64_t i = 0; i < fused[t].size(); ++i)
        ASSERT_TRUE(fused[t][i] == separate[t][i] || (std::isnan(fused[t][i]) && std::isnan(separate[t][i])))
            << names[t] << " differs at " << i << " for input " << shape_str(c.x);
    }
  }
}

// conv2d_relu_maxpool2 is max_pool2d(relu(conv2d(...)), 2x2) in one node: same bits forward and
// backward, with odd convolution outputs (the last row and column are not pooled), ties among
// off units (all-zero windows), many threads, and an infinite upstream gradient on a pooled unit.
TEST(Conv2d, FusedReluMaxPoolIsBitIdenticalToTheThreeOps) {
  struct Case {
    Shape x, w;
    Conv2dOptions options;
    float bias_shift;  // pushes outputs below zero: more off units and all-zero windows
  };
  const Case cases[] = {{{4, 1, 28, 28}, {8, 1, 5, 5}, {1, 2, 1}, 0.0f},
                        {{5, 8, 14, 14}, {16, 8, 5, 5}, {1, 2, 1}, -1.0f},
                        {{2, 3, 9, 7}, {4, 3, 3, 3}, {1, 0, 1}, -0.5f},   // 7x5 output: odd both ways
                        {{3, 2, 11, 10}, {5, 2, 3, 3}, {2, 1, 1}, 0.0f},  // stride 2: 6x5 output
                        {{2, 4, 6, 6}, {3, 4, 1, 1}, {1, 0, 1}, 0.0f}};  // pointwise path
  for (const Case& c : cases) {
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w));
    const Tensor x0 = random_tensor(c.x, 11), w0 = random_tensor(c.w, 12);
    Tensor b0 = random_tensor({c.w[0]}, 13);
    for (std::int64_t i = 0; i < b0.size(); ++i) b0[i] += c.bias_shift;
    const Pool2dOptions pool{2, 2, 0};
    auto run = [&](bool fused) {
      Var x(x0.clone(), true), w(w0.clone(), true), b(b0.clone(), true);
      Var y = fused ? conv2d_relu_maxpool2(x, w, b, c.options) : max_pool2d(relu(conv2d(x, w, b, c.options)), pool);
      Tensor seed = random_tensor(y.shape(), 14);
      seed[1] = std::numeric_limits<float>::infinity();
      backward(y, seed);
      return std::vector<Tensor>{y.value(), x.grad(), w.grad(), b.grad()};
    };
    const std::vector<Tensor> separate = run(false);
    for (int threads : {1, 2, 3, 8}) {
      set_num_threads(threads);
      const std::vector<Tensor> fused = run(true);
      const char* names[] = {"output", "x gradient", "weight gradient", "bias gradient"};
      for (int t = 0; t < 4; ++t) {
        ASSERT_EQ(fused[t].shape(), separate[t].shape()) << names[t];
        for (std::int64_t i = 0; i < fused[t].size(); ++i)
          ASSERT_TRUE(fused[t][i] == separate[t][i] || (std::isnan(fused[t][i]) && std::isnan(separate[t][i])))
              << names[t] << " differs at " << i << " with " << threads << " threads: " << fused[t][i] << " vs "
              << separate[t][i];
      }
    }
    set_num_threads(1);
  }
  expect_error_mentions([] {
    conv2d_relu_maxpool2(Var(Tensor::zeros({1, 1, 3, 3})), Var(Tensor::zeros({2, 1, 3, 3})), Var(), {});
  }, {"conv2d_relu_maxpool2", "at least 2x2", "1x1"});
}

TEST(Conv2d, ErrorsNameTheShapes) {
  Var x(Tensor::zeros({1, 3, 4, 4}));
  expect_error_mentions([&] { conv2d(x, Var(Tensor::zeros({2, 3, 5, 5})), Var(), {}); },
                        {"conv2d", "[1, 3, 4, 4]", "[2, 3, 5, 5]", "does not fit"});
  expect_error_mentions([&] { conv2d(x, Var(Tensor::zeros({2, 1, 3, 3})), Var(), {}); },
                        {"conv2d", "3 channels", "[1, 3, 4, 4]", "[2, 1, 3, 3]"});
  expect_error_mentions([&] { conv2d(x, Var(Tensor::zeros({2, 3, 3, 3})), Var(Tensor::zeros({3})), {}); },
                        {"bias", "[3]"});
  expect_error_mentions([&] { conv2d(x, Var(Tensor::zeros({2, 3, 3, 3})), Var(), {0, 0, 1}); }, {"stride"});
  expect_error_mentions([&] { conv2d(Var(Tensor::zeros({3, 4, 4})), Var(Tensor::zeros({2, 3, 3, 3})), Var(), {}); },
                        {"[N,C,H,W]", "[3, 4, 4]"});
  // pad makes a too-large kernel fit
  EXPECT_NO_THROW(conv2d(x, Var(Tensor::zeros({2, 3, 5, 5})), Var(), {1, 1, 1}));
}

TEST(Conv2d, MatchesPyTorch) {
  int checked = 0;
  for (const auto& c : testing::load_fixtures("conv_pool_norm.txt")) {
    if (c.word("op") != "conv2d") continue;
    SCOPED_TRACE(c.name);
    const Conv2dOptions options{static_cast<int>(c.num("stride")), static_cast<int>(c.num("pad")),
                                static_cast<int>(c.num("dilation"))};
    Var x(c.tensor("x").clone(), true), w(c.tensor("w").clone(), true), b(c.tensor("b").clone(), true);
    Var y = conv2d(x, w, b, options);
    expect_tensor_near(y.value(), c.tensor("y"), 1e-4f, 1e-4f, "y");
    backward(y, c.tensor("gy"));
    expect_tensor_near(x.grad(), c.tensor("gx"), 1e-4f, 1e-4f, "gx");
    expect_tensor_near(w.grad(), c.tensor("gw"), 1e-4f, 1e-4f, "gw");
    expect_tensor_near(b.grad(), c.tensor("gb"), 1e-4f, 1e-4f, "gb");
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

}  // namespace
}  // namespace wg
