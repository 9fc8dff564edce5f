// safetensors: the writer's layout, a bit-exact model round trip, dtype conversion, and every
// kind of lying or broken file refused with a wg::Error that names what was wrong (truncation
// at every offset, huge headers, overlapping or gapped offsets, wrong names and shapes, NaN).
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.h"
#include "io/safetensors_model.h"

namespace wg {
namespace {

using Bytes = std::vector<std::uint8_t>;

const char* kSpec = R"({"input": [1, 6, 6], "seed": 3, "layers": [
  {"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "batchnorm"}, {"type": "relu"},
  {"type": "linear", "units": 3}]})";

// A file from a header JSON text and a data buffer (the header is written as given).
Bytes file_of(const std::string& header, const Bytes& data) {
  Bytes out;
  out.reserve(8 + header.size() + data.size());
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(header.size()) >> (8 * i)));
  for (char c : header) out.push_back(static_cast<std::uint8_t>(c));
  for (std::uint8_t b : data) out.push_back(b);
  return out;
}

Bytes f32_bytes(std::initializer_list<float> values) {
  Bytes out;
  for (float v : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  }
  return out;
}

std::string parse_error(const Bytes& bytes) {
  try {
    parse_safetensors(bytes.data(), bytes.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string load_error(Model& model, const Bytes& bytes) {
  try {
    load_safetensors(model, bytes.data(), bytes.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Safetensors, WriterLayoutIsAlignedAndReadsBack) {
  const Bytes bytes = write_safetensors({{"a", Tensor::from({2}, {1.5f, -2.0f})}, {"b", Tensor::from({1, 1}, {3.0f})}},
                                        {{"format", "pt"}});
  std::uint64_t header = 0;
  for (int i = 0; i < 8; ++i) header |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  EXPECT_EQ(header % 8, 0u);
  EXPECT_EQ(bytes[8], '{');
  EXPECT_EQ(bytes.size(), 8 + header + 12);
  const SafetensorsFile file = parse_safetensors(bytes.data(), bytes.size());
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].name, "a");
  EXPECT_EQ(file.tensors[1].shape, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(file.tensors[1].begin, 8u);
  ASSERT_EQ(file.metadata.size(), 1u);
  EXPECT_EQ(file.metadata[0].second, "pt");
  EXPECT_EQ(safetensors_to_float(file, file.tensors[0], {2}).to_vector(), (std::vector<float>{1.5f, -2.0f}));
}

TEST(Safetensors, ModelRoundTripIsBitExact) {
  Model source(kSpec);
  source.buffers()[0].tensor[1] = 0.25f;   // bn1.running_mean
  source.buffers()[1].tensor[0] = 3.0e-7f; // bn1.running_var
  const Bytes bytes = save_safetensors(source, {{"note", "test"}});
  Model target(kSpec);
  target.reinitialize(99);
  const auto metadata = load_safetensors(target, bytes.data(), bytes.size());
  for (std::size_t i = 0; i < source.parameters().size(); ++i)
    EXPECT_EQ(source.parameters()[i].var.value().to_vector(), target.parameters()[i].var.value().to_vector())
        << source.parameters()[i].name;
  for (std::size_t i = 0; i < source.buffers().size(); ++i)
    EXPECT_EQ(source.buffers()[i].tensor.to_vector(), target.buffers()[i].tensor.to_vector());
  ASSERT_EQ(metadata.size(), 3u);
  EXPECT_EQ(metadata[0], (std::pair<std::string, std::string>{"format", "pt"}));
  EXPECT_EQ(metadata[1].first, "wasmgrad.spec");
  EXPECT_EQ(Model(metadata[1].second).spec_json(), source.spec_json());
  EXPECT_EQ(metadata[2].second, "test");
}

TEST(Safetensors, ConvertsHalfBfloatAndDouble) {
  // F16 1.0 = 0x3c00, -2.0 = 0xc000, smallest subnormal 2^-24 = 0x0001; BF16 1.5 = 0x3fc0; F64 0.1.
  Bytes data = {0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0xc0, 0x3f};
  double tenth = 0.1;
  std::uint64_t bits;
  std::memcpy(&bits, &tenth, 8);
  for (int b = 0; b < 8; ++b) data.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  const Bytes bytes = file_of(R"({"h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]},
    "b": {"dtype": "BF16", "shape": [1], "data_offsets": [6, 8]},
    "d": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}})", data);
  const SafetensorsFile file = parse_safetensors(bytes.data(), bytes.size());
  EXPECT_EQ(safetensors_to_float(file, *file.find("h"), {3}).to_vector(),
            (std::vector<float>{1.0f, -2.0f, std::ldexp(1.0f, -24)}));
  EXPECT_EQ(safetensors_to_float(file, *file.find("b"), {1}).to_vector(), (std::vector<float>{1.5f}));
  EXPECT_EQ(safetensors_to_float(file, *file.find("d"), {1}).to_vector(), (std::vector<float>{0.1f}));
}

TEST(Safetensors, EveryTruncationIsAnError) {
  const Bytes bytes = save_safetensors(Model(kSpec));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const Bytes cut(bytes.begin(), bytes.begin() + n);
    const std::string message = parse_error(cut);
    EXPECT_EQ(message.rfind("safetensors: ", 0), 0u) << "cut at " << n << ": " << message;
  }
}

TEST(Safetensors, RefusesLyingHeaders) {
  Bytes huge(16, 0);
  huge[5] = 0x10;  // header length 2^44
  EXPECT_NE(parse_error(huge).find("exceeds the limit"), std::string::npos) << parse_error(huge);

  Bytes longer = file_of("{}", {});
  longer[0] = 200;
  EXPECT_NE(parse_error(longer).find("truncated: the header says it is 200 bytes long"), std::string::npos);

  EXPECT_NE(parse_error(file_of("[1, 2]", {})).find("JSON object"), std::string::npos);
  EXPECT_NE(parse_error(file_of("{\"a\": ", {})).find("safetensors header"), std::string::npos);

  const Bytes data = f32_bytes({1, 2, 3, 4});
  auto error_for = [&](const std::string& header) { return parse_error(file_of(header, data)); };
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 20]}})")
                .find("truncated or lying: tensor \"a\" data_offsets [0, 20] reach beyond the 16 bytes"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}})")
                .find("hold 16 bytes, shape [3] of F32 needs 12"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                          "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})")
                .find("overlap"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})").find("belong to no tensor"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})").find("trailing"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [4000000000, 4000000000], "data_offsets": [0, 16]}})")
                .find("shape[0] must be an integer in [0, 2147483647]"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [2000000000, 2000000000], "data_offsets": [0, 16]}})")
                .find("more than the 16 bytes"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F33", "shape": [4], "data_offsets": [0, 16]}})").find("unknown dtype \"F33\""),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16], "x": 1}})")
                .find("unknown field \"x\""),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                          "__metadata__": {"k": 5}})")
                .find("\"__metadata__\" entry \"k\" must be a string"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}})").find("shape[0]"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                          "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})")
                .find("duplicate"),
            std::string::npos);
}

TEST(Safetensors, LoadNamesTheTensorAndBothShapes) {
  Model model(kSpec);
  Model other(R"({"input": [3, 6, 6], "layers": [{"type": "conv2d", "filters": 2, "kernel": 3},
    {"type": "batchnorm"}, {"type": "relu"}, {"type": "linear", "units": 3}]})");
  EXPECT_EQ(load_error(model, save_safetensors(other)),
            "safetensors: tensor \"conv1.weight\": the spec expects shape [2, 1, 3, 3], the file has [2, 3, 3, 3]");

  Model smaller(R"({"input": [1, 6, 6], "layers": [{"type": "conv2d", "filters": 2, "kernel": 3},
    {"type": "relu"}, {"type": "linear", "units": 3}]})");
  EXPECT_NE(load_error(model, save_safetensors(smaller)).find("the spec needs tensor \"bn1.weight\" [2], the file has none"),
            std::string::npos);
  EXPECT_NE(load_error(smaller, save_safetensors(model)).find("the file holds tensor \"bn1.weight\" [2]"),
            std::string::npos);

  // A DistributedDataParallel state_dict: every name prefixed with "module.".
  std::vector<std::pair<std::string, Tensor>> wrapped;
  for (const auto& p : smaller.parameters()) wrapped.emplace_back("module." + p.name, p.var.value());
  EXPECT_NE(load_error(smaller, write_safetensors(wrapped, {})).find("DistributedDataParallel"), std::string::npos);
}

TEST(Safetensors, IgnoresBatchNormCountersAndRefusesIntegerWeights) {
  Model source(kSpec);
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const auto& p : source.parameters()) tensors.emplace_back(p.name, p.var.value());
  for (const auto& b : source.buffers()) tensors.emplace_back(b.name, b.tensor);
  Bytes bytes = write_safetensors(tensors, {});
  // Append PyTorch's I64 scalar counter by rewriting the header.
  const SafetensorsFile parsed = parse_safetensors(bytes.data(), bytes.size());
  std::string header(reinterpret_cast<const char*>(bytes.data() + 8), bytes.size() - 8 - parsed.data_size);
  while (header.back() == ' ') header.pop_back();
  header.pop_back();  // the closing brace
  header += ",\"bn1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[" +
            std::to_string(parsed.data_size) + "," + std::to_string(parsed.data_size + 8) + "]}}";
  Bytes data(parsed.data, parsed.data + parsed.data_size);
  for (int i = 0; i < 8; ++i) data.push_back(i == 0 ? 7 : 0);
  Model target(kSpec);
  EXPECT_EQ(load_error(target, file_of(header, data)), "(no error)");

  const Bytes ints = file_of(R"({"x": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}})", {1, 0, 0, 0});
  const SafetensorsFile file = parse_safetensors(ints.data(), ints.size());
  try {
    safetensors_to_float(file, file.tensors[0], {1});
    FAIL() << "an I32 tensor was converted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor \"x\" has dtype I32; weights must be floating point"),
              std::string::npos);
  }
}

TEST(Safetensors, RefusesNaNAndLeavesTheModelUnchanged) {
  Model source(kSpec);
  source.parameters()[2].var.value()[1] = std::numeric_limits<float>::quiet_NaN();  // bn1.weight[1]
  Model target(kSpec);
  target.reinitialize(7);
  const std::vector<float> before = target.parameters()[0].var.value().to_vector();
  EXPECT_EQ(load_error(target, save_safetensors(source)),
            "safetensors: tensor \"bn1.weight\" holds NaN at index 1 (F32 [2]): a model cannot be imported with "
            "non-finite weights");
  EXPECT_EQ(target.parameters()[0].var.value().to_vector(), before);

  Model negative(kSpec);
  negative.buffers()[1].tensor[0] = -1.0f;
  EXPECT_NE(load_error(target, save_safetensors(negative)).find("negative variance"), std::string::npos);
}

}  // namespace
}  // namespace wg
