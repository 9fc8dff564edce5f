// Tensor: a contiguous, 64-byte aligned float32 array with a shape (N-C-H-W order for
// images). Copies are cheap handles sharing storage; clone() copies the data.
// Storage comes from the buffer pool, so steady-state training allocates nothing.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace wg {

using Shape = std::vector<int>;

std::string shape_str(const Shape& shape);  // "[64, 8, 28, 28]"
std::int64_t shape_numel(const Shape& shape);
// Checks every dimension is positive and the product fits; names `what` in the error.
void check_shape(const Shape& shape, const char* what);

class Tensor {
 public:
  Tensor() = default;  // undefined: no storage
  static Tensor empty(const Shape& shape);  // uninitialised contents
  static Tensor zeros(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor from(const Shape& shape, const std::vector<float>& values);
  static Tensor scalar(float value) { return full({1}, value); }

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int dim(int axis) const;  // negative axes count from the end
  std::int64_t size() const { return size_; }

  float* data() { return storage_.get(); }
  const float* data() const { return storage_.get(); }
  float& operator[](std::int64_t i) { return storage_.get()[i]; }
  float operator[](std::int64_t i) const { return storage_.get()[i]; }
  float item() const;  // the single value of a one-element tensor

  // Same storage, new shape; one dimension may be -1 (inferred).
  Tensor reshaped(Shape shape) const;
  Tensor clone() const;
  void fill(float value);
  void copy_from(const Tensor& other);  // same size required
  std::vector<float> to_vector() const;

 private:
  std::shared_ptr<float> storage_;
  Shape shape_;
  std::int64_t size_ = 0;
};

}  // namespace wg
