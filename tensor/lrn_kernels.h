#pragma once
// Internal to tensor/: the LRN strip kernels, written once as plain loops
// over a strip of pixels (which the compiler vectorises with whatever ISA the
// including file is built for) and templated on `Pow`, a per-file struct with
//   static void neg_beta(int64_t len, float beta, const float* s, float* f, float* inv);
// f = s^-beta and, when inv is not null, inv = 1 / s (vector reciprocal
// square roots need intrinsics, and std::sqrt's errno path stops gcc's
// vectoriser anyway). Copies are plain loops, not std::copy: an inline library
// function instantiated here could be merged with a copy built for another
// instruction set. Each lrn*.cpp instantiates them with its own Pow type, declared
// in an unnamed namespace, so no function is shared between files compiled
// with different instruction sets. lrn.cpp cuts the image into strips and
// picks the table for the active SIMD level.
//
// Layout of every pointer: the first pixel of a strip of channel 0 of one
// image; channel ch of the strip starts at ch * hw, and a strip holds `len`
// pixels. Everything is float; window sums are recomputed directly for each
// channel (size multiply-adds of rows still in cache), so no running sum
// can drift over hundreds of channels.
#include <algorithm>  // std::min / std::max on channel indices
#include <cmath>
#include <cstdint>

#include "tensor/lrn.h"

namespace dream {
namespace lrn_detail {

struct LrnKernels {
  // y, and scale when not null, for one strip. work: 2 * len floats.
  void (*forward_strip)(const LrnParams& p, int64_t hw, int64_t len, const float* x, float* y, float* scale,
                        float* work);
  // grad_in for one strip; scale may be null (recomputed from x).
  // work: (2 * size + 1) * len floats.
  void (*backward_strip)(const LrnParams& p, int64_t hw, int64_t len, const float* x, const float* scale,
                         const float* grad_out, float* grad_in, float* work);
};

const LrnKernels& lrn_kernels_baseline();
const LrnKernels& lrn_kernels_avx2();    // baseline table off x86
const LrnKernels& lrn_kernels_avx512();  // baseline table off x86

// Pow::neg_beta's plain loop over elements [i, len): its tail after the
// vector part, or all of it. Templated on the caller's Pow only so that each
// instruction-set file gets its own copy (see above).
template <class Pow>
void neg_beta_scalar(int64_t i, int64_t len, float beta, const float* s, float* f, float* inv) {
  for (; i < len; ++i) {
    if (beta == 0.75f) {
      const float r = 1.0f / std::sqrt(s[i]);
      f[i] = r * std::sqrt(r);
    } else {
      f[i] = std::pow(s[i], -beta);
    }
    if (inv) inv[i] = 1.0f / s[i];
  }
}

// scale of channel ch = bias + alpha/size * sum of x^2 over window(ch) =
// [ch - (size-1)/2, ch + size/2] clipped to [0, C), into s (len floats).
template <class Pow>
void lrn_scale_row(const LrnParams& p, int64_t hw, int64_t len, const float* x, int64_t ch, float* s) {
  const int64_t lo = std::max<int64_t>(ch - (p.size - 1) / 2, 0), hi = std::min(ch + p.size / 2, p.c - 1);
  const float* r = x + lo * hw;
  for (int64_t i = 0; i < len; ++i) s[i] = r[i] * r[i];
  for (int64_t k = lo + 1; k <= hi; ++k) {
    r = x + k * hw;
    for (int64_t i = 0; i < len; ++i) s[i] += r[i] * r[i];
  }
  const float a = p.alpha / float(p.size), bias = p.bias;
  for (int64_t i = 0; i < len; ++i) s[i] = bias + a * s[i];
}

template <class Pow>
void lrn_forward_strip(const LrnParams& p, int64_t hw, int64_t len, const float* x, float* y, float* scale,
                       float* work) {
  float* s = work;
  float* f = work + len;
  for (int64_t ch = 0; ch < p.c; ++ch) {
    lrn_scale_row<Pow>(p, hw, len, x, ch, s);
    if (scale) {
      float* sc = scale + ch * hw;
      for (int64_t i = 0; i < len; ++i) sc[i] = s[i];
    }
    Pow::neg_beta(len, p.beta, s, f, nullptr);
    const float* xc = x + ch * hw;
    float* yc = y + ch * hw;
    for (int64_t i = 0; i < len; ++i) yc[i] = xc[i] * f[i];
  }
}

// grad_in[c] = g[c] * f[c] - 2 alpha beta / size * x[c] * sum_{c'} r[c'],
//   f = scale^-beta,  r[c'] = g[c'] * y[c'] / scale[c'] with y = x * f,
// over the channels c' whose window holds c: [c - size/2, c + (size-1)/2].
// Channels are walked once; r and f of channel c + (size-1)/2 are made just
// before c needs them and kept in rings of `size` rows (a row is last read
// size - 1 channels after it was made), so x and grad_out are each read from
// memory once, and y is not read at all.
template <class Pow>
void lrn_backward_strip(const LrnParams& p, int64_t hw, int64_t len, const float* x, const float* scale,
                        const float* grad_out, float* grad_in, float* work) {
  const int64_t size = p.size, below = p.size / 2, above = (p.size - 1) / 2;
  float* r_ring = work;               // size rows
  float* f_ring = work + size * len;  // size rows
  float* acc = work + 2 * size * len;
  const float k = 2.0f * p.alpha * p.beta / float(p.size);
  auto make_row = [&](int64_t c2) {
    float* r = r_ring + (c2 % size) * len;
    float* f = f_ring + (c2 % size) * len;
    // r holds the scale until it is turned into g * x * f / scale; acc is
    // free until the window sum, so it takes 1 / scale meanwhile.
    if (scale) {
      const float* sc = scale + c2 * hw;
      for (int64_t i = 0; i < len; ++i) r[i] = sc[i];
    } else {
      lrn_scale_row<Pow>(p, hw, len, x, c2, r);
    }
    Pow::neg_beta(len, p.beta, r, f, acc);
    const float* g = grad_out + c2 * hw;
    const float* xc = x + c2 * hw;
    for (int64_t i = 0; i < len; ++i) r[i] = g[i] * xc[i] * f[i] * acc[i];
  };
  for (int64_t c2 = 0; c2 < std::min(above, p.c); ++c2) make_row(c2);
  for (int64_t ch = 0; ch < p.c; ++ch) {
    if (ch + above < p.c) make_row(ch + above);
    const int64_t lo = std::max<int64_t>(ch - below, 0), hi = std::min(ch + above, p.c - 1);
    const float* r = r_ring + (lo % size) * len;
    for (int64_t i = 0; i < len; ++i) acc[i] = r[i];
    for (int64_t c2 = lo + 1; c2 <= hi; ++c2) {
      r = r_ring + (c2 % size) * len;
      for (int64_t i = 0; i < len; ++i) acc[i] += r[i];
    }
    const float* f = f_ring + (ch % size) * len;
    const float* g = grad_out + ch * hw;
    const float* xc = x + ch * hw;
    float* gi = grad_in + ch * hw;
    for (int64_t i = 0; i < len; ++i) gi[i] = g[i] * f[i] - k * xc[i] * acc[i];
  }
}

template <class Pow>
const LrnKernels& lrn_kernels_table() {
  static const LrnKernels table = {&lrn_forward_strip<Pow>, &lrn_backward_strip<Pow>};
  return table;
}

}  // namespace lrn_detail
}  // namespace dream
