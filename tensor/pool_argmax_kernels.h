#pragma once
// Internal to tensor/: the per-plane kernel of maxpool2d_forward_argmax,
// written once as plain loops and templated on a per-file tag type so that
// pool_argmax.cpp (baseline), pool_argmax_avx2.cpp and pool_argmax_avx512.cpp
// each get their own copy vectorised for their instruction set (the tag,
// declared in an unnamed namespace, keeps the copies from being merged at
// link time). No library function is called here for the same reason:
// scratch memory comes from the caller as raw pointers.
//
// The argmax is found separably. The reference scans a window row-major and
// keeps the first strict maximum, which is the first row whose row maximum is
// the window maximum, at that row's first maximum. So, per plane:
//   1. per input row and output column: the first maximum over the kw
//      columns (value, input column) -- once per input row, where a
//      row-major scan per window would redo it for every output row that
//      overlaps it (3x for GoogLeNet's stride-1 3x3 pools);
//   2. per output row: the first row with the largest row maximum.
// Both passes are branch-free, contiguous loops over output columns (a
// strided row is first split into its stride phases). Padding (-inf) and
// NaN never win a strict >, so an all -inf / NaN window keeps its first real
// pixel, as in the reference.
#include <cstdint>
#include <limits>

#include "tensor/pool.h"

namespace dream {
namespace pool_argmax_detail {

// Scratch for one plane, sized by scratch_floats / scratch_ints (pool_argmax.cpp).
struct ArgmaxScratch {
  float* padded;             // (phase_len * stride_w) one input row, -inf padding both sides
  float* phases;             // (stride_w, phase_len) padded row split by stride phase
  float* row_best;           // (H, Wo) row maxima
  int32_t* row_arg;          // (H, Wo) their input columns
  const int32_t* col;        // (Wo) ox * stride_w - pad_left: window's first (maybe padded) column
  const int32_t* first_col;  // (Wo) window's first real column
  int64_t phase_len;
};

using ForwardArgmaxPlane = void (*)(const Pool2dParams& p, const float* src, float* out, int32_t* argmax,
                                    const ArgmaxScratch& s);

ForwardArgmaxPlane forward_argmax_plane_baseline();
ForwardArgmaxPlane forward_argmax_plane_avx2();    // baseline off x86
ForwardArgmaxPlane forward_argmax_plane_avx512();  // baseline off x86

// Step 1 for input row `src` (W floats): first maximum over each window's kw
// columns into best (Wo) and its column into arg (Wo).
template <class Tag>
void row_maxima(const Pool2dParams& p, int64_t wo, const float* src, const ArgmaxScratch& s, float* best,
                int32_t* arg) {
  const int64_t sw = p.stride_w, w = p.w_in;
  const float kNegInf = -std::numeric_limits<float>::infinity();
  // phase r holds padded[j * sw + r]: window column kx of output ox is
  // phase kx % sw at ox + kx / sw, a contiguous read for every kx.
  const float* phases = s.padded;  // stride 1: the row itself
  if (sw == 2 && p.pad_left == 0) {
    // GoogLeNet's stride-2 pools: split the input row itself, no padded copy.
    float* even = s.phases;
    float* odd = s.phases + s.phase_len;
    const int64_t pairs = w / 2;
    for (int64_t j = 0; j < pairs; ++j) {
      even[j] = src[2 * j];
      odd[j] = src[2 * j + 1];
    }
    for (int64_t j = pairs; j < s.phase_len; ++j) {
      even[j] = 2 * j < w ? src[2 * j] : kNegInf;
      odd[j] = kNegInf;
    }
    phases = s.phases;
  } else {
    float* row = s.padded + p.pad_left;
    for (int64_t x = 0; x < w; ++x) row[x] = src[x];
    if (sw == 2) {
      float* even = s.phases;
      float* odd = s.phases + s.phase_len;
      for (int64_t j = 0; j < s.phase_len; ++j) {
        even[j] = s.padded[2 * j];
        odd[j] = s.padded[2 * j + 1];
      }
      phases = s.phases;
    } else if (sw > 2) {
      for (int64_t r = 0; r < sw; ++r) {
        float* ph = s.phases + r * s.phase_len;
        for (int64_t j = 0; j < s.phase_len; ++j) ph[j] = s.padded[j * sw + r];
      }
      phases = s.phases;
    }
  }
  const int32_t* col = s.col;
  if (p.kw == 3) {
    // GoogLeNet's 3x3 windows: the three columns in registers, one pass
    // (a pass per column would reload best/arg just stored, and a store
    // followed by an overlapping unaligned load stalls).
    const float* v0 = phases;
    const float* v1 = phases + (1 % sw) * s.phase_len + 1 / sw;
    const float* v2 = phases + (2 % sw) * s.phase_len + 2 / sw;
    for (int64_t ox = 0; ox < wo; ++ox) {
      // The index select as a bit mask: gcc vectorises this form, not a ?:.
      // Start as the general loop does, from -inf at the first real column:
      // a first column that is padding, -inf or NaN does not win.
      const float x0 = v0[ox], x1 = v1[ox], x2 = v2[ox];
      float b = x0 > kNegInf ? x0 : kNegInf;
      int32_t a = s.first_col[ox];
      const int32_t better1 = -int32_t(x1 > b);
      b = x1 > b ? x1 : b;
      a = (a & ~better1) | ((col[ox] + 1) & better1);
      const int32_t better2 = -int32_t(x2 > b);
      b = x2 > b ? x2 : b;
      a = (a & ~better2) | ((col[ox] + 2) & better2);
      best[ox] = b;
      arg[ox] = a;
    }
    return;
  }
  for (int64_t ox = 0; ox < wo; ++ox) {
    best[ox] = kNegInf;
    arg[ox] = s.first_col[ox];
  }
  for (int64_t kx = 0; kx < p.kw; ++kx) {
    const float* v = phases + (kx % sw) * s.phase_len + kx / sw;
    const int32_t k = int32_t(kx);
    for (int64_t ox = 0; ox < wo; ++ox) {
      // The index select as a bit mask: gcc vectorises this form, not a ?:.
      const float x = v[ox], cur = best[ox];
      const int32_t better = -int32_t(x > cur);
      best[ox] = x > cur ? x : cur;
      arg[ox] = (arg[ox] & ~better) | ((col[ox] + k) & better);
    }
  }
}

// One plane: src (H, W) -> out, argmax (Ho, Wo).
template <class Tag>
void forward_argmax_plane(const Pool2dParams& p, const float* src, float* out, int32_t* argmax,
                          const ArgmaxScratch& s) {
  const int64_t ho = p.h_out(), wo = p.w_out(), w = p.w_in, h = p.h_in;
  for (int64_t y = 0; y < h; ++y) {
    // Ask for the input two rows ahead: the row pass does enough work per
    // cache line that the hardware prefetcher alone leaves it waiting.
    if (y + 2 < h)
      for (int64_t x = 0; x < w; x += 16) __builtin_prefetch(src + (y + 2) * w + x);
    row_maxima<Tag>(p, wo, src + y * w, s, s.row_best + y * wo, s.row_arg + y * wo);
  }
  for (int64_t oy = 0; oy < ho; ++oy) {
    const int64_t ys = oy * p.stride_h - p.pad_top;
    const int64_t y0 = ys > 0 ? ys : 0, y1 = ys + p.kh < h ? ys + p.kh : h;
    float* best = out + oy * wo;
    int32_t* arg = argmax + oy * wo;
    // Row y0 starts the scan: its maximum and column are taken as they are.
    const float* rb0 = s.row_best + y0 * wo;
    const int32_t* ra0 = s.row_arg + y0 * wo;
    const int32_t base0 = int32_t(y0 * w);
    if (y1 - y0 == 3) {
      // Full 3-row windows: one pass with the rows in registers.
      const float* rb1 = rb0 + wo;
      const float* rb2 = rb0 + 2 * wo;
      const int32_t* ra1 = ra0 + wo;
      const int32_t* ra2 = ra0 + 2 * wo;
      const int32_t base1 = base0 + int32_t(w), base2 = base0 + 2 * int32_t(w);
      for (int64_t ox = 0; ox < wo; ++ox) {
        float b = rb0[ox];
        int32_t a = base0 + ra0[ox];
        const float x1 = rb1[ox], x2 = rb2[ox];
        const int32_t better1 = -int32_t(x1 > b);
        b = x1 > b ? x1 : b;
        a = (a & ~better1) | ((base1 + ra1[ox]) & better1);
        const int32_t better2 = -int32_t(x2 > b);
        b = x2 > b ? x2 : b;
        a = (a & ~better2) | ((base2 + ra2[ox]) & better2);
        best[ox] = b;
        arg[ox] = a;
      }
      continue;
    }
    for (int64_t ox = 0; ox < wo; ++ox) {
      best[ox] = rb0[ox];
      arg[ox] = base0 + ra0[ox];
    }
    for (int64_t y = y0 + 1; y < y1; ++y) {
      const float* rb = s.row_best + y * wo;
      const int32_t* ra = s.row_arg + y * wo;
      const int32_t base = int32_t(y * w);
      for (int64_t ox = 0; ox < wo; ++ox) {
        const float x = rb[ox], cur = best[ox];
        const int32_t better = -int32_t(x > cur);
        best[ox] = x > cur ? x : cur;
        arg[ox] = (arg[ox] & ~better) | ((base + ra[ox]) & better);
      }
    }
  }
}

}  // namespace pool_argmax_detail
}  // namespace dream
