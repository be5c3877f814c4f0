// Optimised pooling. Both max and average are separable over a window, so
// each output row is made in two passes whose inner loops are contiguous and
// branch-free (the compiler vectorises them):
//   1. combine the window's input rows into one row buffer that carries the
//      horizontal padding on both sides (-inf for max, 0 for average);
//   2. combine kw shifted, strided reads of that buffer into the output row.
// The padded buffer removes the border special cases: no window ever needs
// clipping in x. Max is exact (same values as pool_ref.cpp); average sums in
// float in a different order than the reference (agrees to ~1e-6 relative).
// The max backward is pool_argmax.cpp's search for each window's first
// maximum followed by its scatter.
#include "tensor/pool.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/parallel.h"

namespace dream {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Input rows [y0, y1) of output row oy and the two counts an average divides by.
struct RowWindow {
  int64_t y0, y1;
  int64_t padded_rows;  // window rows inside [-pad_top, h_in + pad_bottom)
};

RowWindow row_window(const Pool2dParams& p, int64_t oy) {
  int64_t ys = oy * p.stride_h - p.pad_top, ye = ys + p.kh;
  return {std::max<int64_t>(ys, 0), std::min(ye, p.h_in),
          std::min(ye, p.h_in + p.pad_bottom) - std::max(ys, -p.pad_top)};
}

// Columns of each output column's window: real pixels and padded extent.
void column_counts(const Pool2dParams& p, int64_t wo, std::vector<int64_t>& real, std::vector<int64_t>& padded) {
  real.resize(size_t(wo));
  padded.resize(size_t(wo));
  for (int64_t ox = 0; ox < wo; ++ox) {
    int64_t xs = ox * p.stride_w - p.pad_left, xe = xs + p.kw;
    real[size_t(ox)] = std::min(xe, p.w_in) - std::max<int64_t>(xs, 0);
    padded[size_t(ox)] = std::min(xe, p.w_in + p.pad_right) - std::max(xs, -p.pad_left);
  }
}

// Row buffer length: left pad + input + room for the last (ceil-mode) window.
int64_t row_buffer_length(const Pool2dParams& p) { return p.pad_left + p.w_in + p.kw; }

void check_global_shape(int64_t n, int64_t c, int64_t hw) {
  if (n < 1 || c < 1 || hw < 1)
    throw Error("global_avgpool: n, c and h*w must be >= 1 (got n=" + std::to_string(n) + ", c=" + std::to_string(c) +
                ", hw=" + std::to_string(hw) + ")");
}

}  // namespace

void maxpool2d_forward(const Pool2dParams& p, const float* in, float* out) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out(), w = p.w_in, hw = p.h_in * p.w_in;
  const int64_t sw = p.stride_w, kw = p.kw, left = p.pad_left;
  parallel_for(p.n * p.c * ho, p.kh * w + kw * wo, [&](int64_t begin, int64_t end) {
    std::vector<float> buf(size_t(row_buffer_length(p)), kNegInf);
    float* row = buf.data() + left;  // row[x] for x in [0, w); padding stays -inf
    for (int64_t i = begin; i < end; ++i) {
      const int64_t plane = i / ho, oy = i % ho;
      const float* src = in + plane * hw;
      RowWindow rw = row_window(p, oy);
      std::copy(src + rw.y0 * w, src + rw.y0 * w + w, row);
      for (int64_t y = rw.y0 + 1; y < rw.y1; ++y) {
        const float* r = src + y * w;
        for (int64_t x = 0; x < w; ++x) row[x] = r[x] > row[x] ? r[x] : row[x];
      }
      float* o = out + i * wo;
      std::fill(o, o + wo, kNegInf);
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float* b = buf.data() + kx;
        for (int64_t ox = 0; ox < wo; ++ox) o[ox] = b[ox * sw] > o[ox] ? b[ox * sw] : o[ox];
      }
    }
  });
}

void maxpool2d_backward(const Pool2dParams& p, const float* in, const float* grad_out, float* grad_in) {
  // Find each window's first maximum again (pool_argmax.cpp), then scatter.
  p.validate();
  const size_t outputs = size_t(p.n * p.c * p.h_out() * p.w_out());
  std::vector<float> values(outputs);
  std::vector<int32_t> argmax(outputs);
  maxpool2d_forward_argmax(p, in, values.data(), argmax.data());
  maxpool2d_backward_argmax(p, argmax.data(), grad_out, grad_in);
}

void avgpool2d_forward(const Pool2dParams& p, const float* in, float* out) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out(), w = p.w_in, hw = p.h_in * p.w_in;
  const int64_t sw = p.stride_w, kw = p.kw, left = p.pad_left;
  std::vector<int64_t> real_cols, padded_cols;
  column_counts(p, wo, real_cols, padded_cols);
  const std::vector<int64_t>& cols = p.count_include_pad ? padded_cols : real_cols;
  parallel_for(p.n * p.c * ho, p.kh * w + kw * wo, [&](int64_t begin, int64_t end) {
    std::vector<float> buf(size_t(row_buffer_length(p)), 0.0f);
    std::vector<float> inv(static_cast<size_t>(wo));
    float* row = buf.data() + left;  // padding stays 0
    for (int64_t i = begin; i < end; ++i) {
      const int64_t plane = i / ho, oy = i % ho;
      const float* src = in + plane * hw;
      RowWindow rw = row_window(p, oy);
      const int64_t rows = p.count_include_pad ? rw.padded_rows : rw.y1 - rw.y0;
      for (int64_t ox = 0; ox < wo; ++ox) inv[size_t(ox)] = 1.0f / float(rows * cols[size_t(ox)]);
      std::copy(src + rw.y0 * w, src + rw.y0 * w + w, row);
      for (int64_t y = rw.y0 + 1; y < rw.y1; ++y) {
        const float* r = src + y * w;
        for (int64_t x = 0; x < w; ++x) row[x] += r[x];
      }
      float* o = out + i * wo;
      std::fill(o, o + wo, 0.0f);
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float* b = buf.data() + kx;
        for (int64_t ox = 0; ox < wo; ++ox) o[ox] += b[ox * sw];
      }
      for (int64_t ox = 0; ox < wo; ++ox) o[ox] *= inv[size_t(ox)];
    }
  });
}

void avgpool2d_backward(const Pool2dParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out(), w = p.w_in, hw = p.h_in * p.w_in;
  const int64_t sw = p.stride_w, kw = p.kw, left = p.pad_left;
  std::vector<int64_t> real_cols, padded_cols;
  column_counts(p, wo, real_cols, padded_cols);
  const std::vector<int64_t>& cols = p.count_include_pad ? padded_cols : real_cols;
  // The adjoint of the forward's two passes, in reverse: spread each scaled
  // output gradient over its kw buffer cells, then add the buffer (without
  // its padding) to every input row of the window. Threads own whole planes.
  parallel_for(p.n * p.c, ho * (kw * wo + p.kh * w), [&](int64_t begin, int64_t end) {
    std::vector<float> buf(size_t(row_buffer_length(p)));
    std::vector<float> scaled(static_cast<size_t>(wo));
    const float* row = buf.data() + left;
    for (int64_t plane = begin; plane < end; ++plane) {
      float* gi = grad_in + plane * hw;
      std::fill(gi, gi + hw, 0.0f);
      for (int64_t oy = 0; oy < ho; ++oy) {
        RowWindow rw = row_window(p, oy);
        const int64_t rows = p.count_include_pad ? rw.padded_rows : rw.y1 - rw.y0;
        const float* go = grad_out + (plane * ho + oy) * wo;
        for (int64_t ox = 0; ox < wo; ++ox) scaled[size_t(ox)] = go[ox] / float(rows * cols[size_t(ox)]);
        std::fill(buf.begin(), buf.end(), 0.0f);
        for (int64_t kx = 0; kx < kw; ++kx) {
          float* b = buf.data() + kx;
          for (int64_t ox = 0; ox < wo; ++ox) b[ox * sw] += scaled[size_t(ox)];
        }
        for (int64_t y = rw.y0; y < rw.y1; ++y) {
          float* r = gi + y * w;
          for (int64_t x = 0; x < w; ++x) r[x] += row[x];
        }
      }
    }
  });
}

void global_avgpool_forward(int64_t n, int64_t c, int64_t hw, const float* in, float* out) {
  check_global_shape(n, c, hw);
  parallel_for(n * c, hw, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const float* src = in + plane * hw;
      double sum = 0.0;
      for (int64_t i = 0; i < hw; ++i) sum += src[i];
      out[plane] = float(sum / double(hw));
    }
  });
}

void global_avgpool_backward(int64_t n, int64_t c, int64_t hw, const float* grad_out, float* grad_in) {
  check_global_shape(n, c, hw);
  parallel_for(n * c, hw, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      float g = grad_out[plane] / float(hw);
      std::fill(grad_in + plane * hw, grad_in + (plane + 1) * hw, g);
    }
  });
}

}  // namespace dream
