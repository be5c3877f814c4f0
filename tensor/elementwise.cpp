// Dispatch of the elementwise kernels: the table for the active SIMD level
// (elementwise_kernels.h), and threads for long arrays.
#include "tensor/elementwise.h"

#include <cstddef>
#include <vector>

#include "tensor/elementwise_kernels.h"
#include "tensor/parallel.h"
#include "tensor/simd_scalar.h"

namespace dream {
namespace elementwise_detail {

const ElementwiseKernels& elementwise_kernels_scalar() { return elementwise_kernels_table<simd::Scalar>(); }

}  // namespace elementwise_detail

namespace {

using elementwise_detail::ElementwiseKernels;

const ElementwiseKernels& kernels() {
  switch (active_simd_level()) {
    case SimdLevel::Avx512:
      return elementwise_detail::elementwise_kernels_avx512();
    case SimdLevel::Avx2:
      return elementwise_detail::elementwise_kernels_avx2();
    case SimdLevel::Neon:
      return elementwise_detail::elementwise_kernels_neon();
    case SimdLevel::Scalar:
      break;
  }
  return elementwise_detail::elementwise_kernels_scalar();
}

// Arrays are cut into blocks of this many floats (256 KiB); below two
// blocks a thread team costs more than the memory traffic it overlaps.
constexpr int64_t kBlock = 1 << 16;

// Calls range(begin, count) over [0, n) in blocks, in parallel when long.
template <class Range>
void blocked_for(int64_t n, Range range) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks < 2) {
    if (n > 0) range(0, n);
    return;
  }
  parallel_for(blocks, [&](int64_t b, int64_t e) {
    const int64_t begin = b * kBlock;
    const int64_t end = e * kBlock < n ? e * kBlock : n;
    range(begin, end - begin);
  });
}

// Per-block partial sums added in block order, so the result does not
// depend on the thread count.
double blocked_reduce(int64_t n, const float* x, double (*reduce)(int64_t, const float*)) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks < 2) return n > 0 ? reduce(n, x) : 0.0;
  std::vector<double> partial(static_cast<std::size_t>(blocks), 0.0);
  parallel_for(blocks, [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t begin = blk * kBlock;
      const int64_t count = begin + kBlock < n ? kBlock : n - begin;
      partial[static_cast<std::size_t>(blk)] = reduce(count, x + begin);
    }
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

}  // namespace

void relu_forward(int64_t n, const float* in, float* out) {
  auto k = kernels().relu_forward;
  blocked_for(n, [&](int64_t b, int64_t c) { k(c, in + b, out + b); });
}

void relu_backward(int64_t n, const float* x, const float* grad_out, float* grad_in) {
  auto k = kernels().relu_backward;
  blocked_for(n, [&](int64_t b, int64_t c) { k(c, x + b, grad_out + b, grad_in + b); });
}

void add(int64_t n, const float* a, const float* b, float* out) {
  auto k = kernels().add;
  blocked_for(n, [&](int64_t s, int64_t c) { k(c, a + s, b + s, out + s); });
}

void scale(int64_t n, float s, const float* in, float* out) {
  auto k = kernels().scale;
  blocked_for(n, [&](int64_t b, int64_t c) { k(c, s, in + b, out + b); });
}

void axpy(int64_t n, float a, const float* x, float* y) {
  auto k = kernels().axpy;
  blocked_for(n, [&](int64_t b, int64_t c) { k(c, a, x + b, y + b); });
}

double sum(int64_t n, const float* x) { return blocked_reduce(n, x, kernels().sum); }
double sum_abs(int64_t n, const float* x) { return blocked_reduce(n, x, kernels().sum_abs); }
double sum_squares(int64_t n, const float* x) { return blocked_reduce(n, x, kernels().sum_squares); }

}  // namespace dream
