// tensor/fft: the fast transforms against the plain O(n^2) sums for many
// lengths (powers of two, odd, prime, the image sizes people use), against
// numpy (a committed fixture), against hand-derived cosines, and the
// irfft2d adjoint by the dot-product identity <A x, y> = <x, A^T y>.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dream/rng.h"
#include "tensor/error.h"
#include "tensor/fft.h"
#include "tests/support/test_paths.h"

using namespace dream;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<Complex> random_complex(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<Complex> v(static_cast<size_t>(n));
  for (Complex& c : v) c = Complex(rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
  return v;
}

std::vector<double> random_real(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = rng.uniform(-1.0, 1.0);
  return v;
}

double max_abs_diff(const std::vector<Complex>& a, const std::vector<Complex>& b) {
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace

TEST_CASE("FFT of any length equals the naive DFT, forward and inverse") {
  const std::vector<int64_t> lengths = {1,  2,  3,  4,  5,  6,   7,   8,   9,   12,  13,  16,
                                        17, 31, 32, 64, 97, 100, 128, 224, 225, 300, 512, 1000};
  for (int64_t n : lengths) {
    INFO("n = " << n);
    const FftPlan plan(n);
    CHECK(plan.size() == n);
    const std::vector<Complex> x = random_complex(n, static_cast<uint64_t>(n));
    for (bool inverse : {false, true}) {
      std::vector<Complex> fast = x, ref(static_cast<size_t>(n));
      if (inverse)
        plan.inverse(fast.data());
      else
        plan.forward(fast.data());
      dft_ref(x.data(), ref.data(), n, inverse);
      // Entries grow like sqrt(n); double rounding of an O(n log n) transform.
      CHECK(max_abs_diff(fast, ref) < 1e-10 * static_cast<double>(n));
    }
  }
}

TEST_CASE("inverse of forward FFT is n times the input") {
  for (int64_t n : {6, 64, 97, 224}) {
    INFO("n = " << n);
    const FftPlan plan(n);
    const std::vector<Complex> x = random_complex(n, 7);
    std::vector<Complex> y = x;
    plan.forward(y.data());
    plan.inverse(y.data());
    for (Complex& c : y) c /= static_cast<double>(n);
    CHECK(max_abs_diff(x, y) < 1e-12);
  }
}

TEST_CASE("naive DFT of a unit impulse and of a pure tone") {
  // Hand-derived: the DFT of delta[j - 1] is exp(-2 pi i k / n); of the tone
  // exp(2 pi i 3 j / n) it is n at k = 3 and 0 elsewhere.
  const int64_t n = 10;
  std::vector<Complex> impulse(n, 0.0), tone(n), out(n);
  impulse[1] = 1.0;
  dft_ref(impulse.data(), out.data(), n, false);
  for (int64_t k = 0; k < n; ++k) {
    const double a = -2.0 * kPi * static_cast<double>(k) / n;
    CHECK(std::abs(out[static_cast<size_t>(k)] - Complex(std::cos(a), std::sin(a))) < 1e-12);
  }
  for (int64_t j = 0; j < n; ++j) tone[static_cast<size_t>(j)] = std::polar(1.0, 2.0 * kPi * 3.0 * j / n);
  dft_ref(tone.data(), out.data(), n, false);
  for (int64_t k = 0; k < n; ++k) CHECK(std::abs(out[static_cast<size_t>(k)] - (k == 3 ? 10.0 : 0.0)) < 1e-9);
}

TEST_CASE("FFT plan rejects a zero length") { CHECK_THROWS_AS(FftPlan(0), Error); }

TEST_CASE("irfft2d equals its defining sum for even, odd and prime sizes") {
  const std::vector<std::pair<int64_t, int64_t>> sizes = {{1, 1},  {1, 2}, {2, 1}, {4, 6},   {5, 7},
                                                          {7, 13}, {8, 8}, {6, 9}, {12, 10}, {3, 16}};
  for (auto [h, w] : sizes) {
    INFO(h << "x" << w);
    const std::vector<Complex> s = random_complex(h * rfft_width(w), static_cast<uint64_t>(h * 100 + w));
    std::vector<double> fast(static_cast<size_t>(h * w)), ref(static_cast<size_t>(h * w));
    irfft2d(s.data(), h, w, fast.data());
    irfft2d_ref(s.data(), h, w, ref.data());
    CHECK(max_abs_diff(fast, ref) < 1e-12);
  }
}

TEST_CASE("irfft2d of a single coefficient is a known cosine") {
  // S[k][l] = a + i b at one (k, l) with 0 < l < w/2 stands for itself and
  // its mirror: image[m][n] = 2 (a cos t - b sin t) / (h w),
  // t = 2 pi (k m / h + l n / w).
  const int64_t h = 6, w = 10, k0 = 2, l0 = 3;
  const double a = 1.5, b = -0.5;
  std::vector<Complex> s(static_cast<size_t>(h * rfft_width(w)), 0.0);
  s[static_cast<size_t>(k0 * rfft_width(w) + l0)] = Complex(a, b);
  std::vector<double> image(static_cast<size_t>(h * w));
  irfft2d(s.data(), h, w, image.data());
  for (int64_t m = 0; m < h; ++m)
    for (int64_t n = 0; n < w; ++n) {
      const double t = 2.0 * kPi * (static_cast<double>(k0 * m) / h + static_cast<double>(l0 * n) / w);
      CHECK(image[static_cast<size_t>(m * w + n)] ==
            Approx(2.0 * (a * std::cos(t) - b * std::sin(t)) / (h * w)).margin(1e-14));
    }
  // The DC coefficient alone is a constant 1/(h w) per unit (its imaginary
  // part is ignored); the Nyquist column of an even width alternates sign.
  std::fill(s.begin(), s.end(), Complex(0.0, 0.0));
  s[0] = Complex(60.0, 7.0);
  s[static_cast<size_t>(w / 2)] = Complex(30.0, 9.0);
  irfft2d(s.data(), h, w, image.data());
  for (int64_t m = 0; m < h; ++m)
    for (int64_t n = 0; n < w; ++n)
      CHECK(image[static_cast<size_t>(m * w + n)] == Approx((60.0 + (n % 2 ? -30.0 : 30.0)) / 60.0).margin(1e-13));
}

TEST_CASE("irfft2d matches numpy.fft.irfft2 (committed fixture)") {
  const std::string path = test::source_dir() + "/tests/fixtures/fft/irfft2d_numpy.txt";
  test::require_path(path, "made by /usr/bin/python3 tests/fixtures/fft/make_irfft2d_fixture.py");
  std::ifstream in(path);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.rfind("case ", 0) != 0) continue;
    std::istringstream header(line.substr(5));
    int64_t h = 0, w = 0;
    header >> h >> w;
    INFO(h << "x" << w);
    std::vector<Complex> s(static_cast<size_t>(h * rfft_width(w)));
    std::vector<double> expected(static_cast<size_t>(h * w)), got(expected.size());
    REQUIRE(std::getline(in, line));
    std::istringstream spec(line);
    for (Complex& c : s) {
      double re = 0.0, im = 0.0;
      spec >> re >> im;
      c = Complex(re, im);
    }
    REQUIRE(spec);
    REQUIRE(std::getline(in, line));
    std::istringstream img(line);
    for (double& v : expected) img >> v;
    REQUIRE(img);
    irfft2d(s.data(), h, w, got.data());
    CHECK(max_abs_diff(got, expected) < 1e-12);
    ++cases;
  }
  CHECK(cases == 10);
}

TEST_CASE("irfft2d_adjoint satisfies <A x, y> = <x, A^T y> and equals its defining sum") {
  const std::vector<std::pair<int64_t, int64_t>> sizes = {{1, 1},  {2, 1},   {3, 4}, {5, 7},  {8, 6},
                                                          {7, 13}, {16, 16}, {9, 2}, {11, 15}};
  for (auto [h, w] : sizes) {
    INFO(h << "x" << w);
    const int64_t wf = rfft_width(w);
    const std::vector<Complex> x = random_complex(h * wf, static_cast<uint64_t>(3 * h + w));
    const std::vector<double> y = random_real(h * w, static_cast<uint64_t>(5 * h + w));
    std::vector<double> ax(static_cast<size_t>(h * w));
    std::vector<Complex> aty(static_cast<size_t>(h * wf)), aty_ref(aty.size());
    irfft2d(x.data(), h, w, ax.data());
    irfft2d_adjoint(y.data(), h, w, aty.data());
    irfft2d_adjoint_ref(y.data(), h, w, aty_ref.data());
    double lhs = 0.0, rhs = 0.0;
    for (size_t i = 0; i < ax.size(); ++i) lhs += ax[i] * y[i];
    for (size_t i = 0; i < x.size(); ++i) rhs += x[i].real() * aty[i].real() + x[i].imag() * aty[i].imag();
    CHECK(lhs == Approx(rhs).epsilon(1e-10).margin(1e-13));
    CHECK(max_abs_diff(aty, aty_ref) < 1e-12);
  }
}

TEST_CASE("irfft2d on image sizes people dream at agrees with the naive DFT along each axis") {
  // 224x225 and 97x100 are too big for the O(h^2 w^2) sum; instead invert
  // with the naive 1-D DFTs: an inverse DFT along the height, then along the
  // width of the Hermitian-extended rows.
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{224, 225}, {97, 100}}) {
    INFO(h << "x" << w);
    const int64_t wf = rfft_width(w);
    const std::vector<Complex> s = random_complex(h * wf, 11);
    std::vector<double> fast(static_cast<size_t>(h * w));
    irfft2d(s.data(), h, w, fast.data());
    std::vector<Complex> cols(static_cast<size_t>(h * wf)), in(static_cast<size_t>(std::max(h, w))), out(in.size());
    for (int64_t l = 0; l < wf; ++l) {
      for (int64_t k = 0; k < h; ++k) in[static_cast<size_t>(k)] = s[static_cast<size_t>(k * wf + l)];
      dft_ref(in.data(), out.data(), h, true);
      for (int64_t m = 0; m < h; ++m) cols[static_cast<size_t>(m * wf + l)] = out[static_cast<size_t>(m)];
    }
    double worst = 0.0;
    for (int64_t m = 0; m < h; ++m) {
      for (int64_t l = 0; l < w; ++l)
        in[static_cast<size_t>(l)] =
            l < wf ? cols[static_cast<size_t>(m * wf + l)] : std::conj(cols[static_cast<size_t>(m * wf + w - l)]);
      dft_ref(in.data(), out.data(), w, true);
      for (int64_t n = 0; n < w; ++n)
        worst = std::max(worst, std::abs(out[static_cast<size_t>(n)].real() / static_cast<double>(h * w) -
                                         fast[static_cast<size_t>(m * w + n)]));
    }
    CHECK(worst < 1e-12);
  }
}
