// The fast convolutions, all reduced to GEMM (tensor/gemm.h):
//   forward          out[Co x HoWo]  = W[Co x K] * col[K x HoWo] (+ bias)
//   backward input   col[K x HoWo]   = W^T * dY,  then grad_in = col2im(col)
//   backward weights dW[Co x K]      = sum over images of dY * col^T,  dB = row sums of dY
// with K = Ci*kh*kw and col the im2col matrix (tensor/im2col.h). A pointwise
// convolution (1x1, stride 1, no padding) has col == the input itself, so it
// is one GEMM with no copy:  out = W[Co x Ci] * X[Ci x HW].
//
// Memory: col is built for a band of output rows at a time, sized so the
// buffer stays under kColumnBudgetFloats; a 1024x1024 image costs the same
// workspace as a 256x256 one, and a band that fits in cache is also faster.
#include "tensor/conv2d.h"

#include <algorithm>
#include <vector>

#include "tensor/gemm.h"
#include "tensor/im2col.h"
#include "tensor/parallel.h"

namespace dream {
namespace {

// 512 Ki floats = 2 MiB of column buffer at most (a single output row may
// exceed it): about one core's L2, so the GEMM reads the band im2col has just
// written from cache. Measured on GoogLeNet's layers at 512x512 (bench_conv):
// 2 MiB beat 16 MiB by 10-25% and 1 MiB / 256 KiB by a few percent.
constexpr int64_t kColumnBudgetFloats = int64_t{1} << 19;

bool is_pointwise(const Conv2dParams& p) {
  return p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0 &&
         p.pad_bottom == 0 && p.pad_right == 0;
}

// Output rows per band: as many as fit in the budget, at least one.
int64_t band_rows(const Conv2dParams& p) {
  const int64_t k = p.c_in * p.kh * p.kw;
  return std::clamp<int64_t>(kColumnBudgetFloats / (k * p.w_out()), 1, p.h_out());
}

// The column buffer, kept per calling thread and reused across calls so the
// dreaming loop does not allocate (and page-fault) megabytes every step.
float* column_workspace(int64_t floats) {
  thread_local std::vector<float> buffer;
  if (static_cast<int64_t>(buffer.size()) < floats) {
    buffer.clear();
    buffer.shrink_to_fit();
    buffer.resize(static_cast<size_t>(floats));
  }
  return buffer.data();
}

// Fills columns [0, count) of each output channel row (Co rows, stride ld)
// with that channel's bias; the GEMM then adds onto it (beta = 1). Done per
// band, just before the band's GEMM, so the rows are still in cache for it.
void fill_bias(const float* bias, int64_t c_out, int64_t count, int64_t ld, float* out) {
  parallel_for(c_out, [&](int64_t begin, int64_t end) {
    for (int64_t co = begin; co < end; ++co) std::fill(out + co * ld, out + co * ld + count, bias[co]);
  });
}

}  // namespace

void conv2d_forward(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  // With a bias the output is pre-filled and the GEMM adds onto it (beta = 1).
  const float beta = bias ? 1.0f : 0.0f;
  for (int64_t n = 0; n < p.n; ++n) {
    const float* x = in + n * p.c_in * hw_in;
    float* y = out + n * p.c_out * hw_out;
    if (is_pointwise(p)) {
      if (bias) fill_bias(bias, p.c_out, hw_out, hw_out, y);
      GemmArgs g;
      g.m = p.c_out, g.n = hw_in, g.k = p.c_in;
      g.a = w, g.lda = p.c_in, g.b = x, g.ldb = hw_in;
      g.beta = beta, g.c = y, g.ldc = hw_out;
      gemm(g);
      continue;
    }
    const int64_t rows = band_rows(p);
    float* col = column_workspace(k * rows * wo);
    for (int64_t oy = 0; oy < ho; oy += rows) {
      const int64_t oy_end = std::min(ho, oy + rows);
      const int64_t band = (oy_end - oy) * wo;
      im2col_rows(p, x, oy, oy_end, col);
      // The band's outputs are columns [oy*wo, oy_end*wo) of every channel plane.
      if (bias) fill_bias(bias, p.c_out, band, hw_out, y + oy * wo);
      GemmArgs g;
      g.m = p.c_out, g.n = band, g.k = k;
      g.a = w, g.lda = k, g.b = col, g.ldb = band;
      g.beta = beta, g.c = y + oy * wo, g.ldc = hw_out;
      gemm(g);
    }
  }
}

void conv2d_backward_input(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  for (int64_t n = 0; n < p.n; ++n) {
    const float* dy = grad_out + n * p.c_out * hw_out;
    float* dx = grad_in + n * p.c_in * hw_in;
    if (is_pointwise(p)) {
      // dX[Ci x HW] = W^T[Ci x Co] * dY[Co x HW]
      GemmArgs g;
      g.trans_a = true;
      g.m = p.c_in, g.n = hw_in, g.k = p.c_out;
      g.a = w, g.lda = p.c_in, g.b = dy, g.ldb = hw_out;
      g.c = dx, g.ldc = hw_in;
      gemm(g);
      continue;
    }
    std::fill(dx, dx + p.c_in * hw_in, 0.0f);  // bands overlap in the input: col2im accumulates
    const int64_t rows = band_rows(p);
    float* col = column_workspace(k * rows * wo);
    for (int64_t oy = 0; oy < ho; oy += rows) {
      const int64_t oy_end = std::min(ho, oy + rows);
      const int64_t band = (oy_end - oy) * wo;
      // col[K x band] = W^T[K x Co] * dY[Co x band]
      GemmArgs g;
      g.trans_a = true;
      g.m = k, g.n = band, g.k = p.c_out;
      g.a = w, g.lda = k, g.b = dy + oy * wo, g.ldb = hw_out;
      g.c = col, g.ldc = band;
      gemm(g);
      col2im_rows_add(p, col, oy, oy_end, dx);
    }
  }
}

void conv2d_backward_weights(const Conv2dParams& p, const float* in, const float* grad_out, float* grad_w,
                             float* grad_bias) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  bool first = true;  // the first GEMM overwrites grad_w, later ones add to it
  for (int64_t n = 0; n < p.n; ++n) {
    const float* x = in + n * p.c_in * hw_in;
    const float* dy = grad_out + n * p.c_out * hw_out;
    if (is_pointwise(p)) {
      // dW[Co x Ci] += dY[Co x HW] * X^T[HW x Ci]
      GemmArgs g;
      g.trans_b = true;
      g.m = p.c_out, g.n = p.c_in, g.k = hw_in;
      g.a = dy, g.lda = hw_out, g.b = x, g.ldb = hw_in;
      g.beta = first ? 0.0f : 1.0f, g.c = grad_w, g.ldc = p.c_in;
      gemm(g);
      first = false;
      continue;
    }
    const int64_t rows = band_rows(p);
    float* col = column_workspace(k * rows * wo);
    for (int64_t oy = 0; oy < ho; oy += rows) {
      const int64_t oy_end = std::min(ho, oy + rows);
      const int64_t band = (oy_end - oy) * wo;
      im2col_rows(p, x, oy, oy_end, col);
      // dW[Co x K] += dY[Co x band] * col^T[band x K]
      GemmArgs g;
      g.trans_b = true;
      g.m = p.c_out, g.n = k, g.k = band;
      g.a = dy + oy * wo, g.lda = hw_out, g.b = col, g.ldb = band;
      g.beta = first ? 0.0f : 1.0f, g.c = grad_w, g.ldc = k;
      gemm(g);
      first = false;
    }
  }
  if (grad_bias) {
    // Summed in double: a plane of a large image has ~10^6 terms.
    parallel_for(p.c_out, [&](int64_t begin, int64_t end) {
      for (int64_t co = begin; co < end; ++co) {
        double acc = 0.0;
        for (int64_t n = 0; n < p.n; ++n) {
          const float* plane = grad_out + (n * p.c_out + co) * hw_out;
          for (int64_t i = 0; i < hw_out; ++i) acc += plane[i];
        }
        grad_bias[co] = static_cast<float>(acc);
      }
    });
  }
}

}  // namespace dream
