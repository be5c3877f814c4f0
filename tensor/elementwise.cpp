#include "tensor/elementwise.h"

namespace dream {

void relu_forward(int64_t n, const float* in, float* out) { relu_forward_ref(n, in, out); }
void relu_backward(int64_t n, const float* x, const float* grad_out, float* grad_in) {
  relu_backward_ref(n, x, grad_out, grad_in);
}
void add(int64_t n, const float* a, const float* b, float* out) { add_ref(n, a, b, out); }
void scale(int64_t n, float s, const float* in, float* out) { scale_ref(n, s, in, out); }
void axpy(int64_t n, float a, const float* x, float* y) { axpy_ref(n, a, x, y); }
double sum(int64_t n, const float* x) { return sum_ref(n, x); }
double sum_abs(int64_t n, const float* x) { return sum_abs_ref(n, x); }
double sum_squares(int64_t n, const float* x) { return sum_squares_ref(n, x); }

}  // namespace dream
