#include "dream/original_colors.h"

namespace dream {

namespace {
constexpr float kWr = 0.299f, kWg = 0.587f, kWb = 0.114f;

void check_rgb(const Tensor& t, const char* what) {
  if (t.rank() != 4 || t.n() != 1 || t.c() != 3)
    throw Error(std::string(what) + ": expected a 1x3xHxW RGB tensor, got " + shape_string(t.shape()));
}
}  // namespace

Tensor luminance(const Tensor& rgb) {
  check_rgb(rgb, "luminance");
  const int64_t plane = rgb.h() * rgb.w();
  Tensor y({1, 1, rgb.h(), rgb.w()});
  const float *r = rgb.data(), *g = r + plane, *b = g + plane;
  for (int64_t i = 0; i < plane; ++i) y[i] = kWr * r[i] + kWg * g[i] + kWb * b[i];
  return y;
}

Tensor transfer_luminance(const Tensor& dreamed_rgb, const Tensor& original_rgb) {
  check_rgb(dreamed_rgb, "transfer_luminance");
  check_same_shape(dreamed_rgb, original_rgb, "transfer_luminance (dreamed vs original)");
  const Tensor yd = luminance(dreamed_rgb), yo = luminance(original_rgb);
  const int64_t plane = yd.numel();
  Tensor out(original_rgb.shape());
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < plane; ++i) {
      const float v = original_rgb[c * plane + i] + (yd[i] - yo[i]);
      out[c * plane + i] = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
    }
  return out;
}

}  // namespace dream
