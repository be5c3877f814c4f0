#include "dream/laplacian_normalise.h"

#include <algorithm>
#include <cmath>

#include "tensor/elementwise.h"

namespace dream {

namespace {

constexpr float kBinomial[5] = {1.0f, 4.0f, 6.0f, 4.0f, 1.0f};

// TF "SAME" padding before the first sample for a 5-tap, stride-2 filter.
int64_t same_pad_before(int64_t in) {
  const int64_t out = (in + 1) / 2;
  const int64_t total = std::max<int64_t>((out - 1) * 2 + 5 - in, 0);
  return total / 2;
}

void check_nchw(const Tensor& x, const char* what) {
  if (x.rank() != 4) throw Error(std::string(what) + ": expected NCHW, got " + shape_string(x.shape()));
}

}  // namespace

Tensor binomial_downsample(const Tensor& x) {
  check_nchw(x, "binomial_downsample");
  const int64_t h = x.h(), w = x.w(), ho = (h + 1) / 2, wo = (w + 1) / 2;
  const int64_t pt = same_pad_before(h), pl = same_pad_before(w);
  Tensor out({x.n(), x.c(), ho, wo});
  const int64_t planes = x.n() * x.c();
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = x.data() + p * h * w;
    float* o = out.data() + p * ho * wo;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        float acc = 0.0f;
        for (int ky = 0; ky < 5; ++ky) {
          const int64_t y = oy * 2 - pt + ky;
          if (y < 0 || y >= h) continue;
          for (int kx = 0; kx < 5; ++kx) {
            const int64_t xx = ox * 2 - pl + kx;
            if (xx < 0 || xx >= w) continue;
            acc += kBinomial[ky] * kBinomial[kx] * in[y * w + xx];
          }
        }
        o[oy * wo + ox] = acc / 256.0f;
      }
  }
  return out;
}

Tensor binomial_upsample(const Tensor& y, int64_t h, int64_t w) {
  check_nchw(y, "binomial_upsample");
  const int64_t ho = (h + 1) / 2, wo = (w + 1) / 2;
  if (y.h() != ho || y.w() != wo)
    throw Error("binomial_upsample: " + shape_string(y.shape()) + " is not the half-size of " + std::to_string(h) +
                "x" + std::to_string(w));
  const int64_t pt = same_pad_before(h), pl = same_pad_before(w);
  Tensor out({y.n(), y.c(), h, w});
  const int64_t planes = y.n() * y.c();
  // Scatter: the adjoint of binomial_downsample, times 4 (each output pixel
  // receives from about a quarter of the kernel taps).
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = y.data() + p * ho * wo;
    float* o = out.data() + p * h * w;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        const float v = in[oy * wo + ox] * (4.0f / 256.0f);
        for (int ky = 0; ky < 5; ++ky) {
          const int64_t yy = oy * 2 - pt + ky;
          if (yy < 0 || yy >= h) continue;
          for (int kx = 0; kx < 5; ++kx) {
            const int64_t xx = ox * 2 - pl + kx;
            if (xx < 0 || xx >= w) continue;
            o[yy * w + xx] += kBinomial[ky] * kBinomial[kx] * v;
          }
        }
      }
  }
  return out;
}

std::vector<Tensor> laplacian_split(const Tensor& x, int n) {
  if (n < 0) throw Error("laplacian_split: level count must be >= 0, got " + std::to_string(n));
  check_nchw(x, "laplacian_split");
  std::vector<Tensor> fine_to_coarse;
  Tensor img = x.clone();
  for (int i = 0; i < n; ++i) {
    Tensor lo = binomial_downsample(img);
    Tensor up = binomial_upsample(lo, img.h(), img.w());
    Tensor hi(img.shape());
    for (int64_t k = 0; k < hi.numel(); ++k) hi[k] = img[k] - up[k];
    fine_to_coarse.push_back(std::move(hi));
    img = std::move(lo);
  }
  fine_to_coarse.push_back(std::move(img));
  std::reverse(fine_to_coarse.begin(), fine_to_coarse.end());
  return fine_to_coarse;
}

Tensor laplacian_merge(const std::vector<Tensor>& levels) {
  if (levels.empty()) throw Error("laplacian_merge: no levels");
  Tensor img = levels[0].clone();
  for (size_t i = 1; i < levels.size(); ++i) {
    const Tensor& hi = levels[i];
    Tensor up = binomial_upsample(img, hi.h(), hi.w());
    for (int64_t k = 0; k < up.numel(); ++k) up[k] += hi[k];
    img = std::move(up);
  }
  return img;
}

Tensor laplacian_normalise(const Tensor& g, int n, double eps) {
  std::vector<Tensor> levels = laplacian_split(g, n);
  for (Tensor& level : levels) {
    const double rms = std::sqrt(sum_squares(level.numel(), level.data()) / static_cast<double>(level.numel()));
    scale(level.numel(), static_cast<float>(1.0 / std::max(rms, eps)), level.data(), level.data());
  }
  return laplacian_merge(levels);
}

}  // namespace dream
