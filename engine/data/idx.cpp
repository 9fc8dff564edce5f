// IDX reader/writer (format and error policy described in idx.h).
#include "data/idx.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace wg {

namespace {

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

void write_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::string hex_bytes(const std::uint8_t* p, std::size_t n) {
  std::string s;
  char buf[4];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    if (i) s += ' ';
    s += buf;
  }
  return s;
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// One parsed IDX array: its dimensions and where its data bytes start.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  const std::uint8_t* data = nullptr;
  std::size_t data_len = 0;
};

// role: "images" or "labels"; where: "from_idx 'name' images" for messages.
IdxArray parse_idx(const std::uint8_t* bytes, std::size_t len, bool images, const std::string& where) {
  const std::uint32_t expected_magic = images ? kIdxImagesMagic : kIdxLabelsMagic;
  const std::uint32_t other_magic = images ? kIdxLabelsMagic : kIdxImagesMagic;
  const int rank = images ? 3 : 1;
  const std::size_t header_len = 4 + 4 * static_cast<std::size_t>(rank);

  WG_CHECK(len > 0, where, ": file is empty (0 bytes)");
  WG_CHECK(bytes != nullptr, where, ": null data pointer with length ", len);
  if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
    fail(where, ": wrong magic at byte offset 0: expected ", hex32(expected_magic), " (starts with 1f 8b: gzip, decompress first)");
  WG_CHECK(len >= 4, where, ": truncated header: file is ", len, " bytes, the magic number alone needs 4 (byte offset 0..3)");
  const std::uint32_t magic = read_be32(bytes);
  if (magic != expected_magic) {
    std::string hint;
    if (magic == other_magic)
      hint = images ? " (this is a labels file: were images and labels swapped?)"
                    : " (this is an images file: were images and labels swapped?)";
    else if (bytes[0] != 0 || bytes[1] != 0)
      hint = " (not an IDX file: IDX starts with two zero bytes)";
    else if (bytes[2] != 0x08)
      hint = " (element type " + hex_bytes(bytes + 2, 1) + " is not 08 = unsigned byte)";
    fail(where, ": wrong magic at byte offset 0: expected ", hex32(expected_magic), ", found ", hex32(magic), " (bytes ",
         hex_bytes(bytes, 4), ")", hint);
  }
  WG_CHECK(len >= header_len, where, ": truncated header: file is ", len, " bytes, the header needs ", header_len,
           " (magic and ", rank, " dimension", rank > 1 ? "s" : "", " of 4 bytes); dimension ",
           (len - 4) / 4, " at byte offset ", 4 + (len - 4) / 4 * 4, " is cut off");

  IdxArray array;
  static const char* const kDimNames[] = {"count", "rows", "columns"};
  std::uint64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    const std::size_t offset = 4 + 4 * static_cast<std::size_t>(i);
    const std::uint32_t d = read_be32(bytes + offset);
    WG_CHECK(d > 0, where, ": dimension ", i, " (", kDimNames[i], ") at byte offset ", offset, " is zero");
    if (i > 0)
      WG_CHECK(d <= static_cast<std::uint32_t>(kIdxMaxSide), where, ": dimension ", i, " (", kDimNames[i],
               ") at byte offset ", offset, " is ", d, ", more than the limit ", kIdxMaxSide,
               " (corrupt header?)");
    total *= d;
    WG_CHECK(total <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()), where,
             ": dimensions up to byte offset ", offset + 3, " give more than 2^31 elements (corrupt header?)");
    array.dims.push_back(d);
  }

  const std::size_t available = len - header_len;
  if (available < total) {
    const std::uint64_t full_items = available / (total / array.dims[0]);
    fail(where, ": data shorter than the header says: header (", images ? "count, rows, columns = " : "count = ",
         array.dims[0], images ? ", " + std::to_string(array.dims[1]) + ", " + std::to_string(array.dims[2]) : "",
         ") needs ", total, " data bytes from byte offset ", header_len, " (file of ", header_len + total,
         " bytes), but the file is ", len, " bytes: it ends at byte offset ", len, " inside ",
         images ? "image " : "label ", full_items, " (truncated file or lying header)");
  }
  WG_CHECK(available == total, where, ": ", available - total, " trailing bytes from byte offset ", header_len + total,
           " (the header's data ends there, the file is ", len,
           " bytes); the header's dimensions do not match the file");
  array.data = bytes + header_len;
  array.data_len = total;
  return array;
}

}  // namespace

Dataset from_idx(const std::uint8_t* images, std::size_t images_len, const std::uint8_t* labels,
                 std::size_t labels_len, std::string name, int num_classes, std::vector<std::string> class_names) {
  WG_CHECK(num_classes >= 1 && num_classes <= 256, "from_idx '", name, "': num_classes ", num_classes,
           " must be in [1, 256]");
  WG_CHECK(class_names.empty() || static_cast<int>(class_names.size()) == num_classes, "from_idx '", name, "': ",
           class_names.size(), " class names for ", num_classes, " classes");
  const IdxArray image_array = parse_idx(images, images_len, true, "from_idx '" + name + "' images");
  const IdxArray label_array = parse_idx(labels, labels_len, false, "from_idx '" + name + "' labels");
  const std::uint32_t count = image_array.dims[0];
  WG_CHECK(label_array.dims[0] == count, "from_idx '", name, "': count mismatch: the images file has ", count,
           " images (byte offset 4) but the labels file has ", label_array.dims[0], " labels (byte offset 4)");

  Dataset data;
  data.name = std::move(name);
  data.num_classes = num_classes;
  if (class_names.empty())
    for (int c = 0; c < num_classes; ++c) class_names.push_back(std::to_string(c));
  data.class_names = std::move(class_names);
  data.labels.resize(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const int label = label_array.data[i];
    WG_CHECK(label < num_classes, "from_idx '", data.name, "' labels: label ", label, " of sample ", i,
             " at byte offset ", 8 + i, " is not below the number of classes ", num_classes);
    data.labels[i] = label;
  }
  const int rows = static_cast<int>(image_array.dims[1]);
  const int columns = static_cast<int>(image_array.dims[2]);
  data.inputs = Tensor::empty({static_cast<int>(count), 1, rows, columns});
  float* out = data.inputs.data();
  const std::uint8_t* in = image_array.data;
  for (std::size_t i = 0; i < image_array.data_len; ++i) out[i] = in[i] * (1.0f / 255.0f);
  return data;
}

std::vector<std::uint8_t> encode_idx_images(const std::vector<std::uint8_t>& pixels, int count, int rows, int columns) {
  WG_CHECK(count > 0 && rows > 0 && columns > 0 && rows <= kIdxMaxSide && columns <= kIdxMaxSide,
           "encode_idx_images: bad dimensions count ", count, ", rows ", rows, ", columns ", columns);
  const std::uint64_t total = std::uint64_t(count) * rows * columns;
  WG_CHECK(pixels.size() == total, "encode_idx_images: ", pixels.size(), " pixels for ", count, " images of ", rows,
           "x", columns, " (need ", total, ")");
  std::vector<std::uint8_t> out;
  out.reserve(16 + pixels.size());
  write_be32(out, kIdxImagesMagic);
  write_be32(out, count);
  write_be32(out, rows);
  write_be32(out, columns);
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

std::vector<std::uint8_t> encode_idx_images(const Tensor& images) {
  WG_CHECK(images.defined() && (images.rank() == 3 || (images.rank() == 4 && images.dim(1) == 1)),
           "encode_idx_images: need [N, 1, H, W] or [N, H, W] grey images, got ",
           images.defined() ? shape_str(images.shape()) : std::string("undefined"));
  std::vector<std::uint8_t> pixels(images.size());
  for (std::int64_t i = 0; i < images.size(); ++i) {
    const float v = images[i] > 0.0f ? std::min(images[i], 1.0f) : 0.0f;  // NaN -> 0
    pixels[i] = static_cast<std::uint8_t>(std::lround(v * 255.0f));
  }
  return encode_idx_images(pixels, images.dim(0), images.dim(-2), images.dim(-1));
}

std::vector<std::uint8_t> encode_idx_labels(const std::vector<int>& labels) {
  WG_CHECK(!labels.empty(), "encode_idx_labels: no labels");
  std::vector<std::uint8_t> out;
  out.reserve(8 + labels.size());
  write_be32(out, kIdxLabelsMagic);
  write_be32(out, static_cast<std::uint32_t>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    WG_CHECK(labels[i] >= 0 && labels[i] <= 255, "encode_idx_labels: label ", labels[i], " at index ", i,
             " does not fit in a byte");
    out.push_back(static_cast<std::uint8_t>(labels[i]));
  }
  return out;
}

}  // namespace wg
