// Reference fully connected layer: the sums of linear.h written out, in
// double. linear.cpp (GEMM) is tested against these.
#include "tensor/linear.h"

namespace dream {

void linear_forward_ref(const LinearParams& p, const float* in, const float* w, const float* bias, float* out) {
  for (int64_t r = 0; r < p.n; ++r)
    for (int64_t o = 0; o < p.out_features; ++o) {
      double s = bias ? double(bias[o]) : 0.0;
      for (int64_t i = 0; i < p.in_features; ++i) s += double(in[r * p.in_features + i]) * w[o * p.in_features + i];
      out[r * p.out_features + o] = float(s);
    }
}

void linear_backward_input_ref(const LinearParams& p, const float* grad_out, const float* w, float* grad_in) {
  for (int64_t r = 0; r < p.n; ++r)
    for (int64_t i = 0; i < p.in_features; ++i) {
      double s = 0.0;
      for (int64_t o = 0; o < p.out_features; ++o)
        s += double(grad_out[r * p.out_features + o]) * w[o * p.in_features + i];
      grad_in[r * p.in_features + i] = float(s);
    }
}

void linear_backward_weights_ref(const LinearParams& p, const float* in, const float* grad_out, float* grad_w,
                                 float* grad_bias) {
  for (int64_t o = 0; o < p.out_features; ++o) {
    for (int64_t i = 0; i < p.in_features; ++i) {
      double s = 0.0;
      for (int64_t r = 0; r < p.n; ++r) s += double(grad_out[r * p.out_features + o]) * in[r * p.in_features + i];
      grad_w[o * p.in_features + i] = float(s);
    }
    if (grad_bias) {
      double s = 0.0;
      for (int64_t r = 0; r < p.n; ++r) s += grad_out[r * p.out_features + o];
      grad_bias[o] = float(s);
    }
  }
}

}  // namespace dream
