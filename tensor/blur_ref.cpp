// Reference Gaussian blur: the 2-D sum over the (2r+1)^2 window with clamped
// indices, in double; the backward scatters with the same weights and
// clamps. blur.cpp (separable) is tested against these.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tensor/blur.h"
#include "tensor/error.h"

namespace dream {

void BlurParams::validate() const {
  if (planes < 1 || h < 1 || w < 1)
    throw Error("gaussian_blur: planes, h, w must be >= 1 (got " + std::to_string(planes) + "x" + std::to_string(h) +
                "x" + std::to_string(w) + ")");
  if (!(sigma > 0.0f) || !std::isfinite(sigma))
    throw Error("gaussian_blur: sigma must be > 0 and finite (got " + std::to_string(sigma) + ")");
}

std::vector<float> gaussian_kernel_1d(float sigma) {
  if (!(sigma > 0.0f) || !std::isfinite(sigma))
    throw Error("gaussian_kernel_1d: sigma must be > 0 and finite (got " + std::to_string(sigma) + ")");
  const int64_t radius = int64_t(std::ceil(3.0 * double(sigma)));
  std::vector<double> k(static_cast<size_t>(2 * radius + 1));
  double sum = 0.0;
  for (int64_t i = -radius; i <= radius; ++i) {
    double v = std::exp(-double(i * i) / (2.0 * double(sigma) * double(sigma)));
    k[size_t(i + radius)] = v;
    sum += v;
  }
  std::vector<float> out(k.size());
  for (size_t i = 0; i < k.size(); ++i) out[i] = float(k[i] / sum);
  return out;
}

namespace {
int64_t clamp_index(int64_t i, int64_t n) { return std::min(std::max<int64_t>(i, 0), n - 1); }
}  // namespace

void gaussian_blur_forward_ref(const BlurParams& p, const float* in, float* out) {
  p.validate();
  const std::vector<float> k = gaussian_kernel_1d(p.sigma);
  const int64_t r = int64_t(k.size() / 2);
  for (int64_t pl = 0; pl < p.planes; ++pl) {
    const float* src = in + pl * p.h * p.w;
    for (int64_t y = 0; y < p.h; ++y)
      for (int64_t x = 0; x < p.w; ++x) {
        double s = 0.0;
        for (int64_t i = -r; i <= r; ++i)
          for (int64_t j = -r; j <= r; ++j)
            s += double(k[size_t(i + r)]) * double(k[size_t(j + r)]) *
                 src[clamp_index(y + i, p.h) * p.w + clamp_index(x + j, p.w)];
        out[(pl * p.h + y) * p.w + x] = float(s);
      }
  }
}

void gaussian_blur_backward_ref(const BlurParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  const std::vector<float> k = gaussian_kernel_1d(p.sigma);
  const int64_t r = int64_t(k.size() / 2);
  std::vector<double> acc(static_cast<size_t>(p.h * p.w));
  for (int64_t pl = 0; pl < p.planes; ++pl) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t y = 0; y < p.h; ++y)
      for (int64_t x = 0; x < p.w; ++x) {
        double g = grad_out[(pl * p.h + y) * p.w + x];
        for (int64_t i = -r; i <= r; ++i)
          for (int64_t j = -r; j <= r; ++j)
            acc[size_t(clamp_index(y + i, p.h) * p.w + clamp_index(x + j, p.w))] +=
                double(k[size_t(i + r)]) * double(k[size_t(j + r)]) * g;
      }
    for (int64_t i = 0; i < p.h * p.w; ++i) grad_in[pl * p.h * p.w + i] = float(acc[size_t(i)]);
  }
}

}  // namespace dream
