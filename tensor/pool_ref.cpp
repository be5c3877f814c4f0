// Plain reference pooling: one window at a time, clipped to the input,
// double accumulation. The optimised kernels in pool_max.cpp and
// pool_avg.cpp are tested against these.
#include <algorithm>
#include <limits>
#include <vector>

#include "tensor/pool.h"

namespace dream {

namespace {

struct Window {
  int64_t y0, y1, x0, x1;  // real pixels [y0, y1) x [x0, x1)
  int64_t padded_count;    // window clipped to the padded extent instead
};

Window window_at(const Pool2dParams& p, int64_t oy, int64_t ox) {
  int64_t ys = oy * p.stride_h - p.pad_top, xs = ox * p.stride_w - p.pad_left;
  int64_t ye = ys + p.kh, xe = xs + p.kw;
  int64_t ph = std::min(ye, p.h_in + p.pad_bottom) - std::max(ys, -p.pad_top);
  int64_t pw = std::min(xe, p.w_in + p.pad_right) - std::max(xs, -p.pad_left);
  return {std::max<int64_t>(ys, 0), std::min(ye, p.h_in), std::max<int64_t>(xs, 0), std::min(xe, p.w_in), ph * pw};
}

double avg_divisor(const Pool2dParams& p, const Window& w) {
  return p.count_include_pad ? double(w.padded_count) : double((w.y1 - w.y0) * (w.x1 - w.x0));
}

}  // namespace

void maxpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out) {
  p.validate();
  int64_t ho = p.h_out(), wo = p.w_out(), planes = p.n * p.c;
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* src = in + pl * p.h_in * p.w_in;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        Window w = window_at(p, oy, ox);
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t y = w.y0; y < w.y1; ++y)
          for (int64_t x = w.x0; x < w.x1; ++x) best = std::max(best, src[y * p.w_in + x]);
        out[(pl * ho + oy) * wo + ox] = best;
      }
  }
}

void maxpool2d_backward_ref(const Pool2dParams& p, const float* in, const float* grad_out, float* grad_in) {
  p.validate();
  int64_t ho = p.h_out(), wo = p.w_out(), planes = p.n * p.c, hw = p.h_in * p.w_in;
  std::fill(grad_in, grad_in + planes * hw, 0.0f);
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* src = in + pl * hw;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        Window w = window_at(p, oy, ox);
        int64_t arg = w.y0 * p.w_in + w.x0;
        for (int64_t y = w.y0; y < w.y1; ++y)
          for (int64_t x = w.x0; x < w.x1; ++x)
            if (src[y * p.w_in + x] > src[arg]) arg = y * p.w_in + x;  // strict: first maximum wins
        grad_in[pl * hw + arg] += grad_out[(pl * ho + oy) * wo + ox];
      }
  }
}

void avgpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out) {
  p.validate();
  int64_t ho = p.h_out(), wo = p.w_out(), planes = p.n * p.c;
  for (int64_t pl = 0; pl < planes; ++pl) {
    const float* src = in + pl * p.h_in * p.w_in;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        Window w = window_at(p, oy, ox);
        double sum = 0.0;
        for (int64_t y = w.y0; y < w.y1; ++y)
          for (int64_t x = w.x0; x < w.x1; ++x) sum += src[y * p.w_in + x];
        out[(pl * ho + oy) * wo + ox] = float(sum / avg_divisor(p, w));
      }
  }
}

void avgpool2d_backward_ref(const Pool2dParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  int64_t ho = p.h_out(), wo = p.w_out(), planes = p.n * p.c, hw = p.h_in * p.w_in;
  std::vector<double> acc(static_cast<size_t>(hw));
  for (int64_t pl = 0; pl < planes; ++pl) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        Window w = window_at(p, oy, ox);
        double g = grad_out[(pl * ho + oy) * wo + ox] / avg_divisor(p, w);
        for (int64_t y = w.y0; y < w.y1; ++y)
          for (int64_t x = w.x0; x < w.x1; ++x) acc[size_t(y * p.w_in + x)] += g;
      }
    for (int64_t i = 0; i < hw; ++i) grad_in[pl * hw + i] = float(acc[size_t(i)]);
  }
}

}  // namespace dream
