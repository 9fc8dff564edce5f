#include "js_interop.h"

// Defined in js_interop.lib.js (linked with --js-library), not with EM_JS: emcc 3.1.6 reads an
// EM_JS body back from the data segments, and in the relaxed-SIMD builds' metadata reader
// (EMCC_READ_METADATA=python, scripts/build.sh) that fails for the passive segments of a
// shared-memory (pthreads) module.
extern "C" {
void wg_throw_js_error(const char* message);
void wg_throw_js_spec_error(const char* message, int layer, const char* layer_type, const char* field,
                            const char* problem, const char* path);
}

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
