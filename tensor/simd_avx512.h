#pragma once
// AVX-512F vector primitives (16 floats). Include only from files compiled
// with AVX-512 enabled (*_avx512.cpp); kernels are templates over this
// struct and its siblings (simd_avx2.h, simd_neon.h, simd_scalar.h).
// GCC 12's AVX-512 intrinsics initialise their "undefined" operand from
// itself, which -Wmaybe-uninitialized reports at every use (GCC bug 105593,
// fixed in later releases); the warning is silenced for these headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

namespace dream {
namespace simd {

struct Avx512 {
  using V = __m512;
  static constexpr int width = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V broadcast(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }  // a * b + c
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  // b where a > 0 (ordered: NaN counts as not positive), else 0.
  static V select_positive(V a, V b) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_GT_OQ), b);
  }
  static float hsum(V v) { return _mm512_reduce_add_ps(v); }
};

}  // namespace simd
}  // namespace dream
