#pragma once
// Shared by the conv2d tests (test_conv2d, _winograd, _direct, _weight_cache):
// a compact way to write a convolution's shape, its tensors' sizes, a
// tolerance check against the reference, and running a check under every
// SIMD level this CPU has, every GEMM backend built in and several thread
// counts.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/cpu_features.h"
#include "tensor/gemm.h"
#include "tensor/parallel.h"
#include "tests/support/tensor_testing.h"

namespace dream::test {

// Sizes as (n, ci, h, w, co, kh, kw), then stride, dilation, pads (t, l, b, r).
inline Conv2dParams make(int64_t n, int64_t ci, int64_t h, int64_t w, int64_t co, int64_t kh, int64_t kw,
                         int64_t sh = 1, int64_t sw = 1, int64_t dh = 1, int64_t dw = 1, int64_t pt = 0, int64_t pl = 0,
                         int64_t pb = 0, int64_t pr = 0) {
  Conv2dParams p;
  p.n = n, p.c_in = ci, p.h_in = h, p.w_in = w, p.c_out = co, p.kh = kh, p.kw = kw;
  p.stride_h = sh, p.stride_w = sw, p.dil_h = dh, p.dil_w = dw;
  p.pad_top = pt, p.pad_left = pl, p.pad_bottom = pb, p.pad_right = pr;
  return p;
}

inline std::vector<dream::SimdLevel> supported_levels() {
  std::vector<dream::SimdLevel> levels;
  for (auto level :
       {dream::SimdLevel::Scalar, dream::SimdLevel::Neon, dream::SimdLevel::Avx2, dream::SimdLevel::Avx512})
    if (dream::cpu_supports(level)) levels.push_back(level);
  return levels;
}

inline std::vector<dream::GemmBackend> built_backends() {
#if defined(DREAM_HAVE_BLAS)
  return {dream::GemmBackend::Blocked, dream::GemmBackend::Blas};
#else
  return {dream::GemmBackend::Blocked};
#endif
}

class ScopedGemmBackend {
 public:
  explicit ScopedGemmBackend(dream::GemmBackend b) : saved_(dream::gemm_backend()) { dream::set_gemm_backend(b); }
  ~ScopedGemmBackend() { dream::set_gemm_backend(saved_); }
  ScopedGemmBackend(const ScopedGemmBackend&) = delete;
  ScopedGemmBackend& operator=(const ScopedGemmBackend&) = delete;

 private:
  dream::GemmBackend saved_;
};

class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : saved_(dream::max_threads()) { dream::set_max_threads(n); }
  ~ScopedThreads() { dream::set_max_threads(saved_); }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
};

// Thread counts to run with: 1 (bands one after another), 2 and 3 (threads
// take whole bands; 3 gives uneven splits). Without OpenMP only 1 exists.
inline std::vector<int> thread_counts() {
#if defined(DREAM_HAVE_OPENMP)
  return {1, 2, 3};
#else
  return {1};
#endif
}

// Runs body once per (SIMD level, GEMM backend, thread count) with an INFO naming it.
template <class Body>
void for_each_configuration(Body body) {
  for (auto level : supported_levels()) {
    dream::ScopedSimdLevel simd(level);
    for (auto backend : built_backends()) {
      ScopedGemmBackend gemm(backend);
      for (int threads : thread_counts()) {
        ScopedThreads scoped_threads(threads);
        INFO("simd " << dream::simd_level_name(level) << ", gemm " << dream::gemm_backend_name() << ", threads "
                     << dream::max_threads());
        body();
      }
    }
  }
}

// Element counts of a convolution's input, output and weights.
inline int64_t input_size(const Conv2dParams& p) { return p.n * p.c_in * p.h_in * p.w_in; }
inline int64_t output_size(const Conv2dParams& p) { return p.n * p.c_out * p.h_out() * p.w_out(); }
inline int64_t weight_size(const Conv2dParams& p) { return p.c_out * p.c_in * p.kh * p.kw; }

// A fast path's sums in another order than the reference's: float error
// grows with the magnitude of the terms, so the absolute tolerance is
// `relative_to_max` times the largest reference output (+1e-6), the relative
// one 1e-4.
inline void check_close_to_reference(const std::vector<float>& got, const std::vector<float>& expected,
                                     double relative_to_max) {
  double scale = 0.0;
  for (float v : expected) scale = std::max(scale, static_cast<double>(std::fabs(v)));
  CHECK_ALL_CLOSE(got.data(), expected.data(), static_cast<int64_t>(expected.size()), 1e-4,
                  relative_to_max * scale + 1e-6);
}

}  // namespace dream::test
