// The LRN strip kernels (lrn_kernels.h) built for AVX2 (this file is compiled
// with that instruction set; only called when cpu_features says the CPU has it).
#include "tensor/lrn_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cmath>
#endif

namespace dream {
namespace lrn_detail {

#if defined(__x86_64__)

namespace {

struct Avx2Pow {
  // f = s^-beta, inv = 1/s (if not null). beta = 0.75 (AlexNet/GoogLeNet)
  // without pow(), sqrt or div: t = s^-1/2 and u = t^-1/2 = s^1/4 from the
  // reciprocal square root estimate plus one Newton step each (relative
  // error ~1e-7, a few ulp), then s^-3/4 = t^2 u and 1/s = t^2.
  static void neg_beta(int64_t len, float beta, const float* s, float* f, float* inv) {
    int64_t i = 0;
    if (beta == 0.75f) {
      const __m256 half = _mm256_set1_ps(0.5f), three_halves = _mm256_set1_ps(1.5f);
      for (; i + 8 <= len; i += 8) {
        const __m256 x = _mm256_loadu_ps(s + i);
        __m256 t = _mm256_rsqrt_ps(x);
        t = _mm256_mul_ps(t, _mm256_fnmadd_ps(_mm256_mul_ps(half, x), _mm256_mul_ps(t, t), three_halves));
        __m256 u = _mm256_rsqrt_ps(t);
        u = _mm256_mul_ps(u, _mm256_fnmadd_ps(_mm256_mul_ps(half, t), _mm256_mul_ps(u, u), three_halves));
        const __m256 t2 = _mm256_mul_ps(t, t);
        _mm256_storeu_ps(f + i, _mm256_mul_ps(t2, u));
        if (inv) _mm256_storeu_ps(inv + i, t2);
      }
    }
    neg_beta_scalar<Avx2Pow>(i, len, beta, s, f, inv);
  }
};

}  // namespace

const LrnKernels& lrn_kernels_avx2() { return lrn_kernels_table<Avx2Pow>(); }

#else

const LrnKernels& lrn_kernels_avx2() { return lrn_kernels_baseline(); }

#endif

}  // namespace lrn_detail
}  // namespace dream
