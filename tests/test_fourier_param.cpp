// The Fourier parameterisation (dream/fourier_param.h) stage by stage:
// hand-checkable values, every adjoint by <A x, y> = <x, A^T y>, the whole
// chain's gradient against central finite differences, Adam on a known
// quadratic, and the dreaming loop reaching an analytic optimum.
#include <catch2/catch.hpp>
#include <cmath>

#include "dream/adam.h"
#include "dream/colour_decorrelation.h"
#include "dream/fourier_dream.h"
#include "dream/fourier_param.h"
#include "tensor/fft.h"
#include "tests/dream_analytic_sources.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using test::dot;

TEST_CASE("colour matrix is Lucid's svd_sqrt divided by its largest column norm") {
  const ColourMatrix m = colour_correlation_normalised();
  // Column norms of the raw matrix: sqrt(0.26^2 + 0.27^2 + 0.27^2) = 0.46184...
  // is the largest (the others are 0.1288 and 0.0616).
  const double n0 = std::sqrt(0.26 * 0.26 + 0.27 * 0.27 + 0.27 * 0.27);
  CHECK(m[0][0] == Approx(0.26 / n0));
  CHECK(m[1][2] == Approx(-0.05 / n0));
  CHECK(m[2][1] == Approx(-0.09 / n0));
  CHECK(m[0][0] * m[0][0] + m[1][0] * m[1][0] + m[2][0] * m[2][0] == Approx(1.0));
}

TEST_CASE("correlate_colours mixes channels per pixel, and its adjoint is the transpose") {
  // One pixel with decorrelated (1, 0, 0) becomes column 0 of M: greyish,
  // all three RGB channels about equal (the "brightness" direction).
  Tensor x({1, 3, 1, 2});
  x[0] = 1.0f;  // channel 0, pixel 0
  const Tensor y = correlate_colours(x);
  const ColourMatrix m = colour_correlation_normalised();
  for (int c = 0; c < 3; ++c) {
    CHECK(y[c * 2] == Approx(m[static_cast<size_t>(c)][0]));
    CHECK(y[c * 2 + 1] == 0.0f);
  }
  const Tensor a = test::random_tensor({1, 3, 5, 4}, 1), b = test::random_tensor({1, 3, 5, 4}, 2);
  CHECK(dot(correlate_colours(a), b) == Approx(dot(a, correlate_colours_adjoint(b))).epsilon(1e-6));
  CHECK_THROWS_WITH(correlate_colours(Tensor({1, 4, 2, 2})), Catch::Contains("1x4x2x2"));
}

TEST_CASE("rfft2d_frequencies follow Lucid's rfft2d_freqs, odd widths keeping one more column") {
  // h = 4: fy = fftfreq(4) = 0, .25, -.5, -.25; w = 5: fx = fftfreq(5)[:4] = 0, .2, .4, -.4.
  const std::vector<double> f = rfft2d_frequencies(4, 5);
  REQUIRE(f.size() == 16u);
  CHECK(f[0] == 0.0);
  CHECK(f[1] == Approx(0.2));
  CHECK(f[3] == Approx(0.4));
  CHECK(f[2 * 4 + 0] == Approx(0.5));
  CHECK(f[3 * 4 + 2] == Approx(std::sqrt(0.25 * 0.25 + 0.4 * 0.4)));
  CHECK(rfft2d_frequencies(4, 6).size() == 16u);  // even: 6 / 2 + 1 columns
}

TEST_CASE("sigmoid stage: values and its derivative against finite differences") {
  const Tensor x = test::random_tensor({1, 3, 2, 3}, 3, -4.0f, 4.0f);
  const Tensor s = sigmoid_image(x);
  CHECK(sigmoid_image(Tensor({1}, 0.0f))[0] == 0.5f);
  const Tensor ones(x.shape(), 1.0f);
  const Tensor d = sigmoid_image_adjoint(s, ones);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double h = 1e-3, xi = x[i];
    const double fd = (1.0 / (1.0 + std::exp(-(xi + h))) - 1.0 / (1.0 + std::exp(-(xi - h)))) / (2 * h);
    CHECK(d[i] == Approx(fd).epsilon(1e-4));
  }
}

TEST_CASE("unit RGB to the Caffe network input (255x, RGB->BGR, minus mean) and its adjoint by dot product") {
  Tensor red({1, 3, 1, 1});
  red[0] = 1.0f;  // R = 1, G = B = 0
  const Tensor net = unit_rgb_to_network(red, caffe_googlenet_transform());
  CHECK(net[0] == Approx(0.0 - 104.0));  // network channel 0 is blue
  CHECK(net[1] == Approx(0.0 - 117.0));
  CHECK(net[2] == Approx(255.0 - 123.0));
  // The map is affine; its linear part L = net(x) - net(0) has adjoint A^T.
  const PixelTransform t = caffe_googlenet_transform();
  const Tensor a = test::random_tensor({1, 3, 4, 5}, 4), b = test::random_tensor({1, 3, 4, 5}, 5);
  Tensor la = unit_rgb_to_network(a, t);
  const Tensor l0 = unit_rgb_to_network(Tensor(a.shape()), t);
  for (int64_t i = 0; i < la.numel(); ++i) la[i] -= l0[i];
  CHECK(dot(la, b) == Approx(dot(a, unit_rgb_to_network_adjoint(b, t))).epsilon(1e-5));
}

TEST_CASE("spectrum_to_planes: a DC coefficient gives a flat plane of the expected level") {
  // DC scale = sqrt(h w) * max(h, w) (the frequency floor 1 / max(h, w));
  // irfft2d of a lone DC value v is v / (h W); then / 4.
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{6, 8}, {5, 7}}) {
    INFO(h << "x" << w);
    const FourierParam p(h, w);
    Tensor s(p.spectrum_shape());
    s[0] = 0.5f;  // channel 0, coefficient (0, 0), real part
    const Tensor planes = p.spectrum_to_planes(s);
    const double tw = static_cast<double>(p.transform_width());
    const double level = 0.5 * std::sqrt(static_cast<double>(h * w)) * std::max(h, w) / (h * tw) / 4.0;
    for (int64_t i = 0; i < h * w; ++i) {
      CHECK(planes[i] == Approx(level).epsilon(1e-5));
      CHECK(planes[h * w + i] == 0.0f);
    }
  }
}

TEST_CASE("spectrum_to_planes equals the naive inverse DFT, cropped, for an odd width") {
  const int64_t h = 5, w = 7;
  const FourierParam p(h, w);
  REQUIRE(p.transform_width() == 8);
  REQUIRE(p.spectrum_width() == 5);
  const Tensor s = test::random_tensor(p.spectrum_shape(), 6);
  const Tensor planes = p.spectrum_to_planes(s);
  const int64_t wf = p.spectrum_width();
  for (int64_t c = 0; c < 3; ++c) {
    std::vector<Complex> scaled(static_cast<size_t>(h * wf));
    for (int64_t i = 0; i < h * wf; ++i)
      scaled[static_cast<size_t>(i)] =
          Complex(s[(c * h * wf + i) * 2], s[(c * h * wf + i) * 2 + 1]) * p.scale()[static_cast<size_t>(i)];
    std::vector<double> full(static_cast<size_t>(h * 8));
    irfft2d_ref(scaled.data(), h, 8, full.data());
    for (int64_t m = 0; m < h; ++m)
      for (int64_t n = 0; n < w; ++n)
        CHECK(planes[(c * h + m) * w + n] == Approx(full[static_cast<size_t>(m * 8 + n)] / 4.0).margin(1e-5));
  }
}

TEST_CASE("spectrum_to_planes_adjoint satisfies the dot-product identity") {
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{8, 8}, {5, 7}, {9, 6}, {1, 3}, {13, 11}}) {
    INFO(h << "x" << w);
    const FourierParam p(h, w);
    const Tensor x = test::random_tensor(p.spectrum_shape(), 7);
    const Tensor y = test::random_tensor({1, 3, h, w}, 8);
    CHECK(dot(p.spectrum_to_planes(x), y) == Approx(dot(x, p.spectrum_to_planes_adjoint(y))).epsilon(1e-5));
  }
}

TEST_CASE("gradient through all stages matches central finite differences") {
  // f(spectrum) = sum_i a_i * network_i(spectrum) with random a: its network
  // gradient is a, so param.gradient(image, a) must be df/dspectrum.
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{6, 8}, {7, 5}}) {
    INFO(h << "x" << w);
    const FourierParam p(h, w);
    // A large start so the sigmoid is well away from linear.
    const Tensor s0 = p.random_spectrum(9, 0.05);
    const Tensor a = test::random_tensor({1, 3, h, w}, 10);
    const Tensor grad = p.gradient(p.image(s0), a);
    const Tensor dir = test::random_tensor(p.spectrum_shape(), 11);
    const double eps = 1e-3;
    Tensor plus = s0.clone(), minus = s0.clone();
    for (int64_t i = 0; i < s0.numel(); ++i) {
      plus[i] += static_cast<float>(eps * dir[i]);
      minus[i] -= static_cast<float>(eps * dir[i]);
    }
    const double fd = (dot(p.image(plus).network, a) - dot(p.image(minus).network, a)) / (2 * eps);
    const double analytic = dot(grad, dir);
    CHECK(std::abs(analytic) > 1.0);  // a real signal, not two zeros agreeing
    CHECK(fd == Approx(analytic).epsilon(2e-3));
  }
}

TEST_CASE("the image stays inside the valid pixel range for any spectrum") {
  const FourierParam p(16, 12);
  const FourierParam::Image img = p.image(p.random_spectrum(12, 5.0));  // absurdly large
  for (int64_t i = 0; i < img.rgb01.numel(); ++i) {
    CHECK(img.rgb01[i] >= 0.0f);
    CHECK(img.rgb01[i] <= 1.0f);
  }
}

TEST_CASE("Adam ascent: the first step moves each coordinate by lr along the gradient's sign") {
  AdamAscent adam(0.05);
  Tensor x({4}, 0.0f);
  adam.step(x, Tensor({4}, std::vector<float>{3.0f, -0.001f, 200.0f, -7.0f}));
  CHECK(x[0] == Approx(0.05).epsilon(1e-5));
  CHECK(x[1] == Approx(-0.05).epsilon(1e-3));
  CHECK(x[2] == Approx(0.05).epsilon(1e-5));
  CHECK(x[3] == Approx(-0.05).epsilon(1e-5));
  CHECK(adam.steps_taken() == 1);
  CHECK_THROWS_AS(adam.step(x, Tensor({5})), Error);
  CHECK_THROWS_AS(AdamAscent(0.0), Error);
}

TEST_CASE("Adam ascent climbs a concave quadratic to its maximum") {
  // f(x) = -sum (x - t)^2, gradient -2 (x - t).
  AdamAscent adam(0.1);
  Tensor x({3}, 0.0f);
  const std::vector<float> t = {1.0f, -2.0f, 0.5f};
  for (int k = 0; k < 400; ++k) {
    Tensor g({3});
    for (int i = 0; i < 3; ++i) g[i] = -2.0f * (x[i] - t[static_cast<size_t>(i)]);
    adam.step(x, g);
  }
  for (int i = 0; i < 3; ++i) CHECK(x[i] == Approx(t[static_cast<size_t>(i)]).margin(0.02));
}

TEST_CASE("dream_fourier drives the image to an analytic optimum") {
  // The objective -mean((x - target)^2) with a flat colour target (in
  // network space): the optimum is reachable (inside the sigmoid's range).
  const float target[3] = {20.0f, -40.0f, 60.0f};
  auto source = test::make_quadratic([&target](int64_t c, int64_t, int64_t) { return target[c]; });
  DreamSettings s;
  // Slow on purpose of the colour matrix: its weakest direction has 1/8 the
  // gain of the brightness one, so with Adam's fixed step it takes a few
  // hundred steps to get the colour right (measured: worst 23 levels after
  // 300 steps, 0.6 after 600).
  s.iterations = 600;
  s.jitter = 3;
  FourierSettings f;
  const int64_t h = 12, w = 9;
  const Tensor out = dream_fourier(source, h, w, s, f);
  REQUIRE(out.shape() == Shape{1, 3, h, w});
  double worst = 0.0;
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < h * w; ++i) worst = std::max(worst, std::abs(double{out[c * h * w + i]} - target[c]));
  CHECK(worst < 3.0);  // from up to 64 levels away (mid grey)
  CHECK(source.calls == 600);
}

TEST_CASE("dream_fourier rejects settings it cannot honour, naming the flag") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 0.0f; }, 8);
  DreamSettings s;
  FourierSettings f;
  s.regularisers.blur_every = 2;
  CHECK_THROWS_WITH(dream_fourier(source, 16, 16, s, f), Catch::Contains("--blur-every"));
  s.regularisers.blur_every = 0;
  CHECK_THROWS_WITH(dream_fourier(source, 4, 16, s, f), Catch::Contains("8 pixels"));
  f.learning_rate = 0.0;
  CHECK_THROWS_WITH(dream_fourier(source, 16, 16, s, f), Catch::Contains("--fft-lr"));
}
