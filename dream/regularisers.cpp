#include "dream/regularisers.h"

#include <cmath>

#include "tensor/blur.h"

namespace dream {

namespace {
float sign(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); }
}  // namespace

double total_variation(const Tensor& x) {
  if (x.rank() != 4) throw Error("total_variation: expected NCHW, got " + shape_string(x.shape()));
  const int64_t planes = x.n() * x.c(), h = x.h(), w = x.w();
  double tv = 0.0;
  for (int64_t p = 0; p < planes; ++p) {
    const float* d = x.data() + p * h * w;
    for (int64_t y = 0; y < h; ++y)
      for (int64_t i = 0; i < w; ++i) {
        if (i + 1 < w) tv += std::fabs(d[y * w + i + 1] - d[y * w + i]);
        if (y + 1 < h) tv += std::fabs(d[(y + 1) * w + i] - d[y * w + i]);
      }
  }
  return tv;
}

Tensor total_variation_gradient(const Tensor& x) {
  if (x.rank() != 4) throw Error("total_variation_gradient: expected NCHW, got " + shape_string(x.shape()));
  const int64_t planes = x.n() * x.c(), h = x.h(), w = x.w();
  Tensor g(x.shape());
  for (int64_t p = 0; p < planes; ++p) {
    const float* d = x.data() + p * h * w;
    float* o = g.data() + p * h * w;
    for (int64_t y = 0; y < h; ++y)
      for (int64_t i = 0; i < w; ++i) {
        if (i + 1 < w) {
          const float s = sign(d[y * w + i + 1] - d[y * w + i]);
          o[y * w + i + 1] += s;
          o[y * w + i] -= s;
        }
        if (y + 1 < h) {
          const float s = sign(d[(y + 1) * w + i] - d[y * w + i]);
          o[(y + 1) * w + i] += s;
          o[y * w + i] -= s;
        }
      }
  }
  return g;
}

void add_regulariser_gradients(const Regularisers& r, const Tensor& x, Tensor& direction) {
  check_same_shape(x, direction, "regulariser gradient");
  if (r.tv_weight != 0.0) {
    const Tensor tv = total_variation_gradient(x);
    const float wgt = static_cast<float>(r.tv_weight);
    for (int64_t i = 0; i < x.numel(); ++i) direction[i] -= wgt * tv[i];
  }
  if (r.l2_weight != 0.0) {
    const float wgt = static_cast<float>(r.l2_weight / 128.0);
    for (int64_t i = 0; i < x.numel(); ++i) direction[i] -= wgt * x[i];
  }
}

void blur_image(Tensor& x, float sigma) {
  if (x.rank() != 4) throw Error("blur_image: expected NCHW, got " + shape_string(x.shape()));
  if (!(sigma > 0.0f)) return;
  BlurParams p;
  p.planes = x.n() * x.c();
  p.h = x.h();
  p.w = x.w();
  p.sigma = sigma;
  p.validate();
  Tensor out(x.shape());
  gaussian_blur_forward(p, x.data(), out.data());
  x.copy_from(out);
}

}  // namespace dream
