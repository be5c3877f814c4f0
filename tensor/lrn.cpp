// Optimised LRN across channels: the image is cut into strips of about
// kStripTarget pixels (threads take strips) and lrn_kernels.h walks the
// channels of a strip once. A strip row is 4 KiB of one channel plane, long
// enough for the hardware prefetchers, and the rows a channel window touches
// stay in L1/L2. The strip kernels are built per instruction set
// (lrn_avx2.cpp, lrn_avx512.cpp); this file holds the baseline build and
// picks one for the active SIMD level.
#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tensor/cpu_features.h"
#include "tensor/lrn.h"
#include "tensor/lrn_kernels.h"
#include "tensor/parallel.h"

namespace dream {

namespace lrn_detail {

namespace {

struct BaselinePow {
  // f = s^-beta, inv = 1/s (if not null). beta = 0.75 (AlexNet/GoogLeNet)
  // without pow(), sqrt or div: t = s^-1/2 and u = t^-1/2 = s^1/4 from the
  // reciprocal square root estimate plus one Newton step each (SSE: 12-bit estimate,
  // relative error ~1e-6 after the step), then s^-3/4 = t^2 u and 1/s = t^2.
  static void neg_beta(int64_t len, float beta, const float* s, float* f, float* inv) {
    int64_t i = 0;
#if defined(__SSE2__)
    if (beta == 0.75f) {
      const __m128 half = _mm_set1_ps(0.5f), three_halves = _mm_set1_ps(1.5f);
      for (; i + 4 <= len; i += 4) {
        const __m128 x = _mm_loadu_ps(s + i);
        __m128 t = _mm_rsqrt_ps(x);
        t = _mm_mul_ps(t, _mm_sub_ps(three_halves, _mm_mul_ps(_mm_mul_ps(half, x), _mm_mul_ps(t, t))));
        __m128 u = _mm_rsqrt_ps(t);
        u = _mm_mul_ps(u, _mm_sub_ps(three_halves, _mm_mul_ps(_mm_mul_ps(half, t), _mm_mul_ps(u, u))));
        const __m128 t2 = _mm_mul_ps(t, t);
        _mm_storeu_ps(f + i, _mm_mul_ps(t2, u));
        if (inv) _mm_storeu_ps(inv + i, t2);
      }
    }
#endif
    neg_beta_scalar<BaselinePow>(i, len, beta, s, f, inv);
  }
};

}  // namespace

const LrnKernels& lrn_kernels_baseline() { return lrn_kernels_table<BaselinePow>(); }

}  // namespace lrn_detail

namespace {

using lrn_detail::LrnKernels;

const LrnKernels& kernels() {
  switch (active_simd_level()) {
    case SimdLevel::Avx512:
      return lrn_detail::lrn_kernels_avx512();
    case SimdLevel::Avx2:
      return lrn_detail::lrn_kernels_avx2();
    case SimdLevel::Neon:
    case SimdLevel::Scalar:
      break;
  }
  return lrn_detail::lrn_kernels_baseline();
}

constexpr int64_t kStripTarget = 1024;  // pixels

// Calls body(offset, len, work) for every strip of every image, threaded;
// offset is the strip's first element (image b, channel 0, pixel i0).
template <class Body>
void for_each_strip(const LrnParams& p, int64_t work_per_pixel, Body body) {
  const int64_t hw = p.h * p.w;
  const int64_t strips = (hw + kStripTarget - 1) / kStripTarget;
  // Equal strips, whole 64-byte lines where possible.
  const int64_t len = std::min(hw, ((hw + strips - 1) / strips + 15) / 16 * 16);
  const int64_t count = (hw + len - 1) / len;
  parallel_for(p.n * count, p.c * len * 8, [&](int64_t begin, int64_t end) {
    std::vector<float> work(static_cast<size_t>(work_per_pixel * len));
    for (int64_t t = begin; t < end; ++t) {
      const int64_t b = t / count, i0 = (t % count) * len;
      body(b * p.c * hw + i0, std::min(len, hw - i0), work.data());
    }
  });
}

}  // namespace

void lrn_forward(const LrnParams& p, const float* in, float* out, float* scale) {
  p.validate();
  const int64_t hw = p.h * p.w;
  const LrnKernels& k = kernels();
  for_each_strip(p, 2, [&](int64_t offset, int64_t len, float* work) {
    k.forward_strip(p, hw, len, in + offset, out + offset, scale ? scale + offset : nullptr, work);
  });
}

void lrn_backward(const LrnParams& p, const float* in, const float* /*out*/, const float* scale, const float* grad_out,
                  float* grad_in) {
  p.validate();
  const int64_t hw = p.h * p.w;
  const LrnKernels& k = kernels();
  for_each_strip(p, 2 * p.size + 1, [&](int64_t offset, int64_t len, float* work) {
    k.backward_strip(p, hw, len, in + offset, scale ? scale + offset : nullptr, grad_out + offset, grad_in + offset,
                     work);
  });
}

}  // namespace dream
