#include <cmath>
// Model specs: shape inference, parameter and multiply-add counts, receptive fields
// (the lectures' worked numbers), spec errors and the normalised spec round trip.
#include "nn/model.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace wg {
namespace {

std::string spec_error(const std::string& spec) {
  try {
    Model model(spec);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Model, ThreeFourTwoNetworkHas26Parameters) {
  Model m(R"({"input": [3], "layers": [{"type": "linear", "units": 4}, {"type": "sigmoid"},
                                       {"type": "linear", "units": 2}]})");
  EXPECT_EQ(m.total_parameters(), 26);
  const auto params = m.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].name, "linear1.weight");
  EXPECT_EQ(params[0].var.shape(), (Shape{4, 3}));
  EXPECT_EQ(params[3].name, "linear2.bias");
  EXPECT_EQ(m.output_shape(), (Shape{2}));
}

TEST(Model, TenFiveByFiveFiltersOnCifarSizedInput) {
  Model m(R"({"input": [3, 32, 32], "layers": [{"type": "conv2d", "filters": 10, "kernel": 5, "pad": 2}]})");
  const LayerSummary s = m.summary()[0];
  EXPECT_EQ(s.output_shape, (Shape{10, 32, 32}));
  EXPECT_EQ(s.parameters, 760);
  EXPECT_EQ(s.multiply_adds, 768000);
  EXPECT_EQ(s.name, "conv1");
  EXPECT_EQ(s.detail, "10 filters 5x5, stride 1, pad 2");
  EXPECT_EQ(m.parameters()[0].var.shape(), (Shape{10, 3, 5, 5}));
}

TEST(Model, OutputSizeFormulaCases) {
  // (W - K + 2P)/S + 1 on a 7x7 input with a 3x3 filter.
  struct Case {
    int stride, pad, expected;
  };
  for (const Case c : {Case{1, 0, 5}, Case{2, 0, 3}, Case{1, 1, 7}}) {
    Model m(R"({"input": [1, 7, 7], "layers": [{"type": "conv2d", "filters": 1, "kernel": 3, "stride": )" +
            std::to_string(c.stride) + R"(, "pad": )" + std::to_string(c.pad) + "}]}");
    EXPECT_EQ(m.output_shape(), (Shape{1, c.expected, c.expected})) << "stride " << c.stride << " pad " << c.pad;
  }
}

TEST(Model, LeNet5ShapesAndCounts) {
  Model m(preset_spec("lenet5"));
  const std::vector<Shape> shapes = {{20, 28, 28}, {20, 28, 28}, {20, 14, 14}, {50, 14, 14}, {50, 14, 14},
                                     {50, 7, 7},   {2450},       {500},        {500},        {10}};
  const std::vector<std::int64_t> params = {520, 0, 0, 25050, 0, 0, 0, 1225500, 0, 5010};
  const auto summary = m.summary();
  ASSERT_EQ(summary.size(), shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    EXPECT_EQ(summary[i].output_shape, shapes[i]) << "layer " << i;
    EXPECT_EQ(summary[i].parameters, params[i]) << "layer " << i;
  }
  EXPECT_EQ(m.total_parameters(), 520 + 25050 + 1225500 + 5010);
  EXPECT_EQ(summary[7].multiply_adds, 2450 * 500);
  EXPECT_EQ(summary[0].multiply_adds, 20LL * 28 * 28 * 25);
}

TEST(Model, PresetsBuildWithExpectedOutputs) {
  ASSERT_EQ(presets().size(), preset_names().size());
  for (const PresetInfo& preset : presets()) {
    Model m(preset_spec(preset.name));
    EXPECT_EQ(m.input_shape(), preset.input) << preset.name;
    EXPECT_EQ(m.output_shape(), (Shape{preset.classes})) << preset.name;
    EXPECT_TRUE(preset.data == "images" || preset.data == "points" || preset.data == "any") << preset.name;
  }
  EXPECT_EQ(Model(preset_spec("perceptron")).total_parameters(), 7850);
  EXPECT_EQ(Model(preset_spec("mlp")).total_parameters(), 784 * 128 + 128 + 128 * 10 + 10);
  EXPECT_EQ(Model(preset_spec("cnn")).output_shape(), (Shape{10}));
  EXPECT_EQ(Model(preset_spec("cnn")).summary()[5].output_shape, (Shape{16, 7, 7}));
  try {
    preset_spec("resnet");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "unknown preset \"resnet\" (valid: perceptron, mlp, cnn, lenet5, mlp-2d, hidden-4, simplenet, vgg-mini, resnet-mini, inception-mini)");
  }
}

// SimpleNet's first layer is the lectures' worked example (10 filters 5x5, stride 1, pad 2 on
// 3x32x32: 760 parameters, 768,000 multiply-adds); then conv-BN-ReLU-pool blocks to 40x4x4.
TEST(Model, SimpleNetOnColourImagesShowsTheLecturesNumbers) {
  Model m(preset_spec("simplenet"));
  const auto s = m.summary();
  ASSERT_EQ(s.size(), 14u);
  EXPECT_EQ(s[0].name, "conv1");
  EXPECT_EQ(s[0].detail, "10 filters 5x5, stride 1, pad 2");
  EXPECT_EQ(s[0].output_shape, (Shape{10, 32, 32}));
  EXPECT_EQ(s[0].parameters, 760);
  EXPECT_EQ(s[0].multiply_adds, 768000);
  EXPECT_EQ(m.parameters()[0].var.shape(), (Shape{10, 3, 5, 5}));
  const std::vector<std::string> types = {"conv2d", "batchnorm", "relu", "maxpool", "conv2d", "batchnorm", "relu",
                                          "maxpool", "conv2d", "batchnorm", "relu", "maxpool", "flatten", "linear"};
  const std::vector<Shape> shapes = {{10, 32, 32}, {10, 32, 32}, {10, 32, 32}, {10, 16, 16}, {20, 16, 16},
                                     {20, 16, 16}, {20, 16, 16}, {20, 8, 8},    {40, 8, 8},   {40, 8, 8},
                                     {40, 8, 8},   {40, 4, 4},   {640},        {10}};
  // batchnorm: a scale and a shift per channel; conv2 20 x (10 x 3 x 3) + 20; conv3 40 x (20 x 3 x 3) + 40.
  const std::vector<std::int64_t> params = {760, 20, 0, 0, 1820, 40, 0, 0, 7240, 80, 0, 0, 0, 6410};
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].type, types[i]) << "layer " << i;
    EXPECT_EQ(s[i].output_shape, shapes[i]) << "layer " << i;
    EXPECT_EQ(s[i].parameters, params[i]) << "layer " << i;
  }
  EXPECT_EQ(m.total_parameters(), 760 + 20 + 1820 + 40 + 7240 + 80 + 6410);
  EXPECT_EQ(s[4].multiply_adds, 20LL * 16 * 16 * 90);
  EXPECT_EQ(s[8].multiply_adds, 40LL * 8 * 8 * 180);
  EXPECT_EQ(s[13].multiply_adds, 640 * 10);

  // The same blocks take any image size: 3x64x64 (a 15-scene photo folder at --size 64x64).
  std::string spec = preset_spec("simplenet");
  spec.replace(spec.find("[3, 32, 32]"), 11, "[3, 64, 64]");
  Model large(spec);
  EXPECT_EQ(large.summary()[11].output_shape, (Shape{40, 8, 8}));
  EXPECT_EQ(large.summary()[0].multiply_adds, 4 * 768000);
}

TEST(Model, VggMiniStacksTwoThreeByThreeConvsPerBlock) {
  Model m(preset_spec("vgg-mini"));
  const auto s = m.summary();
  ASSERT_EQ(s.size(), 23u);
  EXPECT_EQ(s[0].parameters, 16 * 27 + 16);
  EXPECT_EQ(s[3].parameters, 16 * 144 + 16);
  EXPECT_EQ(s[3].rf_size, 5);  // two 3x3 convs see a 5x5 patch, as one 5x5 conv would
  EXPECT_EQ(s[21].output_shape, (Shape{1024}));
  EXPECT_EQ(m.output_shape(), (Shape{10}));
}

TEST(Model, ReceptiveFields) {
  // Conv K x K stride 1 then pool P x P stride P: each pooled unit sees (P + K - 1) pixels.
  for (int k : {3, 5}) {
    for (int p : {2, 3}) {
      Model m(R"({"input": [1, 36, 36], "layers": [{"type": "conv2d", "filters": 2, "kernel": )" +
              std::to_string(k) + R"(}, {"type": "maxpool", "kernel": )" + std::to_string(p) + "}]}");
      const auto s = m.summary();
      EXPECT_EQ(s[0].rf_size, k);
      EXPECT_EQ(s[0].rf_jump, 1);
      EXPECT_EQ(s[1].rf_size, p + k - 1) << "K " << k << " P " << p;
      EXPECT_EQ(s[1].rf_jump, p);
    }
  }
  const auto lenet = Model(preset_spec("lenet5")).summary();
  EXPECT_EQ(lenet[0].rf_size, 5);
  EXPECT_EQ(lenet[0].rf_start, 0.0);  // "same" padding keeps unit 0 centred on pixel 0
  EXPECT_EQ(lenet[2].rf_size, 6);
  EXPECT_EQ(lenet[2].rf_start, 0.5);
  EXPECT_EQ(lenet[3].rf_size, 6 + 4 * 2);
  EXPECT_EQ(lenet[5].rf_size, 14 + 1 * 2);  // the pool steps in conv2 outputs, 2 pixels apart
  EXPECT_EQ(lenet[5].rf_jump, 4);
  EXPECT_EQ(lenet[7].rf_size, 28);  // linear: the whole image
  // Dilation 2 makes a 3x3 kernel span 5 pixels.
  Model dilated(R"({"input": [1, 9, 9], "layers": [{"type": "conv2d", "filters": 1, "kernel": 3, "dilation": 2}]})");
  EXPECT_EQ(dilated.summary()[0].rf_size, 5);
  EXPECT_EQ(dilated.output_shape(), (Shape{1, 5, 5}));
}

TEST(Model, SpecErrorsNameLayerTypeAndProblem) {
  struct Case {
    std::string spec, expected;
  };
  const std::string in = R"({"input": [1, 5, 5], "layers": [)";
  const Case cases[] = {
      {in + R"({"type":"relu"},{"type":"relu"},{"type":"relu"},{"type":"conv2d","filters":2,"kernel":7}]})",
       "kernel 7 larger than input 5x5 at layer 3 (conv2d)"},
      {in + R"({"type":"conv2d","filters":2,"kernel":9,"pad":1}]})",
       "kernel 9 larger than padded input 7x7 at layer 0 (conv2d)"},
      {in + R"({"type":"conv3d","filters":2}]})", "unknown layer type \"conv3d\" at layer 0 (valid: conv2d, maxpool"},
      {in + R"({"type":"conv3d"}]})", "- did you mean \"conv2d\"?"},
      {in + R"({"type":"conv2d","filter":8,"kernel":3}]})",
       "unknown field \"filter\" in layer 0 (conv2d) - did you mean \"filters\"?"},
      {in + R"({"type":"relu","slope":0.1}]})", "unknown field \"slope\" in layer 0 (relu) (it takes no fields)"},
      {in + R"({"type":"conv2d","kernel":3}]})", "missing field \"filters\" in layer 0 (conv2d)"},
      {in + R"({"type":"conv2d","filters":4}]})", "missing field \"kernel\" in layer 0 (conv2d)"},
      {in + R"({"type":"conv2d","filters":-3,"kernel":3}]})",
       "field \"filters\" in layer 0 (conv2d) must be between 1 and 4096, got -3"},
      {in + R"({"type":"conv2d","filters":1000000,"kernel":3}]})", "must be between 1 and 4096, got 1000000"},
      {in + R"({"type":"conv2d","filters":2.5,"kernel":3}]})", "must be an integer, got 2.5"},
      {in + R"({"type":"conv2d","filters":"8","kernel":3}]})", "must be an integer, got string"},
      {in + R"({"type":"conv2d","filters":8,"kernel":[3]}]})", "field \"kernel\" in layer 0 (conv2d) must be an integer or [height, width]"},
      {in + R"({"type":"conv2d","filters":8,"kernel":3,"bias":1}]})", "must be true or false"},
      {in + R"({"type":"conv2d","filters":8,"kernel":3,"init":"kaiming"}]})", "unknown initializer \"kaiming\""},
      {in + R"({"type":"maxpool","kernel":2,"pad":2}]})", "pad 2 is more than half the kernel 2 at layer 0 (maxpool)"},
      {in + R"({"type":"dropout","rate":1.5}]})", "field \"rate\" in layer 0 (dropout) must be between 0 and 0.99"},
      {in + R"({"type":"flatten"},{"type":"conv2d","filters":2,"kernel":1}]})",
       "needs a [C, H, W] input, got [25] at layer 1 (conv2d)"},
      {in + R"({"type":"lcn","size":4}]})", "size 4 must be odd at layer 0 (lcn)"},
      {in + R"(7]})", "layer 0 must be an object"},
      {in + R"({"filters":2}]})", "missing field \"type\" in layer 0"},
      {in + R"(]})", "\"layers\" is empty"},
      {R"({"layers": [{"type":"relu"}]})", "missing field \"input\""},
      {R"({"input": [1, 0, 5], "layers": [{"type":"relu"}]})", "\"input\" must hold integers between 1 and 4096"},
      {R"({"input": [2, 2], "layers": [{"type":"relu"}]})", "\"input\" must be [C, H, W] or [F]"},
      {R"({"input": [4], "layer": []})", "unknown field \"layer\" - did you mean \"layers\"?"},
      {R"({"input": [4], "layers": [{"type":"relu"}], "seed": -1})", "\"seed\" must be a non-negative integer"},
      {R"({"input": [4], "layers": [{"type":"relu"}],})", "spec JSON: line 1, column 44: trailing comma"},
      {R"({"input": [4096], "layers": [{"type":"linear","units":65536}]})", "more than 50000000 parameters"},
      {R"({"input": [3, 4096, 4096], "layers": [{"type":"relu"}]})", "has more than 16777216 elements"},
  };
  for (const Case& c : cases) {
    const std::string message = spec_error(c.spec);
    EXPECT_NE(message.find(c.expected), std::string::npos) << "spec: " << c.spec << "\nmessage: " << message;
  }
}

// A spec error says where it is (layer index, type, field) apart from the sentence, so a page
// can put the problem next to the field it is about.
TEST(Model, SpecErrorsCarryLayerFieldAndProblem) {
  struct Case {
    std::string spec;
    int layer;
    std::string type, field, problem;
  };
  const std::string in = R"({"input": [1, 5, 5], "layers": [)";
  const std::vector<Case> cases = {
      {in + R"({"type":"relu"},{"type":"conv2d","filters":0,"kernel":3}]})", 1, "conv2d", "filters",
       "must be between 1 and 4096, got 0"},
      {in + R"({"type":"conv2d","filters":2,"kernel":7}]})", 0, "conv2d", "kernel", "kernel 7 larger than input 5x5"},
      {in + R"({"type":"conv2d","filters":2}]})", 0, "conv2d", "kernel", "is missing: conv2d needs it"},
      {in + R"({"type":"maxpool","kernel":2,"pad":2}]})", 0, "maxpool", "pad", "pad 2 is more than half the kernel 2"},
      {in + R"({"type":"conv2d","filter":2,"kernel":3}]})", 0, "conv2d", "filter",
       "is not a field of conv2d - did you mean \"filters\"?"},
      {in + R"({"type":"flatten"},{"type":"maxpool"}]})", 1, "maxpool", "", "needs a [C, H, W] input, got [25]"},
      {in + R"({"type":"lcn","size":4}]})", 0, "lcn", "size", "size 4 must be odd"},
      {in + R"({"type":"conv3d"}]})", 0, "", "type", "\"conv3d\" is not a layer type"},
      {R"({"input": [4096], "layers": [{"type":"relu"},{"type":"linear","units":65536}]})", 1, "linear", "",
       "makes the model larger than 50000000 parameters"},
  };
  for (const Case& c : cases) {
    try {
      Model m(c.spec);
      ADD_FAILURE() << "accepted: " << c.spec;
    } catch (const SpecError& e) {
      EXPECT_EQ(e.layer, c.layer) << c.spec;
      EXPECT_EQ(e.layer_type, c.type) << c.spec;
      EXPECT_EQ(e.field, c.field) << c.spec;
      EXPECT_EQ(e.problem.rfind(c.problem, 0), 0u) << c.spec << "\nproblem: " << e.problem;
    }
  }
}

// The catalog is what parsing checks against: every limit it states is the one enforced.
TEST(Model, LayerCatalogStatesTheLimitsParsingEnforces) {
  ASSERT_EQ(layer_catalog().size(), layer_type_names().size());
  const LayerTypeInfo* conv = nullptr;
  for (const LayerTypeInfo& t : layer_catalog())
    if (t.type == "conv2d") conv = &t;
  ASSERT_NE(conv, nullptr);
  EXPECT_TRUE(conv->needs_image);
  for (const FieldInfo& f : conv->fields) {
    if (f.kind != FieldInfo::Kind::integer || f.name == "filters") continue;
    const auto spec = [&](double value) {
      return R"({"input": [1, 200, 200], "layers": [{"type":"conv2d","filters":2,"kernel":1,")" + f.name +
             "\":" + std::to_string(static_cast<int>(value)) + "}]}";
    };
    EXPECT_NO_THROW(Model m(spec(f.max))) << f.name;
    EXPECT_THROW(Model m(spec(f.max + 1)), SpecError) << f.name;
    EXPECT_THROW(Model m(spec(f.min - 1)), SpecError) << f.name;
  }
  for (const LayerTypeInfo& t : layer_catalog()) {
    if (t.type == "dense") {
      EXPECT_EQ(t.alias_of, "linear");
    }
    for (const FieldInfo& f : t.fields) EXPECT_EQ(f.required, f.default_text.empty()) << t.type << "." << f.name;
  }
}

// A preset fitted to a data set takes its sample shape and has one output per class.
TEST(Model, PresetsFitTheData) {
  Model colour(preset_spec("cnn", {3, 32, 32}, 5));
  EXPECT_EQ(colour.input_shape(), (Shape{3, 32, 32}));
  EXPECT_EQ(colour.output_shape(), (Shape{5}));
  EXPECT_EQ(colour.summary()[0].parameters, 8 * 3 * 25 + 8);
  Model points(preset_spec("mlp-2d", {2}, 3));
  EXPECT_EQ(points.output_shape(), (Shape{3}));
  try {
    Model m(preset_spec("lenet5", {2}, 2));
    ADD_FAILURE() << "an image preset built on 2-D points";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.layer, 0);
    EXPECT_EQ(e.field, "");
  }
  EXPECT_THROW(preset_spec("cnn", {1, 28, 28}, 0), Error);
}

TEST(Model, DataThatDoesNotFitIsASpecErrorOnTheLayerToChange) {
  Model model(R"({"input": [1, 28, 28], "layers": [{"type":"linear","units":16},{"type":"relu"},{"type":"linear","units":3}]})");
  EXPECT_NO_THROW(check_model_fits_data(model, {1, 28, 28}, 3));
  EXPECT_NO_THROW(check_model_fits_data(model, {1, 28, 28}, 0));
  try {
    check_model_fits_data(model, {1, 28, 28}, 10);
    ADD_FAILURE();
  } catch (const SpecError& e) {
    EXPECT_EQ(e.layer, 2);
    EXPECT_EQ(e.field, "units");
    EXPECT_EQ(e.problem, "gives 3 outputs but the data have 10 classes: it needs 10 units");
  }
  try {
    check_model_fits_data(model, {3, 32, 32}, 3);
    ADD_FAILURE();
  } catch (const SpecError& e) {
    EXPECT_EQ(e.layer, -1);
    EXPECT_EQ(e.field, "input");
  }
}

TEST(Model, NormalisedSpecRoundTrips) {
  const std::string spec = R"({"input": [3, 16, 16], "seed": 9, "layers": [
    {"type": "conv2d", "filters": 4, "kernel": [3, 5], "pad": 1, "bias": false, "init": "xavier_uniform"},
    {"type": "batchnorm"}, {"type": "leaky_relu", "slope": 0.2}, {"type": "avgpool", "kernel": 2},
    {"type": "instancenorm"}, {"type": "lcn", "size": 3}, {"type": "l2pool", "kernel": 3, "stride": 1, "pad": 1},
    {"type": "layernorm", "affine": false}, {"type": "dropout", "rate": 0.25}, {"type": "dense", "units": 7},
    {"type": "tanh"}, {"type": "softplus"}, {"type": "sign"}, {"type": "step"}]})";
  Model m(spec);
  const std::string normalised = m.spec_json();
  EXPECT_NE(normalised.find(R"({"type":"conv2d","filters":4,"kernel":[3,5],"stride":1,"pad":1,"dilation":1,)"
                            R"("bias":false,"init":"xavier_uniform"})"),
            std::string::npos)
      << normalised;
  EXPECT_NE(normalised.find(R"({"type":"linear","units":7,"bias":true,"init":"default"})"), std::string::npos);
  EXPECT_NE(normalised.find(R"({"type":"leaky_relu","slope":0.2})"), std::string::npos);
  EXPECT_NE(normalised.find(R"("seed":9)"), std::string::npos);
  Model again(normalised);
  EXPECT_EQ(again.spec_json(), normalised);
  Model pretty(m.spec_json(2));
  EXPECT_EQ(pretty.spec_json(), normalised);
  // Same seed, same weights.
  const auto a = m.parameters(), b = again.parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].var.value().to_vector(), b[i].var.value().to_vector()) << a[i].name;
  }
  const auto buffers = m.buffers();
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_EQ(buffers[0].name, "bn1.running_mean");
  EXPECT_EQ(buffers[1].tensor[0], 1.0f);
}

TEST(Model, ReinitializeRedrawsFromSeed) {
  Model m(preset_spec("cnn"));
  const std::vector<float> first = m.parameters()[0].var.value().to_vector();
  m.reinitialize(2);
  EXPECT_NE(m.parameters()[0].var.value().to_vector(), first);
  EXPECT_NE(m.spec_json().find("\"seed\":2"), std::string::npos);
  m.reinitialize(1);
  EXPECT_EQ(m.parameters()[0].var.value().to_vector(), first);
  // "default" init (PyTorch's): bias ~ U(+-1/sqrt(fan_in)), fan_in = 1*5*5
  for (float b : m.parameters()[1].var.value().to_vector()) EXPECT_LE(std::fabs(b), 0.2f);
  Model zero_bias(R"({"input":[4],"layers":[{"type":"linear","units":3,"init":"he_normal"}]})");
  EXPECT_EQ(zero_bias.parameters()[1].var.value().to_vector(), std::vector<float>(3, 0.0f));  // others start at 0
}

}  // namespace
}  // namespace wg
