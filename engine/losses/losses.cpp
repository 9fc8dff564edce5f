// Losses and penalties: forward value and backward rule side by side, one function
// each. Sums are accumulated in double, sequentially, so the loss is identical for
// any thread count. Backward closures scale by the upstream gradient self.grad[0].
#include "losses/losses.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace wg {
namespace {

// logits must be [N, K] with one label per row, each in [0, K).
void check_labels(const char* loss, const Var& logits, const std::vector<int>& labels) {
  WG_CHECK(logits.defined(), loss, ": input is undefined");
  WG_CHECK(logits.value().rank() == 2, loss, ": expects scores of shape [N, K], got ", shape_str(logits.shape()));
  const int n = logits.shape()[0], k = logits.shape()[1];
  WG_CHECK(static_cast<int>(labels.size()) == n, loss, ": ", labels.size(), " labels for a batch of ", n,
           " rows (scores ", shape_str(logits.shape()), ")");
  for (int i = 0; i < n; ++i)
    WG_CHECK(labels[i] >= 0 && labels[i] < k, loss, ": label ", labels[i], " at index ", i, " is outside [0, ", k,
             ") for scores ", shape_str(logits.shape()));
}

void check_same_shape(const char* loss, const Var& a, const Var& b, const char* a_name, const char* b_name) {
  WG_CHECK(a.defined() && b.defined(), loss, ": an input is undefined");
  WG_CHECK(a.shape() == b.shape(), loss, ": ", a_name, " ", shape_str(a.shape()), " and ", b_name, " ",
           shape_str(b.shape()), " must have the same shape");
}

void check_lambda(const char* penalty, float lambda) {
  WG_CHECK(std::isfinite(lambda) && lambda >= 0.0f, penalty, ": lambda must be a finite value >= 0, got ", lambda);
}

}  // namespace

// ---- softmax cross-entropy: L = 1/N sum_i (logsumexp(x_i) - x_{i,y_i}); dL/dx = (p - onehot(y)) / N
Var softmax_cross_entropy(const Var& logits, const std::vector<int>& labels) {
  check_labels("softmax_cross_entropy", logits, labels);
  const int n = logits.shape()[0], k = logits.shape()[1];
  const float* x = logits.value().data();  // x is (N, K)
  Tensor probabilities = Tensor::empty({n, k});
  float* p = probabilities.data();  // p is (N, K), softmax of each row
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const float* row = x + static_cast<std::int64_t>(i) * k;
    float* prow = p + static_cast<std::int64_t>(i) * k;
    const float row_max = *std::max_element(row, row + k);  // shift so exp cannot overflow
    double sum = 0;
    for (int j = 0; j < k; ++j) {
      prow[j] = std::exp(row[j] - row_max);
      sum += prow[j];
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (int j = 0; j < k; ++j) prow[j] *= inv;
    total += (std::log(sum) + row_max) - row[labels[i]];
  }
  return make_result("softmax_cross_entropy", Tensor::scalar(static_cast<float>(total / n)), {logits},
                     [probabilities, labels, n, k](Node& self) {
                       Tensor* g = self.input_grad(0);
                       if (!g) return;
                       const float scale = self.grad[0] / n;
                       const float* p = probabilities.data();
                       float* gx = g->data();
                       for (std::int64_t i = 0; i < static_cast<std::int64_t>(n) * k; ++i) gx[i] += scale * p[i];
                       for (int i = 0; i < n; ++i) gx[static_cast<std::int64_t>(i) * k + labels[i]] -= scale;
                     });
}

// ---- squared error: mean form and the lectures' 1/2-sum form share one kernel.
namespace {
Var squared_error(const char* op, const Var& pred, const Var& target, bool mean) {
  check_same_shape(op, pred, target, "pred", "target");
  const std::int64_t m = pred.value().size();
  const float* o = pred.value().data();
  const float* t = target.value().data();
  double total = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double d = static_cast<double>(o[i]) - t[i];
    total += d * d;
  }
  // L = c * sum (o - t)^2 with c = 1/M (mean) or 1/2 (half sum); dL/do = 2c (o - t) = -dL/dt
  const double c = mean ? 1.0 / static_cast<double>(m) : 0.5;
  Tensor o_saved = pred.value(), t_saved = target.value();
  return make_result(op, Tensor::scalar(static_cast<float>(c * total)), {pred, target},
                     [o_saved, t_saved, c, m](Node& self) {
                       const float scale = static_cast<float>(2.0 * c) * self.grad[0];
                       const float* o = o_saved.data();
                       const float* t = t_saved.data();
                       if (Tensor* g = self.input_grad(0))
                         for (std::int64_t i = 0; i < m; ++i) (*g)[i] += scale * (o[i] - t[i]);
                       if (Tensor* g = self.input_grad(1))
                         for (std::int64_t i = 0; i < m; ++i) (*g)[i] -= scale * (o[i] - t[i]);
                     });
}
}  // namespace

Var mse_loss(const Var& pred, const Var& target) { return squared_error("mse_loss", pred, target, true); }
Var squared_error_sum_half(const Var& pred, const Var& target) {
  return squared_error("squared_error_sum_half", pred, target, false);
}

// ---- binary cross-entropy on logits:
// l = max(x, 0) - x t + log(1 + e^{-|x|})  (never exponentiates a positive number)
// dl/dx = sigmoid(x) - t,  dl/dt = -x;  L = mean over all M elements.
Var bce_with_logits(const Var& logits, const Var& targets) {
  check_same_shape("bce_with_logits", logits, targets, "logits", "targets");
  const std::int64_t m = logits.value().size();
  const float* x = logits.value().data();
  const float* t = targets.value().data();
  double total = 0;
  for (std::int64_t i = 0; i < m; ++i)
    total += std::max(x[i], 0.0f) - x[i] * t[i] + std::log1p(std::exp(-std::fabs(x[i])));
  Tensor x_saved = logits.value(), t_saved = targets.value();
  return make_result("bce_with_logits", Tensor::scalar(static_cast<float>(total / m)), {logits, targets},
                     [x_saved, t_saved, m](Node& self) {
                       const float scale = self.grad[0] / static_cast<float>(m);
                       const float* x = x_saved.data();
                       const float* t = t_saved.data();
                       if (Tensor* g = self.input_grad(0))
                         for (std::int64_t i = 0; i < m; ++i) {
                           // sigmoid written so exp never overflows
                           const float e = std::exp(-std::fabs(x[i]));
                           const float sigmoid = x[i] >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
                           (*g)[i] += scale * (sigmoid - t[i]);
                         }
                       if (Tensor* g = self.input_grad(1))
                         for (std::int64_t i = 0; i < m; ++i) (*g)[i] -= scale * x[i];
                     });
}

// ---- multiclass SVM: L = 1/N sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + margin)
// Each active term adds +1/N to ds_j and -1/N to ds_{y_i}.
Var multiclass_hinge(const Var& scores, const std::vector<int>& labels, float margin) {
  check_labels("multiclass_hinge", scores, labels);
  WG_CHECK(std::isfinite(margin), "multiclass_hinge: margin must be finite, got ", margin);
  const int n = scores.shape()[0], k = scores.shape()[1];
  const float* s = scores.value().data();  // s is (N, K)
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const float* row = s + static_cast<std::int64_t>(i) * k;
    for (int j = 0; j < k; ++j)
      if (j != labels[i]) total += std::max(0.0f, row[j] - row[labels[i]] + margin);
  }
  Tensor s_saved = scores.value();
  return make_result("multiclass_hinge", Tensor::scalar(static_cast<float>(total / n)), {scores},
                     [s_saved, labels, margin, n, k](Node& self) {
                       Tensor* g = self.input_grad(0);
                       if (!g) return;
                       const float scale = self.grad[0] / n;
                       for (int i = 0; i < n; ++i) {
                         const float* row = s_saved.data() + static_cast<std::int64_t>(i) * k;
                         float* grow = g->data() + static_cast<std::int64_t>(i) * k;
                         const int y = labels[i];
                         for (int j = 0; j < k; ++j)
                           if (j != y && row[j] - row[y] + margin > 0.0f) {
                             grow[j] += scale;
                             grow[y] -= scale;
                           }
                       }
                     });
}

// ---- penalties: lambda sum w^2 (d = 2 lambda w) and lambda sum |w| (d = lambda sign(w), 0 at 0)
namespace {
Var penalty(const char* op, const std::vector<Var>& params, float lambda, bool squared) {
  check_lambda(op, lambda);
  double total = 0;
  for (std::size_t p = 0; p < params.size(); ++p) {
    WG_CHECK(params[p].defined(), op, ": parameter ", p, " is undefined");
    const Tensor& w = params[p].value();
    for (std::int64_t i = 0; i < w.size(); ++i) total += squared ? static_cast<double>(w[i]) * w[i] : std::fabs(w[i]);
  }
  std::vector<Tensor> saved;
  saved.reserve(params.size());
  for (const Var& p : params) saved.push_back(p.value());
  return make_result(op, Tensor::scalar(static_cast<float>(lambda * total)), params,
                     [saved, lambda, squared](Node& self) {
                       const float scale = lambda * self.grad[0];
                       for (std::size_t p = 0; p < saved.size(); ++p) {
                         Tensor* g = self.input_grad(p);
                         if (!g) continue;
                         const float* w = saved[p].data();
                         for (std::int64_t i = 0; i < g->size(); ++i)
                           (*g)[i] += squared ? 2.0f * scale * w[i]
                                              : scale * static_cast<float>((w[i] > 0) - (w[i] < 0));
                       }
                     });
}
}  // namespace

Var l2_penalty(const std::vector<Var>& params, float lambda) { return penalty("l2_penalty", params, lambda, true); }
Var l1_penalty(const std::vector<Var>& params, float lambda) { return penalty("l1_penalty", params, lambda, false); }

// ---- names
constexpr LossKind kLossKinds[] = {LossKind::cross_entropy, LossKind::mse, LossKind::bce, LossKind::hinge};

LossKind parse_loss_kind(const std::string& name) {
  for (LossKind kind : kLossKinds)
    if (name == loss_kind_name(kind)) return kind;
  std::string valid;
  for (const std::string& n : loss_names()) valid += (valid.empty() ? "" : ", ") + n;
  fail("unknown loss '", name, "'; valid losses: ", valid);
}

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (LossKind kind : kLossKinds) out.push_back(loss_kind_name(kind));
    return out;
  }();
  return names;
}

const char* loss_kind_name(LossKind kind) {
  switch (kind) {
    case LossKind::cross_entropy: return "cross_entropy";
    case LossKind::mse: return "mse";
    case LossKind::bce: return "bce";
    case LossKind::hinge: return "hinge";
  }
  return "unknown";
}

Var classification_loss(LossKind kind, const Var& outputs, const std::vector<int>& labels) {
  switch (kind) {
    case LossKind::cross_entropy: return softmax_cross_entropy(outputs, labels);
    case LossKind::hinge: return multiclass_hinge(outputs, labels);
    case LossKind::mse:
    case LossKind::bce: {
      const char* name = kind == LossKind::mse ? "mse_loss" : "bce_with_logits";
      check_labels(name, outputs, labels);
      const int k = outputs.shape()[1];
      Tensor one_hot = Tensor::zeros(outputs.shape());
      for (std::size_t i = 0; i < labels.size(); ++i) one_hot[static_cast<std::int64_t>(i) * k + labels[i]] = 1.0f;
      return kind == LossKind::mse ? mse_loss(outputs, Var(one_hot)) : bce_with_logits(outputs, Var(one_hot));
    }
  }
  fail("classification_loss: unknown loss kind ", static_cast<int>(kind));
}

}  // namespace wg
