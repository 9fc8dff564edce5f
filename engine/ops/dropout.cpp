// Inverted dropout: in training each element is kept with probability 1 - p and scaled
// by 1 / (1 - p), so the expected activation is unchanged and evaluation needs no
// rescaling. The mask is drawn from the caller's Rng in element order, so a run with
// the same seed drops the same units, natively and in WASM.
#include "core/error.h"
#include "core/random.h"
#include "ops/ops.h"

namespace wg {

namespace {

// mask [n] <- 0 or 1 / (1 - p), drawn in order from rng.
void dropout_mask(float* mask, std::int64_t n, float p, Rng& rng) {
  const float keep_scale = 1.0f / (1.0f - p);
  for (std::int64_t i = 0; i < n; ++i) mask[i] = rng.uniform() < p ? 0.0f : keep_scale;
}

// y [n] = x [n] * mask [n]; the backward is the same product with the upstream gradient.
void multiply_by_mask(float* y, const float* x, const float* mask, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] * mask[i];
}

}  // namespace

Var dropout(const Var& x, float p, bool training, Rng& rng) {
  WG_CHECK(x.defined(), "dropout: input is undefined");
  WG_CHECK(p >= 0.0f && p < 1.0f, "dropout: probability p must be in [0, 1), got ", p);
  if (!training || p == 0.0f) return x;  // identity: no node, no random draws
  const std::int64_t n = x.value().size();
  Tensor mask = Tensor::empty(x.shape());
  dropout_mask(mask.data(), n, p, rng);
  Tensor y = Tensor::empty(x.shape());
  multiply_by_mask(y.data(), x.value().data(), mask.data(), n);
  return make_result("dropout", y, {x}, [mask](Node& self) {
    if (Tensor* gx = self.input_grad(0)) {
      const std::int64_t count = gx->size();
      for (std::int64_t i = 0; i < count; ++i) (*gx)[i] += self.grad[i] * mask[i];
    }
  });
}

}  // namespace wg
