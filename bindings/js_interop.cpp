#include "js_interop.h"

namespace {
EM_JS(void, wg_throw_js_error, (const char* message), { throw new Error(UTF8ToString(message)); });
EM_JS(void, wg_throw_js_spec_error,
      (const char* message, int layer, const char* layer_type, const char* field, const char* problem,
       const char* path), {
        const error = new Error(UTF8ToString(message));
        error.layer = layer;
        error.layerType = UTF8ToString(layer_type);
        error.field = UTF8ToString(field);
        error.problem = UTF8ToString(problem);
        error.path = UTF8ToString(path);
        throw error;
      });
}  // namespace

namespace wg::api {

void throw_js_error(const char* message, const SpecError* where) {
  if (where) {
    wg_throw_js_spec_error(message, where->layer, where->layer_type.c_str(), where->field.c_str(),
                           where->problem.c_str(), where->path.c_str());
  } else {
    wg_throw_js_error(message);
  }
  __builtin_unreachable();
}

}  // namespace wg::api
