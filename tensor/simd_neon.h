#pragma once
// NEON (AArch64 Advanced SIMD) vector primitives (4 floats). AArch64 only.
#if defined(__aarch64__)
#include <arm_neon.h>

namespace dream {
namespace simd {

struct Neon {
  using V = float32x4_t;
  static constexpr int width = 4;
  static V zero() { return vdupq_n_f32(0.0f); }
  static V broadcast(float x) { return vdupq_n_f32(x); }
  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V fma(V a, V b, V c) { return vfmaq_f32(c, a, b); }  // a * b + c
  // a > b ? a : b, as simd_scalar.h and x86's maxps (b when either is NaN,
  // b for -0 vs +0). vmaxq_f32 would return NaN for a NaN operand, so ReLU
  // would let NaN through where the reference gives 0.
  static V max(V a, V b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
  static V abs(V a) { return vabsq_f32(a); }
  // b where a > 0 (NaN compares false), else 0.
  static V select_positive(V a, V b) {
    return vreinterpretq_f32_u32(vandq_u32(vcgtq_f32(a, vdupq_n_f32(0.0f)), vreinterpretq_u32_f32(b)));
  }
  static float hsum(V v) { return vaddvq_f32(v); }
};

}  // namespace simd
}  // namespace dream
#endif
