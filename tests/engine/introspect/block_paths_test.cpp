// Tests for engine/introspect/block_paths: a block's paths run on its input give its output
// (residual: their sum; concat: their channels in order), every inner layer's map is listed,
// and asking inside a layer that is not a block says so.
#include "introspect/block_paths.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../ops/error_message.h"
#include "small_models.h"

namespace wg {
namespace {

using testing::random_image;

constexpr const char* kBlocks = R"({"input":[2,6,6],"layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},
  {"type":"residual","layers":[{"type":"conv2d","filters":3,"kernel":3,"pad":1},{"type":"relu"}]},
  {"type":"concat","branches":[[{"type":"conv2d","filters":2,"kernel":1},{"type":"relu"}],[]]}]})";

TEST(BlockPaths, ResidualPathsAddUpToTheBlocksOutput) {
  Model model(kBlocks);
  const Tensor input = random_image({2, 6, 6}, 3);
  const auto maps = layer_activations(model, input);
  const auto paths = block_activations(model, input, 1);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].branch, "layers");
  EXPECT_EQ(paths[1].branch, "shortcut");
  EXPECT_TRUE(paths[1].identity);
  ASSERT_EQ(paths[0].inner.size(), 2u);
  EXPECT_EQ(paths[0].inner[0].type, "conv2d");
  EXPECT_EQ(paths[0].inner[1].type, "relu");
  EXPECT_EQ(paths[0].inner[1].shape, (Shape{3, 6, 6}));
  for (std::int64_t i = 0; i < 3 * 36; ++i) {
    EXPECT_EQ(paths[0].inner[1].data[i], paths[0].output[i]);
    EXPECT_NEAR(paths[0].output[i] + paths[1].output[i], maps[1].data[i], 1e-5f) << i;
    EXPECT_EQ(paths[1].output[i], maps[0].data[i]);
  }
}

TEST(BlockPaths, ConcatBranchesAreTheOutputsChannelsInOrder) {
  Model model(kBlocks);
  const Tensor input = random_image({2, 6, 6}, 4);
  const auto maps = layer_activations(model, input);
  const auto paths = block_activations(model, input, 2);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].branch, "branches.0");
  EXPECT_EQ(paths[1].branch, "branches.1");
  EXPECT_EQ(paths[0].shape, (Shape{2, 6, 6}));
  EXPECT_EQ(paths[1].shape, (Shape{3, 6, 6}));
  for (std::int64_t i = 0; i < 2 * 36; ++i) EXPECT_NEAR(paths[0].output[i], maps[2].data[i], 1e-5f);
  for (std::int64_t i = 0; i < 3 * 36; ++i) EXPECT_EQ(paths[1].output[i], maps[2].data[2 * 36 + i]);
}

TEST(BlockPaths, OnlyBlocksHavePaths) {
  Model model(kBlocks);
  EXPECT_EQ(testing::error_message([&] { block_activations(model, random_image({2, 6, 6}, 5), 0); }),
            "block_activations: layer 0 (conv2d) is not a block (residual or concat)");
}

}  // namespace
}  // namespace wg
