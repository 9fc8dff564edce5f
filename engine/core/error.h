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

// A problem with one layer of a model spec, carrying where it is so that a page can put the
// message next to the layer and the field instead of parsing the text: the layer's index in the
// spec's "layers" (0-based), its type, the field ("" for the layer as a whole) and the problem
// without the location ("must be between 1 and 64, got 70"). what() is the whole sentence.
struct SpecError : Error {
  SpecError(const std::string& message, int layer_index, std::string type, std::string field_name,
            std::string problem_text)
      : Error(message), layer(layer_index), layer_type(std::move(type)), field(std::move(field_name)),
        problem(std::move(problem_text)) {}
  int layer;
  std::string layer_type;
  std::string field;
  std::string problem;
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
