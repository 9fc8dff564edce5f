// Writes the model_file_fuzz seed corpus: small models saved with wg::save_model, one with
// extra tensors (optimizer-state-like) and metadata, one without. Built with the fuzzers as the
// plain executable make_model_corpus (no libFuzzer main); run from the repository root:
//   ninja -C build/fuzz make_model_corpus && build/fuzz/make_model_corpus fuzz/corpus/model_file
// and the spec seeds for spec_fuzz/json_fuzz (presets and small specs) with the second form:
//   build/fuzz/make_model_corpus --specs fuzz/corpus/spec
// and the safetensors_fuzz seeds (each small model's weights, plus one file of F16, BF16 and F64
// tensors and metadata) with the third:
//   build/fuzz/make_model_corpus --safetensors fuzz/corpus/safetensors
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "io/model_file.h"
#include "io/safetensors.h"
#include "io/safetensors_model.h"
#include "nn/model.h"

namespace {
const char* const kSmallSpecs[][2] = {
    {"tiny_mlp", R"({"input":[4],"layers":[{"type":"linear","units":3},{"type":"relu"},{"type":"linear","units":2}],"seed":3})"},
    {"tiny_cnn",
     R"({"input":[1,6,6],"layers":[{"type":"conv2d","filters":2,"kernel":3,"pad":1},{"type":"relu"},{"type":"maxpool","kernel":2},{"type":"linear","units":3}],"seed":1})"},
    {"tiny_norms",
     R"({"input":[2,4,4],"layers":[{"type":"batchnorm"},{"type":"conv2d","filters":2,"kernel":3},{"type":"layernorm"},{"type":"flatten"},{"type":"dropout","rate":0.5},{"type":"linear","units":2}]})"},
    {"tiny_every_layer",
     R"({"input":[1,8,8],"layers":[{"type":"conv2d","filters":3,"kernel":3,"stride":1,"pad":2,"dilation":2,"bias":false},{"type":"instancenorm"},{"type":"sigmoid"},{"type":"avgpool","kernel":2},{"type":"lcn","size":3},{"type":"l2pool","kernel":2,"stride":1},{"type":"tanh"},{"type":"softplus"},{"type":"dense","units":4,"init":"he_normal"},{"type":"leaky_relu","slope":0.1},{"type":"sign"},{"type":"step"},{"type":"linear","units":2}],"seed":7})"},
};

bool write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--specs") {
    const std::string dir = argv[2];
    for (const auto& spec : kSmallSpecs) write(dir + "/" + spec[0] + ".json", spec[1]);
    for (const auto& name : wg::preset_names()) write(dir + "/preset_" + name + ".json", wg::preset_spec(name));
    return 0;
  }
  if (argc == 3 && std::string(argv[1]) == "--safetensors") {
    const std::string dir = argv[2];
    try {
      for (const auto& spec : kSmallSpecs) {
        const auto bytes = wg::save_safetensors(wg::Model(spec[1]));
        write(dir + "/" + spec[0] + ".safetensors", std::string(bytes.begin(), bytes.end()));
      }
      // The other dtypes, by hand: F16 [1, -2], BF16 [1.5, -1], F64 [0.1] and an I64 scalar 7.
      const std::string header =
          R"({"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
          R"("b":{"dtype":"BF16","shape":[1,2],"data_offsets":[4,8]},"d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},)"
          R"("n":{"dtype":"I64","shape":[],"data_offsets":[16,24]}})";
      std::string bytes(8, '\0');
      for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(static_cast<std::uint64_t>(header.size()) >> (8 * i));
      bytes += header;
      const unsigned char data[24] = {0x00, 0x3c, 0x00, 0xc0, 0xc0, 0x3f, 0x80, 0xbf, 0x9a, 0x99, 0x99, 0x99,
                                      0x99, 0x99, 0xb9, 0x3f, 7, 0, 0, 0, 0, 0, 0, 0};
      bytes.append(reinterpret_cast<const char*>(data), sizeof data);
      write(dir + "/mixed_dtypes.safetensors", bytes);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "make_model_corpus: %s\n", e.what());
      return 1;
    }
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_model_corpus <dir> | --specs <dir> | --safetensors <dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  try {
    for (const auto& spec : kSmallSpecs) {
      wg::Model model(spec[1]);
      const auto plain = wg::save_model(model);
      write(dir + "/" + spec[0] + ".wgm", std::string(plain.begin(), plain.end()));
    }
    wg::Model model(kSmallSpecs[0][1]);
    wg::NamedTensors extra;
    for (const auto& p : model.parameters()) extra.emplace_back("adam.m." + p.name, wg::Tensor::full(p.var.value().shape(), 0.25f));
    const auto with_extra = wg::save_model(model, extra, R"({"optimizer":"adam","lr":0.001,"epochs":2})");
    write(dir + "/tiny_mlp_adam_metadata.wgm", std::string(with_extra.begin(), with_extra.end()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_model_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
