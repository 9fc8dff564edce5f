// JSON parser and writer: valid documents, round trips, and malformed input with positions.
#include "util/json.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace wg::json {
namespace {

std::string parse_error(const std::string& text, const ParseOptions& options = {}) {
  try {
    parse(text, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Json, ParsesEveryKindOfValue) {
  const Value v = parse(R"( {"a": [1, -2.5, 3e2, 0], "b": {"c": true, "d": false, "e": null},
                             "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} )");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.members()[0].first, "a");
  EXPECT_EQ(v.members()[1].first, "b");
  const auto& a = v.find("a")->as_array();
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[1].as_number(), -2.5);
  EXPECT_EQ(a[2].as_number(), 300.0);
  EXPECT_TRUE(v.find("b")->find("c")->as_bool());
  EXPECT_TRUE(v.find("b")->find("e")->is_null());
  EXPECT_EQ(v.find("s")->as_string(), "x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, KeepsInsertionOrderAndRoundTrips) {
  const std::string text = R"({"z":1,"a":[0.1,1e-07,-3,123456789012],"m":{"q":"\u0001"},"t":[[],{}]})";
  const Value v = parse(text);
  EXPECT_EQ(dump(v), text);
  EXPECT_EQ(parse(dump(v, 2)), v);
  EXPECT_EQ(parse(dump(Value(0.1f * 3))).as_number(), static_cast<double>(0.1f * 3));
}

TEST(Json, SetReplacesOrAppends) {
  Value o = Value::object();
  o.set("b", 1);
  o.set("a", 2);
  o.set("b", 3);
  EXPECT_EQ(dump(o), R"({"b":3,"a":2})");
  EXPECT_THROW(o.as_array(), Error);
  EXPECT_THROW(Value(1).as_string(), Error);
}

TEST(Json, MalformedInputNamesLineAndColumn) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"{\n  \"a\": 1,\n  \"b\": 2 \"c\"\n}", "line 3, column 10: expected ',' or '}'"},
      {"[1, 2", "line 1, column 6: unexpected end of input (expected ',' or ']')"},
      {"[1, 2,]", "line 1, column 7: trailing comma before ']'"},
      {"{\"a\":1,}", "line 1, column 8: trailing comma before '}'"},
      {"{a: 1}", "line 1, column 2: expected a string key"},
      {"{\"a\" 1}", "line 1, column 6: expected ':'"},
      {"{\"a\":1, \"a\":2}", "line 1, column 9: duplicate key \"a\""},
      {"01", "line 1, column 2: leading zeros"},
      {"-", "line 1, column 2: expected a digit"},
      {"1.", "line 1, column 3: expected a digit after '.'"},
      {"1e", "line 1, column 3: expected a digit in the exponent"},
      {"1e999", "line 1, column 1: number out of range"},
      {"NaN", "line 1, column 1: unexpected character 'N'"},
      {"tru", "line 1, column 1: invalid literal"},
      {"\"abc", "unterminated string"},
      {"\"a\tb\"", "line 1, column 3: control character in string"},
      {"\"\\x\"", "line 1, column 3: invalid escape '\\x'"},
      {"\"\\u12g4\"", "invalid hex digit"},
      {"\"\\ud800\"", "unpaired surrogate"},
      {"\"\\udc00\"", "unpaired surrogate"},
      {"", "line 1, column 1: unexpected end of input"},
      {"1 2", "line 1, column 3: unexpected characters after the JSON value"},
      {"// c\n1", "unexpected character '/'"},
      {"\x01", "unexpected character '\\x01'"},
  };
  for (const Case& c : cases) {
    const std::string message = parse_error(c.text);
    EXPECT_NE(message.find("JSON: "), std::string::npos) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << "input: " << c.text << "\nmessage: " << message;
  }
}

TEST(Json, DocumentNameAppearsInErrors) {
  ParseOptions options;
  options.what = "spec JSON";
  EXPECT_EQ(parse_error("{\n\n  \"layers\": [1 2]}", options), "spec JSON: line 3, column 16: expected ',' or ']'");
}

TEST(Json, DepthAndSizeLimits) {
  const std::string deep_ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_NO_THROW(parse(deep_ok));
  const std::string too_deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_NE(parse_error(too_deep).find("nesting deeper than 64 levels"), std::string::npos);
  // A hostile document a million levels deep fails fast instead of overflowing the stack.
  const std::string hostile(1000000, '[');
  EXPECT_NE(parse_error(hostile).find("nesting deeper"), std::string::npos);
  ParseOptions small;
  small.max_bytes = 10;
  EXPECT_NE(parse_error("[1,2,3,4,5,6]", small).find("exceeds the limit of 10"), std::string::npos);
}

}  // namespace
}  // namespace wg::json
