// JSON value, strict recursive-descent parser (depth-bounded) and writer. See json.h.
#include "util/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace wg::json {

// ---------------------------------------------------------------- the value type

Value Value::array(std::vector<Value> items) {
  Value v;
  v.type_ = Type::Array;
  v.items_ = std::move(items);
  return v;
}

Value Value::object(std::vector<Member> members) {
  Value v;
  v.type_ = Type::Object;
  v.members_ = std::move(members);
  return v;
}

const char* type_name(Value::Type type) {
  switch (type) {
    case Value::Type::Null: return "null";
    case Value::Type::Bool: return "boolean";
    case Value::Type::Number: return "number";
    case Value::Type::String: return "string";
    case Value::Type::Array: return "array";
    case Value::Type::Object: return "object";
  }
  return "?";
}

namespace {
void expect_type(Value::Type actual, Value::Type expected) {
  if (actual != expected) fail("JSON: expected ", type_name(expected), ", got ", type_name(actual));
}
}  // namespace

bool Value::as_bool() const { expect_type(type_, Type::Bool); return bool_; }
double Value::as_number() const { expect_type(type_, Type::Number); return number_; }
const std::string& Value::as_string() const { expect_type(type_, Type::String); return string_; }
const std::vector<Value>& Value::as_array() const { expect_type(type_, Type::Array); return items_; }
std::vector<Value>& Value::as_array() { expect_type(type_, Type::Array); return items_; }
const std::vector<Member>& Value::members() const { expect_type(type_, Type::Object); return members_; }
std::vector<Member>& Value::members() { expect_type(type_, Type::Object); return members_; }

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::Object) return nullptr;
  for (const Member& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

Value& Value::set(const std::string& key, Value value) {
  expect_type(type_, Type::Object);
  if (Value* existing = find(key)) return *existing = std::move(value);
  members_.emplace_back(key, std::move(value));
  return members_.back().second;
}

void Value::push_back(Value value) {
  expect_type(type_, Type::Array);
  items_.push_back(std::move(value));
}

std::size_t Value::size() const {
  if (type_ == Type::Array) return items_.size();
  if (type_ == Type::Object) return members_.size();
  return 0;
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::Null: return true;
    case Type::Bool: return bool_ == other.bool_;
    case Type::Number: return number_ == other.number_;
    case Type::String: return string_ == other.string_;
    case Type::Array: return items_ == other.items_;
    case Type::Object: return members_ == other.members_;
  }
  return false;
}

// ---------------------------------------------------------------- parser

namespace {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : text_(text), options_(options) {}

  Value parse_document() {
    if (text_.size() > options_.max_bytes)
      fail(options_.what, ": document of ", text_.size(), " bytes exceeds the limit of ", options_.max_bytes);
    skip_whitespace();
    Value v = parse_value(0);
    skip_whitespace();
    if (pos_ != text_.size()) error("unexpected characters after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    // Line and column (1-based, columns count bytes) of the current position.
    int line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    fail(options_.what, ": line ", line, ", column ", column, ": ", what);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_whitespace() {
    while (!at_end()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  void expect_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) error("invalid literal (expected a value)");
    pos_ += word.size();
  }

  Value parse_value(int depth) {
    if (at_end()) error("unexpected end of input (expected a value)");
    const char c = peek();
    switch (c) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return Value(parse_string());
      case 't': expect_literal("true"); return Value(true);
      case 'f': expect_literal("false"); return Value(false);
      case 'n': expect_literal("null"); return Value();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return Value(parse_number());
        error(std::string("unexpected character '") + printable(c) + "' (expected a value)");
    }
  }

  static std::string printable(char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string(1, c);
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
    return buffer;
  }

  void check_depth(int depth) {
    if (depth > options_.max_depth) error("nesting deeper than " + std::to_string(options_.max_depth) + " levels");
  }

  Value parse_array(int depth) {
    check_depth(depth);
    ++pos_;  // '['
    Value result = Value::array();
    skip_whitespace();
    if (peek() == ']') {
      ++pos_;
      return result;
    }
    while (true) {
      skip_whitespace();
      result.push_back(parse_value(depth));
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        skip_whitespace();
        if (peek() == ']') error("trailing comma before ']'");
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return result;
      }
      error(at_end() ? "unexpected end of input (expected ',' or ']')" : "expected ',' or ']'");
    }
  }

  Value parse_object(int depth) {
    check_depth(depth);
    ++pos_;  // '{'
    Value result = Value::object();
    skip_whitespace();
    if (peek() == '}') {
      ++pos_;
      return result;
    }
    while (true) {
      skip_whitespace();
      if (peek() != '"') error(at_end() ? "unexpected end of input (expected a string key)" : "expected a string key");
      const std::size_t key_pos = pos_;
      std::string key = parse_string();
      if (result.find(key)) {
        pos_ = key_pos;
        error("duplicate key \"" + key + "\"");
      }
      skip_whitespace();
      if (peek() != ':') error(at_end() ? "unexpected end of input (expected ':')" : "expected ':'");
      ++pos_;
      skip_whitespace();
      result.members().emplace_back(std::move(key), parse_value(depth));
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        skip_whitespace();
        if (peek() == '}') error("trailing comma before '}'");
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return result;
      }
      error(at_end() ? "unexpected end of input (expected ',' or '}')" : "expected ',' or '}'");
    }
  }

  unsigned parse_hex4() {
    if (text_.size() - pos_ < 4) error("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_];
      code <<= 4;
      if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
      else error("invalid hex digit in \\u escape");
      ++pos_;
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) error("unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) error("control character in string (escape it)");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (at_end()) error("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = parse_hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {  // high surrogate: a low one must follow
            if (text_.substr(pos_, 2) != "\\u") error("unpaired surrogate in \\u escape");
            pos_ += 2;
            const unsigned low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) error("unpaired surrogate in \\u escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            error("unpaired surrogate in \\u escape");
          }
          append_utf8(out, code);
          break;
        }
        default:
          --pos_;
          error(std::string("invalid escape '\\") + printable(e) + "'");
      }
    }
  }

  double parse_number() {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ - from;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (peek() >= '0' && peek() <= '9') error("leading zeros are not allowed in numbers");
    } else if (digits() == 0) {
      error("expected a digit");
    }
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0) error("expected a digit after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) error("expected a digit in the exponent");
    }
    // The grammar is checked above; strtod converts (the C locale uses '.').
    const std::string token(text_.substr(start, pos_ - start));
    const double value = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(value)) {
      pos_ = start;
      error("number out of range: " + token);
    }
    return value;
  }

  std::string_view text_;
  const ParseOptions& options_;
  std::size_t pos_ = 0;
};

}  // namespace

Value parse(std::string_view text, const ParseOptions& options) { return Parser(text, options).parse_document(); }

// ---------------------------------------------------------------- writer

namespace {

void write_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned char>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void write_number(std::string& out, double n) {
  char buffer[32];
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9007199254740992.0) {
    std::snprintf(buffer, sizeof buffer, "%.0f", n);
    if (std::strcmp(buffer, "-0") == 0) std::snprintf(buffer, sizeof buffer, "0");
    out += buffer;
    return;
  }
  if (!std::isfinite(n)) fail("JSON: cannot write a non-finite number");
  // Shortest of 15 or 17 significant digits that reads back to the same double.
  std::snprintf(buffer, sizeof buffer, "%.15g", n);
  if (std::strtod(buffer, nullptr) != n) std::snprintf(buffer, sizeof buffer, "%.17g", n);
  out += buffer;
}

void newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

void write_value(std::string& out, const Value& v, int indent, int depth) {
  switch (v.type()) {
    case Value::Type::Null: out += "null"; return;
    case Value::Type::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::Number: write_number(out, v.as_number()); return;
    case Value::Type::String: write_string(out, v.as_string()); return;
    case Value::Type::Array: {
      // Arrays of numbers stay on one line ("input": [1, 28, 28]); arrays holding
      // objects or arrays (the layer list) get one item per line when pretty.
      const auto& items = v.as_array();
      bool nested = false;
      for (const Value& item : items) nested = nested || item.is_array() || item.is_object();
      const bool one_per_line = nested && indent >= 0;
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += (indent < 0 || one_per_line) ? "," : ", ";
        if (one_per_line) newline(out, indent, depth + 1);
        write_value(out, items[i], indent, depth + 1);
      }
      if (one_per_line && !items.empty()) newline(out, indent, depth);
      out += ']';
      return;
    }
    case Value::Type::Object: {
      const auto& members = v.members();
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, depth + 1);
        write_string(out, members[i].first);
        out += indent < 0 ? ":" : ": ";
        write_value(out, members[i].second, indent, depth + 1);
      }
      if (!members.empty()) newline(out, indent, depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string dump(const Value& value, int indent) {
  std::string out;
  write_value(out, value, indent, 0);
  return out;
}

}  // namespace wg::json
