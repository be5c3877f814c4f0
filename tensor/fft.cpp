#include "tensor/fft.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tensor/error.h"

namespace dream {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

int64_t next_power_of_two(int64_t n) {
  int64_t m = 1;
  while (m < n) m <<= 1;
  return m;
}

// exp(-i pi k^2 / n), with k^2 reduced mod 2n first: the angle stays below
// 2 pi, so large k lose no precision in k^2 / n.
Complex chirp(int64_t k, int64_t n) {
  const int64_t r = (k * k) % (2 * n);
  const double angle = -kPi * static_cast<double>(r) / static_cast<double>(n);
  return {std::cos(angle), std::sin(angle)};
}

}  // namespace

FftPlan::FftPlan(int64_t n) : n_(n) {
  if (n < 1) throw Error("FftPlan: length must be >= 1, got " + std::to_string(n));
  m_ = is_power_of_two(n) ? n : next_power_of_two(2 * n - 1);
  twiddles_.resize(static_cast<size_t>(m_ / 2));
  for (int64_t k = 0; k < m_ / 2; ++k) {
    const double angle = -2.0 * kPi * static_cast<double>(k) / static_cast<double>(m_);
    twiddles_[static_cast<size_t>(k)] = {std::cos(angle), std::sin(angle)};
  }
  int bits = 0;
  while ((int64_t{1} << bits) < m_) ++bits;
  bit_reverse_.resize(static_cast<size_t>(m_));
  for (int64_t i = 0; i < m_; ++i) {
    int64_t r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bit_reverse_[static_cast<size_t>(i)] = r;
  }
  if (m_ == n_) return;
  // Bluestein: X[k] = chirp[k] * sum_j (x[j] chirp[j]) conj(chirp[k - j]).
  // The filter conj(chirp[d]) for d in (-n, n) is laid out circularly on m_
  // points (negative d at m_ + d) and transformed once here.
  chirp_.resize(static_cast<size_t>(n_));
  for (int64_t k = 0; k < n_; ++k) chirp_[static_cast<size_t>(k)] = chirp(k, n_);
  chirp_filter_fft_.assign(static_cast<size_t>(m_), Complex(0.0, 0.0));
  chirp_filter_fft_[0] = std::conj(chirp_[0]);
  for (int64_t d = 1; d < n_; ++d) {
    chirp_filter_fft_[static_cast<size_t>(d)] = std::conj(chirp_[static_cast<size_t>(d)]);
    chirp_filter_fft_[static_cast<size_t>(m_ - d)] = std::conj(chirp_[static_cast<size_t>(d)]);
  }
  radix2(chirp_filter_fft_.data(), false);
}

void FftPlan::radix2(Complex* a, bool inverse) const {
  for (int64_t i = 0; i < m_; ++i) {
    const int64_t r = bit_reverse_[static_cast<size_t>(i)];
    if (i < r) std::swap(a[i], a[r]);
  }
  // Butterflies: blocks of length len combine two half-length DFTs with the
  // twiddle exp(-+2 pi i k / len) = twiddles_[k * m_ / len].
  for (int64_t len = 2; len <= m_; len <<= 1) {
    const int64_t half = len / 2, stride = m_ / len;
    for (int64_t start = 0; start < m_; start += len)
      for (int64_t k = 0; k < half; ++k) {
        Complex w = twiddles_[static_cast<size_t>(k * stride)];
        if (inverse) w = std::conj(w);
        const Complex u = a[start + k], v = a[start + k + half] * w;
        a[start + k] = u + v;
        a[start + k + half] = u - v;
      }
  }
}

void FftPlan::bluestein_forward(Complex* data) const {
  std::vector<Complex> work(static_cast<size_t>(m_), Complex(0.0, 0.0));
  for (int64_t j = 0; j < n_; ++j) work[static_cast<size_t>(j)] = data[j] * chirp_[static_cast<size_t>(j)];
  radix2(work.data(), false);
  for (int64_t i = 0; i < m_; ++i) work[static_cast<size_t>(i)] *= chirp_filter_fft_[static_cast<size_t>(i)];
  radix2(work.data(), true);  // circular convolution, times m_
  const double inv_m = 1.0 / static_cast<double>(m_);
  for (int64_t k = 0; k < n_; ++k) data[k] = work[static_cast<size_t>(k)] * inv_m * chirp_[static_cast<size_t>(k)];
}

void FftPlan::forward(Complex* data) const {
  if (m_ == n_)
    radix2(data, false);
  else
    bluestein_forward(data);
}

void FftPlan::inverse(Complex* data) const {
  if (m_ == n_) {
    radix2(data, true);
    return;
  }
  // inverse(x) = conj(forward(conj(x))): the +i kernel is the conjugated -i one.
  for (int64_t i = 0; i < n_; ++i) data[i] = std::conj(data[i]);
  bluestein_forward(data);
  for (int64_t i = 0; i < n_; ++i) data[i] = std::conj(data[i]);
}

void irfft2d(const Complex* spectrum, int64_t h, int64_t w, double* image) {
  if (h < 1 || w < 1) throw Error("irfft2d: size must be at least 1x1");
  const int64_t wf = rfft_width(w);
  const FftPlan along_h(h), along_w(w);
  // 1. Inverse DFT of every half-spectrum column along the height.
  std::vector<Complex> columns(static_cast<size_t>(h * wf));
  std::vector<Complex> line(static_cast<size_t>(std::max(h, w)));
  for (int64_t l = 0; l < wf; ++l) {
    for (int64_t k = 0; k < h; ++k) line[static_cast<size_t>(k)] = spectrum[k * wf + l];
    along_h.inverse(line.data());
    for (int64_t m = 0; m < h; ++m) columns[static_cast<size_t>(m * wf + l)] = line[static_cast<size_t>(m)];
  }
  // 2. Each row: rebuild the full Hermitian row Z[w - l] = conj(Z[l]), inverse
  // DFT along the width, keep the real part.
  const double norm = 1.0 / static_cast<double>(h * w);
  for (int64_t m = 0; m < h; ++m) {
    const Complex* row = &columns[static_cast<size_t>(m * wf)];
    for (int64_t l = 0; l < wf; ++l) line[static_cast<size_t>(l)] = row[l];
    for (int64_t l = wf; l < w; ++l) line[static_cast<size_t>(l)] = std::conj(row[w - l]);
    along_w.inverse(line.data());
    for (int64_t n = 0; n < w; ++n) image[m * w + n] = line[static_cast<size_t>(n)].real() * norm;
  }
}

void irfft2d_adjoint(const double* image_grad, int64_t h, int64_t w, Complex* spectrum_grad) {
  if (h < 1 || w < 1) throw Error("irfft2d_adjoint: size must be at least 1x1");
  const int64_t wf = rfft_width(w);
  const FftPlan along_h(h), along_w(w);
  // The forward steps transposed, in reverse order: forward DFT of each row
  // (keep the half spectrum), then forward DFT of each column.
  std::vector<Complex> line(static_cast<size_t>(std::max(h, w)));
  for (int64_t m = 0; m < h; ++m) {
    for (int64_t n = 0; n < w; ++n) line[static_cast<size_t>(n)] = Complex(image_grad[m * w + n], 0.0);
    along_w.forward(line.data());
    for (int64_t l = 0; l < wf; ++l) spectrum_grad[m * wf + l] = line[static_cast<size_t>(l)];
  }
  const double norm = 1.0 / static_cast<double>(h * w);
  for (int64_t l = 0; l < wf; ++l) {
    for (int64_t m = 0; m < h; ++m) line[static_cast<size_t>(m)] = spectrum_grad[m * wf + l];
    along_h.forward(line.data());
    const double c = irfft_column_multiplicity(l, w) * norm;
    for (int64_t k = 0; k < h; ++k) spectrum_grad[k * wf + l] = line[static_cast<size_t>(k)] * c;
  }
}

}  // namespace dream
