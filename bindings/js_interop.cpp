#include "js_interop.h"

namespace {
EM_JS(void, wg_throw_js_error, (const char* message), { throw new Error(UTF8ToString(message)); });
}  // namespace

namespace wg::api {

void throw_js_error(const char* message) {
  wg_throw_js_error(message);
  __builtin_unreachable();
}

}  // namespace wg::api
