#pragma once
// A growable, 64-byte-aligned float scratch buffer, meant to live in a
// thread_local per thread and role (thread_scratch below): kernels (GEMM
// packing, im2col columns, Winograd and direct-convolution bands) reuse it
// across calls, so the dreaming loop, which runs the same layers every step,
// does not allocate and page-fault megabytes per call.
// It only grows; memory is zeroed when it grows (never on reuse), and the old
// contents are not kept.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace dream {

class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ~ScratchBuffer() { std::free(data_); }

  // At least `floats` floats.
  float* get(int64_t floats) {
    const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
    if (bytes > bytes_) {
      std::free(data_);  // before allocating: never both blocks at once
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (!data_) {
        bytes_ = 0;
        throw std::bad_alloc();
      }
      std::memset(data_, 0, bytes);
      bytes_ = bytes;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  size_t bytes_ = 0;
};

// The calling thread's ScratchBuffer for one role, at least `floats` floats.
// Each Role type (an empty struct declared where it is used) has its own
// buffer:  struct ColumnRole;  float* col = thread_scratch<ColumnRole>(n);
template <class Role>
float* thread_scratch(int64_t floats) {
  thread_local ScratchBuffer buffer;
  return buffer.get(floats);
}

}  // namespace dream
