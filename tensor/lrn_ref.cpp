// Plain reference LRN across channels: one pixel and one channel at a time,
// window sums and powers in double. lrn.cpp is tested against these.
#include <algorithm>
#include <cmath>
#include <string>

#include "tensor/error.h"
#include "tensor/lrn.h"

namespace dream {

void LrnParams::validate() const {
  auto s = [](int64_t v) { return std::to_string(v); };
  if (n < 1 || c < 1 || h < 1 || w < 1)
    throw Error("lrn: n, c, h, w must be >= 1 (got " + s(n) + "x" + s(c) + "x" + s(h) + "x" + s(w) + ")");
  if (size < 1) throw Error("lrn: size must be >= 1 (got " + s(size) + ")");
  // scale >= bias > 0, so scale^-beta is finite.
  if (!(bias > 0.0f)) throw Error("lrn: bias must be > 0 (got " + std::to_string(bias) + ")");
  if (!(alpha >= 0.0f)) throw Error("lrn: alpha must be >= 0 (got " + std::to_string(alpha) + ")");
}

namespace {

// scale at (channel ch, pixel i) of one image `x` (C, HW), in double.
double scale_at(const LrnParams& p, const float* x, int64_t ch, int64_t i) {
  int64_t hw = p.h * p.w;
  int64_t lo = std::max<int64_t>(ch - (p.size - 1) / 2, 0), hi = std::min(ch + p.size / 2, p.c - 1);
  double sum = 0.0;
  for (int64_t k = lo; k <= hi; ++k) sum += double(x[k * hw + i]) * double(x[k * hw + i]);
  return double(p.bias) + double(p.alpha) / double(p.size) * sum;
}

}  // namespace

void lrn_forward_ref(const LrnParams& p, const float* in, float* out, float* scale) {
  p.validate();
  int64_t hw = p.h * p.w, chw = p.c * hw;
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t ch = 0; ch < p.c; ++ch)
      for (int64_t i = 0; i < hw; ++i) {
        int64_t at = b * chw + ch * hw + i;
        double s = scale_at(p, in + b * chw, ch, i);
        out[at] = float(double(in[at]) * std::pow(s, -double(p.beta)));
        if (scale) scale[at] = float(s);
      }
}

void lrn_backward_ref(const LrnParams& p, const float* in, const float* out, const float* scale, const float* grad_out,
                      float* grad_in) {
  p.validate();
  int64_t hw = p.h * p.w, chw = p.c * hw;
  double k = 2.0 * double(p.alpha) * double(p.beta) / double(p.size);
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t ch = 0; ch < p.c; ++ch)
      for (int64_t i = 0; i < hw; ++i) {
        int64_t at = b * chw + ch * hw + i;
        auto scale_of = [&](int64_t c2) {
          return scale ? double(scale[b * chw + c2 * hw + i]) : scale_at(p, in + b * chw, c2, i);
        };
        // Channels c2 whose window holds ch: c2 - (size-1)/2 <= ch <= c2 + size/2.
        int64_t lo = std::max<int64_t>(ch - p.size / 2, 0), hi = std::min(ch + (p.size - 1) / 2, p.c - 1);
        double sum = 0.0;
        for (int64_t c2 = lo; c2 <= hi; ++c2) {
          int64_t at2 = b * chw + c2 * hw + i;
          sum += double(grad_out[at2]) * double(out[at2]) / scale_of(c2);
        }
        grad_in[at] = float(double(grad_out[at]) * std::pow(scale_of(ch), -double(p.beta)) - k * double(in[at]) * sum);
      }
}

}  // namespace dream
