#pragma once
// Softmax over the last axis of a (rows, cols) array, numerically stable
// (subtracts the row maximum).
#include <cstdint>

namespace dream {

void softmax_forward(int64_t rows, int64_t cols, const float* in, float* out);
void softmax_forward_ref(int64_t rows, int64_t cols, const float* in, float* out);
// grad_in = out * (grad_out - sum(grad_out * out)) per row
void softmax_backward(int64_t rows, int64_t cols, const float* out, const float* grad_out, float* grad_in);
void softmax_backward_ref(int64_t rows, int64_t cols, const float* out, const float* grad_out, float* grad_in);

}  // namespace dream
