// The dispatchers conv2d_forward / conv2d_backward_input (Winograd and direct
// convolution first, where they win: tensor/conv2d_winograd.h,
// tensor/conv2d_direct.h) and the convolutions reduced to GEMM (tensor/gemm.h):
//   forward          out[Co x HoWo]  = W[Co x K] * col[K x HoWo] (+ bias)
//   backward input   col[K x HoWo]   = W^T * dY,  then grad_in = col2im(col)
//   backward weights dW[Co x K]      = sum over images of dY * col^T,  dB = row sums of dY
// with K = Ci*kh*kw and col the im2col matrix (tensor/im2col.h). A pointwise
// convolution (1x1, stride 1, no padding) has col == the input itself, so it
// is one GEMM with no copy:  out = W[Co x Ci] * X[Ci x HW].
//
// Memory: col is built for a band of output rows at a time, sized so the
// buffer stays under kColumnBudgetFloats; a 1024x1024 image costs the same
// workspace as a 256x256 one, and a band that fits in cache is also faster.
#include "tensor/conv2d.h"

#include <algorithm>

#include "tensor/conv2d_direct.h"
#include "tensor/conv2d_winograd.h"
#include "tensor/gemm.h"
#include "tensor/im2col.h"
#include "tensor/parallel.h"
#include "tensor/scratch_buffer.h"

namespace dream {
namespace {

// 256 Ki floats = 1 MiB of column buffer at most (a single output row may
// exceed it): half of one core's L2, so the GEMM reads the band im2col has
// just written (and col2im the band the GEMM has just written) from cache.
// Measured on GoogLeNet's layers at 512x512 (bench_conv): 2 MiB beat 16 MiB
// by 10-25%; since the GEMM packs small-M B panels into L1 instead of a
// 1 MiB block in L2 (gemm_blocked.cpp), 1 MiB beats 2 MiB by 5-8% on conv1
// and the 5x5s, forward and backward-to-input, and 512 KiB is no better.
constexpr int64_t kColumnBudgetFloats = int64_t{1} << 18;

bool is_pointwise(const Conv2dParams& p) {
  return p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0 &&
         p.pad_bottom == 0 && p.pad_right == 0;
}

// Output rows per band when one band runs at a time: as many as fit in the
// budget, at least one.
int64_t band_rows(const Conv2dParams& p) {
  const int64_t k = p.c_in * p.kh * p.kw;
  return std::clamp<int64_t>(kColumnBudgetFloats / (k * p.w_out()), 1, p.h_out());
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Fewest output pixels in a band that one thread runs alone (plan_bands).
constexpr int64_t kMinThreadedBandPixels = 512;
// Most output channels for which a pointwise convolution leaves threading to
// its one GEMM rather than to bands: backward, the GEMM's K limit for
// splitting rows; forward, its M is then at most 4 row tiles, which the GEMM
// splits along K when K is deep (gemm_blocked.cpp).
constexpr int64_t kGemmThreadsMaxCout = 48;

// How the output rows of one image are cut into bands, and who runs them.
//  - threaded: each thread takes whole bands (its own column buffer, im2col
//    and a single-threaded GEMM), one parallel region per image: a band's
//    column buffer stays in the L2 of the core that wrote it, and there is no
//    barrier per band.
//  - otherwise bands run one after another and each GEMM uses the threads
//    (OpenBLAS runs its own threads and must not be called from ours; too few
//    output rows to give every thread a band; too little work to share).
// `phases` = 2 for col2im, whose neighbouring bands add into shared input
// rows: even bands run concurrently, then odd ones, which needs bands b and
// b+2 never to touch the same input row.
struct BandPlan {
  int64_t rows;   // output rows per band (the last may be shorter)
  int64_t count;  // bands
  bool threaded;
};

BandPlan plan_bands(const Conv2dParams& p, int64_t phases) {
  const int64_t ho = p.h_out();
  const int64_t single_rows = is_pointwise(p) ? ho : band_rows(p);  // pointwise: no column buffer
  BandPlan plan{single_rows, ceil_div(ho, single_rows), false};
  const int64_t threads = max_threads();
  // Below ~1 MFLOP a parallel region costs more than it saves (the GEMM's own rule too).
  const double flops = 2.0 * p.c_out * p.c_in * p.kh * p.kw * ho * p.w_out();
  if (threads < 2 || gemm_backend() != GemmBackend::Blocked || ho < threads * phases || flops < 1.0e6) return plan;
  // Band count rounded up to a multiple of (threads x phases) so every thread gets the same number.
  const int64_t groups = threads * phases;
  const int64_t rows = ceil_div(ho, ceil_div(plan.count, groups) * groups);
  // Bands b and b+2 are disjoint in input rows iff (kh-1)*dil_h < (rows+1)*stride_h.
  if (phases == 2 && (p.kh - 1) * p.dil_h >= (rows + 1) * p.stride_h) return plan;
  // Each thread's GEMM packs all of the weights for its band: on small maps
  // (16x16: 128 pixels a band) that copy is a large part of the work, and one
  // GEMM split by rows across the threads packs each weight once.
  if (rows * p.w_out() < kMinThreadedBandPixels) return plan;
  return {rows, ceil_div(ho, rows), true};
}

// Runs band(b) for every band b with b % phases == phase, phase by phase;
// concurrently within a phase when the plan is threaded.
template <class Band>
void run_bands(const BandPlan& plan, int64_t phases, Band band) {
  for (int64_t phase = 0; phase < phases; ++phase) {
    const int64_t in_phase = ceil_div(plan.count - phase, phases);
    auto body = [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) band(i * phases + phase);
    };
    if (plan.threaded) {
      parallel_for(in_phase, body);
    } else {
      body(0, in_phase);
    }
  }
}

// The column buffer, kept per thread and reused across calls so the dreaming
// loop does not allocate (and page-fault) megabytes every step.
struct ColumnRole;
float* column_workspace(int64_t floats) { return thread_scratch<ColumnRole>(floats); }

}  // namespace

void conv2d_forward(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out,
                    Conv2dWeightCache* cache) {
  p.validate();
  if (conv2d_winograd_preferred(p)) {
    conv2d_forward_winograd(p, in, w, bias, out);
    return;
  }
  if (conv2d_direct_preferred(p)) {
    conv2d_forward_direct(p, in, w, bias, out, cache);
    return;
  }
  conv2d_forward_gemm(p, in, w, bias, out);
}

void conv2d_forward_gemm(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  const bool pointwise = is_pointwise(p);
  // Pointwise with few output channels, one GEMM threaded by itself beats
  // bands: bands give each thread half of every row of X, the GEMM splits a
  // deep K so each thread streams whole rows of its half of X. 2 threads, 512
  // input, one run of medians of 5, GFLOP/s: 5x5_reduce of 4a (480 -> 16 at
  // 32x32) 195 -> 224, 4b 217 -> 248, 4c 205 -> 242, 4e 187 -> 218; with K =
  // 192 (3a, 64x64) the GEMM splits columns as the bands did: 248 -> 238.
  const bool gemm_threads = pointwise && p.c_out <= kGemmThreadsMaxCout;
  const BandPlan plan = gemm_threads ? BandPlan{ho, 1, false} : plan_bands(p, 1);
  for (int64_t n = 0; n < p.n; ++n) {
    const float* x = in + n * p.c_in * hw_in;
    float* y = out + n * p.c_out * hw_out;
    run_bands(plan, 1, [&](int64_t b) {
      const int64_t oy = b * plan.rows, oy_end = std::min(ho, oy + plan.rows);
      const int64_t band = (oy_end - oy) * wo;
      // The band's outputs are columns [oy*wo, oy_end*wo) of every channel
      // plane; pointwise, its inputs are the same columns of x (Ci x HW).
      // The GEMM adds the bias as it writes them (GemmArgs::bias).
      GemmArgs g;
      g.m = p.c_out, g.n = band, g.k = k;
      g.a = w, g.lda = k;
      if (pointwise) {
        g.b = x + oy * wo, g.ldb = hw_in;
      } else {
        float* col = column_workspace(k * band);
        im2col_rows(p, x, oy, oy_end, col);
        g.b = col, g.ldb = band;
      }
      g.c = y + oy * wo, g.ldc = hw_out;
      g.bias = bias;
      gemm(g);
    });
  }
}

void conv2d_backward_input(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in,
                           Conv2dWeightCache* cache) {
  p.validate();
  if (conv2d_winograd_preferred(p)) {
    conv2d_backward_input_winograd(p, grad_out, w, grad_in);
    return;
  }
  if (conv2d_direct_backward_input_preferred(p)) {
    conv2d_backward_input_direct(p, grad_out, w, grad_in, cache);
    return;
  }
  conv2d_backward_input_gemm(p, grad_out, w, grad_in);
}

void conv2d_backward_input_gemm(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  const bool pointwise = is_pointwise(p);
  const int64_t phases = pointwise ? 1 : 2;  // pointwise bands write disjoint columns of dX
  // Pointwise with few output channels, the GEMM's own row split of dX beats
  // bands (gemm_blocked.cpp's small-K path: long runs of each dX row per
  // thread). 2 threads, 480 -> 16 at 32x32: 115 -> 185 GFLOP/s.
  const bool gemm_threads = pointwise && p.c_out <= kGemmThreadsMaxCout;
  const BandPlan plan = gemm_threads ? BandPlan{ho, 1, false} : plan_bands(p, phases);
  for (int64_t n = 0; n < p.n; ++n) {
    const float* dy = grad_out + n * p.c_out * hw_out;
    float* dx = grad_in + n * p.c_in * hw_in;
    if (!pointwise) std::fill(dx, dx + p.c_in * hw_in, 0.0f);  // col2im accumulates
    run_bands(plan, phases, [&](int64_t b) {
      const int64_t oy = b * plan.rows, oy_end = std::min(ho, oy + plan.rows);
      const int64_t band = (oy_end - oy) * wo;
      // col[K x band] = W^T[K x Co] * dY[Co x band]; pointwise, col is dX's
      // own columns [oy*wo, oy_end*wo) and there is nothing to scatter.
      GemmArgs g;
      g.trans_a = true;
      g.m = k, g.n = band, g.k = p.c_out;
      g.a = w, g.lda = k, g.b = dy + oy * wo, g.ldb = hw_out;
      if (pointwise) {
        g.c = dx + oy * wo, g.ldc = hw_in;
        gemm(g);
        return;
      }
      float* col = column_workspace(k * band);
      g.c = col, g.ldc = band;
      gemm(g);
      col2im_rows_add(p, col, oy, oy_end, dx);
    });
  }
}

void conv2d_backward_weights(const Conv2dParams& p, const float* in, const float* grad_out, float* grad_w,
                             float* grad_bias) {
  p.validate();
  const int64_t ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const int64_t k = p.c_in * p.kh * p.kw;
  bool first = true;  // the first GEMM overwrites grad_w, later ones add to it
  for (int64_t n = 0; n < p.n; ++n) {
    const float* x = in + n * p.c_in * hw_in;
    const float* dy = grad_out + n * p.c_out * hw_out;
    if (is_pointwise(p)) {
      // dW[Co x Ci] += dY[Co x HW] * X^T[HW x Ci]
      GemmArgs g;
      g.trans_b = true;
      g.m = p.c_out, g.n = p.c_in, g.k = hw_in;
      g.a = dy, g.lda = hw_out, g.b = x, g.ldb = hw_in;
      g.beta = first ? 0.0f : 1.0f, g.c = grad_w, g.ldc = p.c_in;
      gemm(g);
      first = false;
      continue;
    }
    const int64_t rows = band_rows(p);
    float* col = column_workspace(k * rows * wo);
    for (int64_t oy = 0; oy < ho; oy += rows) {
      const int64_t oy_end = std::min(ho, oy + rows);
      const int64_t band = (oy_end - oy) * wo;
      im2col_rows(p, x, oy, oy_end, col);
      // dW[Co x K] += dY[Co x band] * col^T[band x K]
      GemmArgs g;
      g.trans_b = true;
      g.m = p.c_out, g.n = k, g.k = band;
      g.a = dy + oy * wo, g.lda = hw_out, g.b = col, g.ldb = band;
      g.beta = first ? 0.0f : 1.0f, g.c = grad_w, g.ldc = k;
      gemm(g);
      first = false;
    }
  }
  if (grad_bias) {
    // Summed in double: a plane of a large image has ~10^6 terms.
    parallel_for(p.c_out, [&](int64_t begin, int64_t end) {
      for (int64_t co = begin; co < end; ++co) {
        double acc = 0.0;
        for (int64_t n = 0; n < p.n; ++n) {
          const float* plane = grad_out + (n * p.c_out + co) * hw_out;
          for (int64_t i = 0; i < hw_out; ++i) acc += plane[i];
        }
        grad_bias[co] = static_cast<float>(acc);
      }
    });
  }
}

}  // namespace dream
