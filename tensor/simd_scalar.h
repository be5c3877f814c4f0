#pragma once
// One-float "vector" primitives: the portable fallback the same kernel
// templates compile against when no SIMD level is available or forced.
namespace dream {
namespace simd {

struct Scalar {
  using V = float;
  static constexpr int width = 1;
  static V zero() { return 0.0f; }
  static V broadcast(float x) { return x; }
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V add(V a, V b) { return a + b; }
  static V mul(V a, V b) { return a * b; }
  static V fma(V a, V b, V c) { return a * b + c; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V abs(V a) { return a < 0.0f ? -a : a; }
  static V select_positive(V a, V b) { return a > 0.0f ? b : 0.0f; }
  static float hsum(V v) { return v; }
};

}  // namespace simd
}  // namespace dream
