// im2col / col2im over a band of output rows (see im2col.h for the layout).
// For each kernel tap the output columns whose tap lands inside the image
// form one contiguous range [ox_lo, ox_hi); outside it the tap reads padding.
// Computing that range once per tap keeps the inner loops branch-free: a
// plain copy (im2col) or add (col2im) per tap and row when stride_w == 1.
//
// With stride_w = s > 1 a tap reads every s-th pixel of a row, and a strided
// loop per tap (kw of them per row) is slow. Instead each input row is split
// once into s "phase" rows of its zero-padded version P:
//   phase[q][i] = P[i*s + q],   P[j] = in[j - pad_left] (0 outside the image)
// and tap kx (offset kx*dil_w = base*s + q) of column ox is phase[q][ox + base]:
// a contiguous copy per tap, one strided pass per row (and the same in reverse
// for col2im).
#include "tensor/im2col.h"

#include <algorithm>
#include <cstring>
#include <vector>

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

// dst[i] += src[i]; the two never overlap (image vs column buffer), which
// __restrict tells the compiler so it vectorises without runtime alias checks.
void add_row(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

// The phase rows of one image row (see the top of the file).
struct PhaseLayout {
  int64_t s;       // stride_w
  int64_t length;  // floats per phase row
  int64_t padded;  // Wp: the padded columns any tap reads, (wo-1)*s + (kw-1)*dil_w + 1
};

PhaseLayout phase_layout(const Conv2dParams& p, int64_t wo) {
  const int64_t s = p.stride_w;
  const int64_t padded = (wo - 1) * s + (p.kw - 1) * p.dil_w + 1;
  return {s, (padded + s - 1) / s, padded};
}

// Phase row q holds P[i*s + q] for i < length; the ones inside the image are
// i in [lo, hi), ix = i*s + q - pad_left (the rest is padding: zero).
ColumnRange phase_inside(const Conv2dParams& p, const PhaseLayout& l, int64_t q) {
  const int64_t first = p.pad_left - q;  // i*s >= pad_left - q
  const int64_t lo = first <= 0 ? 0 : (first + l.s - 1) / l.s;
  const int64_t last = std::min(p.w_in + p.pad_left, l.padded) - 1 - q;  // i*s <= last
  const int64_t hi = last < 0 ? 0 : std::min(l.length, last / l.s + 1);
  return {std::min(lo, hi), hi};
}

// phase[q*length + i] = P[i*s + q] for the input row src (w_in floats).
void split_phases(const Conv2dParams& p, const PhaseLayout& l, const float* src, float* phase) {
  for (int64_t q = 0; q < l.s; ++q) {
    float* out = phase + q * l.length;
    const ColumnRange r = phase_inside(p, l, q);
    const float* in = src + q - p.pad_left;  // in[i*s] is P[i*s + q] for i in r
    std::fill(out, out + r.lo, 0.0f);
    for (int64_t i = r.lo; i < r.hi; ++i) out[i] = in[i * l.s];
    std::fill(out + r.hi, out + l.length, 0.0f);
  }
}

// The adjoint of split_phases: dst[ix] += phase value of P[ix + pad_left].
void merge_phases_add(const Conv2dParams& p, const PhaseLayout& l, const float* phase, float* dst) {
  if (l.s == 2) {
    // Both phases in one pass over dst, a pair of columns at a time (GCC
    // vectorises the pair; a strided pass per phase ran scalar: conv1's
    // col2im 1.8 -> 1.65 ms per call). Even column 2m is P[2m + pad_left],
    // in phase e = pad_left % 2 at index m + (pad_left - e) / 2; odd ones
    // the other.
    const int64_t e = p.pad_left % 2, o = 1 - e;
    const float* __restrict even = phase + e * l.length + (p.pad_left - e) / 2;
    const float* __restrict odd = phase + o * l.length + (p.pad_left + 1 - o) / 2;
    const int64_t end = std::clamp<int64_t>(l.padded - p.pad_left, 0, p.w_in);  // columns some tap reaches
    float* __restrict out = dst;
    const int64_t pairs = end / 2;
    for (int64_t m = 0; m < pairs; ++m) {
      out[2 * m] += even[m];
      out[2 * m + 1] += odd[m];
    }
    if (end % 2) out[end - 1] += even[pairs];
    return;
  }
  for (int64_t q = 0; q < l.s; ++q) {
    const float* in = phase + q * l.length;
    const ColumnRange r = phase_inside(p, l, q);
    for (int64_t i = r.lo; i < r.hi; ++i) dst[i * l.s + q - p.pad_left] += in[i];
  }
}

// im2col for stride_w > 1: one unit of work per (ci, ky, oy), writing that
// output row's segment of the kw column rows (ci, ky, 0..kw-1).
void im2col_rows_strided(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col) {
  const int64_t wo = p.w_out();
  const int64_t rows = oy_end - oy_begin, band = rows * wo;
  const PhaseLayout l = phase_layout(p, wo);
  parallel_for(p.c_in * p.kh * rows, [&](int64_t begin, int64_t end) {
    std::vector<float> phase(static_cast<size_t>(l.s * l.length));
    for (int64_t u = begin; u < end; ++u) {
      const int64_t ci = u / (p.kh * rows), ky = (u / rows) % p.kh, oy = oy_begin + u % rows;
      float* dst = col + (ci * p.kh + ky) * p.kw * band + (oy - oy_begin) * wo;  // tap kx at dst + kx*band
      const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dil_h;
      if (iy < 0 || iy >= p.h_in) {
        for (int64_t kx = 0; kx < p.kw; ++kx) std::fill(dst + kx * band, dst + kx * band + wo, 0.0f);
        continue;
      }
      split_phases(p, l, image + (ci * p.h_in + iy) * p.w_in, phase.data());
      for (int64_t kx = 0; kx < p.kw; ++kx) {
        const int64_t offset = kx * p.dil_w;
        const float* src = phase.data() + (offset % l.s) * l.length + offset / l.s;
        std::memcpy(dst + kx * band, src, static_cast<size_t>(wo) * sizeof(float));
      }
    }
  });
}

}  // namespace

void im2col_rows(const Conv2dParams& p, const float* image, int64_t oy_begin, int64_t oy_end, float* col) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  if (p.stride_w > 1) {
    im2col_rows_strided(p, image, oy_begin, oy_end, col);
    return;
  }
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
        const float* src = plane + iy * p.w_in;  // src[ox + x_offset] is tap (ky, kx) of column ox
        std::fill(dst, dst + cols.lo, 0.0f);
        if (cols.hi > cols.lo)
          std::memcpy(dst + cols.lo, src + cols.lo + x_offset, static_cast<size_t>(cols.hi - cols.lo) * sizeof(float));
        std::fill(dst + cols.hi, dst + wo, 0.0f);
      }
    }
  });
}

void col2im_rows_add(const Conv2dParams& p, const float* col, int64_t oy_begin, int64_t oy_end, float* image) {
  const int64_t wo = p.w_out();
  const int64_t band = (oy_end - oy_begin) * wo;
  // Written as a gather over input rows: each (ci, iy) pulls in every column
  // row segment that lands on it, so threads own disjoint input rows (no two
  // write the same pixel), the work splits evenly even for Ci = 3, and the
  // destination row stays in L1 while its kh*kw contributions are added.
  // Input rows this band touches: from the first tap of its first output row
  // to the last tap of its last.
  const int64_t iy_first = std::max<int64_t>(0, oy_begin * p.stride_h - p.pad_top);
  const int64_t iy_last = std::min(p.h_in - 1, (oy_end - 1) * p.stride_h - p.pad_top + (p.kh - 1) * p.dil_h);
  if (iy_last < iy_first) return;  // the whole band reads padding only
  const int64_t rows = iy_last - iy_first + 1;
  const bool strided = p.stride_w > 1;
  const PhaseLayout l = phase_layout(p, wo);
  parallel_for(p.c_in * rows, [&](int64_t begin, int64_t end) {
    std::vector<float> phase(strided ? static_cast<size_t>(l.s * l.length) : 0);
    for (int64_t r = begin; r < end; ++r) {
      const int64_t ci = r / rows, iy = iy_first + r % rows;
      float* dst = image + (ci * p.h_in + iy) * p.w_in;   // dst[ox + x_offset] receives column ox (stride 1)
      const float* taps = col + ci * p.kh * p.kw * band;  // this channel's kh*kw column rows
      if (strided) std::fill(phase.begin(), phase.end(), 0.0f);
      bool touched = false;
      for (int64_t ky = 0; ky < p.kh; ++ky) {
        // Output row oy reads this input row through tap ky iff oy*stride_h - pad_top + ky*dil_h == iy.
        const int64_t t = iy + p.pad_top - ky * p.dil_h;
        if (t < 0 || t % p.stride_h != 0) continue;
        const int64_t oy = t / p.stride_h;
        if (oy < oy_begin || oy >= oy_end) continue;
        touched = true;
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          const float* src = taps + (ky * p.kw + kx) * band + (oy - oy_begin) * wo;
          if (strided) {
            // Tap kx of column ox lands on phase[q][ox + base], kx*dil_w = base*s + q.
            const int64_t offset = kx * p.dil_w;
            add_row(phase.data() + (offset % l.s) * l.length + offset / l.s, src, wo);
          } else {
            const int64_t x_offset = kx * p.dil_w - p.pad_left;
            const ColumnRange cols = valid_columns(p, wo, x_offset);
            if (cols.hi > cols.lo) add_row(dst + cols.lo + x_offset, src + cols.lo, cols.hi - cols.lo);
          }
        }
      }
      if (strided && touched) merge_phases_add(p, l, phase.data(), dst);
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
