#pragma once
// Fully connected layer (Caffe InnerProduct, ONNX Gemm with transB=1):
//   out: (N, O) = in: (N, I) * w^T + bias    w: (O, I)   bias: (O) or null
// Every function overwrites its outputs (backwards do not accumulate).
#include <cstdint>

namespace dream {

struct LinearParams {
  int64_t n = 1, in_features = 0, out_features = 0;
};

void linear_forward(const LinearParams& p, const float* in, const float* w, const float* bias, float* out);
void linear_forward_ref(const LinearParams& p, const float* in, const float* w, const float* bias, float* out);
// grad_in (N, I) = grad_out * w
void linear_backward_input(const LinearParams& p, const float* grad_out, const float* w, float* grad_in);
void linear_backward_input_ref(const LinearParams& p, const float* grad_out, const float* w, float* grad_in);
// grad_w (O, I) = grad_out^T * in ; grad_bias (O) = column sums of grad_out (may be null)
void linear_backward_weights(const LinearParams& p, const float* in, const float* grad_out, float* grad_w,
                             float* grad_bias);
void linear_backward_weights_ref(const LinearParams& p, const float* in, const float* grad_out, float* grad_w,
                                 float* grad_bias);

}  // namespace dream
