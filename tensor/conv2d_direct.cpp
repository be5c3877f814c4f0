// The direct convolution's driver: weights packed as the tile's A panels
// (every call, or once with a Conv2dWeightCache), the output rows of an
// image cut into bands, and per band (each on one thread, with its own
// workspace) the input rows it needs copied once into a zero-padded,
// column-phase-split buffer, then every tile (MR output channels x NV
// vectors of output pixels) of every pass run over it. The forward and the
// stride-1 backward are one pass; the stride-2 backward is four (one per
// phase of grad_in), sharing the band.
//
// Band buffer layout (s = stride, 1 or 2; per input channel ci):
//   band[ci * s * plane + phase * plane + r * row + j]
//     = input(ci, u0 * s + r - pad_top, s * j + phase - pad_left), 0 outside,
// so tap (ci, ky, kx) of the output pixels (u, v .. v + width) of a pass is
// the contiguous run at
//   ((u - u0) * s + row_shift) * row + col_shift + v
//     + ci * s * plane + (kx % s) * plane + ky * row + kx / s,
// the second line being the same for every pixel: the tap's k offset.
#include "tensor/conv2d_direct.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tensor/conv2d_direct_kernels.h"
#include "tensor/conv2d_weight_cache.h"
#include "tensor/error.h"
#include "tensor/parallel.h"
#include "tensor/scratch_buffer.h"

namespace dream {
namespace {

using direct_detail::DirectKernels;
using direct_detail::DirectTileArgs;

// Band buffer per thread (floats): up to 128 Ki floats = 512 KiB, a quarter
// of the L2, so the band stays in cache while every panel streams over it;
// but at least kMinBandRows output rows, since each band also copies the
// kh - s rows of halo it shares with the next one (conv1's backward, with
// 64 channels of 256-pixel rows, otherwise gets one-row bands that copy 4
// input rows per output row).
constexpr int64_t kBandBudgetFloats = int64_t{1} << 17;
constexpr int64_t kMinBandRows = 8;
// Packed weights (floats) from which a map that is a single band is split by
// output channels between threads instead of by rows: 256 KiB. Split by rows,
// each thread streams all of the weights (up to 2.6 MB for inception_5b/3x3)
// for half of the pixels.
constexpr int64_t kSplitChannelsMinFloats = int64_t{1} << 16;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The source the band is copied from: c_in planes of h x w, read with
// stride s (1 or 2: the number of column phases) from the origin
// (-pad_top, -pad_left); zero outside the plane.
struct Source {
  int64_t c_in, h, w, stride, pad_top, pad_left;
};

// One set of tiles over the band: a convolution with its own taps, packed
// weights (A panels of the kernel's mr rows) and output placement. Output
// pixel (u, v) of channel o reads band taps from
//   band row (u - u0) * s + row_shift + ky, phase kx % s, phase column v + col_shift + kx / s
// and is written to out[o * ldo + (step * u + y0) * out_row + step * v + x0].
struct Pass {
  int64_t c_out, kh, kw;
  int64_t h_out, w_out;
  int64_t row_shift, col_shift;
  const float* a;
  int64_t step, y0, x0;
};

struct WeightRole;
float* weight_workspace(int64_t floats) { return thread_scratch<WeightRole>(floats); }

struct BandRole;
float* band_workspace(int64_t floats) { return thread_scratch<BandRole>(floats); }

// Stride-2 outputs of one band before they are interleaved into the image.
struct SpreadRole;
float* spread_workspace(int64_t floats) { return thread_scratch<SpreadRole>(floats); }

// Floats of A panels for c_out x (c_in * taps) weights in panels of mr rows.
int64_t packed_floats(int64_t c_out, int64_t c_in, int64_t taps, int mr) {
  return ceil_div(c_out, mr) * mr * c_in * taps;
}

// A panels of mr rows into a: a[q * k * mr + p * mr + r] = tap(o = q * mr + r, i, ky, kx)
// with p = (i * kh + ky) * kw + kx, k = c_in * kh * kw; rows past c_out are zero.
template <class Tap>
void pack_weights(int64_t c_out, int64_t c_in, int64_t kh, int64_t kw, int mr, Tap tap, float* a) {
  const int64_t k = c_in * kh * kw, panels = ceil_div(c_out, mr);
  for (int64_t q = 0; q < panels; ++q)
    for (int64_t i = 0; i < c_in; ++i)
      for (int64_t ky = 0; ky < kh; ++ky)
        for (int64_t kx = 0; kx < kw; ++kx) {
          float* dst = a + q * k * mr + ((i * kh + ky) * kw + kx) * mr;
          for (int r = 0; r < mr; ++r) {
            const int64_t o = q * mr + r;
            dst[r] = o < c_out ? tap(o, i, ky, kx) : 0.0f;
          }
        }
}

// out (channel stride ldo, rows of out_row floats) = every pass over src.
// The passes' output rows u are cut into bands of the same rows for all of
// them; each band copies its source rows once and runs every pass on them.
class DirectRun {
 public:
  DirectRun(const Source& src, std::vector<Pass> passes, const DirectKernels& kern, int width)
      : src_(src), passes_(std::move(passes)), kern_(kern), width_(width) {
    const int64_t s = src.stride;
    int64_t h_out = 0, halo = 0;  // band rows = (rows - 1) * s + halo
    row_ = 0;
    for (const Pass& q : passes_) {
      const int64_t vectors = ceil_div(q.w_out, width);
      row_ = std::max(row_, q.col_shift + ceil_div((vectors * width - 1) * s + q.kw, s));
      h_out = std::max(h_out, q.h_out);
      halo = std::max(halo, q.row_shift + q.kh);
      flops_ += 2.0 * q.c_out * src.c_in * q.kh * q.kw * q.h_out * q.w_out;
    }
    const int64_t row_floats = src.c_in * s * row_;  // per band row
    // Output rows per band: within the budget, then a whole number of bands
    // per thread (all the same size) when there is enough work to share.
    rows_ = std::min(h_out, std::max(kMinBandRows, (kBandBudgetFloats / row_floats - halo) / s + 1));
    int64_t bands = ceil_div(h_out, rows_);
    const int64_t threads = max_threads();
    const Pass& first = passes_.front();
    const int64_t panels = ceil_div(first.c_out, kern.mr);
    const int64_t packed = panels * kern.mr * src.c_in * first.kh * first.kw;
    if (threads > 1 && flops_ >= 1.0e6 && bands < threads && passes_.size() == 1 && first.step == 1 &&
        packed >= kSplitChannelsMinFloats && panels >= 2 * threads) {
      // The whole map is one band: every thread copies it and takes its own
      // share of the output channels, streaming only its share of the weights.
      groups_ = threads;
    } else if (threads > 1 && flops_ >= 1.0e6 && h_out >= threads) {
      bands = ceil_div(bands, threads) * threads;
    }
    rows_ = ceil_div(h_out, bands);
    bands_ = ceil_div(h_out, rows_);
    band_rows_ = (rows_ - 1) * s + halo;
    plane_ = band_rows_ * row_;
    if (src.c_in * s * plane_ > std::numeric_limits<int32_t>::max())
      throw Error("conv2d direct: a band of " + std::to_string(src.c_in * s * plane_) +
                  " floats exceeds int32 offsets");
    for (const Pass& q : passes_) {
      spread_off_.push_back(spread_floats_);
      if (q.step != 1) spread_floats_ += q.c_out * rows_ * ceil_div(q.w_out, width) * width;
      std::vector<int32_t> koff(static_cast<size_t>(src.c_in * q.kh * q.kw));
      for (int64_t i = 0; i < src.c_in; ++i)
        for (int64_t ky = 0; ky < q.kh; ++ky)
          for (int64_t kx = 0; kx < q.kw; ++kx)
            koff[(i * q.kh + ky) * q.kw + kx] =
                static_cast<int32_t>(i * s * plane_ + (kx % s) * plane_ + ky * row_ + kx / s);
      koff_.push_back(std::move(koff));
    }
  }

  void image(const float* src, const float* bias, float* out, int64_t ldo, int64_t out_row) const {
    parallel_for(bands_ * groups_, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) band(src, bias, out, ldo, out_row, j / groups_, j % groups_);
    });
  }

 private:
  // Band b, output channel group g of groups_.
  void band(const float* src, const float* bias, float* out, int64_t ldo, int64_t out_row, int64_t b,
            int64_t g) const {
    const int64_t u0 = b * rows_;
    float* x = band_workspace(src_.c_in * src_.stride * plane_);
    fill_band(src, u0, x);
    float* spread = spread_floats_ > 0 ? spread_workspace(spread_floats_) : nullptr;
    for (size_t i = 0; i < passes_.size(); ++i) {
      const Pass& q = passes_[i];
      const int64_t u1 = std::min(q.h_out, u0 + rows_);
      if (u0 < u1)
        run_pass(q, koff_[i].data(), x, u0, u1, g, bias, q.step == 1 ? nullptr : spread + spread_off_[i], out, ldo,
                 out_row);
    }
    if (spread) interleave(spread, u0, out, ldo, out_row);
  }

  // Output rows [u0, u1) of pass q: straight into the image when its step is
  // 1, else into its dense block of `spread`: (o, u - u0, v) with rows of
  // whole vectors, channels rows_ rows apart.
  void run_pass(const Pass& q, const int32_t* koff, const float* x, int64_t u0, int64_t u1, int64_t g, const float* bias,
                float* spread, float* out, int64_t ldo, int64_t out_row) const {
    const int64_t s = src_.stride, w = width_;
    const int64_t vectors = ceil_div(q.w_out, w), count = (u1 - u0) * vectors;
    thread_local std::vector<int64_t> voff, ooff;
    thread_local std::vector<int> valid;
    voff.resize(static_cast<size_t>(count)), ooff.resize(static_cast<size_t>(count));
    valid.resize(static_cast<size_t>(count));
    for (int64_t u = u0, i = 0; u < u1; ++u)
      for (int64_t v = 0; v < vectors; ++v, ++i) {
        voff[i] = ((u - u0) * s + q.row_shift) * row_ + q.col_shift + v * w;
        ooff[i] = spread ? i * w : (u + q.y0) * out_row + q.x0 + v * w;
        valid[i] = static_cast<int>(std::min(w, q.w_out - v * w));
      }

    // Panel by panel, so the panel's A (k x mr floats) stays in cache while
    // the band's tiles stream past it. (Blocking K to keep A in L1 measured
    // slower: each block re-reads and re-writes the band's outputs.)
    const int mr = kern_.mr, nv = kern_.nv;
    const int64_t k = src_.c_in * q.kh * q.kw;
    DirectTileArgs t;
    t.x = x, t.koff = koff, t.k = k, t.ldo = spread ? rows_ * vectors * w : ldo;
    const int64_t panels = ceil_div(q.c_out, mr);
    const int64_t o_begin = panels * g / groups_ * mr, o_end = std::min(q.c_out, panels * (g + 1) / groups_ * mr);
    for (int64_t o = o_begin; o < o_end; o += mr) {
      const int rows = static_cast<int>(std::min<int64_t>(mr, q.c_out - o));
      t.a = q.a + (o / mr) * k * mr;
      t.out = (spread ? spread : out) + o * t.ldo;
      t.bias = bias ? bias + o : nullptr;
      for (int64_t i = 0; i < count; i += nv) {
        const int vecs = static_cast<int>(std::min<int64_t>(nv, count - i));
        t.voff = voff.data() + i, t.ooff = ooff.data() + i, t.valid = valid.data() + i;
        kern_.by_tile[rows][vecs](t);
      }
    }
  }

  // The spread passes' band rows into the image: output row step * u + y0,
  // columns step * v + x0. (Weaving the even and odd column phases of a row
  // together in one loop of whole-vector stores measured no faster.)
  void interleave(const float* spread, int64_t u0, float* out, int64_t ldo, int64_t out_row) const {
    for (size_t i = 0; i < passes_.size(); ++i) {
      const Pass& q = passes_[i];
      const int64_t u1 = std::min(q.h_out, u0 + rows_);
      if (q.step == 1 || u0 >= u1) continue;
      const int64_t row = ceil_div(q.w_out, width_) * width_, ld = rows_ * row;
      for (int64_t o = 0; o < q.c_out; ++o)
        for (int64_t u = u0; u < u1; ++u) {
          const float* from = spread + spread_off_[i] + o * ld + (u - u0) * row;
          float* to = out + o * ldo + (q.step * u + q.y0) * out_row + q.x0;
          for (int64_t v = 0; v < q.w_out; ++v) to[q.step * v] = from[v];
        }
    }
  }

  // Band rows [0, band_rows_) of every channel: source row u0 * s + r - pad_top,
  // split into s column phases, zero outside the source.
  void fill_band(const float* src, int64_t u0, float* x) const {
    const int64_t s = src_.stride, hw = src_.h * src_.w;
    for (int64_t ci = 0; ci < src_.c_in; ++ci)
      for (int64_t r = 0; r < band_rows_; ++r) {
        const int64_t sy = u0 * s + r - src_.pad_top;
        const bool inside = sy >= 0 && sy < src_.h;
        for (int64_t ph = 0; ph < s; ++ph) {
          float* dst = x + ci * s * plane_ + ph * plane_ + r * row_;
          // Phase column j reads source column s * j + ph - pad_left: inside
          // for j in [j0, j1).
          const int64_t first = src_.pad_left - ph;  // s * j0 >= first
          const int64_t j0 = std::clamp<int64_t>(first <= 0 ? 0 : ceil_div(first, s), 0, row_);
          const int64_t j1 = std::clamp<int64_t>(ceil_div(src_.w + src_.pad_left - ph, s), j0, row_);
          if (!inside || j0 == j1) {
            std::fill(dst, dst + row_, 0.0f);
            continue;
          }
          std::fill(dst, dst + j0, 0.0f);
          const float* from = src + ci * hw + sy * src_.w + s * j0 + ph - src_.pad_left;
          if (s == 1) {
            std::copy(from, from + (j1 - j0), dst + j0);
          } else {
            for (int64_t j = j0; j < j1; ++j) dst[j] = from[s * (j - j0)];
          }
          std::fill(dst + j1, dst + row_, 0.0f);
        }
      }
  }

  Source src_;
  std::vector<Pass> passes_;
  const DirectKernels& kern_;
  int64_t width_;
  double flops_ = 0.0;
  int64_t row_, rows_, bands_, band_rows_, plane_;
  int64_t groups_ = 1;  // output channel groups run concurrently on one band
  std::vector<std::vector<int32_t>> koff_;
  std::vector<int64_t> spread_off_;  // per pass, in spread_workspace
  int64_t spread_floats_ = 0;
};

void require_supported(const Conv2dParams& p, const char* entry) {
  p.validate();
  if (!conv2d_direct_supported(p))
    throw Error(std::string(entry) +
                ": direct convolution needs dilation 1 and a square stride of 1 or 2; got stride " +
                std::to_string(p.stride_h) + "x" + std::to_string(p.stride_w) + ", dilation " +
                std::to_string(p.dil_h) + "x" + std::to_string(p.dil_w));
}

const direct_detail::DirectKernelSet& kernel_set() { return direct_detail::direct_kernels_for(active_simd_level()); }

// The wide tile unless the output has fewer channels than the narrow one's 3 rows fill.
const DirectKernels& kernels_for(const direct_detail::DirectKernelSet& set, int64_t c_out) {
  return c_out <= set.narrow.mr ? set.narrow : set.wide;
}

}  // namespace

bool conv2d_direct_supported(const Conv2dParams& p) {
  return p.stride_h == p.stride_w && (p.stride_h == 1 || p.stride_h == 2) && p.dil_h == 1 && p.dil_w == 1;
}

// Measured with bench_conv (AVX-512, one thread, .../gemm against
// .../direct), GFLOP/s im2col+GEMM -> direct:
//  - forward, 5x5 and 7x7 from 14x14 outputs up: conv1/7x7_s2 108 -> 144 at
//    512 input, 111 -> 149 at 224; the inception 5x5s 93-104 -> 150-170 at
//    64x64 and 32x32 outputs, 88-102 -> 120-130 at 16x16, 65-70 -> 95-100 at
//    14x14 (4e: equal). At 7x7 (16 pixels of 49 wasted per vector) it loses.
//  - forward, 3x3 stride 1 where Winograd is not chosen (inception_5a/5b at
//    16x16, 4a..4e at 14x14): 75-99 -> 92-128; at 7x7 it loses.
//  - backward to input, stride-1 5x5 from 16x16 up: 90-125 -> 130-160
//    (two threads: 5a/5b at 16x16 181-184 -> 197-217); at 14x14 it wins or
//    loses by 10% depending on the layer. 3x3 (5a/5b at 16x16): 120 -> 129
//    on one thread but 205 -> 188 on two, so not taken.
//  - conv1's stride-2 backward (four phase passes of 3 output channels, the
//    narrow 3-row tile) only ties: 100 -> 95-105; it stays on im2col.
// With the packed weights kept in a Conv2dWeightCache (every network layer
// has one) the small maps changed sides, GFLOP/s im2col+GEMM -> direct, one
// thread / two:
//  - forward at 7x7 (inception_5a/5b at 224): 5x5 44-46 -> 66-67 / 73-78 ->
//    122-125; 3x3 54-57 -> 67-68 / 99-106 -> 129-132. So from 7 wide.
//  - backward, 5x5 at 14x14 (4a..4e at 224): 70-107 -> 109-130 / 124-201 ->
//    169-225; 3x3 at 16x16 (5a/5b at 512): 118-121 -> 160-161 / 230-237 ->
//    295-306, at 14x14 (4a..4e at 224): 104-116 -> 127-138 / 211-234 ->
//    238-269. So from 14 wide; at 7x7 it still loses (66-77 -> 60-68).
// (Winograd, where preferred, is chosen before either.)
bool conv2d_direct_preferred(const Conv2dParams& p) {
  if (!conv2d_direct_supported(p) || p.kh != p.kw || p.w_out() < 7) return false;
  return p.kh >= 5 || (p.kh == 3 && p.stride_h == 1);
}

bool conv2d_direct_backward_input_preferred(const Conv2dParams& p) {
  return conv2d_direct_supported(p) && p.kh == p.kw && p.kh >= 3 && p.stride_h == 1 && p.w_out() >= 14;
}

void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out,
                           Conv2dWeightCache* cache) {
  require_supported(p, "conv2d_forward_direct");
  const auto& set = kernel_set();
  const DirectKernels& kern = kernels_for(set, p.c_out);
  const float* a = weights_in_form(
      cache, WeightForm::DirectForward, p, w, packed_floats(p.c_out, p.c_in, p.kh * p.kw, kern.mr), weight_workspace,
      [&](float* dst) {
        pack_weights(
            p.c_out, p.c_in, p.kh, p.kw, kern.mr,
            [&](int64_t o, int64_t i, int64_t ky, int64_t kx) { return w[((o * p.c_in + i) * p.kh + ky) * p.kw + kx]; },
            dst);
      });
  const int64_t ho = p.h_out(), wo = p.w_out();
  const Source src{p.c_in, p.h_in, p.w_in, p.stride_h, p.pad_top, p.pad_left};
  const DirectRun run(src, {Pass{p.c_out, p.kh, p.kw, ho, wo, 0, 0, a, 1, 0, 0}}, kern, set.width);
  const int64_t in_image = p.c_in * p.h_in * p.w_in, hw_out = ho * wo;
  for (int64_t n = 0; n < p.n; ++n) run.image(in + n * in_image, bias, out + n * p.c_out * hw_out, hw_out, wo);
}

void conv2d_backward_input_direct(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in,
                                  Conv2dWeightCache* cache) {
  require_supported(p, "conv2d_backward_input_direct");
  // grad_in(ci, y, x) = sum_co,ky,kx grad_out(co, oy, ox) w(co, ci, ky, kx) over s * oy = y + pad_top - ky
  // (and the same in x). For grad_in's phase y = s * u + py only the taps
  // ky = ry + s * j with ry = (py + pad_top) % s contribute, at
  // oy = u + cy - j, cy = (py + pad_top - ry) / s: with a = nj - 1 - j that is
  // a stride-1 correlation of grad_out (pad nj - 1 - cy) with the sub-filter
  // w(co, ci, ry + s * (nj - 1 - a), ...). For s = 1 the one phase is the
  // rotated-filter convolution. All phases run as passes over one band of
  // grad_out, padded by the largest of their pads.
  const int64_t s = p.stride_h, ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const auto& set = kernel_set();
  const DirectKernels& kern = kernels_for(set, p.c_in);
  struct Phase {
    int64_t py, px, ry, rx, nj, ni, pad_y, pad_x, hu, wu;
  };
  std::vector<Phase> phases;
  int64_t pad_y = 0, pad_x = 0, floats = 0;
  for (int64_t py = 0; py < s; ++py)
    for (int64_t px = 0; px < s; ++px) {
      Phase f;
      f.py = py, f.px = px, f.ry = (py + p.pad_top) % s, f.rx = (px + p.pad_left) % s;
      f.nj = ceil_div(p.kh - f.ry, s), f.ni = ceil_div(p.kw - f.rx, s);
      f.pad_y = f.nj - 1 - (py + p.pad_top - f.ry) / s, f.pad_x = f.ni - 1 - (px + p.pad_left - f.rx) / s;
      f.hu = ceil_div(p.h_in - py, s), f.wu = ceil_div(p.w_in - px, s);
      if (f.hu <= 0 || f.wu <= 0) continue;
      if (f.nj <= 0 || f.ni <= 0) {  // no tap reaches this phase (kernel smaller than the stride)
        for (int64_t n = 0; n < p.n; ++n)
          for (int64_t ci = 0; ci < p.c_in; ++ci)
            for (int64_t u = 0; u < f.hu; ++u)
              for (int64_t v = 0; v < f.wu; ++v)
                grad_in[(n * p.c_in + ci) * hw_in + (s * u + py) * p.w_in + s * v + px] = 0.0f;
        continue;
      }
      phases.push_back(f);
      pad_y = std::max(pad_y, f.pad_y), pad_x = std::max(pad_x, f.pad_x);
      floats += packed_floats(p.c_in, p.c_out, f.nj * f.ni, kern.mr);
    }
  if (phases.empty()) return;
  // Every phase's panels, one after another.
  auto pack_phases = [&](float* dst) {
    for (const Phase& f : phases) {
      // Filter (o, i) of this pass is w's filter (i, o) from tap (ry, rx) in
      // steps of s, reversed. Its geometry is captured by value: read through
      // references, GCC reloaded it after every float store, and packing took
      // a quarter of a 16x16 layer's backward.
      const int64_t taps = p.kh * p.kw, row = p.c_in * taps;
      const int64_t last = (f.ry + s * (f.nj - 1)) * p.kw + f.rx + s * (f.ni - 1);
      pack_weights(
          p.c_in, p.c_out, f.nj, f.ni, kern.mr,
          [w, taps, row, last, s, kw = p.kw](int64_t o, int64_t i, int64_t ty, int64_t tx) {
            return w[i * row + o * taps + last - s * (ty * kw + tx)];
          },
          dst);
      dst += packed_floats(p.c_in, p.c_out, f.nj * f.ni, kern.mr);
    }
  };
  const float* a = weights_in_form(cache, WeightForm::DirectBackwardInput, p, w, floats, weight_workspace, pack_phases);
  std::vector<Pass> passes;
  for (const Phase& f : phases) {
    passes.push_back(Pass{p.c_in, f.nj, f.ni, f.hu, f.wu, pad_y - f.pad_y, pad_x - f.pad_x, a, s, f.py, f.px});
    a += packed_floats(p.c_in, p.c_out, f.nj * f.ni, kern.mr);
  }
  const Source src{p.c_out, ho, wo, 1, pad_y, pad_x};
  const DirectRun run(src, std::move(passes), kern, set.width);
  for (int64_t n = 0; n < p.n; ++n)
    run.image(grad_out + n * p.c_out * hw_out, nullptr, grad_in + n * p.c_in * hw_in, hw_in, p.w_in);
}

}  // namespace dream
