#include "dream/colour_decorrelation.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace dream {

namespace {

// y[c] = sum_d A[c][d] x[d] at every pixel of a 1x3xHxW tensor.
Tensor mix_channels(const Tensor& x, const ColourMatrix& a, const char* what) {
  if (x.rank() != 4 || x.n() != 1 || x.c() != 3)
    throw Error(std::string(what) + ": expected 1x3xHxW, got " + shape_string(x.shape()));
  Tensor y(x.shape());
  const int64_t plane = x.h() * x.w();
  for (int64_t i = 0; i < plane; ++i) {
    const double in[3] = {x[i], x[plane + i], x[2 * plane + i]};
    for (size_t c = 0; c < 3; ++c)
      y[static_cast<int64_t>(c) * plane + i] = static_cast<float>(a[c][0] * in[0] + a[c][1] * in[1] + a[c][2] * in[2]);
  }
  return y;
}

ColourMatrix transposed(const ColourMatrix& m) {
  ColourMatrix t{};
  for (size_t r = 0; r < 3; ++r)
    for (size_t c = 0; c < 3; ++c) t[c][r] = m[r][c];
  return t;
}

}  // namespace

ColourMatrix colour_correlation_normalised() {
  ColourMatrix m = {{{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}}};
  double max_norm = 0.0;
  for (size_t col = 0; col < 3; ++col)
    max_norm = std::max(max_norm, std::sqrt(m[0][col] * m[0][col] + m[1][col] * m[1][col] + m[2][col] * m[2][col]));
  for (auto& row : m)
    for (double& v : row) v /= max_norm;
  return m;
}

Tensor correlate_colours(const Tensor& decorrelated) {
  return mix_channels(decorrelated, colour_correlation_normalised(), "correlate_colours");
}

Tensor correlate_colours_adjoint(const Tensor& rgb_grad) {
  return mix_channels(rgb_grad, transposed(colour_correlation_normalised()), "correlate_colours_adjoint");
}

}  // namespace dream
