// A small, strict JSON parser and writer of our own, for model specs, URL state and
// training metadata. The input is untrusted (it comes from URLs and uploaded files), so:
//   - the grammar is RFC 8259 only: no comments, no trailing commas, no NaN/Infinity,
//     no duplicate object keys, no control characters inside strings;
//   - nesting depth and input size are limited (ParseOptions), and the recursion depth
//     of the parser is bounded by the nesting limit, so hostile input cannot blow the stack;
//   - every error is a wg::Error naming where it happened:
//       "spec JSON: line 3, column 14: expected ',' or '}'"
// Objects keep their members in insertion order, so a written spec reads like the input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wg::json {

class Value;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : type_(Type::Bool), bool_(b) {}
  Value(double n) : type_(Type::Number), number_(n) {}
  Value(int n) : type_(Type::Number), number_(n) {}
  Value(std::int64_t n) : type_(Type::Number), number_(static_cast<double>(n)) {}
  Value(const char* s) : type_(Type::String), string_(s) {}
  Value(std::string s) : type_(Type::String), string_(std::move(s)) {}
  static Value array(std::vector<Value> items = {});
  static Value object(std::vector<Member> members = {});

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  // Typed access; the wrong type throws wg::Error naming the expected and actual type.
  bool as_bool() const;
  double as_number() const;
  const std::string& as_string() const;
  const std::vector<Value>& as_array() const;
  std::vector<Value>& as_array();
  const std::vector<Member>& members() const;  // objects, in insertion order
  std::vector<Member>& members();

  // Objects: the member called `key`, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Objects: replaces the member called `key` or appends it at the end.
  Value& set(const std::string& key, Value value);
  // Arrays: appends.
  void push_back(Value value);
  std::size_t size() const;  // array items or object members; 0 otherwise

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  Type type_ = Type::Null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string string_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

const char* type_name(Value::Type type);  // "null", "boolean", "number", "string", "array", "object"

struct ParseOptions {
  std::string what = "JSON";            // names the document in errors: "spec JSON", "metadata JSON"
  std::size_t max_bytes = 1 << 20;      // 1 MiB
  int max_depth = 64;                   // arrays/objects nested deeper than this are rejected
};

// Parses exactly one JSON value (surrounding whitespace allowed); throws wg::Error.
Value parse(std::string_view text, const ParseOptions& options = {});

// Writes JSON. indent < 0: compact ("{"a":1,"b":[1,2]}"); otherwise pretty with that
// many spaces per level. Numbers round-trip exactly (integers print without exponent).
std::string dump(const Value& value, int indent = -1);

}  // namespace wg::json
