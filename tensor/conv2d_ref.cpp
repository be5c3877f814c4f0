// The reference convolutions: naive loops with double accumulation, slow and
// obviously right. The fast paths in conv2d.cpp are tested against these, and
// the tests check these against finite differences and the adjoint identity.
//   in: (N, Ci, H, W)   w: (Co, Ci, kh, kw)   out: (N, Co, Ho, Wo)
#include <cstddef>
#include <vector>

#include "tensor/conv2d.h"

namespace dream {

void conv2d_forward_ref(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t co = 0; co < p.c_out; ++co)
      for (int64_t oy = 0; oy < ho; ++oy)
        for (int64_t ox = 0; ox < wo; ++ox) {
          double acc = bias ? static_cast<double>(bias[co]) : 0.0;
          for (int64_t ci = 0; ci < p.c_in; ++ci)
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                // Input pixel under kernel tap (ky, kx); taps in the padding read zero.
                const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dil_w;
                if (iy < 0 || iy >= p.h_in || ix < 0 || ix >= p.w_in) continue;
                const double x = in[((n * p.c_in + ci) * p.h_in + iy) * p.w_in + ix];
                const double k = w[((co * p.c_in + ci) * p.kh + ky) * p.kw + kx];
                acc += x * k;
              }
          out[((n * p.c_out + co) * ho + oy) * wo + ox] = static_cast<float>(acc);
        }
}

// Scatter: every output gradient flows back to each input pixel it read,
// weighted by the tap that read it. Accumulated in double, then rounded once.
void conv2d_backward_input_ref(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  std::vector<double> acc(static_cast<std::size_t>(p.n * p.c_in * p.h_in * p.w_in), 0.0);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t co = 0; co < p.c_out; ++co)
      for (int64_t oy = 0; oy < ho; ++oy)
        for (int64_t ox = 0; ox < wo; ++ox) {
          const double g = grad_out[((n * p.c_out + co) * ho + oy) * wo + ox];
          for (int64_t ci = 0; ci < p.c_in; ++ci)
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dil_w;
                if (iy < 0 || iy >= p.h_in || ix < 0 || ix >= p.w_in) continue;
                acc[static_cast<std::size_t>(((n * p.c_in + ci) * p.h_in + iy) * p.w_in + ix)] +=
                    g * w[((co * p.c_in + ci) * p.kh + ky) * p.kw + kx];
              }
        }
  for (std::size_t i = 0; i < acc.size(); ++i) grad_in[i] = static_cast<float>(acc[i]);
}

// Gather: each weight tap's gradient is the sum, over all images and output
// pixels, of grad_out times the input pixel that tap read; the bias gradient
// is the sum of grad_out over its output channel.
void conv2d_backward_weights_ref(const Conv2dParams& p, const float* in, const float* grad_out, float* grad_w,
                                 float* grad_bias) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  for (int64_t co = 0; co < p.c_out; ++co) {
    for (int64_t ci = 0; ci < p.c_in; ++ci)
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          double acc = 0.0;
          for (int64_t n = 0; n < p.n; ++n)
            for (int64_t oy = 0; oy < ho; ++oy)
              for (int64_t ox = 0; ox < wo; ++ox) {
                const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dil_w;
                if (iy < 0 || iy >= p.h_in || ix < 0 || ix >= p.w_in) continue;
                acc += static_cast<double>(grad_out[((n * p.c_out + co) * ho + oy) * wo + ox]) *
                       in[((n * p.c_in + ci) * p.h_in + iy) * p.w_in + ix];
              }
          grad_w[((co * p.c_in + ci) * p.kh + ky) * p.kw + kx] = static_cast<float>(acc);
        }
    if (grad_bias) {
      double acc = 0.0;
      for (int64_t n = 0; n < p.n; ++n)
        for (int64_t i = 0; i < ho * wo; ++i) acc += grad_out[(n * p.c_out + co) * ho * wo + i];
      grad_bias[co] = static_cast<float>(acc);
    }
  }
}

}  // namespace dream
