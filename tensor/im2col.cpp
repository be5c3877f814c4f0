// im2col / col2im over a band of output rows (see im2col.h for the layout).
// For each kernel tap the output columns whose tap lands inside the image
// form one contiguous range [ox_lo, ox_hi); outside it the tap reads padding.
// Computing that range once per tap keeps the inner loops branch-free (a
// plain copy when stride_w == 1).
#include "tensor/im2col.h"

#include <algorithm>
#include <cstring>

#include "tensor/parallel.h"

namespace dream {
namespace {

// Output columns ox in [lo, hi) whose input column ox*stride_w + offset lies in [0, w_in).
struct ColumnRange {
  int64_t lo, hi;
};

ColumnRange valid_columns(const Conv2dParams& p, int64_t wo, int64_t offset) {
  const int64_t s = p.stride_w;
  // ox*s + offset >= 0  <=>  ox >= ceil(-offset / s)
  const int64_t lo = offset >= 0 ? 0 : (-offset + s - 1) / s;
  // ox*s + offset <= w_in - 1  <=>  ox <= floor((w_in - 1 - offset) / s)
  const int64_t last = p.w_in - 1 - offset;
  const int64_t hi = last < 0 ? 0 : std::min(wo, last / s + 1);
  return {std::min(lo, hi), hi};
}

}  // namespace

void im2col_rows(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  const int64_t taps = p.kh * p.kw;
  // One column-matrix row per (ci, ky, kx): rows are independent, so split them across threads.
  parallel_for(p.c_in * taps, [&](int64_t row_begin, int64_t row_end) {
    for (int64_t row = row_begin; row < row_end; ++row) {
      const int64_t ci = row / taps, ky = (row % taps) / p.kw, kx = row % p.kw;
      const float* plane = image + ci * p.h_in * p.w_in;
      const int64_t x_offset = kx * p.dil_w - p.pad_left;
      const ColumnRange cols = valid_columns(p, wo, x_offset);
      float* dst = col + row * band;
      for (int64_t oy = oy_begin; oy < oy_end; ++oy, dst += wo) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
        if (iy < 0 || iy >= p.h_in) {
          std::fill(dst, dst + wo, 0.0f);
          continue;
        }
        const float* src = plane + iy * p.w_in;  // src[ox*stride_w + x_offset] is tap (ky, kx) of column ox
        std::fill(dst, dst + cols.lo, 0.0f);
        if (p.stride_w == 1) {
          if (cols.hi > cols.lo)
            std::memcpy(dst + cols.lo, src + cols.lo + x_offset,
                        static_cast<size_t>(cols.hi - cols.lo) * sizeof(float));
        } else {
          for (int64_t ox = cols.lo; ox < cols.hi; ++ox) dst[ox] = src[ox * p.stride_w + x_offset];
        }
        std::fill(dst + cols.hi, dst + wo, 0.0f);
      }
    }
  });
}

void col2im_rows_add(const Conv2dParams& p, const float* col, int64_t oy_begin, int64_t oy_end, float* image) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  // Different taps of one input channel add into the same plane, so threads
  // split by input channel: each owns whole planes and no two write the same pixel.
  parallel_for(p.c_in, [&](int64_t ci_begin, int64_t ci_end) {
    for (int64_t ci = ci_begin; ci < ci_end; ++ci) {
      float* plane = image + ci * p.h_in * p.w_in;
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          const int64_t x_offset = kx * p.dil_w - p.pad_left;
          const ColumnRange cols = valid_columns(p, wo, x_offset);
          const float* src = col + ((ci * p.kh + ky) * p.kw + kx) * band;
          for (int64_t oy = oy_begin; oy < oy_end; ++oy, src += wo) {
            const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
            if (iy < 0 || iy >= p.h_in) continue;
            float* dst = plane + iy * p.w_in;  // dst[ox*stride_w + x_offset] receives column ox
            if (p.stride_w == 1) {
              for (int64_t ox = cols.lo; ox < cols.hi; ++ox) dst[ox + x_offset] += src[ox];
            } else {
              for (int64_t ox = cols.lo; ox < cols.hi; ++ox) dst[ox * p.stride_w + x_offset] += src[ox];
            }
          }
        }
    }
  });
}

void im2col_rows_ref(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  for (int64_t ci = 0; ci < p.c_in; ++ci)
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx)
        for (int64_t oy = oy_begin; oy < oy_end; ++oy)
          for (int64_t ox = 0; ox < wo; ++ox) {
            const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
            const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dil_w;
            const bool inside = iy >= 0 && iy < p.h_in && ix >= 0 && ix < p.w_in;
            col[((ci * p.kh + ky) * p.kw + kx) * band + (oy - oy_begin) * wo + ox] =
                inside ? image[(ci * p.h_in + iy) * p.w_in + ix] : 0.0f;
          }
}

void col2im_rows_add_ref(const Conv2dParams& p, const float* col, int64_t oy_begin, int64_t oy_end, float* image) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  for (int64_t ci = 0; ci < p.c_in; ++ci)
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx)
        for (int64_t oy = oy_begin; oy < oy_end; ++oy)
          for (int64_t ox = 0; ox < wo; ++ox) {
            const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
            const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dil_w;
            if (iy < 0 || iy >= p.h_in || ix < 0 || ix >= p.w_in) continue;
            image[(ci * p.h_in + iy) * p.w_in + ix] +=
                col[((ci * p.kh + ky) * p.kw + kx) * band + (oy - oy_begin) * wo + ox];
          }
}

}  // namespace dream
