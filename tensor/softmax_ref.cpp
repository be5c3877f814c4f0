// Reference softmax: the formula in double, one row at a time.
#include <algorithm>
#include <cmath>

#include "tensor/softmax.h"

namespace dream {

void softmax_forward_ref(int64_t rows, int64_t cols, const float* in, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    double m = x[0];
    for (int64_t j = 1; j < cols; ++j) m = std::max(m, double(x[j]));
    double sum = 0.0;
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(double(x[j]) - m);
    for (int64_t j = 0; j < cols; ++j) out[r * cols + j] = float(std::exp(double(x[j]) - m) / sum);
  }
}

void softmax_backward_ref(int64_t rows, int64_t cols, const float* out, const float* grad_out, float* grad_in) {
  for (int64_t r = 0; r < rows; ++r) {
    double dot = 0.0;
    for (int64_t j = 0; j < cols; ++j) dot += double(grad_out[r * cols + j]) * out[r * cols + j];
    for (int64_t j = 0; j < cols; ++j)
      grad_in[r * cols + j] = float(double(out[r * cols + j]) * (double(grad_out[r * cols + j]) - dot));
  }
}

}  // namespace dream
