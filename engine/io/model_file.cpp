// The versioned model file: writer and a defensive reader. The format is documented in
// model_file.h and docs/model-format.md.
#include "io/model_file.h"

#include <cstring>
#include <set>

#include "core/error.h"
#include "util/crc32.h"
#include "util/json.h"

namespace wg {

namespace {

constexpr char kMagic[8] = {'W', 'G', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::uint32_t kMaxJsonBytes = 1 << 20;
constexpr std::uint32_t kMaxNameBytes = 256;
constexpr std::uint32_t kMaxRank = 8;

// ---- writing

class Writer {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    out_.insert(out_.end(), p, p + n);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void text(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void tensor(const std::string& name, const Tensor& t) {
    WG_CHECK(!name.empty() && name.size() <= kMaxNameBytes, "save_model: tensor name \"", name,
             "\" must have 1 to ", kMaxNameBytes, " bytes");
    WG_CHECK(t.defined(), "save_model: tensor \"", name, "\" is undefined");
    WG_CHECK(t.rank() >= 1 && t.rank() <= static_cast<int>(kMaxRank), "save_model: tensor \"", name, "\" has rank ",
             t.rank(), " (1 to ", kMaxRank, " allowed)");
    text(name);
    u32(static_cast<std::uint32_t>(t.rank()));
    for (int d : t.shape()) u32(static_cast<std::uint32_t>(d));
    out_.reserve(out_.size() + static_cast<std::size_t>(t.size()) * 4);
    for (std::int64_t i = 0; i < t.size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, &t.data()[i], 4);
      u32(bits);
    }
  }
  std::vector<std::uint8_t>& result() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

// ---- reading: every length is checked against the bytes left before it is used.

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::size_t offset() const { return offset_; }
  std::size_t left() const { return size_ - offset_; }

  [[noreturn]] void error(std::size_t at, const std::string& what) const {
    fail("model file: byte offset ", at, ": ", what);
  }

  void need(std::size_t n, const char* what) const {
    if (n > left())
      error(offset_, std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
                         std::to_string(left()) + " left");
  }

  std::uint32_t u32(const char* what) {
    need(4, what);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(data_[offset_ + i]) << (8 * i);
    offset_ += 4;
    return v;
  }

  std::string text(const char* what, std::uint32_t max_bytes) {
    const std::size_t at = offset_;
    const std::uint32_t n = u32(what);
    if (n > max_bytes) error(at, std::string(what) + " length " + std::to_string(n) + " exceeds the limit of " +
                                     std::to_string(max_bytes));
    need(n, what);
    std::string s(reinterpret_cast<const char*>(data_ + offset_), n);
    offset_ += n;
    return s;
  }

  struct TensorHeader {
    std::size_t at;
    std::string name;
    Shape shape;
  };

  TensorHeader tensor_header(const char* what) {
    TensorHeader h;
    h.at = offset_;
    const std::size_t name_at = offset_;
    h.name = text("tensor name", kMaxNameBytes);
    if (h.name.empty()) error(name_at, std::string(what) + " tensor has an empty name");
    const std::size_t rank_at = offset_;
    const std::uint32_t rank = u32("tensor rank");
    if (rank < 1 || rank > kMaxRank)
      error(rank_at, "tensor \"" + h.name + "\" has rank " + std::to_string(rank) + " (1 to 8 allowed)");
    std::uint64_t elements = 1;
    for (std::uint32_t i = 0; i < rank; ++i) {
      const std::size_t dim_at = offset_;
      const std::uint32_t d = u32("tensor dimension");
      if (d < 1) error(dim_at, "tensor \"" + h.name + "\" has a zero dimension");
      elements *= d;
      // Compare against what the file can hold before the product can overflow.
      if (elements * 4 > left())
        error(dim_at, "tensor \"" + h.name + "\" dimensions need more data than the " + std::to_string(left()) +
                          " bytes left");
      h.shape.push_back(static_cast<int>(d));
    }
    need(static_cast<std::size_t>(elements) * 4, "tensor data");
    return h;
  }

  void tensor_data(Tensor& t) {
    need(static_cast<std::size_t>(t.size()) * 4, "tensor data");
    float* out = t.data();
    for (std::int64_t i = 0; i < t.size(); ++i) {
      const std::uint8_t* p = data_ + offset_ + 4 * i;
      const std::uint32_t bits = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
      std::memcpy(&out[i], &bits, 4);
    }
    offset_ += static_cast<std::size_t>(t.size()) * 4;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

json::Value parse_json(const std::string& text, const char* what) {
  json::ParseOptions options;
  options.what = what;
  options.max_bytes = kMaxJsonBytes;
  return json::parse(text, options);
}

}  // namespace

std::vector<std::uint8_t> save_model(const Model& model, const NamedTensors& extra, const std::string& metadata_json) {
  if (!metadata_json.empty()) parse_json(metadata_json, "save_model: metadata JSON");
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kModelFormatVersion);
  w.text(model.spec_json());
  const auto parameters = model.parameters();
  const auto buffers = model.buffers();
  w.u32(static_cast<std::uint32_t>(parameters.size() + buffers.size()));
  for (const auto& p : parameters) w.tensor(p.name, p.var.value());
  for (const auto& b : buffers) w.tensor(b.name, b.tensor);
  w.u32(static_cast<std::uint32_t>(extra.size()));
  for (const auto& [name, tensor] : extra) w.tensor(name, tensor);
  WG_CHECK(metadata_json.size() <= kMaxJsonBytes, "save_model: metadata JSON of ", metadata_json.size(),
           " bytes exceeds the limit of ", kMaxJsonBytes);
  w.text(metadata_json);
  std::vector<std::uint8_t>& out = w.result();
  w.u32(crc32(out.data(), out.size()));
  return std::move(out);
}

LoadedModel load_model(const std::uint8_t* bytes, std::size_t size) {
  WG_CHECK(bytes != nullptr || size == 0, "model file: no data");
  Reader r(bytes, size);
  r.need(sizeof kMagic, "magic \"WGMODEL\"");
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0) r.error(0, "not a wasmgrad model file (magic \"WGMODEL\" missing)");
  r.need(12, "format version");
  const std::uint32_t version = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) |
                                (static_cast<std::uint32_t>(bytes[11]) << 24);
  if (version != kModelFormatVersion)
    r.error(8, "unsupported format version " + std::to_string(version) + " (this engine reads version " +
                   std::to_string(kModelFormatVersion) + ")");
  // The CRC covers everything before its own 4 bytes; check it before trusting any content.
  if (size < 12 + 4) r.error(size, "truncated: no room for the CRC-32");
  const std::size_t crc_at = size - 4;
  const std::uint32_t stored = bytes[crc_at] | (bytes[crc_at + 1] << 8) | (bytes[crc_at + 2] << 16) |
                               (static_cast<std::uint32_t>(bytes[crc_at + 3]) << 24);
  const std::uint32_t computed = crc32(bytes, crc_at);
  if (stored != computed)
    r.error(crc_at, "CRC-32 mismatch (file says " + std::to_string(stored) + ", content gives " +
                        std::to_string(computed) + "): the file is corrupted or truncated");

  Reader body(bytes, crc_at);  // the CRC is not content
  body.need(12, "header");
  body.u32("magic");
  body.u32("magic");
  body.u32("format version");

  LoadedModel loaded;
  const std::size_t spec_at = body.offset();
  const std::string spec = body.text("spec JSON", kMaxJsonBytes);
  try {
    loaded.model = std::make_unique<Model>(spec);
  } catch (const Error& e) {
    body.error(spec_at, std::string("invalid model spec: ") + e.what());
  }

  const std::size_t count_at = body.offset();
  const std::uint32_t count = body.u32("tensor count");
  const auto parameters = loaded.model->parameters();
  const auto buffers = loaded.model->buffers();
  if (count != parameters.size() + buffers.size())
    body.error(count_at, "the file holds " + std::to_string(count) + " model tensors, the spec needs " +
                             std::to_string(parameters.size() + buffers.size()));
  for (std::size_t i = 0; i < count; ++i) {
    const bool is_parameter = i < parameters.size();
    const std::string& expected_name = is_parameter ? parameters[i].name : buffers[i - parameters.size()].name;
    Tensor target = is_parameter ? parameters[i].var.value() : buffers[i - parameters.size()].tensor;
    const Reader::TensorHeader h = body.tensor_header("model");
    if (h.name != expected_name)
      body.error(h.at, "tensor " + std::to_string(i) + " is \"" + h.name + "\", the spec expects \"" + expected_name +
                           "\"");
    if (h.shape != target.shape())
      body.error(h.at, "tensor \"" + h.name + "\" has shape " + shape_str(h.shape) + ", the spec expects " +
                           shape_str(target.shape()));
    body.tensor_data(target);
  }

  const std::size_t extra_at = body.offset();
  const std::uint32_t extra_count = body.u32("extra tensor count");
  // Each record takes at least 4 + 1 + 4 + 4 + 4 bytes: a cheap bound before looping.
  if (static_cast<std::uint64_t>(extra_count) * 17 > body.left())
    body.error(extra_at, "extra tensor count " + std::to_string(extra_count) + " cannot fit in the " +
                             std::to_string(body.left()) + " bytes left");
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < extra_count; ++i) {
    const Reader::TensorHeader h = body.tensor_header("extra");
    if (!seen.insert(h.name).second) body.error(h.at, "extra tensor \"" + h.name + "\" appears twice");
    Tensor t = Tensor::empty(h.shape);
    body.tensor_data(t);
    loaded.extra.emplace_back(h.name, std::move(t));
  }

  const std::size_t metadata_at = body.offset();
  loaded.metadata_json = body.text("metadata JSON", kMaxJsonBytes);
  if (!loaded.metadata_json.empty()) {
    try {
      parse_json(loaded.metadata_json, "metadata JSON");
    } catch (const Error& e) {
      body.error(metadata_at, e.what());
    }
  }
  if (body.left() != 0) body.error(body.offset(), std::to_string(body.left()) + " unexpected bytes before the CRC-32");
  return loaded;
}

}  // namespace wg
