// explain_unit against PyTorch (tests/fixtures/explain_unit.txt, from gen_explain_unit.py):
// with the same parameters and input, every unit's result equals PyTorch's layer output,
// and every conv patch (padding zeros included) equals what PyTorch's unfold reads for
// that output position, so the window geometry (stride, pad, dilation) is PyTorch's.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "fixtures.h"
#include "introspect/explain_unit.h"

namespace wg {
namespace {

// Copies the fixture's tensors into the model's parameters and buffers of the same names.
void load_parameters(Model& model, const testing::FixtureCase& c) {
  for (const NamedParameter& p : model.parameters()) {
    Tensor t = p.var.value();
    t.copy_from(c.tensor(p.name));
  }
  for (const NamedBuffer& b : model.buffers()) {
    Tensor t = b.tensor;
    t.copy_from(c.tensor(b.name));
  }
}

TEST(ExplainUnitTorch, EveryUnitEqualsPyTorchAndConvPatchesEqualUnfold) {
  const auto cases = testing::load_fixtures("explain_unit.txt");
  ASSERT_EQ(cases.size(), 3u);
  for (const testing::FixtureCase& c : cases) {
    Model model(c.word("spec"));
    load_parameters(model, c);
    const Tensor& x = c.tensor("x");
    int checked = 0;
    for (int l = 0; l < static_cast<int>(model.layers().size()); ++l) {
      const Tensor& expected = c.tensor("out" + std::to_string(l));
      const Shape& out = model.layers()[l]->output_shape();
      const int rows = out.size() == 3 ? out[1] : 1, cols = out.size() == 3 ? out[2] : 1;
      for (int ch = 0; ch < out[0]; ++ch)
        for (int r = 0; r < rows; ++r)
          for (int q = 0; q < cols; ++q) {
            const std::string where = c.name + " layer " + std::to_string(l) + " unit " + std::to_string(ch) + "," +
                                      std::to_string(r) + "," + std::to_string(q);
            const UnitExplanation e = explain_unit(model, x, {l, ch, r, q});
            const float torch_value = expected[(static_cast<std::int64_t>(ch) * rows + r) * cols + q];
            EXPECT_NEAR(e.result, torch_value, 1e-5 * (std::fabs(torch_value) + 1)) << where;
            ++checked;
            const auto* conv = std::get_if<ConvExplanation>(&e.steps);
            if (!conv) continue;
            const Tensor& unfold = c.tensor("unfold" + std::to_string(l));  // [C * KH * KW, OH * OW]
            const int positions = unfold.shape()[1], taps = static_cast<int>(conv->channels[0].patch.size());
            for (const ConvChannelTerm& term : conv->channels)
              for (int t = 0; t < taps; ++t)
                EXPECT_FLOAT_EQ(term.patch[t], unfold[(term.channel * taps + t) * positions + r * cols + q])
                    << where << " channel " << term.channel << " tap " << t;
          }
    }
    EXPECT_GT(checked, 20) << c.name;
  }
}

}  // namespace
}  // namespace wg
