// The direct convolution's driver: weights packed once per call as the
// tile's A panels, the output rows of an image cut into bands, and per band
// (each on one thread, with its own workspace) the input rows it needs
// copied into a zero-padded, column-phase-split buffer, then every tile
// (MR output channels x NV vectors of output pixels) run over it.
//
// Band buffer layout (s = stride, 1 or 2; per input channel ci):
//   band[ci * s * plane + phase * plane + r * row + j]
//     = input(ci, y0 * s + r - pad_top, s * j + phase - pad_left), 0 outside,
// for band rows r < (rows - 1) * s + kh, so tap (ci, ky, kx) of the output
// pixels (y, x .. x + width) is the contiguous run at
//   (y - y0) * s * row + x  +  ci * s * plane + (kx % s) * plane + ky * row + kx / s,
// the second term being the same for every pixel: the tap's k offset.
#include "tensor/conv2d_direct.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "tensor/conv2d_direct_kernels.h"
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

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// One convolution as the tiles see it: square stride 1 or 2, dilation 1, pads
// of any sign (the source is read as zero outside (h_in, w_in)), and any
// output size.
struct Geometry {
  int64_t c_in, h_in, w_in;
  int64_t c_out, kh, kw, stride;
  int64_t pad_top, pad_left;
  int64_t h_out, w_out;
};

float* weight_workspace(int64_t floats) {
  thread_local ScratchBuffer buffer;
  return buffer.get(floats);
}

float* band_workspace(int64_t floats) {
  thread_local ScratchBuffer buffer;
  return buffer.get(floats);
}

float* phase_workspace(int64_t floats) {
  thread_local ScratchBuffer buffer;
  return buffer.get(floats);
}

// A panels of mr rows: a[q * k * mr + p * mr + r] = tap(o = q * mr + r, i, ky, kx)
// with p = (i * kh + ky) * kw + kx; rows past c_out are zero.
template <class Tap>
const float* pack_weights(const Geometry& g, int mr, Tap tap) {
  const int64_t k = g.c_in * g.kh * g.kw, panels = ceil_div(g.c_out, mr);
  float* a = weight_workspace(panels * k * mr);
  for (int64_t q = 0; q < panels; ++q)
    for (int64_t i = 0; i < g.c_in; ++i)
      for (int64_t ky = 0; ky < g.kh; ++ky)
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          float* dst = a + q * k * mr + ((i * g.kh + ky) * g.kw + kx) * mr;
          for (int r = 0; r < mr; ++r) {
            const int64_t o = q * mr + r;
            dst[r] = o < g.c_out ? tap(o, i, ky, kx) : 0.0f;
          }
        }
  return a;
}

// out (c_out planes of channel stride ldo, rows of out_row floats) = the
// convolution g of src (c_in x h_in x w_in) with the packed panels a (+ bias).
class DirectRun {
 public:
  DirectRun(const Geometry& g, const DirectKernels& kern, int width, const float* a)
      : g_(g), kern_(kern), width_(width), a_(a) {
    const int64_t s = g.stride;
    vectors_per_row_ = ceil_div(g.w_out, width);
    row_ = ceil_div((vectors_per_row_ * width - 1) * s + g.kw, s);
    const int64_t row_floats = g.c_in * s * row_;  // per band input row
    // Output rows per band: within the budget, then a whole number of bands
    // per thread (all the same size) when there is enough work to share.
    rows_ = std::min(g.h_out, std::max(kMinBandRows, (kBandBudgetFloats / row_floats - g.kh) / s + 1));
    int64_t bands = ceil_div(g.h_out, rows_);
    const int64_t threads = max_threads();
    const double flops = 2.0 * g.c_out * g.c_in * g.kh * g.kw * g.h_out * g.w_out;
    if (threads > 1 && flops >= 1.0e6 && g.h_out >= threads) bands = ceil_div(bands, threads) * threads;
    rows_ = ceil_div(g.h_out, bands);
    bands_ = ceil_div(g.h_out, rows_);
    plane_ = ((rows_ - 1) * s + g.kh) * row_;
    if (g.c_in * s * plane_ > std::numeric_limits<int32_t>::max())
      throw Error("conv2d direct: a band of " + std::to_string(g.c_in * s * plane_) + " floats exceeds int32 offsets");
    koff_.resize(static_cast<size_t>(g.c_in * g.kh * g.kw));
    for (int64_t i = 0; i < g.c_in; ++i)
      for (int64_t ky = 0; ky < g.kh; ++ky)
        for (int64_t kx = 0; kx < g.kw; ++kx)
          koff_[(i * g.kh + ky) * g.kw + kx] =
              static_cast<int32_t>(i * s * plane_ + (kx % s) * plane_ + ky * row_ + kx / s);
  }

  void image(const float* src, const float* bias, float* out, int64_t ldo, int64_t out_row) const {
    parallel_for(bands_, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) band(src, bias, out, ldo, out_row, b);
    });
  }

 private:
  void band(const float* src, const float* bias, float* out, int64_t ldo, int64_t out_row, int64_t b) const {
    const int64_t y0 = b * rows_, y1 = std::min(g_.h_out, y0 + rows_);
    if (y0 >= y1) return;
    const int64_t s = g_.stride, w = width_;
    float* x = band_workspace(g_.c_in * s * plane_);
    fill_band(src, y0, (y1 - y0 - 1) * s + g_.kh, x);

    thread_local std::vector<int64_t> voff, ooff;
    thread_local std::vector<int> valid;
    const int64_t count = (y1 - y0) * vectors_per_row_;
    voff.resize(static_cast<size_t>(count)), ooff.resize(static_cast<size_t>(count));
    valid.resize(static_cast<size_t>(count));
    for (int64_t y = y0, i = 0; y < y1; ++y)
      for (int64_t v = 0; v < vectors_per_row_; ++v, ++i) {
        voff[i] = (y - y0) * s * row_ + v * w;
        ooff[i] = y * out_row + v * w;
        valid[i] = static_cast<int>(std::min(w, g_.w_out - v * w));
      }

    const int mr = kern_.mr, nv = kern_.nv;
    // Panel by panel, so the panel's A (k x mr floats) stays in cache while
    // the band's tiles stream past it. (Blocking K to keep A in L1 measured
    // slower: each block re-reads and re-writes the band's outputs.)
    const int64_t k = g_.c_in * g_.kh * g_.kw;
    DirectTileArgs t;
    t.x = x, t.koff = koff_.data(), t.k = k, t.ldo = ldo;
    for (int64_t o = 0; o < g_.c_out; o += mr) {
      const int rows = static_cast<int>(std::min<int64_t>(mr, g_.c_out - o));
      t.a = a_ + (o / mr) * k * mr;
      t.out = out + o * ldo;
      t.bias = bias ? bias + o : nullptr;
      for (int64_t i = 0; i < count; i += nv) {
        const int vecs = static_cast<int>(std::min<int64_t>(nv, count - i));
        t.voff = voff.data() + i, t.ooff = ooff.data() + i, t.valid = valid.data() + i;
        kern_.by_tile[rows][vecs](t);
      }
    }
  }

  // Band rows [0, rows_in) of every channel: source row y0 * s + r - pad_top,
  // split into s column phases, zero outside the source.
  void fill_band(const float* src, int64_t y0, int64_t rows_in, float* x) const {
    const int64_t s = g_.stride, hw = g_.h_in * g_.w_in;
    for (int64_t ci = 0; ci < g_.c_in; ++ci)
      for (int64_t r = 0; r < rows_in; ++r) {
        const int64_t sy = y0 * s + r - g_.pad_top;
        const bool inside = sy >= 0 && sy < g_.h_in;
        for (int64_t ph = 0; ph < s; ++ph) {
          float* dst = x + ci * s * plane_ + ph * plane_ + r * row_;
          // Phase column j reads source column s * j + ph - pad_left: inside
          // for j in [j0, j1).
          const int64_t first = g_.pad_left - ph;  // s * j0 >= first
          const int64_t j0 = std::clamp<int64_t>(first <= 0 ? 0 : ceil_div(first, s), 0, row_);
          const int64_t j1 = std::clamp<int64_t>(ceil_div(g_.w_in + g_.pad_left - ph, s), j0, row_);
          if (!inside || j0 == j1) {
            std::fill(dst, dst + row_, 0.0f);
            continue;
          }
          std::fill(dst, dst + j0, 0.0f);
          const float* from = src + ci * hw + sy * g_.w_in + s * j0 + ph - g_.pad_left;
          if (s == 1) {
            std::copy(from, from + (j1 - j0), dst + j0);
          } else {
            for (int64_t j = j0; j < j1; ++j) dst[j] = from[s * (j - j0)];
          }
          std::fill(dst + j1, dst + row_, 0.0f);
        }
      }
  }

  Geometry g_;
  const DirectKernels& kern_;
  int64_t width_;
  const float* a_;
  int64_t vectors_per_row_, row_, rows_, bands_, plane_;
  std::vector<int32_t> koff_;
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
//  - backward to input, stride-1 5x5 from 16x16 up: 90-125 -> 120-160
//    (5a at 16x16: equal); at 14x14 it wins or loses by 10% depending on
//    the layer, and it loses on every 3x3.
//  - conv1's stride-2 backward (four phase convolutions that each copy all
//    of grad_out) loses: 107 -> 82.
bool conv2d_direct_preferred(const Conv2dParams& p) {
  if (!conv2d_direct_supported(p) || p.kh != p.kw || p.w_out() < 14) return false;
  return p.kh >= 5 || (p.kh == 3 && p.stride_h == 1);
}

bool conv2d_direct_backward_input_preferred(const Conv2dParams& p) {
  return conv2d_direct_supported(p) && p.kh == p.kw && p.kh >= 5 && p.stride_h == 1 && p.w_out() >= 16;
}

void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* w, const float* bias, float* out) {
  require_supported(p, "conv2d_forward_direct");
  const Geometry g{p.c_in,     p.h_in,    p.w_in,     p.c_out,   p.kh,     p.kw,
                   p.stride_h, p.pad_top, p.pad_left, p.h_out(), p.w_out()};
  const auto& set = kernel_set();
  const DirectKernels& kern = kernels_for(set, g.c_out);
  const float* a = pack_weights(g, kern.mr, [&](int64_t o, int64_t i, int64_t ky, int64_t kx) {
    return w[((o * p.c_in + i) * p.kh + ky) * p.kw + kx];
  });
  const DirectRun run(g, kern, set.width, a);
  const int64_t in_image = p.c_in * p.h_in * p.w_in, hw_out = g.h_out * g.w_out;
  for (int64_t n = 0; n < p.n; ++n) run.image(in + n * in_image, bias, out + n * p.c_out * hw_out, hw_out, g.w_out);
}

void conv2d_backward_input_direct(const Conv2dParams& p, const float* grad_out, const float* w, float* grad_in) {
  require_supported(p, "conv2d_backward_input_direct");
  // grad_in(ci, y, x) = sum_co,ky,kx grad_out(co, oy, ox) w(co, ci, ky, kx) over s * oy = y + pad_top - ky
  // (and the same in x). For grad_in's phase y = s * u + py only the taps
  // ky = ry + s * j with ry = (py + pad_top) % s contribute, at
  // oy = u + cy - j, cy = (py + pad_top - ry) / s: with a = nj - 1 - j that is
  // a stride-1 correlation of grad_out (pad nj - 1 - cy) with the sub-filter
  // w(co, ci, ry + s * (nj - 1 - a), ...). For s = 1 the one phase is the
  // rotated-filter convolution.
  const int64_t s = p.stride_h, ho = p.h_out(), wo = p.w_out();
  const int64_t hw_in = p.h_in * p.w_in, hw_out = ho * wo;
  const auto& set = kernel_set();
  const DirectKernels& kern = kernels_for(set, p.c_in);
  for (int64_t py = 0; py < s; ++py)
    for (int64_t px = 0; px < s; ++px) {
      const int64_t ry = (py + p.pad_top) % s, rx = (px + p.pad_left) % s;
      const int64_t nj = ceil_div(p.kh - ry, s), ni = ceil_div(p.kw - rx, s);
      const int64_t cy = (py + p.pad_top - ry) / s, cx = (px + p.pad_left - rx) / s;
      const int64_t hu = ceil_div(p.h_in - py, s), wu = ceil_div(p.w_in - px, s);
      if (hu <= 0 || wu <= 0) continue;
      if (nj <= 0 || ni <= 0) {  // no tap reaches this phase
        for (int64_t n = 0; n < p.n; ++n)
          for (int64_t ci = 0; ci < p.c_in; ++ci)
            for (int64_t u = 0; u < hu; ++u)
              for (int64_t v = 0; v < wu; ++v)
                grad_in[(n * p.c_in + ci) * hw_in + (s * u + py) * p.w_in + s * v + px] = 0;
        continue;
      }
      const Geometry g{p.c_out, ho, wo, p.c_in, nj, ni, 1, nj - 1 - cy, ni - 1 - cx, hu, wu};
      const float* a = pack_weights(g, kern.mr, [&](int64_t o, int64_t i, int64_t ty, int64_t tx) {
        return w[((i * p.c_in + o) * p.kh + ry + s * (nj - 1 - ty)) * p.kw + rx + s * (ni - 1 - tx)];
      });
      const DirectRun run(g, kern, set.width, a);
      for (int64_t n = 0; n < p.n; ++n) {
        const float* dy = grad_out + n * p.c_out * hw_out;
        float* dx = grad_in + n * p.c_in * hw_in;
        if (s == 1) {
          run.image(dy, nullptr, dx, hw_in, p.w_in);
          continue;
        }
        // Into a dense (Ci, hu, wu) phase, then interleaved into grad_in.
        float* phase = phase_workspace(p.c_in * hu * wu);
        run.image(dy, nullptr, phase, hu * wu, wu);
        parallel_for(p.c_in * hu, wu, [&](int64_t begin, int64_t end) {
          for (int64_t cu = begin; cu < end; ++cu) {
            const int64_t ci = cu / hu, u = cu % hu;
            const float* from = phase + cu * wu;
            float* to = dx + ci * hw_in + (s * u + py) * p.w_in + px;
            for (int64_t v = 0; v < wu; ++v) to[s * v] = from[v];
          }
        });
      }
    }
}

}  // namespace dream
