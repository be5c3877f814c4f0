// Optimised LRN across channels. Works on a strip of `kStrip` pixels of one
// image at a time (threads take strips) and walks the channels once, keeping
// the window sum of squares for the whole strip as a running sum: entering
// channel ch + 1 adds the channel that joins the window and subtracts the one
// that leaves it, two contiguous passes per channel whatever the size. The
// running sum is in double: squares of floats are exact in double, so adding
// and later subtracting the same value leaves no drift across 100s of channels.
#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tensor/lrn.h"
#include "tensor/parallel.h"

namespace dream {

namespace {

constexpr int64_t kStrip = 128;  // pixels per strip: buffers stay in L1/L2

// s^-beta for a strip; beta = 0.75 (AlexNet/GoogLeNet) without pow().
void pow_neg_beta(int64_t len, float beta, const float* s, float* out) {
  if (beta == 0.75f) {
    int64_t i = 0;
#if defined(__SSE2__)
    // std::sqrt keeps an errno branch that stops gcc vectorising the loop;
    // sqrtps and divps round exactly as the scalar tail does.
    const __m128 one = _mm_set1_ps(1.0f);
    for (; i + 4 <= len; i += 4) {
      __m128 r = _mm_div_ps(one, _mm_sqrt_ps(_mm_loadu_ps(s + i)));
      _mm_storeu_ps(out + i, _mm_mul_ps(r, _mm_sqrt_ps(r)));
    }
#endif
    for (; i < len; ++i) {
      float r = 1.0f / std::sqrt(s[i]);
      out[i] = r * std::sqrt(r);
    }
  } else {
    for (int64_t i = 0; i < len; ++i) out[i] = std::pow(s[i], -beta);
  }
}

void add_squares(int64_t len, const float* x, double* sum) {
  for (int64_t i = 0; i < len; ++i) sum[i] += double(x[i]) * double(x[i]);
}
void sub_squares(int64_t len, const float* x, double* sum) {
  for (int64_t i = 0; i < len; ++i) sum[i] -= double(x[i]) * double(x[i]);
}

// scale (C rows of `len`, row stride `ld`) for the strip starting at x.
void strip_scale(const LrnParams& p, int64_t hw, int64_t len, const float* x, float* scale, int64_t ld, double* sum) {
  const float a = p.alpha / float(p.size);
  std::fill(sum, sum + len, 0.0);
  for (int64_t k = 0; k <= std::min(p.size / 2, p.c - 1); ++k) add_squares(len, x + k * hw, sum);
  for (int64_t ch = 0; ch < p.c; ++ch) {
    float* s = scale + ch * ld;
    for (int64_t i = 0; i < len; ++i) s[i] = float(double(p.bias) + double(a) * sum[i]);
    int64_t enter = ch + 1 + p.size / 2, leave = ch - (p.size - 1) / 2;
    if (enter < p.c) add_squares(len, x + enter * hw, sum);
    if (leave >= 0) sub_squares(len, x + leave * hw, sum);
  }
}

template <class Body>
void for_each_strip(const LrnParams& p, Body body) {
  const int64_t hw = p.h * p.w, strips = (hw + kStrip - 1) / kStrip;
  parallel_for(p.n * strips, p.c * kStrip * 8, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      int64_t b = t / strips, i0 = (t % strips) * kStrip;
      body(b * p.c * hw + i0, std::min(kStrip, hw - i0));
    }
  });
}

}  // namespace

void lrn_forward(const LrnParams& p, const float* in, float* out, float* scale) {
  p.validate();
  const int64_t hw = p.h * p.w;
  for_each_strip(p, [&](int64_t offset, int64_t len) {
    // Scale for the strip: into the caller's array when kept, else a local one.
    std::vector<float> local(scale ? 0 : static_cast<size_t>(p.c * kStrip));
    std::vector<double> sum(static_cast<size_t>(kStrip));
    std::vector<float> factor(static_cast<size_t>(kStrip));
    float* s = scale ? scale + offset : local.data();
    int64_t ld = scale ? hw : kStrip;
    strip_scale(p, hw, len, in + offset, s, ld, sum.data());
    for (int64_t ch = 0; ch < p.c; ++ch) {
      pow_neg_beta(len, p.beta, s + ch * ld, factor.data());
      const float* x = in + offset + ch * hw;
      float* y = out + offset + ch * hw;
      for (int64_t i = 0; i < len; ++i) y[i] = x[i] * factor[size_t(i)];
    }
  });
}

void lrn_backward(const LrnParams& p, const float* in, const float* out, const float* scale, const float* grad_out,
                  float* grad_in) {
  p.validate();
  const int64_t hw = p.h * p.w;
  const double k = 2.0 * double(p.alpha) * double(p.beta) / double(p.size);
  for_each_strip(p, [&](int64_t offset, int64_t len) {
    std::vector<float> local(scale ? 0 : static_cast<size_t>(p.c * kStrip));
    std::vector<float> ratio(static_cast<size_t>(p.c * kStrip));  // grad_out * out / scale
    std::vector<double> sum(static_cast<size_t>(kStrip));
    std::vector<float> factor(static_cast<size_t>(kStrip));
    const float* s = scale ? scale + offset : local.data();
    const int64_t ld = scale ? hw : kStrip;
    if (!scale) strip_scale(p, hw, len, in + offset, local.data(), kStrip, sum.data());
    for (int64_t ch = 0; ch < p.c; ++ch) {
      const float* g = grad_out + offset + ch * hw;
      const float* y = out + offset + ch * hw;
      const float* sc = s + ch * ld;
      float* r = ratio.data() + ch * kStrip;
      for (int64_t i = 0; i < len; ++i) r[i] = g[i] * y[i] / sc[i];
    }
    // Running sum over the channels whose window holds ch:
    // c2 in [ch - size/2, ch + (size-1)/2].
    std::fill(sum.begin(), sum.end(), 0.0);
    auto add = [&](int64_t c2, double sign) {
      const float* r = ratio.data() + c2 * kStrip;
      for (int64_t i = 0; i < len; ++i) sum[size_t(i)] += sign * double(r[i]);
    };
    for (int64_t c2 = 0; c2 <= std::min((p.size - 1) / 2, p.c - 1); ++c2) add(c2, 1.0);
    for (int64_t ch = 0; ch < p.c; ++ch) {
      pow_neg_beta(len, p.beta, s + ch * ld, factor.data());
      const float* g = grad_out + offset + ch * hw;
      const float* x = in + offset + ch * hw;
      float* gi = grad_in + offset + ch * hw;
      for (int64_t i = 0; i < len; ++i)
        gi[i] = float(double(g[i] * factor[size_t(i)]) - k * double(x[i]) * sum[size_t(i)]);
      int64_t enter = ch + 1 + (p.size - 1) / 2, leave = ch - p.size / 2;
      if (enter < p.c) add(enter, 1.0);
      if (leave >= 0) add(leave, -1.0);
    }
  });
}

}  // namespace dream
