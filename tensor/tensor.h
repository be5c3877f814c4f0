#pragma once
// Tensor: float32, row-major, rank 0..4 (NCHW for images and activations),
// 64-byte-aligned storage shared between a tensor and its views (or borrowed
// memory, see borrow(), e.g. weights read in place from a mapped file).
//
// A view (channels(), reshape()) shares the storage of its parent: writing
// through one is seen by the other. Views are always contiguous, so every
// kernel can take data() as a dense array of numel() floats.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/error.h"

namespace dream {

using Shape = std::vector<int64_t>;

// "1x3x224x224"
std::string shape_string(const Shape& shape);
int64_t shape_numel(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;                  // empty: rank 0, no storage
  explicit Tensor(Shape shape);        // zero-filled
  Tensor(Shape shape, float fill);
  Tensor(Shape shape, const std::vector<float>& values);  // values.size() must equal numel
  // A tensor over memory it does not own (e.g. a memory-mapped weight file):
  // `data` holds numel(shape) floats and stays valid while `owner` lives; the
  // tensor and its views keep `owner` alive. Only 4-byte alignment is
  // guaranteed, and the bytes are not counted in tensor_memory_stats().
  static Tensor borrow(Shape shape, float* data, std::shared_ptr<const void> owner);
  // Storage whose contents are unspecified, for an output that a kernel
  // overwrites entirely (saves the zero-fill, a full extra pass over memory).
  // Sanitizer builds (DREAM_SANITIZE) fill it with NaN, so a kernel that
  // leaves an element unwritten shows up in the tests.
  static Tensor uninitialized(Shape shape);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const;  // negative i counts from the end; throws if out of range
  int64_t numel() const { return numel_; }
  bool empty() const { return data_ == nullptr; }

  // NCHW accessors for rank-4 tensors (throw on other ranks).
  int64_t n() const { return dim4(0); }
  int64_t c() const { return dim4(1); }
  int64_t h() const { return dim4(2); }
  int64_t w() const { return dim4(3); }

  float* data() { return data_; }
  const float* data() const { return data_; }
  float& operator[](int64_t i) { return data_[i]; }
  float operator[](int64_t i) const { return data_[i]; }
  float& at(int64_t n, int64_t c, int64_t h, int64_t w);
  float at(int64_t n, int64_t c, int64_t h, int64_t w) const;

  // View of channels [begin, end) of a rank-4 tensor with n()==1 (contiguous).
  Tensor channels(int64_t begin, int64_t end) const;
  // View with another shape of the same element count.
  Tensor reshape(Shape shape) const;
  // Deep copy with its own storage.
  Tensor clone() const;
  void fill(float value);
  void copy_from(const Tensor& src);  // same numel required
  // True if both refer to the same storage block (a view and its parent).
  bool shares_storage_with(const Tensor& other) const { return storage_ && storage_ == other.storage_; }

 private:
  int64_t dim4(int i) const;
  std::shared_ptr<float> storage_;  // owns the aligned block (or keeps a borrowed one's owner alive)
  float* data_ = nullptr;           // first element of this tensor (a view may be offset)
  Shape shape_;
  int64_t numel_ = 0;
};

// Throws dream::Error("<what>: shape 1x3x4x4 does not match 1x3x5x5") unless equal.
void check_same_shape(const Tensor& a, const Tensor& b, const std::string& what);
void check_shape(const Tensor& t, const Shape& expected, const std::string& what);

// Bytes of tensor storage currently allocated and the peak since the last
// reset, process-wide. Tests use these to prove that no weight gradient is
// allocated and that repeated forward+backward does not grow memory.
struct TensorMemoryStats {
  int64_t live_bytes;
  int64_t peak_bytes;
  int64_t allocations;  // count of storage blocks ever allocated
};
TensorMemoryStats tensor_memory_stats();
void reset_tensor_peak_memory();  // peak := live

}  // namespace dream
