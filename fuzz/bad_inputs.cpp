// Prints, as Markdown table rows, the wg::Error message each known-bad input gives: IDX pairs,
// JSON text, model specs and model files. The output is pasted into docs/reliability.md, so
// the documented messages are the real ones. Built with the fuzzers (plain program):
//   ninja -C build/fuzz bad_inputs && build/fuzz/bad_inputs
// The IDX cases mirror tests/engine/data/idx_test.cpp, the JSON ones tests/engine/util/json_test.cpp.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/idx.h"
#include "io/model_file.h"
#include "nn/model.h"
#include "util/crc32.h"
#include "util/json.h"

namespace {
using Bytes = std::vector<std::uint8_t>;

std::string escape_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); out += b; }
    else out += c;
  }
  return out;
}

void row(const std::string& what, const std::function<void()>& run) {
  std::string message = "(no error)";
  try {
    run();
  } catch (const wg::Error& e) {
    message = e.what();
  } catch (const std::exception& e) {
    message = std::string("NOT a wg::Error: ") + e.what();
  }
  std::printf("| %s | `%s` |\n", escape_cell(what).c_str(), escape_cell(message).c_str());
}

Bytes with_be32(Bytes b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  return b;
}
Bytes with_le32(Bytes b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  return b;
}
Bytes fix_crc(Bytes b) { return with_le32(b, b.size() - 4, wg::crc32(b.data(), b.size() - 4)); }

void idx_cases() {
  Bytes pixels;
  for (int i = 0; i < 18; ++i) pixels.push_back(static_cast<std::uint8_t>(i));
  const Bytes im = wg::encode_idx_images(pixels, 3, 2, 3), lb = wg::encode_idx_labels({2, 0, 9});
  Bytes im_trailing = im; im_trailing.insert(im_trailing.end(), {7, 7});
  Bytes lb_trailing = lb; lb_trailing.push_back(1);
  const struct { const char* what; Bytes images, labels; } cases[] = {
      {"empty images file", {}, lb},
      {"empty labels file", im, {}},
      {"3-byte images file", Bytes{0, 0, 8}, lb},
      {"images header cut at byte 10", Bytes(im.begin(), im.begin() + 10), lb},
      {"labels header cut at byte 6", im, Bytes(lb.begin(), lb.begin() + 6)},
      {"gzip-compressed images", Bytes{0x1f, 0x8b, 8, 0, 0, 0}, lb},
      {"images and labels swapped", lb, im},
      {"not an IDX file (zip)", Bytes{'P', 'K', 3, 4, 0, 0, 0, 0}, lb},
      {"element type float (0x0D)", with_be32(im, 0, 0x00000D03), lb},
      {"3 images, 2 labels", im, wg::encode_idx_labels({1, 2})},
      {"label 10 with 10 classes", im, wg::encode_idx_labels({1, 10, 2})},
      {"count 0", with_be32(im, 4, 0), lb},
      {"rows 0", with_be32(im, 8, 0), lb},
      {"columns 100000", with_be32(im, 12, 100000), lb},
      {"1024 x 4000 x 4000 elements", with_be32(with_be32(with_be32(im, 4, 1u << 10), 8, 4000), 12, 4000), lb},
      {"header says 4 images, data has 3", with_be32(im, 4, 4), wg::encode_idx_labels({1, 2, 3, 4})},
      {"labels header says 5, data has 3", im, with_be32(lb, 4, 5)},
      {"2 trailing bytes after images", im_trailing, lb},
      {"1 trailing byte after labels", im, lb_trailing},
  };
  std::printf("\n### IDX (wg::from_idx)\n\n| input | error |\n| --- | --- |\n");
  for (const auto& c : cases)
    row(c.what, [&] { wg::from_idx(c.images.data(), c.images.size(), c.labels.data(), c.labels.size(), "train"); });
  row("null images pointer, length 20", [&] { wg::from_idx(nullptr, 20, lb.data(), lb.size(), "train"); });
}

void json_cases() {
  const char* const cases[] = {"{\n  \"a\": 1,\n  \"b\": 2 \"c\"\n}", "[1, 2", "[1, 2,]", "{\"a\":1,}", "{a: 1}",
                               "{\"a\" 1}", "{\"a\":1, \"a\":2}", "01", "-", "1.", "1e", "1e999", "NaN", "tru",
                               "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12g4\"", "\"\\ud800\"", "", "1 2", "// c\n1",
                               "\x01"};
  std::printf("\n### JSON (wg::json::parse)\n\n| input | error |\n| --- | --- |\n");
  for (const char* text : cases) row(std::string("`") + text + "`", [&] { wg::json::parse(text); });
  row("600 nested `[`", [] { wg::json::parse(std::string(600, '[') + std::string(600, ']')); });
  row("2 MiB string", [] { wg::json::parse("\"" + std::string(2 << 20, 'a') + "\""); });
}

void spec_cases() {
  const char* const cases[] = {
      R"({"input":[1,28,28],"layers":[{"type":"conv3d"}]})",
      R"({"input":[1,28,28],"layers":[{"type":"conv2d","filter":8,"kernel":3}]})",
      R"({"input":[1,5,5],"layers":[{"type":"conv2d","filters":8,"kernel":7}]})",
      R"({"input":[1,28,28],"layers":[{"type":"conv2d","filters":8}]})",
      R"({"input":[1,28,28],"layers":[{"type":"conv2d","filters":-1,"kernel":3}]})",
      R"({"input":[1,28,28],"layers":[{"type":"conv2d","filters":2.5,"kernel":3}]})",
      R"({"input":[0,28,28],"layers":[]})",
      R"({"input":[4096,4096,4096],"layers":[]})",
      R"({"input":[1,2048,2048],"layers":[{"type":"conv2d","filters":4096,"kernel":1}]})",
      R"({"input":[4096],"layers":[{"type":"linear","units":100000}]})",
      R"({"input":[1,28,28],"layers":[{"type":"maxpool","kernel":2,"stride":0}]})",
      R"({"input":[1,28,28],"layers":[{"type":"dropout","rate":1.5}]})",
      R"({"input":[1,28,28],"layers":[{"type":"linear","units":10,"init":"glorot"}]})",
      R"({"input":[1,28,28],"layer":[]})",
      R"({"layers":[]})",
      R"([1,2,3])",
  };
  std::printf("\n### Model spec (wg::Model)\n\n| spec | error |\n| --- | --- |\n");
  for (const char* spec : cases) row(std::string("`") + spec + "`", [&] { wg::Model model(spec); });
}

void model_file_cases() {
  wg::Model model(R"({"input":[4],"layers":[{"type":"linear","units":3},{"type":"relu"},{"type":"linear","units":2}]})");
  const Bytes good = wg::save_model(model);
  const std::uint32_t spec_len = good[12] | good[13] << 8 | good[14] << 16 | good[15] << 24;
  const std::size_t tensors_at = 16 + spec_len;
  const struct { const char* what; Bytes bytes; } cases[] = {
      {"empty", {}},
      {"7 bytes", Bytes(good.begin(), good.begin() + 7)},
      {"wrong magic", [&] { Bytes b = good; b[0] = 'X'; return b; }()},
      {"version 2", fix_crc(with_le32(good, 8, 2))},
      {"one flipped bit in a weight (CRC)", [&] { Bytes b = good; b[b.size() - 20] ^= 1; return b; }()},
      {"cut in half", Bytes(good.begin(), good.begin() + good.size() / 2)},
      {"spec length 2^31 (CRC fixed)", fix_crc(with_le32(good, 12, 1u << 31))},
      {"spec length past the end (CRC fixed)", fix_crc(with_le32(good, 12, static_cast<std::uint32_t>(good.size())))},
      {"tensor count 5 (CRC fixed)", fix_crc(with_le32(good, tensors_at, 5))},
      {"first tensor name length 0 (CRC fixed)", fix_crc(with_le32(good, tensors_at + 4, 0))},
      {"first tensor name length 10^6 (CRC fixed)", fix_crc(with_le32(good, tensors_at + 4, 1000000))},
      {"one trailing byte before the CRC", [&] { Bytes b(good.begin(), good.end() - 4); b.push_back(0); b.insert(b.end(), 4, 0); return fix_crc(b); }()},
  };
  std::printf("\n### Model file (wg::load_model)\n\n| file | error |\n| --- | --- |\n");
  for (const auto& c : cases) row(c.what, [&] { wg::load_model(c.bytes.data(), c.bytes.size()); });
}
}  // namespace

int main() {
  idx_cases();
  json_cases();
  spec_cases();
  model_file_cases();
  return 0;
}
