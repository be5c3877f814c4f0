#pragma once
// Elementwise kernels over dense float arrays of n elements. In-place use
// (out == in) is allowed for every function here.
#include <cstdint>

namespace dream {

// out = max(in, 0)
void relu_forward(int64_t n, const float* in, float* out);
void relu_forward_ref(int64_t n, const float* in, float* out);
// grad_in = grad_out where x > 0 else 0; x may be ReLU's input or output.
void relu_backward(int64_t n, const float* x, const float* grad_out, float* grad_in);
void relu_backward_ref(int64_t n, const float* x, const float* grad_out, float* grad_in);

// out = a + b
void add(int64_t n, const float* a, const float* b, float* out);
void add_ref(int64_t n, const float* a, const float* b, float* out);
// out = s * in
void scale(int64_t n, float s, const float* in, float* out);
void scale_ref(int64_t n, float s, const float* in, float* out);
// y += a * x
void axpy(int64_t n, float a, const float* x, float* y);
void axpy_ref(int64_t n, float a, const float* x, float* y);

// Reductions in double accumulation (results used for normalising steps).
double sum(int64_t n, const float* x);
double sum_abs(int64_t n, const float* x);
double sum_squares(int64_t n, const float* x);
double sum_ref(int64_t n, const float* x);
double sum_abs_ref(int64_t n, const float* x);
double sum_squares_ref(int64_t n, const float* x);

}  // namespace dream
