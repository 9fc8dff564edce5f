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
//
// Inside a composite layer (residual, concat) the location stays the top-level layer, so a page
// that lists the spec's layers can still mark the row: layer and layer_type are the block's,
// field is the block's field that holds the faulty layer ("layers", "shortcut", "branches"), and
// problem starts with the rest of the way in, "1 (conv2d): kernel 7 larger than input 5x5".
// path spells that way as the page would walk it: "layers › 1 (conv2d)" ("" for a top-level
// layer); what() is "layer 3 (residual) › layers › 1 (conv2d): kernel 7 larger than input 5x5".
struct SpecError : Error {
  SpecError(const std::string& message, int layer_index, std::string type, std::string field_name,
            std::string problem_text, std::string path_text = "")
      : Error(message), layer(layer_index), layer_type(std::move(type)), field(std::move(field_name)),
        problem(std::move(problem_text)), path(std::move(path_text)) {}
  int layer;
  std::string layer_type;
  std::string field;
  std::string problem;
  std::string path;
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
