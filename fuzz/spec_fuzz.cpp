// libFuzzer target: building a wg::Model from an arbitrary JSON spec.
// The spec comes from URLs and uploaded files. Construction must validate everything and refuse
// huge models BEFORE allocating them: scripts/fuzz.sh runs this with -malloc_limit_mb=1024 and
// -rss_limit_mb=2048, so an allocation of the size a hostile spec asks for is reported as a bug.
// Models up to the engine's limit (Model::kMaxParameters) are legitimate and their weights are drawn
// at construction, which under ASan takes seconds: scripts/fuzz.sh gives this target -timeout=30.
// Properties checked besides "no crash, only wg::Error":
//   - the normalised spec_json() builds a model with the same spec_json() and parameter count;
//   - small models run one forward pass on a zero batch of 1 and give output_shape(), then one
//     training-mode forward and backward pass that gives every parameter a gradient.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "autodiff/var.h"
#include "core/error.h"
#include "core/random.h"
#include "core/tensor.h"
#include "nn/model.h"

namespace {
[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "spec_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}
constexpr std::int64_t kRebuildMaxParameters = 1'000'000;
constexpr std::int64_t kForwardMaxParameters = 200'000;
constexpr std::int64_t kForwardMaxInput = 4096;

// One training-mode forward (dropout, batch statistics) and backward pass on a random batch of 2:
// every parameter must receive a gradient of its own shape.
void train_step(wg::Model& model) {
  wg::Rng rng(5);
  wg::Shape batch_shape{2};
  batch_shape.insert(batch_shape.end(), model.input_shape().begin(), model.input_shape().end());
  wg::Tensor input = wg::Tensor::empty(batch_shape);
  for (std::int64_t i = 0; i < input.size(); ++i) input[i] = rng.normal();
  wg::ForwardContext context;
  context.training = true;
  context.rng = &rng;
  const wg::Var out = model.forward(wg::Var(input, true), context);
  wg::backward(out, wg::Tensor::full(out.value().shape(), 1.0f));
  for (const auto& p : model.parameters())
    if (p.var.grad().shape() != p.var.value().shape())
      bug("parameter gradient has the wrong shape", p.name + " " + wg::shape_str(p.var.grad().shape()));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    wg::Model model(spec);
    const std::string normal = model.spec_json();
    // Rebuilding draws every weight again: only for models small enough to stay fast under ASan
    // (a 50M-parameter model, the engine's limit, takes ~7 s of CPU to initialise here).
    if (model.total_parameters() <= kRebuildMaxParameters) try {
      wg::Model again(normal);
      if (again.spec_json() != normal) bug("spec_json() does not rebuild the same spec", normal);
      if (again.total_parameters() != model.total_parameters()) bug("rebuilt model has other parameter count", normal);
    } catch (const wg::Error& e) {
      bug("spec_json() of a valid model is rejected", std::string(e.what()) + " for " + normal);
    }
    std::int64_t input_elements = 1;
    for (int d : model.input_shape()) input_elements *= d;
    bool small_activations = true;
    for (const auto& s : model.summary()) {
      std::int64_t n = 1;
      for (int d : s.output_shape) n *= d;
      if (n > 65536) small_activations = false;
    }
    if (model.total_parameters() <= kForwardMaxParameters && input_elements <= kForwardMaxInput && small_activations) {
      wg::Shape batch_shape{1};
      batch_shape.insert(batch_shape.end(), model.input_shape().begin(), model.input_shape().end());
      wg::NoGrad no_grad;
      wg::ForwardContext context;
      const wg::Var out = model.forward(wg::Var(wg::Tensor::zeros(batch_shape)), context);
      wg::Shape expected{1};
      expected.insert(expected.end(), model.output_shape().begin(), model.output_shape().end());
      if (out.value().shape() != expected)
        bug("forward output shape differs from output_shape()",
            wg::shape_str(out.value().shape()) + " vs " + wg::shape_str(expected));
    }
    if (model.total_parameters() <= kForwardMaxParameters && input_elements <= kForwardMaxInput && small_activations)
      train_step(model);
  } catch (const wg::Error&) {
    // expected for invalid specs
  } catch (const std::exception& e) {
    bug("non-wg::Error exception", e.what());
  }
  return 0;
}
