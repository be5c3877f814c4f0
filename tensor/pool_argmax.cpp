// Max pooling that records where each maximum came from, and the backward
// that only needs those positions: one scatter pass, no second search, and
// the autograd op keeps an int32 per output instead of the whole input.
// The per-plane search is in pool_argmax_kernels.h (why it is separable and
// matches the reference's tie rule), built per instruction set; this file
// holds the baseline build, the dispatch, the scratch and the scatter.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tensor/pool.h"
#include "tensor/pool_argmax_kernels.h"

namespace dream {

namespace pool_argmax_detail {
namespace {
struct BaselineTag {};
}  // namespace

ForwardArgmaxPlane forward_argmax_plane_baseline() { return &forward_argmax_plane<BaselineTag>; }

}  // namespace pool_argmax_detail

namespace {

using pool_argmax_detail::ArgmaxScratch;
using pool_argmax_detail::ForwardArgmaxPlane;

ForwardArgmaxPlane forward_kernel() {
  switch (active_simd_level()) {
    case SimdLevel::Avx512:
      return pool_argmax_detail::forward_argmax_plane_avx512();
    case SimdLevel::Avx2:
      return pool_argmax_detail::forward_argmax_plane_avx2();
    case SimdLevel::Neon:
    case SimdLevel::Scalar:
      break;
  }
  return pool_argmax_detail::forward_argmax_plane_baseline();
}

void check_plane_fits_int32(const Pool2dParams& p, const char* what) {
  if (p.h_in * p.w_in > std::numeric_limits<int32_t>::max())
    throw Error(std::string(what) + ": plane of " + std::to_string(p.h_in) + "x" + std::to_string(p.w_in) +
                " pixels exceeds 32-bit indices");
}

}  // namespace

void maxpool2d_forward_argmax(const Pool2dParams& p, const float* in, float* out, int32_t* argmax) {
  p.validate();
  check_plane_fits_int32(p, "maxpool2d_forward_argmax");
  const int64_t ho = p.h_out(), wo = p.w_out(), w = p.w_in, h = p.h_in, hw = h * w;
  const int64_t sw = p.stride_w;
  // Padded row: left pad + input + room for the last (ceil-mode) window,
  // rounded up to whole stride phases.
  const int64_t phase_len = (p.pad_left + w + p.kw + sw - 1) / sw + 1;
  const ForwardArgmaxPlane kernel = forward_kernel();
  parallel_for(p.n * p.c, h * (w + 2 * p.kw * wo) + ho * p.kh * 2 * wo, [&](int64_t begin, int64_t end) {
    std::vector<float> padded(size_t(phase_len * sw), -std::numeric_limits<float>::infinity());
    std::vector<float> phases(size_t(phase_len * sw)), row_best(size_t(h * wo));
    std::vector<int32_t> row_arg(static_cast<size_t>(h * wo)), col(static_cast<size_t>(wo)),
        first_col(static_cast<size_t>(wo));
    for (int64_t ox = 0; ox < wo; ++ox) {
      col[size_t(ox)] = int32_t(ox * sw - p.pad_left);
      first_col[size_t(ox)] = int32_t(std::max<int64_t>(ox * sw - p.pad_left, 0));
    }
    const ArgmaxScratch s{padded.data(), phases.data(),    row_best.data(), row_arg.data(),
                          col.data(),    first_col.data(), phase_len};
    for (int64_t plane = begin; plane < end; ++plane)
      kernel(p, in + plane * hw, out + plane * ho * wo, argmax + plane * ho * wo, s);
  });
}

void maxpool2d_backward_argmax(const Pool2dParams& p, const int32_t* argmax, const float* grad_out, float* grad_in) {
  p.validate();
  check_plane_fits_int32(p, "maxpool2d_backward_argmax");
  const int64_t hw = p.h_in * p.w_in, plane_out = p.h_out() * p.w_out();
  // Windows overlap within a plane, so threads own whole planes; each plane
  // of grad_in is zeroed and scattered into while it is in cache.
  parallel_for(p.n * p.c, hw + 2 * plane_out, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      float* gi = grad_in + plane * hw;
      const float* go = grad_out + plane * plane_out;
      const int32_t* arg = argmax + plane * plane_out;
      std::fill(gi, gi + hw, 0.0f);
      for (int64_t i = 0; i < plane_out; ++i) gi[arg[i]] += go[i];
    }
  });
}

}  // namespace dream
