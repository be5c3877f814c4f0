// Optimised bilinear resize. Bilinear is separable, so each output row is
//   1. a vertical blend of its two input rows over the full input width
//      (contiguous, vectorised), then
//   2. a horizontal blend gathered through per-column tables (x0, x1, w1)
//      computed once per call.
// The backward runs the adjoint of those two steps in reverse order, the
// vertical one gathered per input row so that it parallelises over rows
// even for the 3-plane images of the dreaming pyramid.
#include "tensor/resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tensor/parallel.h"

namespace dream {

namespace {

// Half-pixel source taps of every output index along one axis.
struct Taps {
  std::vector<int64_t> i0, i1;
  std::vector<float> w1;  // weight of i1; i0 gets 1 - w1
};

Taps make_taps(int64_t in_size, int64_t out_size) {
  Taps t;
  t.i0.resize(size_t(out_size));
  t.i1.resize(size_t(out_size));
  t.w1.resize(size_t(out_size));
  for (int64_t o = 0; o < out_size; ++o) {
    double s = (double(o) + 0.5) * double(in_size) / double(out_size) - 0.5;
    s = std::min(std::max(s, 0.0), double(in_size - 1));
    int64_t i0 = int64_t(std::floor(s));
    t.i0[size_t(o)] = i0;
    t.i1[size_t(o)] = std::min(i0 + 1, in_size - 1);
    t.w1[size_t(o)] = float(s - double(i0));
  }
  return t;
}

}  // namespace

void resize_bilinear_forward(const ResizeParams& p, const float* in, float* out) {
  p.validate();
  const Taps ty = make_taps(p.h_in, p.h_out), tx = make_taps(p.w_in, p.w_out);
  const int64_t w_in = p.w_in, w_out = p.w_out;
  parallel_for(p.planes * p.h_out, 2 * w_in + 3 * w_out, [&](int64_t begin, int64_t end) {
    std::vector<float> blended(static_cast<size_t>(w_in));
    float* row = blended.data();
    for (int64_t r = begin; r < end; ++r) {
      const int64_t plane = r / p.h_out, y = r % p.h_out;
      const float* r0 = in + (plane * p.h_in + ty.i0[size_t(y)]) * w_in;
      const float* r1 = in + (plane * p.h_in + ty.i1[size_t(y)]) * w_in;
      const float b = ty.w1[size_t(y)], a = 1.0f - b;
      for (int64_t x = 0; x < w_in; ++x) row[x] = a * r0[x] + b * r1[x];
      float* o = out + r * w_out;
      for (int64_t x = 0; x < w_out; ++x) {
        const float wb = tx.w1[size_t(x)];
        o[x] = (1.0f - wb) * row[tx.i0[size_t(x)]] + wb * row[tx.i1[size_t(x)]];
      }
    }
  });
}

void resize_bilinear_backward(const ResizeParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  const Taps ty = make_taps(p.h_in, p.h_out), tx = make_taps(p.w_in, p.w_out);
  const int64_t w_in = p.w_in, w_out = p.w_out;
  // 1. Transposed horizontal blend of every output row into an input-width
  //    row: spread(planes, H_out, W_in). Rows are independent.
  std::vector<float> spread(static_cast<size_t>(p.planes * p.h_out * w_in));
  parallel_for(p.planes * p.h_out, 2 * w_in + 4 * w_out, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* g = grad_out + r * w_out;
      float* row = spread.data() + r * w_in;
      std::fill(row, row + w_in, 0.0f);
      for (int64_t x = 0; x < w_out; ++x) {
        const float wb = tx.w1[size_t(x)];
        row[tx.i0[size_t(x)]] += (1.0f - wb) * g[x];
        row[tx.i1[size_t(x)]] += wb * g[x];
      }
    }
  });
  // 2. Transposed vertical blend, gathered: each input row sums the spread
  //    rows of the output rows that read it, so threads never share a row.
  std::vector<std::vector<std::pair<int64_t, float>>> readers(static_cast<size_t>(p.h_in));
  for (int64_t y = 0; y < p.h_out; ++y) {
    readers[size_t(ty.i0[size_t(y)])].push_back({y, 1.0f - ty.w1[size_t(y)]});
    readers[size_t(ty.i1[size_t(y)])].push_back({y, ty.w1[size_t(y)]});
  }
  const int64_t reads_per_row = 2 * p.h_out / p.h_in + 2;
  parallel_for(p.planes * p.h_in, reads_per_row * w_in, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t plane = r / p.h_in, yi = r % p.h_in;
      float* gi = grad_in + r * w_in;
      std::fill(gi, gi + w_in, 0.0f);
      for (const auto& [y, weight] : readers[size_t(yi)]) {
        const float* src = spread.data() + (plane * p.h_out + y) * w_in;
        for (int64_t x = 0; x < w_in; ++x) gi[x] += weight * src[x];
      }
    }
  });
}

}  // namespace dream
