// The LRN strip kernels (lrn_kernels.h) built for AVX512 (this file is compiled
// with that instruction set; only called when cpu_features says the CPU has it).
#include "tensor/lrn_kernels.h"

#if defined(__x86_64__)
#include <cmath>

#include "tensor/simd_avx512.h"  // immintrin.h without GCC 12's false maybe-uninitialized warnings
#endif

namespace dream {
namespace lrn_detail {

#if defined(__x86_64__)

namespace {

struct Avx512Pow {
  // f = s^-beta, inv = 1/s (if not null). beta = 0.75 (AlexNet/GoogLeNet)
  // without pow(), sqrt or div: t = s^-1/2 and u = t^-1/2 = s^1/4 from the
  // reciprocal square root estimate plus one Newton step each (relative
  // error ~1e-7, a few ulp), then s^-3/4 = t^2 u and 1/s = t^2.
  static void neg_beta(int64_t len, float beta, const float* s, float* f, float* inv) {
    int64_t i = 0;
    if (beta == 0.75f) {
      const __m512 half = _mm512_set1_ps(0.5f), three_halves = _mm512_set1_ps(1.5f);
      for (; i + 16 <= len; i += 16) {
        const __m512 x = _mm512_loadu_ps(s + i);
        __m512 t = _mm512_rsqrt14_ps(x);
        t = _mm512_mul_ps(t, _mm512_fnmadd_ps(_mm512_mul_ps(half, x), _mm512_mul_ps(t, t), three_halves));
        __m512 u = _mm512_rsqrt14_ps(t);
        u = _mm512_mul_ps(u, _mm512_fnmadd_ps(_mm512_mul_ps(half, t), _mm512_mul_ps(u, u), three_halves));
        const __m512 t2 = _mm512_mul_ps(t, t);
        _mm512_storeu_ps(f + i, _mm512_mul_ps(t2, u));
        if (inv) _mm512_storeu_ps(inv + i, t2);
      }
    }
    neg_beta_scalar<Avx512Pow>(i, len, beta, s, f, inv);
  }
};

}  // namespace

const LrnKernels& lrn_kernels_avx512() { return lrn_kernels_table<Avx512Pow>(); }

#else

const LrnKernels& lrn_kernels_avx512() { return lrn_kernels_baseline(); }

#endif

}  // namespace lrn_detail
}  // namespace dream
