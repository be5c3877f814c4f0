// The plain O(n^2) sums the fast transforms of fft.cpp are tested against:
// each is its defining formula written out (see fft.h), nothing clever.
#include <cmath>

#include "tensor/fft.h"

namespace dream {

namespace {
constexpr double kPi = 3.14159265358979323846;

// The angle 2 pi (a / p + b / q), each product reduced first so the angle
// stays small and exact for large indices.
double angle_2d(int64_t a, int64_t p, int64_t b, int64_t q) {
  return 2.0 * kPi *
         (static_cast<double>(a % p) / static_cast<double>(p) + static_cast<double>(b % q) / static_cast<double>(q));
}
}  // namespace

void dft_ref(const Complex* in, Complex* out, int64_t n, bool inverse) {
  const double sign = inverse ? 1.0 : -1.0;
  for (int64_t k = 0; k < n; ++k) {
    Complex sum(0.0, 0.0);
    for (int64_t j = 0; j < n; ++j) {
      const double angle = sign * 2.0 * kPi * static_cast<double>((j * k) % n) / static_cast<double>(n);
      sum += in[j] * Complex(std::cos(angle), std::sin(angle));
    }
    out[k] = sum;
  }
}

void irfft2d_ref(const Complex* spectrum, int64_t h, int64_t w, double* image) {
  const int64_t wf = rfft_width(w);
  for (int64_t m = 0; m < h; ++m)
    for (int64_t n = 0; n < w; ++n) {
      double sum = 0.0;
      for (int64_t k = 0; k < h; ++k)
        for (int64_t l = 0; l < wf; ++l) {
          const double angle = angle_2d(k * m, h, l * n, w);
          const Complex s = spectrum[k * wf + l];
          sum += irfft_column_multiplicity(l, w) * (s.real() * std::cos(angle) - s.imag() * std::sin(angle));
        }
      image[m * w + n] = sum / static_cast<double>(h * w);
    }
}

void irfft2d_adjoint_ref(const double* image_grad, int64_t h, int64_t w, Complex* spectrum_grad) {
  // d/dRe S[k][l] and d/dIm S[k][l] of sum_mn image_grad[m][n] image[m][n].
  const int64_t wf = rfft_width(w);
  for (int64_t k = 0; k < h; ++k)
    for (int64_t l = 0; l < wf; ++l) {
      double re = 0.0, im = 0.0;
      for (int64_t m = 0; m < h; ++m)
        for (int64_t n = 0; n < w; ++n) {
          const double angle = angle_2d(k * m, h, l * n, w);
          re += image_grad[m * w + n] * std::cos(angle);
          im -= image_grad[m * w + n] * std::sin(angle);
        }
      const double c = irfft_column_multiplicity(l, w) / static_cast<double>(h * w);
      spectrum_grad[k * wf + l] = Complex(re * c, im * c);
    }
}

}  // namespace dream
