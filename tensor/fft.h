#pragma once
// Discrete Fourier transforms, written here so the engine needs no FFT
// library. Used by the Fourier image parameterisation (dream/fourier_param.h).
//
// Conventions (numpy's):
//   forward  X[k] = sum_j x[j] exp(-2 pi i j k / n)
//   inverse  x[j] = sum_k X[k] exp(+2 pi i j k / n)      (unnormalised here:
//            inverse(forward(x)) = n x; irfft2d below does divide by h*w)
//
// Any length n >= 1 works: powers of two use the iterative radix-2
// Cooley-Tukey algorithm; every other length uses Bluestein's chirp-z
// identity  j k = (j^2 + k^2 - (k - j)^2) / 2,  which turns a length-n DFT
// into a circular convolution, computed with radix-2 FFTs of a power-of-two
// length m >= 2n - 1. Both are O(n log n). Arithmetic is in double: the
// transforms are a negligible part of a dreaming step, and double keeps the
// adjoint tests tight.
//
// The *_ref functions are the plain O(n^2) sums, kept as the reference the
// tests compare against.
#include <complex>
#include <cstdint>
#include <vector>

namespace dream {

using Complex = std::complex<double>;

// Precomputed tables for DFTs of one length (build once, transform often).
class FftPlan {
 public:
  explicit FftPlan(int64_t n);  // throws dream::Error for n < 1
  int64_t size() const { return n_; }
  // In place on data[0..n).
  void forward(Complex* data) const;
  void inverse(Complex* data) const;

 private:
  // Radix-2 FFT of length m_ in place (sign -1 forward, +1 inverse).
  void radix2(Complex* data, bool inverse) const;
  void bluestein_forward(Complex* data) const;

  int64_t n_ = 0;
  int64_t m_ = 0;                          // radix-2 length: n_ itself, or Bluestein's convolution length
  std::vector<Complex> twiddles_;          // exp(-2 pi i k / m_), k < m_ / 2
  std::vector<int64_t> bit_reverse_;       // index permutation of the radix-2 input, size m_
  std::vector<Complex> chirp_;             // Bluestein: exp(-i pi k^2 / n), k < n
  std::vector<Complex> chirp_filter_fft_;  // Bluestein: radix-2 FFT of the conjugate chirp, wrapped circularly
};

// Plain O(n^2) DFT: out = forward (or unnormalised inverse) DFT of in.
void dft_ref(const Complex* in, Complex* out, int64_t n, bool inverse);

// c_l below: how many columns of the full spectrum half-spectrum column l
// stands for (itself and its mirror w - l, unless they coincide).
inline double irfft_column_multiplicity(int64_t l, int64_t w) { return (l == 0 || 2 * l == w) ? 1.0 : 2.0; }

// Width of the half spectrum of a real signal of width w: columns 0..w/2.
inline int64_t rfft_width(int64_t w) { return w / 2 + 1; }

// 2-D inverse real DFT, numpy.fft.irfft2(spectrum, s=(h, w)):
//   spectrum: h x rfft_width(w) complex, row-major (the columns 0..w/2 of a
//             Hermitian-symmetric h x w spectrum)
//   image:    h x w real, row-major
//   image[m][n] = 1/(h w) sum_k sum_l c_l Re(S[k][l] exp(2 pi i (k m / h + l n / w)))
// with c_0 = 1, c_l = 2 for 0 < l < w/2, and c_{w/2} = 1 when w is even (the
// mirrored columns the half spectrum stands for). Imaginary parts that a
// Hermitian spectrum cannot have (column 0, and column w/2 for even w, after
// the transform along the height) are ignored, as numpy does.
void irfft2d(const Complex* spectrum, int64_t h, int64_t w, double* image);
// Its exact adjoint for the real inner products <S, T> = sum Re S Re T + Im S Im T
// and <x, y> = sum x y:  spectrum_grad[k][l] = c_l / (h w) * rfft2(image_grad)[k][l].
void irfft2d_adjoint(const double* image_grad, int64_t h, int64_t w, Complex* spectrum_grad);

// The formulas above as plain O(h^2 w^2) sums.
void irfft2d_ref(const Complex* spectrum, int64_t h, int64_t w, double* image);
void irfft2d_adjoint_ref(const double* image_grad, int64_t h, int64_t w, Complex* spectrum_grad);

}  // namespace dream
