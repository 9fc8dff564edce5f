// JS functions the bindings call to throw a JS Error from C++ (bindings/js_interop.cpp): an Emscripten
// JS library, linked into the modules with --js-library (CMakeLists.txt).
mergeInto(LibraryManager.library, {
  wg_throw_js_error: function (message) {
    throw new Error(UTF8ToString(message));
  },
  wg_throw_js_spec_error: function (message, layer, layerType, field, problem, path) {
    const error = new Error(UTF8ToString(message));
    error.layer = layer;
    error.layerType = UTF8ToString(layerType);
    error.field = UTF8ToString(field);
    error.problem = UTF8ToString(problem);
    error.path = UTF8ToString(path);
    throw error;
  },
});
