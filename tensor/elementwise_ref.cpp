// Scalar references of the elementwise kernels: one plain loop each, kept as
// the definition the SIMD versions are tested against.
#include <cmath>

#include "tensor/elementwise.h"

namespace dream {

void relu_forward_ref(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void relu_backward_ref(int64_t n, const float* x, const float* grad_out, float* grad_in) {
  for (int64_t i = 0; i < n; ++i) grad_in[i] = x[i] > 0.0f ? grad_out[i] : 0.0f;
}

void add_ref(int64_t n, const float* a, const float* b, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void scale_ref(int64_t n, float s, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = s * in[i];
}

void axpy_ref(int64_t n, float a, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

double sum_ref(int64_t n, const float* x) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += x[i];
  return acc;
}

double sum_abs_ref(int64_t n, const float* x) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += std::fabs(static_cast<double>(x[i]));
  return acc;
}

double sum_squares_ref(int64_t n, const float* x) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * x[i];
  return acc;
}

}  // namespace dream
