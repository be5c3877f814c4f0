// Softmax over rows; threads take rows. Per row: maximum, exponentials and
// their sum (in double, so 1000-class rows sum without loss), normalise.
#include "tensor/softmax.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tensor/error.h"
#include "tensor/parallel.h"

namespace dream {

namespace {
void check(int64_t rows, int64_t cols, const char* what) {
  if (rows < 0 || cols < 1)
    throw Error(std::string(what) + ": need rows >= 0 and cols >= 1 (got " + std::to_string(rows) + "x" +
                std::to_string(cols) + ")");
}
}  // namespace

void softmax_forward(int64_t rows, int64_t cols, const float* in, float* out) {
  check(rows, cols, "softmax_forward");
  parallel_for(rows, 4 * cols, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* x = in + r * cols;
      float* y = out + r * cols;
      const float m = *std::max_element(x, x + cols);
      double sum = 0.0;
      for (int64_t j = 0; j < cols; ++j) {
        y[j] = std::exp(x[j] - m);
        sum += y[j];
      }
      const float inv = float(1.0 / sum);
      for (int64_t j = 0; j < cols; ++j) y[j] *= inv;
    }
  });
}

void softmax_backward(int64_t rows, int64_t cols, const float* out, const float* grad_out, float* grad_in) {
  check(rows, cols, "softmax_backward");
  parallel_for(rows, 4 * cols, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* y = out + r * cols;
      const float* g = grad_out + r * cols;
      float* gi = grad_in + r * cols;
      double dot = 0.0;
      for (int64_t j = 0; j < cols; ++j) dot += double(g[j]) * y[j];
      const float d = float(dot);
      for (int64_t j = 0; j < cols; ++j) gi[j] = y[j] * (g[j] - d);
    }
  });
}

}  // namespace dream
