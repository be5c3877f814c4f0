#include "dream/step_rule.h"

#include "tensor/elementwise.h"

namespace dream {

Tensor normalise_by_mean_abs(const Tensor& g) {
  Tensor out(g.shape());
  const double mean_abs = g.numel() > 0 ? sum_abs(g.numel(), g.data()) / static_cast<double>(g.numel()) : 0.0;
  if (mean_abs > 0.0) scale(g.numel(), static_cast<float>(1.0 / mean_abs), g.data(), out.data());
  return out;
}

void ascend(Tensor& x, const Tensor& direction, double step) {
  check_same_shape(x, direction, "gradient step");
  axpy(x.numel(), static_cast<float>(step), direction.data(), x.data());
}

void clip_to_range(Tensor& x, const ChannelRange& range) {
  if (x.rank() != 4 || x.c() != 3) throw Error("clip_to_range: expected Nx3xHxW, got " + shape_string(x.shape()));
  const int64_t plane = x.h() * x.w();
  for (int64_t n = 0; n < x.n(); ++n)
    for (int64_t c = 0; c < 3; ++c) {
      float* p = x.data() + (n * 3 + c) * plane;
      const float lo = range.lo[static_cast<size_t>(c)], hi = range.hi[static_cast<size_t>(c)];
      for (int64_t i = 0; i < plane; ++i) p[i] = p[i] < lo ? lo : (p[i] > hi ? hi : p[i]);
    }
}

}  // namespace dream
