// Loss functions and weight penalties. Each returns a [1] Var that is the MEAN over
// the batch (see each function for exactly what is averaged), with its backward rule
// written next to the forward pass in losses.cpp. They work directly on tensors
// instead of composing ops, so one loss is one graph node and one pass over memory.
//
// Relation to the lecture formulas (SEEDS.md):
//   softmax_cross_entropy  L = -1/N sum_i log p_{i,y_i},   dL/do = (p - y) / N
//   mse_loss               L = 1/M sum (o - t)^2 over all M elements
//   squared_error_sum_half L = 1/2 sum (t - o)^2 (the lectures' form; gradient o - t,
//                          no averaging: differs from mse_loss by the constant M/2)
//   bce_with_logits        L = 1/M sum [log(1 + e^x) - t x] = BCE(sigmoid(x), t)
//   multiclass_hinge       L = 1/N sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + margin)
//   l2_penalty             lambda sum w^2;  l1_penalty  lambda sum |w|
#pragma once
#include <string>
#include <vector>

#include "autodiff/var.h"

namespace wg {

// logits [N, K], labels N class indices in [0, K). Stable: uses log-sum-exp.
Var softmax_cross_entropy(const Var& logits, const std::vector<int>& labels);

// pred and target of the same shape; both may require grad.
Var mse_loss(const Var& pred, const Var& target);
Var squared_error_sum_half(const Var& pred, const Var& target);

// logits and targets (in [0, 1]) of the same shape; stable for large |logits|.
Var bce_with_logits(const Var& logits, const Var& targets);

// scores [N, K], labels N class indices. At a kink (margin term exactly 0) the
// subgradient 0 is used, as PyTorch does.
Var multiclass_hinge(const Var& scores, const std::vector<int>& labels, float margin = 1.0f);

// Penalties over a list of parameters (biases are usually left out by the caller).
// An empty list gives a constant 0.
Var l2_penalty(const std::vector<Var>& params, float lambda);
Var l1_penalty(const std::vector<Var>& params, float lambda);

// Names a training configuration can use: "cross_entropy", "mse", "bce", "hinge".
enum class LossKind { cross_entropy, mse, bce, hinge };
LossKind parse_loss_kind(const std::string& name);  // error lists the valid names
const char* loss_kind_name(LossKind kind);
const std::vector<std::string>& loss_names();  // every LossKind's name, in enum order

// The loss of a classifier's outputs [N, K] against class labels. cross_entropy and
// hinge use the labels directly; mse and bce compare the outputs with one-hot targets.
Var classification_loss(LossKind kind, const Var& outputs, const std::vector<int>& labels);

}  // namespace wg
