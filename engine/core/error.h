// Error reporting: every failure the engine can detect becomes a wg::Error whose
// message names what was wrong (which op, which shape, which field). The bindings
// turn it into a JavaScript Error, so no check here may abort().
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace wg {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Builds the message from any streamable parts: fail("conv2d: kernel ", k, " larger than input ", w).
template <class... Parts>
[[noreturn]] void fail(Parts&&... parts) {
  std::ostringstream message;
  (message << ... << std::forward<Parts>(parts));
  throw Error(message.str());
}

}  // namespace wg

#define WG_CHECK(condition, ...)              \
  do {                                        \
    if (!(condition)) ::wg::fail(__VA_ARGS__); \
  } while (0)
