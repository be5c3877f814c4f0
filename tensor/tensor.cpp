#include "tensor/tensor.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace dream {

namespace {

constexpr size_t kAlignment = 64;  // one cache line; the widest SIMD load (AVX-512)

std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};
std::atomic<int64_t> g_allocations{0};

void note_allocation(int64_t bytes) {
  int64_t live = g_live_bytes.fetch_add(bytes) + bytes;
  int64_t peak = g_peak_bytes.load();
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  g_allocations.fetch_add(1);
}

std::shared_ptr<float> allocate_floats(int64_t count) {
  size_t bytes = static_cast<size_t>(count) * sizeof(float);
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (!p) throw Error("out of memory allocating a tensor of " + std::to_string(bytes) + " bytes");
  note_allocation(static_cast<int64_t>(rounded));
  return std::shared_ptr<float>(static_cast<float*>(p), [rounded](float* q) {
    g_live_bytes.fetch_sub(static_cast<int64_t>(rounded));
    std::free(q);
  });
}

}  // namespace

std::string shape_string(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += "x";
    s += std::to_string(shape[i]);
  }
  return s;
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + shape_string(shape));
    n *= d;
  }
  return n;
}

Tensor::Tensor(Shape shape) : Tensor(std::move(shape), 0.0f) {}

Tensor::Tensor(Shape shape, float fill) : Tensor(uninitialized(std::move(shape))) { this->fill(fill); }

Tensor Tensor::uninitialized(Shape shape) {
  if (shape.size() > 4) throw Error("tensor rank " + std::to_string(shape.size()) + " > 4: " + shape_string(shape));
  Tensor t;
  t.numel_ = shape_numel(shape);
  t.shape_ = std::move(shape);
  t.storage_ = allocate_floats(t.numel_);
  t.data_ = t.storage_.get();
#if defined(DREAM_POISON_UNINITIALIZED)
  t.fill(std::numeric_limits<float>::quiet_NaN());
#endif
  return t;
}

Tensor::Tensor(Shape shape, const std::vector<float>& values) : Tensor(std::move(shape)) {
  if (static_cast<int64_t>(values.size()) != numel_)
    throw Error("tensor of shape " + shape_string(shape_) + " needs " + std::to_string(numel_) + " values, got " +
                std::to_string(values.size()));
  if (numel_) std::memcpy(data_, values.data(), values.size() * sizeof(float));
}

Tensor Tensor::borrow(Shape shape, float* data, std::shared_ptr<const void> owner) {
  if (shape.size() > 4) throw Error("tensor rank " + std::to_string(shape.size()) + " > 4: " + shape_string(shape));
  Tensor t;
  t.numel_ = shape_numel(shape);
  if (t.numel_ && !data) throw Error("Tensor::borrow: null data for shape " + shape_string(shape));
  t.shape_ = std::move(shape);
  // The aliasing constructor: shares owner's reference count, points at data.
  t.storage_ = std::shared_ptr<float>(std::const_pointer_cast<void>(std::move(owner)), data);
  t.data_ = data;
  return t;
}

int64_t Tensor::dim(int i) const {
  int r = rank();
  int j = i < 0 ? i + r : i;
  if (j < 0 || j >= r)
    throw Error("dimension " + std::to_string(i) + " out of range for shape " + shape_string(shape_));
  return shape_[j];
}

int64_t Tensor::dim4(int i) const {
  if (rank() != 4) throw Error("expected an NCHW (rank-4) tensor, got shape " + shape_string(shape_));
  return shape_[i];
}

float& Tensor::at(int64_t n, int64_t c, int64_t h, int64_t w) {
  return data_[((n * shape_[1] + c) * shape_[2] + h) * shape_[3] + w];
}

float Tensor::at(int64_t n, int64_t c, int64_t h, int64_t w) const {
  return data_[((n * shape_[1] + c) * shape_[2] + h) * shape_[3] + w];
}

Tensor Tensor::channels(int64_t begin, int64_t end) const {
  if (rank() != 4 || shape_[0] != 1)
    throw Error("channels(): needs a 1xCxHxW tensor, got " + shape_string(shape_));
  if (begin < 0 || end > shape_[1] || begin > end)
    throw Error("channels(" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for " +
                shape_string(shape_));
  Tensor v;
  v.storage_ = storage_;
  v.shape_ = {1, end - begin, shape_[2], shape_[3]};
  v.numel_ = shape_numel(v.shape_);
  v.data_ = data_ + begin * shape_[2] * shape_[3];
  return v;
}

Tensor Tensor::reshape(Shape shape) const {
  if (shape_numel(shape) != numel_)
    throw Error("cannot reshape " + shape_string(shape_) + " to " + shape_string(shape));
  Tensor v = *this;
  v.shape_ = std::move(shape);
  return v;
}

Tensor Tensor::clone() const {
  if (empty()) return Tensor();
  Tensor t(shape_);
  std::memcpy(t.data_, data_, static_cast<size_t>(numel_) * sizeof(float));
  return t;
}

void Tensor::fill(float value) {
  for (int64_t i = 0; i < numel_; ++i) data_[i] = value;
}

void Tensor::copy_from(const Tensor& src) {
  if (src.numel_ != numel_)
    throw Error("copy_from: shape " + shape_string(src.shape_) + " does not fit " + shape_string(shape_));
  if (numel_) std::memmove(data_, src.data_, static_cast<size_t>(numel_) * sizeof(float));
}

void check_same_shape(const Tensor& a, const Tensor& b, const std::string& what) {
  if (a.shape() != b.shape())
    throw Error(what + ": shape " + shape_string(a.shape()) + " does not match " + shape_string(b.shape()));
}

void check_shape(const Tensor& t, const Shape& expected, const std::string& what) {
  if (t.shape() != expected)
    throw Error(what + ": expected shape " + shape_string(expected) + ", got " + shape_string(t.shape()));
}

TensorMemoryStats tensor_memory_stats() {
  return {g_live_bytes.load(), g_peak_bytes.load(), g_allocations.load()};
}

void reset_tensor_peak_memory() { g_peak_bytes.store(g_live_bytes.load()); }

}  // namespace dream
