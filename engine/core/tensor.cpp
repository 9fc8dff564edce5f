#include "core/tensor.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/buffer_pool.h"
#include "core/error.h"
#include "core/parallel.h"

namespace wg {

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::int64_t shape_numel(const Shape& shape) {
  std::int64_t n = 1;
  for (int d : shape) n *= d;
  return n;
}

void check_shape(const Shape& shape, const char* what) {
  std::int64_t n = 1;
  for (int d : shape) {
    WG_CHECK(d > 0, what, ": every dimension must be positive, got shape ", shape_str(shape));
    WG_CHECK(n <= std::numeric_limits<std::int32_t>::max() / d, what, ": shape ", shape_str(shape),
             " has more than 2^31 elements");
    n *= d;
  }
}

Tensor Tensor::empty(const Shape& shape) {
  check_shape(shape, "tensor");
  Tensor t;
  t.shape_ = shape;
  t.size_ = shape_numel(shape);
  const std::size_t n = static_cast<std::size_t>(t.size_);
  t.storage_ = std::shared_ptr<float>(acquire_buffer(n), [n](float* p) { release_buffer(p, n); });
  return t;
}

Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  t.fill(value);
  return t;
}

Tensor Tensor::from(const Shape& shape, const std::vector<float>& values) {
  Tensor t = empty(shape);
  WG_CHECK(static_cast<std::int64_t>(values.size()) == t.size_, "tensor: shape ", shape_str(shape), " needs ",
           t.size_, " values, got ", values.size());
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

int Tensor::dim(int axis) const {
  const int r = rank();
  const int a = axis < 0 ? axis + r : axis;
  WG_CHECK(a >= 0 && a < r, "tensor: axis ", axis, " out of range for shape ", shape_str(shape_));
  return shape_[a];
}

float Tensor::item() const {
  WG_CHECK(size_ == 1, "tensor: item() needs exactly one element, shape is ", shape_str(shape_));
  return data()[0];
}

Tensor Tensor::reshaped(Shape shape) const {
  WG_CHECK(defined(), "reshape: tensor is undefined");
  int inferred = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      WG_CHECK(inferred < 0, "reshape: more than one -1 in ", shape_str(shape));
      inferred = static_cast<int>(i);
    } else {
      WG_CHECK(shape[i] > 0, "reshape: invalid dimension in ", shape_str(shape));
      known *= shape[i];
    }
  }
  if (inferred >= 0) {
    WG_CHECK(known > 0 && size_ % known == 0, "reshape: cannot infer -1 to reshape ", shape_str(shape_), " into ",
             shape_str(shape));
    shape[inferred] = static_cast<int>(size_ / known);
    known *= shape[inferred];
  }
  WG_CHECK(known == size_, "reshape: cannot view ", shape_str(shape_), " (", size_, " values) as ", shape_str(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  if (!defined()) return Tensor();
  Tensor t = empty(shape_);
  std::memcpy(t.data(), data(), sizeof(float) * size_);
  return t;
}

// Large fills (a batch's activation gradients are megabytes) are split over the threads:
// in a threaded step a serial fill leaves the other threads idle long enough to fall asleep.
void Tensor::fill(float value) {
  float* values = data();
  parallel_for(0, size_, std::int64_t(1) << 16,
               [&](std::int64_t lo, std::int64_t hi) { std::fill(values + lo, values + hi, value); });
}

void Tensor::copy_from(const Tensor& other) {
  WG_CHECK(other.size_ == size_, "copy: sizes differ, ", shape_str(other.shape_), " into ", shape_str(shape_));
  std::memcpy(data(), other.data(), sizeof(float) * size_);
}

std::vector<float> Tensor::to_vector() const {
  if (!defined()) return {};
  return std::vector<float>(data(), data() + size_);
}

}  // namespace wg
