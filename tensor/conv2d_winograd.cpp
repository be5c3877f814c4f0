// Winograd F(4x4, 3x3) as three stages per band of tiles:
//   1. input transform   V[xi][ci][t] = (B^T d B)[xi] of tile t, channel ci
//   2. 36 GEMMs          M[xi] (Co x T) = U[xi] (Co x Ci) * V[xi] (Ci x T)
//   3. output transform  out = A^T M A (+ bias), tile by tile
// with U[xi][co][ci] = (G g G^T)[xi] the transformed filters, made once per
// call (36 floats per filter: 4x the weights; ~100 flops per filter,
// vectorised across filters).
//
// Memory: like the im2col path, the image is cut into bands of tiles so V
// and M (36 * (Ci + Co) floats per tile) stay under kBandBudgetFloats per
// thread, whatever the image size.
#include "tensor/conv2d_winograd.h"

#include <algorithm>

#include "tensor/conv2d_winograd_kernels.h"
#include "tensor/error.h"
#include "tensor/gemm_microkernel.h"
#include "tensor/parallel.h"
#include "tensor/scratch_buffer.h"

namespace dream {
namespace {

using gemm_detail::MicroKernel;
using winograd_detail::kPoints;
using winograd_detail::kTile;
using winograd_detail::WinogradKernels;

// 1 Mi floats = 4 MiB of V + M per thread at most.
constexpr int64_t kBandBudgetFloats = int64_t{1} << 20;

// Slack between the 36 planes of V and of M (see WinogradRun::band): two
// cache lines, so consecutive planes fall in different L1 sets.
constexpr int64_t kPlanePad = 32;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Buffers per thread and role, kept between calls (tensor/scratch_buffer.h).
struct BandRole;
float* band_workspace(int64_t floats) { return thread_scratch<BandRole>(floats); }

struct ScratchRole;
float* scratch_workspace(int64_t floats) { return thread_scratch<ScratchRole>(floats); }

struct WeightRole;
float* weight_workspace(int64_t floats) { return thread_scratch<WeightRole>(floats); }

// The transformed filters of one convolution, packed as the GEMM micro-kernel's
// A panels (gemm_microkernel.h) once per call, so the 36 GEMMs of every band
// run the micro-kernel on them directly:
//   U[xi] (Co x Ci): element (o, i) at data[xi * xi_stride + (o / mr) * (ci * mr) + i * mr + o % mr]
// with rows past Co zero.
struct PackedFilters {
  float* data;
  int64_t xi_stride;
};

// rotated: run the backward-input convolution, whose filter (o, i) is w's
// filter (i, o) rotated by 180 degrees (w is then (c_in, c_out, 3, 3)).
PackedFilters transform_weights(const WinogradKernels& kern, int mr, const float* w, int64_t c_out, int64_t c_in,
                                bool rotated) {
  const int64_t panels = ceil_div(c_out, mr);
  const int64_t xi_stride = panels * mr * c_in;
  float* u = weight_workspace(kPoints * xi_stride);
  parallel_for(panels, int64_t{mr} * c_in * 100, [&](int64_t begin, int64_t end) {
    for (int64_t panel = begin; panel < end; ++panel) {
      const int64_t o0 = panel * mr;
      const int rows = static_cast<int>(std::min<int64_t>(mr, c_out - o0));
      kern.filter_panel(w, c_out, c_in, rotated, o0, rows, mr, u + o0 * c_in, xi_stride);
    }
  });
  return {u, xi_stride};
}

// Asks for floats [p, p + n) to be brought into cache (no effect on results).
void prefetch(const float* p, int64_t n) {
#if defined(__GNUC__)
  for (int64_t i = 0; i < n; i += 16) __builtin_prefetch(p + i);
#else
  (void)p, (void)n;
#endif
}

// One forward convolution q (3x3, stride 1) of one image x -> y with the
// packed transformed weights u. The image's tiles, numbered row by row, are
// cut into `bands_` equal ranges (a range may start and end mid tile row), a
// multiple of the thread count so every thread gets the same number of
// tiles; each thread runs whole bands, all three stages, in one parallel
// region. A band needs no minimum width: one 32-column GEMM panel already
// runs the full micro-kernel.
class WinogradRun {
 public:
  WinogradRun(const Conv2dParams& q, const MicroKernel& mk, const PackedFilters& u, const float* bias)
      : q_(q), mk_(mk), u_(u), bias_(bias), kern_(winograd_detail::winograd_kernels_for(active_simd_level())) {
    ho_ = q.h_out(), wo_ = q.w_out();
    tiles_h_ = ceil_div(ho_, kTile), tiles_w_ = ceil_div(wo_, kTile);
    const int64_t tiles = tiles_h_ * tiles_w_;
    const int64_t budget_tiles = std::max<int64_t>(1, kBandBudgetFloats / (kPoints * (q.c_in + q.c_out)));
    const int64_t threads = max_threads();
    bands_ = ceil_div(ceil_div(tiles, budget_tiles), threads) * threads;
    // Band edges at multiples of a SIMD vector of tiles when bands are wide
    // enough: a band of 102 tiles would run 4 GEMM panels of 32 (25% wasted)
    // with a slow partial edge tile, one of 112 runs 3.5 panels at full
    // speed. Narrow bands split exactly instead, so threads stay balanced.
    granule_ = tiles >= 4 * mk.vector_width * bands_ ? mk.vector_width : 1;
    max_band_tiles_ = granule_ * ceil_div(ceil_div(tiles, granule_), bands_);
  }

  void image(const float* x, float* y) const {
    parallel_for(bands_, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) band(x, y, b);
    });
  }

 private:
  // Tiles [t0, t1) of the image (t = ty * tiles_w + tx).
  void band(const float* x, float* y, int64_t b) const {
    const int64_t tiles = tiles_h_ * tiles_w_, granules = ceil_div(tiles, granule_);
    const int64_t t0 = std::min(tiles, granule_ * (granules * b / bands_));
    const int64_t t1 = std::min(tiles, granule_ * (granules * (b + 1) / bands_));
    if (t0 == t1) return;  // fewer tiles than bands
    const int64_t t_count = t1 - t0;
    const int64_t ci_n = q_.c_in, co_n = q_.c_out;
    const int64_t nr = mk_.nr, t_panels = ceil_div(t_count, nr);
    // V packed as B panels: (xi, t / nr, ci, t % nr); M plain (xi, co, t).
    // Each of V's and M's 36 planes is written (read) a short piece at a
    // time, all 36 in turn; planes a multiple of 4 KiB apart would all map
    // to the same L1 sets, so each plane gets kPlanePad floats of slack.
    const int64_t v_xi = t_panels * nr * ci_n + kPlanePad, panel_stride = nr * ci_n;
    const int64_t m_xi = co_n * t_count + kPlanePad;
    const int64_t max_panels = ceil_div(max_band_tiles_, nr);
    float* v = band_workspace(kPoints * (max_panels * nr * ci_n + co_n * max_band_tiles_ + 2 * kPlanePad));
    float* m = v + kPoints * v_xi;
    float* scratch = scratch_workspace(winograd_detail::transform_scratch_floats(tiles_w_));
    const int64_t hw_in = q_.h_in * q_.w_in, hw_out = ho_ * wo_;
    const int64_t ty0 = t0 / tiles_w_, ty1 = ceil_div(t1, tiles_w_);

    // Calls piece(ty, tx_begin, tx_end) for the band's part of each tile row.
    auto for_each_row_piece = [&](auto piece) {
      for (int64_t ty = ty0; ty < ty1; ++ty) {
        const int64_t row_t = ty * tiles_w_;
        piece(ty, std::max(t0, row_t) - row_t, std::min(t1, row_t + tiles_w_) - row_t);
      }
    };

    // The band's input rows of one channel are one contiguous block, but
    // each channel's is a short stream the hardware prefetcher barely starts
    // on before the next channel's begins: fetch the next one ahead.
    const int64_t row_begin = std::clamp<int64_t>(kTile * ty0 - q_.pad_top, 0, q_.h_in);
    const int64_t row_end = std::clamp<int64_t>(kTile * ty1 - q_.pad_top + 2, 0, q_.h_in);
    for (int64_t ci = 0; ci < ci_n; ++ci) {
      if (ci + 1 < ci_n) prefetch(x + (ci + 1) * hw_in + row_begin * q_.w_in, (row_end - row_begin) * q_.w_in);
      for_each_row_piece([&](int64_t ty, int64_t tx0, int64_t tx1) {
        kern_.input_row(x + ci * hw_in, q_.h_in, q_.w_in, kTile * ty - q_.pad_top, kTile * tx0 - q_.pad_left, tx1 - tx0,
                        v + ci * nr, v_xi, ty * tiles_w_ + tx0 - t0, nr, panel_stride, scratch);
      });
      // Columns past the last tile in the last panel: zero. The micro-kernel
      // reads whole vectors of them and drops the results, but stale
      // denormals or NaNs there would still slow its FMAs down.
      const int64_t used = t_count - (t_panels - 1) * nr;
      for (int xi = 0; xi < kPoints && used < nr; ++xi) {
        float* tail = v + xi * v_xi + (t_panels - 1) * panel_stride + ci * nr;
        std::fill(tail + used, tail + nr, 0.0f);
      }
    }
    for (int64_t xi = 0; xi < kPoints; ++xi)
      gemm_packed(u_.data + xi * u_.xi_stride, v + xi * v_xi, t_count, m + xi * m_xi);
    for (int64_t co = 0; co < co_n; ++co)
      for_each_row_piece([&](int64_t ty, int64_t tx0, int64_t tx1) {
        kern_.output_row(m + co * t_count + ty * tiles_w_ + tx0 - t0, m_xi, tx1 - tx0, bias_ ? bias_[co] : 0.0f,
                         y + co * hw_out + kTile * tx0, ho_, wo_, std::min(kTile * (tx1 - tx0), wo_ - kTile * tx0),
                         kTile * ty, scratch);
      });
  }

  // c (Co x T, row stride T) = A (packed U[xi]) * B (packed V[xi]), by the
  // micro-kernel over (B panel, K block, A panel): a B micro-panel (kc x nr)
  // stays in L1 while every A panel streams past it from L2.
  void gemm_packed(const float* a, const float* b, int64_t t_count, float* c) const {
    const int64_t ci_n = q_.c_in, co_n = q_.c_out;
    const int mr = mk_.mr, nr = mk_.nr;
    for (int64_t t = 0; t < t_count; t += nr) {
      const int n_valid = static_cast<int>(std::min<int64_t>(nr, t_count - t));
      const int vectors = (n_valid + mk_.vector_width - 1) / mk_.vector_width;
      const float* b_panel = b + (t / nr) * nr * ci_n;
      for (int64_t p0 = 0; p0 < ci_n; p0 += mk_.kc) {
        const int64_t kc = std::min<int64_t>(mk_.kc, ci_n - p0);
        const float beta = p0 == 0 ? 0.0f : 1.0f;
        for (int64_t o = 0; o < co_n; o += mr) {
          const int m_valid = static_cast<int>(std::min<int64_t>(mr, co_n - o));
          mk_.by_tile[m_valid][vectors](kc, a + o * ci_n + p0 * mr, b_panel + p0 * nr, c + o * t_count + t, t_count,
                                        1.0f, beta, nullptr, m_valid, n_valid);
        }
      }
    }
  }

  Conv2dParams q_;
  const MicroKernel& mk_;
  PackedFilters u_;
  const float* bias_;
  const WinogradKernels& kern_;
  int64_t ho_, wo_, tiles_h_, tiles_w_;
  int64_t bands_, granule_, max_band_tiles_;
};

void require_supported(const Conv2dParams& p, const char* entry) {
  p.validate();
  if (!conv2d_winograd_supported(p))
    throw Error(std::string(entry) +
                ": Winograd F(4x4,3x3) needs a 3x3 kernel, stride 1, dilation 1 and pads in [0, 2]; got kernel " +
                std::to_string(p.kh) + "x" + std::to_string(p.kw) + ", stride " + std::to_string(p.stride_h) + "x" +
                std::to_string(p.stride_w) + ", dilation " + std::to_string(p.dil_h) + "x" + std::to_string(p.dil_w) +
                ", pads " + std::to_string(p.pad_top) + "," + std::to_string(p.pad_left) + "," +
                std::to_string(p.pad_bottom) + "," + std::to_string(p.pad_right));
}

}  // namespace

bool conv2d_winograd_supported(const Conv2dParams& p) {
  auto pad_ok = [](int64_t pad) { return pad >= 0 && pad <= 2; };
  return p.kh == 3 && p.kw == 3 && p.stride_h == 1 && p.stride_w == 1 && p.dil_h == 1 && p.dil_w == 1 &&
         pad_ok(p.pad_top) && pad_ok(p.pad_left) && pad_ok(p.pad_bottom) && pad_ok(p.pad_right);
}

// Measured on GoogLeNet's 3x3 layers with bench_conv on AVX-512 (CPU time,
// one thread; two threads agree where the machine was quiet enough to say):
// Winograd is 1.9-2.8x faster than im2col + GEMM at 128x128 and 64x64
// outputs, 1.4-2.0x at 32x32 (64 tiles), 1.2-1.7x at 28x28 and 56x56, and
// 0.7-1.0x at 14x14 (16 tiles, 30% of them padding), where the per-call
// filter transform (4x the weights) and GEMMs 16 columns wide dominate. So:
// from 36 tiles (24x24 outputs) up. Few channels leave the GEMMs too thin
// for the transforms to pay.
bool conv2d_winograd_preferred(const Conv2dParams& p) {
  if (!conv2d_winograd_supported(p) || p.c_in < 16 || p.c_out < 16) return false;
  return ceil_div(p.h_out(), kTile) * ceil_div(p.w_out(), kTile) >= 36;
}

void conv2d_forward_winograd(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out) {
  require_supported(p, "conv2d_forward_winograd");
  const MicroKernel& mk = gemm_detail::micro_kernel_for(active_simd_level());
  const PackedFilters u =
      transform_weights(winograd_detail::winograd_kernels_for(active_simd_level()), mk.mr, w, p.c_out, p.c_in, false);
  const WinogradRun run(p, mk, u, bias);
  const int64_t in_image = p.c_in * p.h_in * p.w_in, out_image = p.c_out * p.h_out() * p.w_out();
  for (int64_t n = 0; n < p.n; ++n) run.image(in + n * in_image, out + n * out_image);
}

void conv2d_backward_input_winograd(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in) {
  require_supported(p, "conv2d_backward_input_winograd");
  // grad_in[ci](y, x) = sum_co sum_ky,kx grad_out[co](y + pad_top - ky, x + pad_left - kx) w[co][ci](ky, kx):
  // a 3x3 stride-1 convolution of grad_out (Co channels, Ho x Wo) with the
  // rotated filters and pads 2 - pad, whose output is exactly H x W.
  Conv2dParams q;
  q.n = p.n, q.c_in = p.c_out, q.h_in = p.h_out(), q.w_in = p.w_out();
  q.c_out = p.c_in, q.kh = 3, q.kw = 3;
  q.pad_top = 2 - p.pad_top, q.pad_left = 2 - p.pad_left, q.pad_bottom = 2 - p.pad_bottom,
  q.pad_right = 2 - p.pad_right;
  const MicroKernel& mk = gemm_detail::micro_kernel_for(active_simd_level());
  const PackedFilters u =
      transform_weights(winograd_detail::winograd_kernels_for(active_simd_level()), mk.mr, w, q.c_out, q.c_in, true);
  const WinogradRun run(q, mk, u, nullptr);
  const int64_t in_image = q.c_in * q.h_in * q.w_in, out_image = q.c_out * p.h_in * p.w_in;
  for (int64_t n = 0; n < p.n; ++n) run.image(grad_out + n * in_image, grad_in + n * out_image);
}

}  // namespace dream
