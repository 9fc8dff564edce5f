// Shared by the facade files: the one place where C++ exceptions become JS Errors, and
// the conversions between JS values (arrays, typed arrays) and engine types.
#pragma once
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace wg::api {

using emscripten::val;

// Throws a JS Error carrying message (js_interop.cpp). Call it outside any C++ catch
// block, so no C++ exception object is left pending when the JS exception unwinds.
// With a spec error (layer >= -1 and a field or layer), the Error also carries
// {layer, layerType, field, problem, path} (wg::SpecError), so a page can place the message
// (path: "" for a top-level layer, "layers › 1 (conv2d)" inside a block).
[[noreturn]] void throw_js_error(const char* message, const SpecError* where = nullptr);

// Runs body(); if it throws, rethrows the message as a JS Error. The message lives in a
// static string because the JS exception skips the destructors of this frame.
template <class Body>
auto guarded(Body&& body) -> decltype(body()) {
  static std::string message;  // the module is only ever called from one JS thread
  static SpecError where("", 0, "", "", "");
  bool located = false;
  try {
    return body();
  } catch (const SpecError& e) {
    message = e.what();
    where = e;
    located = true;
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "wasmgrad: unknown C++ exception";
  }
  throw_js_error(message.c_str(), located ? &where : nullptr);
}

// The most samples one call takes (a training batch, or inputs to classify): the engine's batch-size
// limit (TrainConfig), so that a count beyond it is refused before anything is copied.
inline constexpr int kMaxSamplesPerCall = 65536;

// What a JS value is, for an error message that names what was given instead: "null",
// "undefined", "string", "number", ..., or for an object its constructor's name
// ("Float64Array", "Object"), else "object".
inline std::string js_kind(const val& v) {
  if (v.isNull()) return "null";
  if (v.isUndefined()) return "undefined";
  const std::string type = v.typeOf().as<std::string>();
  if (type != "object") return type;
  const val constructor = v["constructor"];
  if (constructor.typeOf().as<std::string>() != "function") return type;
  const val name = constructor["name"];
  if (name.typeOf().as<std::string>() != "string") return type;
  const std::string text = name.as<std::string>();
  return text.empty() ? type : text;
}

// A JS array of positive integers -> Shape; `what` names the argument in errors.
inline Shape shape_from_js(const val& shape, const char* what) {
  WG_CHECK(shape.isArray(), what, ": shape must be an array of integers, got ", js_kind(shape));
  const int rank = shape["length"].as<int>();
  Shape result(rank);
  for (int i = 0; i < rank; ++i) {
    const val d = shape[i];
    const double value = d.typeOf().as<std::string>() == "number" ? d.as<double>() : NAN;
    WG_CHECK(std::isfinite(value) && value == std::floor(value) && std::abs(value) < 2147483648.0, what, ": shape[",
             i, "] must be an integer, got ",
             d.typeOf().as<std::string>() == "number" ? std::to_string(value) : d.typeOf().as<std::string>());
    result[i] = static_cast<int>(value);
  }
  check_shape(result, what);
  return result;
}

inline val shape_to_js(const Shape& shape) {
  val result = val::array();
  for (int d : shape) result.call<void>("push", d);
  return result;
}

// A Float32Array over engine memory (no copy): valid while the tensor lives.
inline val float32_view(const Tensor& t) {
  return val(emscripten::typed_memory_view(static_cast<std::size_t>(t.size()), t.data()));
}
// A new Float32Array holding a copy.
inline val float32_copy(const Tensor& t) { return float32_view(t).call<val>("slice"); }

inline val int32_copy(const std::vector<int>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

// Bytes of a Uint8Array (copied into engine memory); `what` names the argument.
inline std::vector<std::uint8_t> bytes_from_js(const val& bytes, const char* what) {
  WG_CHECK(bytes.instanceof(val::global("Uint8Array")), what, ": expected a Uint8Array, got ",
           js_kind(bytes));
  const std::size_t n = bytes["length"].as<std::size_t>();
  std::vector<std::uint8_t> out(n);
  if (n) val(emscripten::typed_memory_view(n, out.data())).call<void>("set", bytes);
  return out;
}

inline val bytes_to_js(const std::vector<std::uint8_t>& bytes) {
  return val(emscripten::typed_memory_view(bytes.size(), bytes.data())).call<val>("slice");
}

// The numbers of a JS array or typed array, copied into engine memory by one typed-array set().
// (Reading them one by one costs a JS round trip each: for a batch's labels, more than a
// small model's whole training step spends outside its kernels.)
inline std::vector<double> numbers_from_js(const val& values, const char* what) {
  WG_CHECK(values.isArray() || (val::global("ArrayBuffer").call<bool>("isView", values) &&
                                !values.instanceof(val::global("DataView"))),
           what, ": expected an array or a typed array of numbers, got ", js_kind(values));
  const std::size_t n = values["length"].as<std::size_t>();
  std::vector<double> out(n);
  if (n) val(emscripten::typed_memory_view(n, out.data())).call<void>("set", values);
  return out;
}

// The numbers of a JS array or typed array as floats; every one must be finite.
inline std::vector<float> floats_from_js(const val& values, const char* what) {
  const std::vector<double> numbers = numbers_from_js(values, what);
  const int n = static_cast<int>(numbers.size());
  std::vector<float> out(n);
  for (int i = 0; i < n; ++i) {
    const double x = numbers[i];
    WG_CHECK(std::isfinite(x), what, ": value ", i, " is not a finite number");
    out[i] = static_cast<float>(x);
  }
  return out;
}

// Float32Array or number array of exactly `expected` values, copied into a new tensor.
inline Tensor tensor_from_js(const val& data, const Shape& shape, const char* what) {
  WG_CHECK(data.instanceof(val::global("Float32Array")) || data.isArray(), what,
           ": expected a Float32Array or an array of numbers, got ", js_kind(data));
  const std::int64_t length = data["length"].as<double>();
  WG_CHECK(length == shape_numel(shape), what, ": ", length, " values do not fill shape ", shape_str(shape), " (",
           shape_numel(shape), " values)");
  Tensor t = Tensor::empty(shape);
  float32_view(t).call<void>("set", data);
  return t;
}

// Input samples for `model`: a Float32Array (or number array) of `count` samples of its input
// shape, or with count < 0 of any whole number of them; copied into a new [N, ...] tensor.
inline Tensor samples_from_js(const Shape& sample_shape, const val& data, int count, const char* what) {
  WG_CHECK(data.instanceof(val::global("Float32Array")) || data.isArray(), what,
           ": expected a Float32Array of input samples, got ", js_kind(data));
  const std::int64_t per_sample = shape_numel(sample_shape);
  const std::int64_t length = data["length"].as<double>();
  if (count < 0) {
    WG_CHECK(length > 0 && length % per_sample == 0, what, ": ", length,
             " values are not a whole number of samples of shape ", shape_str(sample_shape));
    count = static_cast<int>(length / per_sample);
  }
  WG_CHECK(count >= 1 && count <= kMaxSamplesPerCall, what, ": count must be in [1, ", kMaxSamplesPerCall, "], got ", count);
  Shape shape = sample_shape;
  shape.insert(shape.begin(), count);
  return tensor_from_js(data, shape, what);
}

}  // namespace wg::api
