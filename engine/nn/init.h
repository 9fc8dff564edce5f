// Weight initializers. Every one draws from a wg::Rng, so a model built with the same
// seed starts from bit-identical weights natively and in WASM.
//   xavier_uniform / xavier_normal (Glorot): variance 2 / (fan_in + fan_out), for tanh/sigmoid nets;
//   he_uniform / he_normal (Kaiming, fan_in mode, ReLU gain sqrt 2): variance 2 / fan_in;
//   uniform(low, high), normal(mean, stddev), zeros.
// Layers name their initializer by string ("init": "he_normal"); by name, "uniform" means
// uniform(-0.05, 0.05) and "normal" means normal(0, 0.01).
// fan_in / fan_out of a conv weight [K,C,KH,KW] are C*KH*KW and K*KH*KW; of a linear
// weight [out,in] they are in and out.
#pragma once
#include <string>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace wg {

void init_xavier_uniform(Tensor& t, int fan_in, int fan_out, Rng& rng);
void init_xavier_normal(Tensor& t, int fan_in, int fan_out, Rng& rng);
void init_he_uniform(Tensor& t, int fan_in, Rng& rng);
void init_he_normal(Tensor& t, int fan_in, Rng& rng);
void init_uniform(Tensor& t, float low, float high, Rng& rng);
void init_normal(Tensor& t, float mean, float stddev, Rng& rng);
void init_zeros(Tensor& t);

// The names accepted by initialize(): xavier_uniform, xavier_normal, he_uniform, he_normal,
// uniform, normal, zeros.
// PyTorch's default for Linear and Conv2d (kaiming_uniform with a = sqrt(5)):
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Layers with init "default" draw their bias from
// the same range (as PyTorch does); every other initializer starts biases at 0.
void init_default_uniform(Tensor& t, int fan_in, Rng& rng);

const std::vector<std::string>& initializer_names();
bool is_initializer_name(const std::string& name);
// Fills t with the named initializer; an unknown name throws listing the valid ones.
void initialize(Tensor& t, const std::string& name, int fan_in, int fan_out, Rng& rng);

}  // namespace wg
