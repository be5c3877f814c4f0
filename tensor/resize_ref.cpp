// Reference bilinear resize: the half-pixel formula of resize.h evaluated per
// output pixel in double; the backward scatters each output gradient to the
// same four input pixels with the same weights. resize.cpp is tested against these.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/resize.h"

namespace dream {

void ResizeParams::validate() const {
  if (planes < 1 || h_in < 1 || w_in < 1 || h_out < 1 || w_out < 1)
    throw Error("resize_bilinear: planes and sizes must be >= 1 (got planes=" + std::to_string(planes) + ", " +
                std::to_string(h_in) + "x" + std::to_string(w_in) + " -> " + std::to_string(h_out) + "x" +
                std::to_string(w_out) + ")");
}

namespace {

struct Tap {
  int64_t i0, i1;
  double w1;  // weight of i1; i0 gets 1 - w1
};

Tap tap(int64_t o, int64_t in_size, int64_t out_size) {
  double s = (double(o) + 0.5) * double(in_size) / double(out_size) - 0.5;
  s = std::min(std::max(s, 0.0), double(in_size - 1));
  int64_t i0 = int64_t(std::floor(s));
  return {i0, std::min(i0 + 1, in_size - 1), s - double(i0)};
}

}  // namespace

void resize_bilinear_forward_ref(const ResizeParams& p, const float* in, float* out) {
  p.validate();
  for (int64_t pl = 0; pl < p.planes; ++pl) {
    const float* src = in + pl * p.h_in * p.w_in;
    for (int64_t y = 0; y < p.h_out; ++y)
      for (int64_t x = 0; x < p.w_out; ++x) {
        Tap ty = tap(y, p.h_in, p.h_out), tx = tap(x, p.w_in, p.w_out);
        auto at = [&](int64_t yy, int64_t xx) { return double(src[yy * p.w_in + xx]); };
        double top = (1 - tx.w1) * at(ty.i0, tx.i0) + tx.w1 * at(ty.i0, tx.i1);
        double bottom = (1 - tx.w1) * at(ty.i1, tx.i0) + tx.w1 * at(ty.i1, tx.i1);
        out[(pl * p.h_out + y) * p.w_out + x] = float((1 - ty.w1) * top + ty.w1 * bottom);
      }
  }
}

void resize_bilinear_backward_ref(const ResizeParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  std::vector<double> acc(static_cast<size_t>(p.h_in * p.w_in));
  for (int64_t pl = 0; pl < p.planes; ++pl) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t y = 0; y < p.h_out; ++y)
      for (int64_t x = 0; x < p.w_out; ++x) {
        Tap ty = tap(y, p.h_in, p.h_out), tx = tap(x, p.w_in, p.w_out);
        double g = grad_out[(pl * p.h_out + y) * p.w_out + x];
        acc[size_t(ty.i0 * p.w_in + tx.i0)] += (1 - ty.w1) * (1 - tx.w1) * g;
        acc[size_t(ty.i0 * p.w_in + tx.i1)] += (1 - ty.w1) * tx.w1 * g;
        acc[size_t(ty.i1 * p.w_in + tx.i0)] += ty.w1 * (1 - tx.w1) * g;
        acc[size_t(ty.i1 * p.w_in + tx.i1)] += ty.w1 * tx.w1 * g;
      }
    for (int64_t i = 0; i < p.h_in * p.w_in; ++i) grad_in[pl * p.h_in * p.w_in + i] = float(acc[size_t(i)]);
  }
}

}  // namespace dream
