#include "train/config_json.h"

#include <gtest/gtest.h>

#include "ops/error_message.h"

namespace wg {
namespace {

TEST(TrainConfigJson, ReadsEveryKeyAndRoundTrips) {
  TrainConfig c = train_config_from_json(
      R"({"optimizer":"momentum","learningRate":0.01,"momentum":0.8,"nesterov":true,"weightDecay":0.0005,
          "schedule":{"type":"step","stepSize":3,"gamma":0.5},"loss":"hinge","batchSize":32,"epochs":4,"seed":7,
          "augment":{"maxShift":2,"maxRotation":10,"noise":0.05},"l2":0.001,"earlyStoppingPatience":2,
          "layerLearningRates":{"conv1":0.5}})");
  EXPECT_EQ(c.optimizer.type, "momentum");
  EXPECT_FLOAT_EQ(c.optimizer.learning_rate, 0.01f);
  EXPECT_TRUE(c.optimizer.nesterov);
  EXPECT_EQ(c.schedule.type, "step");
  EXPECT_EQ(c.schedule.step_size, 3);
  EXPECT_EQ(c.batch_size, 32);
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.augment.max_shift, 2);
  EXPECT_FLOAT_EQ(c.layer_lr_multipliers.at("conv1"), 0.5f);
  TrainConfig again = train_config_from_json(train_config_to_json(c));
  EXPECT_EQ(train_config_to_json(again), train_config_to_json(c));
  EXPECT_EQ(train_config_from_json("{}").batch_size, TrainConfig().batch_size);
}

TEST(TrainConfigJson, ErrorsNameTheKey) {
  using testing::expect_error_mentions;
  expect_error_mentions([] { train_config_from_json(R"({"learningrate":0.1})"); }, {"learningrate", "learningRate"});
  expect_error_mentions([] { train_config_from_json(R"({"batchSize":0})"); }, {"batchSize", "[1, 65536]"});
  expect_error_mentions([] { train_config_from_json(R"({"batchSize":2.5})"); }, {"batchSize", "whole number"});
  expect_error_mentions([] { train_config_from_json(R"({"learningRate":"fast"})"); }, {"learningRate", "number"});
  expect_error_mentions([] { train_config_from_json(R"({"loss":"huber"})"); }, {"huber"});
  expect_error_mentions([] { train_config_from_json(R"({"schedule":{"kind":"step"}})"); }, {"schedule", "kind"});
  expect_error_mentions([] { train_config_from_json(R"([1,2])"); }, {"object"});
  expect_error_mentions([] { train_config_from_json(R"({"epochs":)"); }, {"line 1"});
}

}  // namespace
}  // namespace wg
