// The safetensors reader (defensive) and writer. Format and checks: safetensors.h.
#include "io/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "core/error.h"
#include "util/json.h"

namespace wg {

namespace {

const std::map<std::string, std::size_t>& dtype_sizes() {
  static const std::map<std::string, std::size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8}};
  return sizes;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A non-negative integer no larger than `max`, or an error naming the tensor and field.
std::uint64_t whole_number(const json::Value& v, std::uint64_t max, const std::string& where) {
  if (!v.is_number()) fail("safetensors: ", where, " must be an integer, got ", json::type_name(v.type()));
  const double d = v.as_number();
  if (!(d >= 0) || d != std::floor(d) || d > static_cast<double>(max))
    fail("safetensors: ", where, " must be an integer in [0, ", max, "], got ", json::dump(v));
  return static_cast<std::uint64_t>(d);
}

SafetensorsEntry parse_entry(const std::string& name, const json::Value& v, std::size_t data_size) {
  const std::string where = "tensor " + quoted(name);
  if (name.empty()) fail("safetensors: a tensor has an empty name");
  if (!v.is_object()) fail("safetensors: ", where, " must be an object {dtype, shape, data_offsets}, got ",
                           json::type_name(v.type()));
  for (const auto& [key, value] : v.members())
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      fail("safetensors: ", where, " has an unknown field \"", key, "\" (valid: dtype, shape, data_offsets)");
  SafetensorsEntry e;
  e.name = name;

  const json::Value* dtype = v.find("dtype");
  if (!dtype || !dtype->is_string()) fail("safetensors: ", where, " needs a \"dtype\" string such as \"F32\"");
  e.dtype = dtype->as_string();
  const std::size_t element_size = safetensors_dtype_size(e.dtype);
  if (element_size == 0) fail("safetensors: ", where, " has an unknown dtype \"", e.dtype, "\"");

  const json::Value* shape = v.find("shape");
  if (!shape || !shape->is_array()) fail("safetensors: ", where, " needs a \"shape\" array of integers");
  if (shape->size() > 8) fail("safetensors: ", where, " has rank ", shape->size(), " (at most 8 supported)");
  // Elements the buffer could hold at most: any shape asking for more is a lie, caught before
  // the product can overflow.
  const std::uint64_t room = data_size / element_size;
  std::uint64_t elements = 1;
  for (std::size_t i = 0; i < shape->size(); ++i) {
    const std::uint64_t d = whole_number(shape->as_array()[i], 0x7fffffff, where + " shape[" + std::to_string(i) + "]");
    e.shape.push_back(static_cast<std::int64_t>(d));
    elements = d == 0 ? 0 : (elements > room / d ? room + 1 : elements * d);  // saturates at room + 1
  }
  if (elements > room)
    fail("safetensors: ", where, " has shape ", shape_text(e.shape), " (", e.dtype, "), more than the ", data_size,
         " bytes of data in the file");

  const json::Value* offsets = v.find("data_offsets");
  if (!offsets || !offsets->is_array() || offsets->size() != 2)
    fail("safetensors: ", where, " needs \"data_offsets\": [begin, end]");
  constexpr std::uint64_t kLargestExact = 9007199254740991;  // 2^53 - 1: JSON numbers above are not exact
  const std::uint64_t begin = whole_number(offsets->as_array()[0], kLargestExact, where + " data_offsets[0]");
  const std::uint64_t end = whole_number(offsets->as_array()[1], kLargestExact, where + " data_offsets[1]");
  if (end < begin) fail("safetensors: ", where, " data_offsets [", begin, ", ", end, "] end before they begin");
  if (end > data_size)
    fail("safetensors: truncated or lying: tensor ", quoted(name), " data_offsets [", begin, ", ", end,
         "] reach beyond the ", data_size, " bytes of data in the file");
  e.begin = static_cast<std::size_t>(begin);
  e.end = static_cast<std::size_t>(end);
  const std::uint64_t expected = elements * element_size;
  if (e.end - e.begin != expected)
    fail("safetensors: ", where, " data_offsets [", e.begin, ", ", e.end, "] hold ", e.end - e.begin,
         " bytes, shape ", shape_text(e.shape), " of ", e.dtype, " needs ", expected);
  return e;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  const int exponent = (h >> 10) & 0x1f;
  const std::uint32_t mantissa = h & 0x3ff;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  std::uint32_t bits = sign;
  if (exponent == 31) bits |= 0x7f800000u | (mantissa << 13);  // inf or NaN
  else bits |= static_cast<std::uint32_t>(exponent - 15 + 127) << 23 | (mantissa << 13);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <class T>
T load_le(const std::uint8_t* p) {
  T v{};
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  if constexpr (sizeof(T) == 8) std::memcpy(&v, &bits, 8);
  else {
    const auto narrow = static_cast<std::uint32_t>(bits);
    std::memcpy(&v, &narrow, sizeof(T));
  }
  return v;
}

}  // namespace

std::size_t safetensors_dtype_size(const std::string& dtype) {
  const auto found = dtype_sizes().find(dtype);
  return found == dtype_sizes().end() ? 0 : found->second;
}

const SafetensorsEntry* SafetensorsFile::find(const std::string& name) const {
  for (const auto& e : tensors)
    if (e.name == name) return &e;
  return nullptr;
}

SafetensorsFile parse_safetensors(const std::uint8_t* bytes, std::size_t size) {
  WG_CHECK(bytes != nullptr || size == 0, "safetensors: no data");
  if (size < 8) fail("safetensors: truncated: ", size, " bytes, the header length alone needs 8");
  std::uint64_t header_size = 0;
  for (int i = 0; i < 8; ++i) header_size |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  if (header_size > kSafetensorsMaxHeaderBytes)
    fail("safetensors: byte offset 0: header length ", header_size, " exceeds the limit of ",
         kSafetensorsMaxHeaderBytes, " bytes (not a safetensors file, or a corrupt one)");
  if (header_size > size - 8)
    fail("safetensors: truncated: the header says it is ", header_size, " bytes long, the file has ", size - 8,
         " after the length");
  if (header_size < 2 || bytes[8] != '{')
    fail("safetensors: byte offset 8: the header must be a JSON object starting with '{' (not a safetensors file?)");

  json::ParseOptions options;
  options.what = "safetensors header";
  options.max_bytes = kSafetensorsMaxHeaderBytes;
  options.max_depth = 8;
  const std::string_view header_text(reinterpret_cast<const char*>(bytes + 8), header_size);
  json::Value header;
  try {
    header = json::parse(header_text, options);
  } catch (const Error& e) {
    fail("safetensors: ", e.what());
  }

  SafetensorsFile file;
  file.data = bytes + 8 + header_size;
  file.data_size = size - 8 - header_size;
  for (const auto& [name, value] : header.members()) {
    if (name == "__metadata__") {
      if (!value.is_object()) fail("safetensors: \"__metadata__\" must be an object of strings");
      for (const auto& [key, text] : value.members()) {
        if (!text.is_string())
          fail("safetensors: \"__metadata__\" entry \"", key, "\" must be a string, got ", json::type_name(text.type()));
        file.metadata.emplace_back(key, text.as_string());
      }
      continue;
    }
    file.tensors.push_back(parse_entry(name, value, file.data_size));
  }

  // The entries must tile the buffer exactly: sorted by begin, each starts where the last ended.
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : file.tensors) by_offset.push_back(&e);
  std::stable_sort(by_offset.begin(), by_offset.end(),
                   [](const SafetensorsEntry* a, const SafetensorsEntry* b) { return a->begin < b->begin; });
  std::size_t covered = 0;
  for (const SafetensorsEntry* e : by_offset) {
    if (e->begin < covered)
      fail("safetensors: tensor ", quoted(e->name), " data_offsets [", e->begin, ", ", e->end,
           "] overlap the tensor before it, which ends at ", covered);
    if (e->begin > covered)
      fail("safetensors: bytes [", covered, ", ", e->begin, ") of the data belong to no tensor (a gap before ",
           quoted(e->name), ")");
    covered = e->end;
  }
  if (covered != file.data_size)
    fail("safetensors: the data has ", file.data_size, " bytes but the tensors use ", covered,
         " (truncated or trailing bytes)");
  return file;
}

Tensor safetensors_to_float(const SafetensorsFile& file, const SafetensorsEntry& entry, const Shape& shape) {
  const std::uint8_t* p = file.data + entry.begin;
  const std::size_t element_size = safetensors_dtype_size(entry.dtype);
  const std::int64_t n = static_cast<std::int64_t>((entry.end - entry.begin) / element_size);
  WG_CHECK(n == shape_numel(shape), "safetensors: tensor ", quoted(entry.name), " holds ", n,
           " values, shape ", shape_str(shape), " needs ", shape_numel(shape));
  Tensor t = Tensor::empty(shape);
  float* out = t.data();
  if (entry.dtype == "F32") {
    for (std::int64_t i = 0; i < n; ++i) out[i] = load_le<float>(p + 4 * i);
  } else if (entry.dtype == "F64") {
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(load_le<double>(p + 8 * i));
  } else if (entry.dtype == "F16") {
    for (std::int64_t i = 0; i < n; ++i) out[i] = half_to_float(static_cast<std::uint16_t>(p[2 * i] | p[2 * i + 1] << 8));
  } else if (entry.dtype == "BF16") {
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint32_t bits = static_cast<std::uint32_t>(p[2 * i] | p[2 * i + 1] << 8) << 16;
      std::memcpy(&out[i], &bits, 4);
    }
  } else {
    fail("safetensors: tensor ", quoted(entry.name), " has dtype ", entry.dtype,
         "; weights must be floating point (F32, F16, BF16 or F64)");
  }
  return t;
}

std::vector<std::uint8_t> write_safetensors(const std::vector<std::pair<std::string, Tensor>>& tensors,
                                            const std::vector<std::pair<std::string, std::string>>& metadata) {
  json::Value header = json::Value::object();
  if (!metadata.empty()) {
    json::Value meta = json::Value::object();
    for (const auto& [key, value] : metadata) meta.set(key, value);
    header.set("__metadata__", std::move(meta));
  }
  std::size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    WG_CHECK(!name.empty() && name != "__metadata__", "write_safetensors: invalid tensor name \"", name, "\"");
    WG_CHECK(header.find(name) == nullptr, "write_safetensors: tensor \"", name, "\" appears twice");
    WG_CHECK(t.defined(), "write_safetensors: tensor \"", name, "\" is undefined");
    json::Value shape = json::Value::array();
    for (int d : t.shape()) shape.push_back(d);
    const std::size_t bytes = static_cast<std::size_t>(t.size()) * 4;
    header.set(name, json::Value::object({{"dtype", "F32"},
                                          {"shape", std::move(shape)},
                                          {"data_offsets", json::Value::array({json::Value(static_cast<double>(offset)),
                                                                               json::Value(static_cast<double>(offset + bytes))})}}));
    offset += bytes;
  }
  std::string text = json::dump(header);
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<std::uint8_t> out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& [name, t] : tensors)
    for (std::int64_t i = 0; i < t.size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, &t.data()[i], 4);
      for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
    }
  return out;
}

}  // namespace wg
