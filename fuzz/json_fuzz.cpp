// libFuzzer target: wg::json::parse on arbitrary bytes (the text of URL state, specs, metadata).
// Properties checked besides "no crash, only wg::Error":
//   - a document that parses dumps (compact and pretty) to text that parses back to an equal value;
//   - dumping is idempotent: dump(parse(dump(v))) == dump(v).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "core/error.h"
#include "util/json.h"

namespace {
[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  wg::json::ParseOptions options;
  options.what = "fuzz JSON";
  wg::json::Value value;
  try {
    value = wg::json::parse(text, options);
  } catch (const wg::Error&) {
    return 0;  // expected for malformed input
  } catch (const std::exception& e) {
    bug("non-wg::Error exception from parse", e.what());
  }
  try {
    const std::string compact = wg::json::dump(value);
    const std::string pretty = wg::json::dump(value, 2);
    // The dump may be deeper/longer than the limits only if the input was; use generous limits.
    wg::json::ParseOptions again;
    again.max_bytes = 64u << 20;
    again.max_depth = options.max_depth;
    const wg::json::Value from_compact = wg::json::parse(compact, again);
    const wg::json::Value from_pretty = wg::json::parse(pretty, again);
    if (from_compact != value) bug("compact dump does not parse back to the same value", compact);
    if (from_pretty != value) bug("pretty dump does not parse back to the same value", pretty);
    if (wg::json::dump(from_compact) != compact) bug("dump is not idempotent", compact);
  } catch (const std::exception& e) {
    bug("exception while re-parsing a dump of a valid document", e.what());
  }
  return 0;
}
