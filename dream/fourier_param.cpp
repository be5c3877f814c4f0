#include "dream/fourier_param.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "dream/colour_decorrelation.h"
#include "dream/rng.h"
#include "tensor/fft.h"

namespace dream {

namespace {

// numpy.fft.fftfreq(n)[i]: i / n for the first half, (i - n) / n after.
double fft_frequency(int64_t i, int64_t n) {
  const int64_t k = i <= (n - 1) / 2 ? i : i - n;
  return static_cast<double>(k) / static_cast<double>(n);
}

void check_image(const Tensor& x, int64_t h, int64_t w, const char* what) {
  if (x.rank() != 4 || x.n() != 1 || x.c() != 3 || x.h() != h || x.w() != w)
    throw Error(std::string(what) + ": expected 1x3x" + std::to_string(h) + "x" + std::to_string(w) + ", got " +
                shape_string(x.shape()));
}

}  // namespace

std::vector<double> rfft2d_frequencies(int64_t h, int64_t w) {
  const int64_t wf = rfft_width(w + w % 2);
  std::vector<double> f(static_cast<size_t>(h * wf));
  for (int64_t k = 0; k < h; ++k)
    for (int64_t l = 0; l < wf; ++l) {
      const double fy = fft_frequency(k, h), fx = fft_frequency(l, w);
      f[static_cast<size_t>(k * wf + l)] = std::sqrt(fx * fx + fy * fy);
    }
  return f;
}

Tensor sigmoid_image(const Tensor& x) {
  Tensor s(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) s[i] = static_cast<float>(1.0 / (1.0 + std::exp(-double{x[i]})));
  return s;
}

Tensor sigmoid_image_adjoint(const Tensor& sigmoid_out, const Tensor& grad) {
  check_same_shape(sigmoid_out, grad, "sigmoid_image_adjoint");
  Tensor g(grad.shape());
  for (int64_t i = 0; i < g.numel(); ++i) g[i] = grad[i] * sigmoid_out[i] * (1.0f - sigmoid_out[i]);
  return g;
}

Tensor unit_rgb_to_network(const Tensor& rgb01, const PixelTransform& t) {
  Tensor rgb(rgb01.shape());
  for (int64_t i = 0; i < rgb.numel(); ++i) rgb[i] = 255.0f * rgb01[i];
  return pixels_to_network(rgb, t);
}

Tensor unit_rgb_to_network_adjoint(const Tensor& network_grad, const PixelTransform& t) {
  // The linear part of pixels_to_network is a channel permutation; its
  // adjoint is the inverse permutation, i.e. network_to_pixels without the mean.
  PixelTransform reorder_only = t;
  reorder_only.mean = {0.0f, 0.0f, 0.0f};
  Tensor g = network_to_pixels(network_grad, reorder_only);
  for (int64_t i = 0; i < g.numel(); ++i) g[i] *= 255.0f;
  return g;
}

FourierParam::FourierParam(int64_t height, int64_t width, double decay_power, const PixelTransform& transform)
    : height_(height), width_(width), transform_(transform) {
  if (height < 1 || width < 1)
    throw Error("Fourier parameterisation: size must be at least 1x1, got " + std::to_string(width) + "x" +
                std::to_string(height));
  if (!(decay_power >= 0.0) || !std::isfinite(decay_power))
    throw Error("Fourier parameterisation: decay power must be >= 0, got " + std::to_string(decay_power));
  // Lucid: 1 / max(freqs, 1 / max(h, w))^decay_power * sqrt(w h). The floor
  // keeps the DC term finite; sqrt(w h) undoes irfft2d's 1/(h w) halfway,
  // so unit coefficients give pixels of order 1 (a near-unitary map).
  scale_ = rfft2d_frequencies(height, width);
  const double floor = 1.0 / static_cast<double>(std::max(height, width));
  const double root_area = std::sqrt(static_cast<double>(height * width));
  for (double& s : scale_) s = root_area / std::pow(std::max(s, floor), decay_power);
}

Tensor FourierParam::random_spectrum(uint64_t seed, double sd) const {
  Tensor s(spectrum_shape());
  Rng rng(seed);
  for (int64_t i = 0; i < s.numel(); ++i) s[i] = static_cast<float>(sd * rng.normal());
  return s;
}

Tensor FourierParam::spectrum_to_planes(const Tensor& spectrum) const {
  check_shape(spectrum, spectrum_shape(), "Fourier spectrum");
  const int64_t h = height_, w = width_, tw = transform_width(), wf = spectrum_width();
  Tensor planes({1, 3, h, w});
  std::vector<Complex> scaled(static_cast<size_t>(h * wf));
  std::vector<double> full(static_cast<size_t>(h * tw));
  for (int64_t c = 0; c < 3; ++c) {
    const float* sc = spectrum.data() + c * h * wf * 2;
    for (int64_t i = 0; i < h * wf; ++i)
      scaled[static_cast<size_t>(i)] = Complex(sc[2 * i], sc[2 * i + 1]) * scale_[static_cast<size_t>(i)];
    irfft2d(scaled.data(), h, tw, full.data());
    float* out = planes.data() + c * h * w;
    for (int64_t m = 0; m < h; ++m)
      for (int64_t n = 0; n < w; ++n) out[m * w + n] = static_cast<float>(full[static_cast<size_t>(m * tw + n)] / 4.0);
  }
  return planes;
}

Tensor FourierParam::spectrum_to_planes_adjoint(const Tensor& planes_grad) const {
  check_image(planes_grad, height_, width_, "spectrum_to_planes_adjoint");
  const int64_t h = height_, w = width_, tw = transform_width(), wf = spectrum_width();
  Tensor grad(spectrum_shape());
  std::vector<double> full(static_cast<size_t>(h * tw));
  std::vector<Complex> spectral(static_cast<size_t>(h * wf));
  for (int64_t c = 0; c < 3; ++c) {
    // Adjoint of "crop to w, divide by 4": embed into zeros of width W, / 4.
    const float* g = planes_grad.data() + c * h * w;
    std::fill(full.begin(), full.end(), 0.0);
    for (int64_t m = 0; m < h; ++m)
      for (int64_t n = 0; n < w; ++n) full[static_cast<size_t>(m * tw + n)] = g[m * w + n] / 4.0;
    irfft2d_adjoint(full.data(), h, tw, spectral.data());
    // Adjoint of the (real) scaling: the same scaling.
    float* out = grad.data() + c * h * wf * 2;
    for (int64_t i = 0; i < h * wf; ++i) {
      const Complex v = spectral[static_cast<size_t>(i)] * scale_[static_cast<size_t>(i)];
      out[2 * i] = static_cast<float>(v.real());
      out[2 * i + 1] = static_cast<float>(v.imag());
    }
  }
  return grad;
}

FourierParam::Image FourierParam::image(const Tensor& spectrum) const {
  Image img;
  img.rgb01 = sigmoid_image(correlate_colours(spectrum_to_planes(spectrum)));
  img.network = unit_rgb_to_network(img.rgb01, transform_);
  return img;
}

Tensor FourierParam::gradient(const Image& image, const Tensor& network_grad) const {
  check_image(network_grad, height_, width_, "Fourier gradient");
  const Tensor rgb01_grad = unit_rgb_to_network_adjoint(network_grad, transform_);  // stage 5
  const Tensor logits_grad = sigmoid_image_adjoint(image.rgb01, rgb01_grad);        // stage 4
  const Tensor planes_grad = correlate_colours_adjoint(logits_grad);                // stage 3
  return spectrum_to_planes_adjoint(planes_grad);                                   // stages 2, 1
}

}  // namespace dream
