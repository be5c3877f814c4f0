#pragma once
// Lucid's decorrelated-colour Fourier parameterisation of an image
// (lucid.optvis.param.image(..., fft=True, decorrelate=True)): instead of
// pixels, feature visualisation optimises a spectrum whose coefficients are
// scaled by 1/frequency, so every frequency is about equally easy to change
// and the high-frequency noise that pixel-space ascent produces is damped.
//
//   spectrum        3 x h x wf complex, stored as a 3 x h x wf x 2 tensor (re, im)
//     | 1. times scale[k][l] = sqrt(h w) / max(|f_kl|, 1 / max(h, w))^decay_power
//     | 2. irfft2d per channel at h x W (W = w rounded up to even, as Lucid:
//     |    an odd width keeps one more frequency column and crops a pixel),
//     |    crop to h x w, divide by 4
//   planes          1x3xHxW, colours in the decorrelated space
//     | 3. correlate_colours (dream/colour_decorrelation.h)
//   logits          1x3xHxW, RGB before squashing
//     | 4. sigmoid
//   rgb01           1x3xHxW, RGB in (0, 1)
//     | 5. times 255, RGB -> the network's channel order, minus its mean
//   network input   1x3xHxW (Caffe GoogLeNet: BGR minus (104, 117, 123))
//
// Each stage is a forward function with its adjoint beside it. All stages
// but the sigmoid are linear, so the gradient w.r.t. the spectrum is the
// network-input gradient pulled back through 5, 4, 3, 2, 1 -- the chain rule
// written out by hand (tests check every adjoint and the whole chain against
// finite differences).
#include <cstdint>
#include <vector>

#include "dream/image.h"
#include "tensor/tensor.h"

namespace dream {

// Lucid's rfft2d_freqs(h, w): |f| = sqrt(fy^2 + fx^2) in cycles per pixel,
// h x rfft_width(w + w % 2), with fy, fx numpy's fftfreq values.
std::vector<double> rfft2d_frequencies(int64_t h, int64_t w);

// Stage 4: elementwise 1 / (1 + exp(-x)); adjoint: grad * s (1 - s), given s.
Tensor sigmoid_image(const Tensor& x);
Tensor sigmoid_image_adjoint(const Tensor& sigmoid_out, const Tensor& grad);

// Stage 5: RGB in 0..1 -> network input (255 x, reorder, minus mean); adjoint:
// the reordering undone, times 255 (the mean is a constant: no gradient).
Tensor unit_rgb_to_network(const Tensor& rgb01, const PixelTransform& t);
Tensor unit_rgb_to_network_adjoint(const Tensor& network_grad, const PixelTransform& t);

class FourierParam {
 public:
  // Throws dream::Error for sizes < 1 or a negative decay_power.
  FourierParam(int64_t height, int64_t width, double decay_power = 1.0,
               const PixelTransform& transform = caffe_googlenet_transform());

  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  int64_t transform_width() const { return width_ + width_ % 2; }  // W above
  int64_t spectrum_width() const { return transform_width() / 2 + 1; }
  Shape spectrum_shape() const { return {3, height_, spectrum_width(), 2}; }
  // Stage 1's factors, h x spectrum_width().
  const std::vector<double>& scale() const { return scale_; }

  // Lucid's start: every real and imaginary part N(0, sd^2), from `seed`.
  Tensor random_spectrum(uint64_t seed, double sd = 0.01) const;

  // Stages 1-2 and their adjoint (spectrum_shape() <-> 1x3xHxW).
  Tensor spectrum_to_planes(const Tensor& spectrum) const;
  Tensor spectrum_to_planes_adjoint(const Tensor& planes_grad) const;

  // All five stages. rgb01 is kept because the sigmoid's adjoint needs it.
  struct Image {
    Tensor rgb01;    // 1x3xHxW, RGB in (0, 1)
    Tensor network;  // 1x3xHxW network input
  };
  Image image(const Tensor& spectrum) const;
  // d objective / d spectrum from d objective / d network input at `image`.
  Tensor gradient(const Image& image, const Tensor& network_grad) const;

 private:
  int64_t height_, width_;
  PixelTransform transform_;
  std::vector<double> scale_;
};

}  // namespace dream
