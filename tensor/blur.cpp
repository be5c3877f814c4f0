// Optimised separable Gaussian blur: a horizontal pass into a scratch image,
// then a vertical pass, each a sum of 2r+1 shifted rows times a weight, the
// inner loop contiguous over x (vectorised). Edge replication is done once
// per row by copying it into a buffer padded with r edge values each side
// (horizontal), or by clamping the source row index (vertical).
// The backward is the exact adjoint of that pipeline: the transposed vertical
// pass (gathered per output row, so threads never share a row) followed by
// the transposed horizontal pass, which folds the padding back onto the edge
// pixels it replicated.
#include "tensor/blur.h"

#include <algorithm>
#include <vector>

#include "tensor/parallel.h"

namespace dream {

namespace {

int64_t clamp_index(int64_t i, int64_t n) { return std::min(std::max<int64_t>(i, 0), n - 1); }

// Horizontal pass on one row: out[x] = sum_j k[j] * row[clamp(x + j - r)].
void blur_row(const std::vector<float>& k, int64_t w, const float* row, float* padded, float* out) {
  const int64_t r = int64_t(k.size() / 2);
  for (int64_t j = 0; j < w + 2 * r; ++j) padded[j] = row[clamp_index(j - r, w)];
  std::fill(out, out + w, 0.0f);
  for (int64_t j = 0; j <= 2 * r; ++j) {
    const float kj = k[size_t(j)];
    const float* src = padded + j;
    for (int64_t x = 0; x < w; ++x) out[x] += kj * src[x];
  }
}

// Transposed horizontal pass: spread g over the padded row, fold the padding.
void blur_row_adjoint(const std::vector<float>& k, int64_t w, const float* g, float* padded, float* out) {
  const int64_t r = int64_t(k.size() / 2);
  std::fill(padded, padded + w + 2 * r, 0.0f);
  for (int64_t j = 0; j <= 2 * r; ++j) {
    const float kj = k[size_t(j)];
    float* dst = padded + j;
    for (int64_t x = 0; x < w; ++x) dst[x] += kj * g[x];
  }
  std::fill(out, out + w, 0.0f);
  for (int64_t j = 0; j < w + 2 * r; ++j) out[clamp_index(j - r, w)] += padded[j];
}

// Column operator as sparse rows: row y of the forward vertical pass is
// sum over (src, weight) of weight * tmp[src]. Clamping can send several taps
// to the same source row; they are merged.
using SparseRows = std::vector<std::vector<std::pair<int64_t, float>>>;

SparseRows vertical_operator(const std::vector<float>& k, int64_t h, bool transpose) {
  const int64_t r = int64_t(k.size() / 2);
  std::vector<std::vector<std::pair<int64_t, double>>> rows(static_cast<size_t>(h));
  // Walking y then i, the taps landing on one row from one column index are
  // consecutive, so merging with the last entry catches every duplicate.
  for (int64_t y = 0; y < h; ++y)
    for (int64_t i = 0; i <= 2 * r; ++i) {
      const int64_t src = clamp_index(y + i - r, h);
      const int64_t row = transpose ? src : y, col = transpose ? y : src;
      auto& entries = rows[size_t(row)];
      if (!entries.empty() && entries.back().first == col)
        entries.back().second += k[size_t(i)];
      else
        entries.push_back({col, double(k[size_t(i)])});
    }
  SparseRows out(static_cast<size_t>(h));
  for (int64_t y = 0; y < h; ++y)
    for (const auto& [col, weight] : rows[size_t(y)]) out[size_t(y)].push_back({col, float(weight)});
  return out;
}

// out rows = op applied to the rows of src, per plane; threads take rows.
void apply_vertical(const SparseRows& op, int64_t planes, int64_t h, int64_t w, const float* src, float* out) {
  parallel_for(planes * h, 2 * int64_t(op[0].size()) * w, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t plane = row / h, y = row % h;
      float* o = out + row * w;
      std::fill(o, o + w, 0.0f);
      for (const auto& [s, weight] : op[size_t(y)]) {
        const float* in = src + (plane * h + s) * w;
        for (int64_t x = 0; x < w; ++x) o[x] += weight * in[x];
      }
    }
  });
}

}  // namespace

void gaussian_blur_forward(const BlurParams& p, const float* in, float* out) {
  p.validate();
  const std::vector<float> k = gaussian_kernel_1d(p.sigma);
  const int64_t r = int64_t(k.size() / 2);
  std::vector<float> tmp(static_cast<size_t>(p.planes * p.h * p.w));
  parallel_for(p.planes * p.h, (2 * r + 2) * p.w, [&](int64_t begin, int64_t end) {
    std::vector<float> padded(static_cast<size_t>(p.w + 2 * r));
    for (int64_t row = begin; row < end; ++row) blur_row(k, p.w, in + row * p.w, padded.data(), tmp.data() + row * p.w);
  });
  apply_vertical(vertical_operator(k, p.h, false), p.planes, p.h, p.w, tmp.data(), out);
}

void gaussian_blur_backward(const BlurParams& p, const float* grad_out, float* grad_in) {
  p.validate();
  const std::vector<float> k = gaussian_kernel_1d(p.sigma);
  const int64_t r = int64_t(k.size() / 2);
  std::vector<float> tmp(static_cast<size_t>(p.planes * p.h * p.w));
  apply_vertical(vertical_operator(k, p.h, true), p.planes, p.h, p.w, grad_out, tmp.data());
  parallel_for(p.planes * p.h, (2 * r + 2) * p.w, [&](int64_t begin, int64_t end) {
    std::vector<float> padded(static_cast<size_t>(p.w + 2 * r));
    for (int64_t row = begin; row < end; ++row)
      blur_row_adjoint(k, p.w, tmp.data() + row * p.w, padded.data(), grad_in + row * p.w);
  });
}

}  // namespace dream
