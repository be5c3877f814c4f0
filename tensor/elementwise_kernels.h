#pragma once
// Internal to tensor/: the elementwise kernels written once as templates over
// a SIMD primitive struct (simd_*.h), each with a scalar tail that matches
// the *_ref definition exactly. elementwise_<isa>.cpp instantiate them with
// that ISA's flags; elementwise.cpp picks a table by SIMD level and splits
// long arrays across threads.
#include <cstdint>

#include "tensor/cpu_features.h"

namespace dream {
namespace elementwise_detail {

// One SIMD level's kernels; each works on one contiguous range.
struct ElementwiseKernels {
  void (*relu_forward)(int64_t n, const float* in, float* out);
  void (*relu_backward)(int64_t n, const float* x, const float* grad_out, float* grad_in);
  void (*add)(int64_t n, const float* a, const float* b, float* out);
  void (*scale)(int64_t n, float s, const float* in, float* out);
  void (*axpy)(int64_t n, float a, const float* x, float* y);
  // Reductions: float lanes over short runs, folded into a double total.
  double (*sum)(int64_t n, const float* x);
  double (*sum_abs)(int64_t n, const float* x);
  double (*sum_squares)(int64_t n, const float* x);
};

const ElementwiseKernels& elementwise_kernels_scalar();
const ElementwiseKernels& elementwise_kernels_avx2();    // scalar table off x86
const ElementwiseKernels& elementwise_kernels_avx512();  // scalar table off x86
const ElementwiseKernels& elementwise_kernels_neon();    // scalar table off AArch64

template <class S>
void relu_forward_simd(int64_t n, const float* in, float* out) {
  constexpr int W = S::width;
  const typename S::V zero = S::zero();
  int64_t i = 0;
  // max(x, 0) with x first: NaN and -0 give +0, as the reference does.
  for (; i + W <= n; i += W) S::store(out + i, S::max(S::load(in + i), zero));
  for (; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

template <class S>
void relu_backward_simd(int64_t n, const float* x, const float* grad_out, float* grad_in) {
  constexpr int W = S::width;
  int64_t i = 0;
  for (; i + W <= n; i += W) S::store(grad_in + i, S::select_positive(S::load(x + i), S::load(grad_out + i)));
  for (; i < n; ++i) grad_in[i] = x[i] > 0.0f ? grad_out[i] : 0.0f;
}

template <class S>
void add_simd(int64_t n, const float* a, const float* b, float* out) {
  constexpr int W = S::width;
  int64_t i = 0;
  for (; i + W <= n; i += W) S::store(out + i, S::add(S::load(a + i), S::load(b + i)));
  for (; i < n; ++i) out[i] = a[i] + b[i];
}

template <class S>
void scale_simd(int64_t n, float s, const float* in, float* out) {
  constexpr int W = S::width;
  const typename S::V vs = S::broadcast(s);
  int64_t i = 0;
  for (; i + W <= n; i += W) S::store(out + i, S::mul(vs, S::load(in + i)));
  for (; i < n; ++i) out[i] = s * in[i];
}

template <class S>
void axpy_simd(int64_t n, float a, const float* x, float* y) {
  constexpr int W = S::width;
  const typename S::V va = S::broadcast(a);
  int64_t i = 0;
  for (; i + W <= n; i += W) S::store(y + i, S::fma(va, S::load(x + i), S::load(y + i)));
  for (; i < n; ++i) y[i] += a * x[i];
}

// Sums f(x[i]) for f = identity / abs / square (Op::apply on vectors,
// Op::scalar on the tail; both templates on S so that no inline function is
// shared between files compiled with different ISA flags): four vector accumulators hide the add latency; every 1024
// elements they are folded into a double so float rounding stays local.
template <class S, class Op>
double reduce_simd(int64_t n, const float* x) {
  using V = typename S::V;
  constexpr int W = S::width;
  constexpr int64_t kRun = 1024;
  double total = 0.0;
  int64_t i = 0;
  while (i + 4 * W <= n) {
    V acc0 = S::zero(), acc1 = S::zero(), acc2 = S::zero(), acc3 = S::zero();
    const int64_t run_end = i + kRun < n ? i + kRun : n;
    for (; i + 4 * W <= run_end; i += 4 * W) {
      acc0 = Op::template apply<S>(S::load(x + i), acc0);
      acc1 = Op::template apply<S>(S::load(x + i + W), acc1);
      acc2 = Op::template apply<S>(S::load(x + i + 2 * W), acc2);
      acc3 = Op::template apply<S>(S::load(x + i + 3 * W), acc3);
    }
    total += static_cast<double>(S::hsum(S::add(S::add(acc0, acc1), S::add(acc2, acc3))));
  }
  for (; i < n; ++i) total += Op::template scalar<S>(x[i]);
  return total;
}

struct SumOp {
  template <class S>
  static typename S::V apply(typename S::V v, typename S::V acc) {
    return S::add(acc, v);
  }
  template <class S>
  static double scalar(float v) {
    return v;
  }
};
struct SumAbsOp {
  template <class S>
  static typename S::V apply(typename S::V v, typename S::V acc) {
    return S::add(acc, S::abs(v));
  }
  template <class S>
  static double scalar(float v) {
    return v < 0.0f ? -static_cast<double>(v) : static_cast<double>(v);
  }
};
struct SumSquaresOp {
  template <class S>
  static typename S::V apply(typename S::V v, typename S::V acc) {
    return S::fma(v, v, acc);
  }
  template <class S>
  static double scalar(float v) {
    return static_cast<double>(v) * v;
  }
};

template <class S>
const ElementwiseKernels& elementwise_kernels_table() {
  static const ElementwiseKernels table{&relu_forward_simd<S>,
                                        &relu_backward_simd<S>,
                                        &add_simd<S>,
                                        &scale_simd<S>,
                                        &axpy_simd<S>,
                                        &reduce_simd<S, SumOp>,
                                        &reduce_simd<S, SumAbsOp>,
                                        &reduce_simd<S, SumSquaresOp>};
  return table;
}

}  // namespace elementwise_detail
}  // namespace dream
