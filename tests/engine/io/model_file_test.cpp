// Model file: bit-exact round trip, and every kind of corrupted file gives a wg::Error
// naming the byte offset (truncation at every offset, flipped bytes, wrong magic,
// wrong version, huge dimensions, mismatched names and shapes).
#include "io/model_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/error.h"
#include "util/crc32.h"

namespace wg {
namespace {

const char* kSmallSpec = R"({"input": [3], "seed": 5, "layers": [{"type": "linear", "units": 4},
  {"type": "batchnorm"}, {"type": "relu"}, {"type": "linear", "units": 2}]})";

std::string load_error(const std::vector<std::uint8_t>& bytes) {
  try {
    load_model(bytes.data(), bytes.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

void put_u32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t get_u32(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(bytes[at + i]) << (8 * i);
  return v;
}

// Re-seals a deliberately edited file, so the structural checks behind the CRC are reached.
void reseal(std::vector<std::uint8_t>& bytes) {
  put_u32(bytes, bytes.size() - 4, crc32(bytes.data(), bytes.size() - 4));
}

// Offset of the first model tensor record (after magic, version, spec and tensor count).
std::size_t first_tensor_at(const std::vector<std::uint8_t>& bytes) { return 12 + 4 + get_u32(bytes, 12) + 4; }

TEST(Crc32, KnownVector) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 0xCBF43926u);
}

TEST(ModelFile, RoundTripIsBitExact) {
  Model model(kSmallSpec);
  // Make the buffers non-default so they are checked too.
  model.buffers()[0].tensor[1] = 0.25f;
  model.buffers()[1].tensor[2] = -0.0f;
  Tensor momentum = Tensor::from({2, 2}, {1.5f, -2.0f, 1e-30f, 3.0e38f});
  const NamedTensors extra = {{"linear1.weight.momentum", momentum}, {"step", Tensor::scalar(42)}};
  const std::string metadata = R"({"optimizer": "sgd", "lr": 0.01})";
  const std::vector<std::uint8_t> bytes = save_model(model, extra, metadata);
  EXPECT_EQ(std::memcmp(bytes.data(), "WGMODEL\0", 8), 0);
  EXPECT_EQ(get_u32(bytes, 8), 1u);

  const LoadedModel loaded = load_model(bytes.data(), bytes.size());
  EXPECT_EQ(loaded.model->spec_json(), model.spec_json());
  const auto a = model.parameters(), b = loaded.model->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].var.value().size(), b[i].var.value().size());
    EXPECT_EQ(std::memcmp(a[i].var.value().data(), b[i].var.value().data(), a[i].var.value().size() * 4), 0)
        << a[i].name;
  }
  const auto ba = model.buffers(), bb = loaded.model->buffers();
  ASSERT_EQ(ba.size(), 2u);
  for (std::size_t i = 0; i < ba.size(); ++i)
    EXPECT_EQ(std::memcmp(ba[i].tensor.data(), bb[i].tensor.data(), ba[i].tensor.size() * 4), 0) << ba[i].name;
  ASSERT_EQ(loaded.extra.size(), 2u);
  EXPECT_EQ(loaded.extra[0].first, "linear1.weight.momentum");
  EXPECT_EQ(loaded.extra[0].second.shape(), (Shape{2, 2}));
  EXPECT_EQ(loaded.extra[0].second.to_vector(), momentum.to_vector());
  EXPECT_EQ(loaded.extra[1].second.item(), 42.0f);
  EXPECT_EQ(loaded.metadata_json, metadata);
  // Saving the loaded model gives the same bytes.
  EXPECT_EQ(save_model(*loaded.model, loaded.extra, loaded.metadata_json), bytes);
}

// A model of blocks keeps format version 1: the weights are still one named list (the nested
// names, "residual1.layers.0.weight"), the nesting lives in the spec.
TEST(ModelFile, CompositeModelRoundTrips) {
  Model model(preset_spec("resnet-mini", {1, 12, 12}, 4));
  model.reinitialize(7);
  model.buffers()[3].tensor[0] = 0.5f;
  const std::vector<std::uint8_t> bytes = save_model(model);
  EXPECT_EQ(get_u32(bytes, 8), 1u);
  const LoadedModel loaded = load_model(bytes.data(), bytes.size());
  EXPECT_EQ(loaded.model->spec_json(), model.spec_json());
  const auto a = model.parameters(), b = loaded.model->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].var.value().to_vector(), b[i].var.value().to_vector()) << a[i].name;
  }
  EXPECT_EQ(loaded.model->buffers()[3].tensor[0], 0.5f);
  EXPECT_EQ(save_model(*loaded.model), bytes);
}

TEST(ModelFile, NoExtrasNoMetadata) {
  Model model(preset_spec("cnn"));
  const auto bytes = save_model(model);
  const LoadedModel loaded = load_model(bytes.data(), bytes.size());
  EXPECT_TRUE(loaded.extra.empty());
  EXPECT_EQ(loaded.metadata_json, "");
  EXPECT_EQ(loaded.model->total_parameters(), model.total_parameters());
}

TEST(ModelFile, TruncatedAtEveryOffsetFails) {
  const auto bytes = save_model(Model(kSmallSpec), {{"state", Tensor::full({3}, 1.0f)}}, R"({"a": 1})");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    EXPECT_THROW(load_model(prefix.data(), prefix.size()), Error) << "truncated to " << n << " bytes";
  }
  EXPECT_THROW(load_model(nullptr, 0), Error);
}

TEST(ModelFile, EveryFlippedByteIsDetected) {
  const auto bytes = save_model(Model(kSmallSpec), {}, R"({"a": 1})");
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    auto corrupted = bytes;
    corrupted[at] ^= 0x10;
    const std::string message = load_error(corrupted);
    if (at < 12) continue;  // magic / version errors come first there
    EXPECT_NE(message.find("CRC-32 mismatch"), std::string::npos) << "byte " << at << ": " << message;
  }
}

TEST(ModelFile, HeaderErrorsNameOffsets) {
  const auto bytes = save_model(Model(kSmallSpec));
  auto wrong_magic = bytes;
  wrong_magic[0] = 'X';
  EXPECT_EQ(load_error(wrong_magic), "model file: byte offset 0: not a wasmgrad model file (magic \"WGMODEL\" missing)");
  auto wrong_version = bytes;
  put_u32(wrong_version, 8, 7);
  EXPECT_EQ(load_error(wrong_version),
            "model file: byte offset 8: unsupported format version 7 (this engine reads version 1)");
  const std::vector<std::uint8_t> short_file(bytes.begin(), bytes.begin() + 5);
  EXPECT_NE(load_error(short_file).find("byte offset 0: truncated"), std::string::npos);
}

TEST(ModelFile, StructuralErrorsBehindAValidCrc) {
  const auto bytes = save_model(Model(kSmallSpec), {{"state", Tensor::full({3}, 1.0f)}});
  const std::size_t tensor_at = first_tensor_at(bytes);
  const std::size_t name_length = get_u32(bytes, tensor_at);
  const std::size_t first_dim_at = tensor_at + 4 + name_length + 4;
  struct Case {
    std::string what;
    std::function<void(std::vector<std::uint8_t>&)> edit;
    std::string expected;
  };
  const Case cases[] = {
      {"huge spec length", [](auto& b) { put_u32(b, 12, 0xFFFFFFF0u); },
       "byte offset 12: spec JSON length 4294967280 exceeds the limit"},
      {"spec length past the end", [](auto& b) { put_u32(b, 12, 100000); }, "byte offset 16: truncated: spec JSON"},
      {"bad spec JSON", [](auto& b) { b[16] = '['; }, "byte offset 12: invalid model spec: spec JSON: line 1"},
      {"tensor count", [](auto& b) { put_u32(b, 12 + 4 + get_u32(b, 12), 99); },
       "the file holds 99 model tensors, the spec needs 8"},
      {"huge dims", [&](auto& b) { put_u32(b, first_dim_at, 0x7FFFFFFFu); },
       "byte offset " + std::to_string(first_dim_at) + ": tensor \"linear1.weight\" dimensions need more data"},
      {"zero dim", [&](auto& b) { put_u32(b, first_dim_at, 0); }, "has a zero dimension"},
      {"wrong dims", [&](auto& b) { put_u32(b, first_dim_at, 2); put_u32(b, first_dim_at + 4, 6); },
       "tensor \"linear1.weight\" has shape [2, 6], the spec expects [4, 3]"},
      {"huge rank", [&](auto& b) { put_u32(b, first_dim_at - 4, 1000); }, "has rank 1000"},
      {"wrong name", [&](auto& b) { b[tensor_at + 4] = 'X'; },
       "byte offset " + std::to_string(tensor_at) + ": tensor 0 is \"Xinear1.weight\", the spec expects"},
      {"huge name", [&](auto& b) { put_u32(b, tensor_at, 1u << 30); }, "tensor name length 1073741824 exceeds"},
  };
  for (const Case& c : cases) {
    auto edited = bytes;
    c.edit(edited);
    reseal(edited);
    const std::string message = load_error(edited);
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.what << ": " << message;
  }
  // Trailing garbage inside the sealed region.
  auto longer = bytes;
  longer.insert(longer.end() - 4, {1, 2, 3});
  reseal(longer);
  EXPECT_NE(load_error(longer).find("3 unexpected bytes before the CRC-32"), std::string::npos);
}

TEST(ModelFile, InvalidMetadataIsRefused) {
  EXPECT_THROW(save_model(Model(kSmallSpec), {}, "{oops"), Error);
  EXPECT_THROW(save_model(Model(kSmallSpec), {{"", Tensor::scalar(1)}}), Error);
}

}  // namespace
}  // namespace wg
