// For optimizer.cpp's factory: one constructor per file (sgd.cpp, adagrad.cpp,
// rmsprop.cpp, adam.cpp). The config and parameters are already validated.
#pragma once
#include <memory>

#include "optim/optimizer.h"

namespace wg::optim_detail {

std::unique_ptr<Optimizer> make_sgd(const OptimizerConfig& config, std::vector<ParameterRef> params);  // sgd, momentum, nesterov
std::unique_ptr<Optimizer> make_adagrad(const OptimizerConfig& config, std::vector<ParameterRef> params);
std::unique_ptr<Optimizer> make_rmsprop(const OptimizerConfig& config, std::vector<ParameterRef> params);
std::unique_ptr<Optimizer> make_adam(const OptimizerConfig& config, std::vector<ParameterRef> params);  // adam, adamw

}  // namespace wg::optim_detail
