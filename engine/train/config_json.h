// TrainConfig <-> JSON, the form training settings take in the JS API, the CLI, saved
// model metadata and URLs. Keys are camelCase; every key is optional (defaults are
// TrainConfig's); an unknown key or a bad value is an error naming it:
//   {"optimizer": "adam", "learningRate": 0.001, "momentum": 0.9, "nesterov": false,
//    "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "alpha": 0.99, "weightDecay": 0,
//    "clipGradNorm": 0, "clipGradValue": 0,
//    "schedule": {"type": "cosine", "stepSize": 10, "gamma": 0.1, "totalEpochs": 10,
//                 "minLr": 0, "warmupEpochs": 0},
//    "loss": "cross_entropy", "batchSize": 64, "epochs": 10, "seed": 1,
//    "augment": {"maxShift": 2, "maxRotation": 10, "noise": 0.05},
//    "l1": 0, "l2": 0, "earlyStoppingPatience": 0, "layerLearningRates": {"conv1": 0.5}}
#pragma once
#include <string>

#include "train/trainer.h"

namespace wg {

TrainConfig train_config_from_json(const std::string& json_text);
std::string train_config_to_json(const TrainConfig& config);

}  // namespace wg
