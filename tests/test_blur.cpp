// Separable Gaussian blur with replicated borders: the kernel by hand, the
// separable kernel against the 2-D reference, the backward as the exact
// adjoint (which differs from blurring again at the borders).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tensor/blur.h"
#include "tensor/error.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

namespace {
BlurParams blur(int64_t planes, int64_t h, int64_t w, float sigma) {
  BlurParams p;
  p.planes = planes, p.h = h, p.w = w, p.sigma = sigma;
  return p;
}
// 1x1 planes, single rows/columns, a radius larger than the image, odd sizes.
std::vector<BlurParams> configs() {
  return {blur(2, 1, 1, 1.0f),   blur(3, 1, 7, 1.0f),   blur(2, 5, 1, 0.7f),   blur(1, 3, 3, 2.0f),
          blur(3, 17, 13, 0.5f), blur(2, 12, 19, 1.5f), blur(3, 40, 33, 3.0f), blur(1, 64, 61, 1.0f)};
}
}  // namespace

TEST_CASE("gaussian kernel by hand", "[blur]") {
  std::vector<float> k = gaussian_kernel_1d(1.0f);
  REQUIRE(k.size() == 7);  // radius ceil(3 sigma) = 3
  double sum = 0.0;
  for (float v : k) sum += v;
  CHECK(sum == Approx(1.0).epsilon(1e-6));
  CHECK(k[2] == k[4]);
  CHECK(k[3] / k[4] == Approx(std::exp(0.5)));
  CHECK(k[3] / k[6] == Approx(std::exp(4.5)));
  CHECK(k[3] == Approx(1.0 / (1 + 2 * (std::exp(-0.5) + std::exp(-2.0) + std::exp(-4.5)))));
  CHECK(gaussian_kernel_1d(0.5f).size() == 5);
  CHECK(gaussian_kernel_1d(2.1f).size() == 15);
  CHECK_THROWS_WITH(gaussian_kernel_1d(0.0f), Catch::Contains("sigma"));
  std::vector<float> x(4), y(4);
  CHECK_THROWS_AS(gaussian_blur_forward(blur(1, 2, 2, -1.0f), x.data(), y.data()), dream::Error);
}

TEST_CASE("blur keeps a constant image and matches the 2-D reference", "[blur]") {
  std::vector<float> c(7 * 9, 3.0f), out(c.size());
  gaussian_blur_forward(blur(1, 7, 9, 2.0f), c.data(), out.data());
  CHECK_ALL_CLOSE(out.data(), c.data(), 63, 1e-6, 0.0);
  uint32_t seed = 1;
  for (const BlurParams& p : configs()) {
    INFO(p.planes << " planes " << p.h << "x" << p.w << " sigma " << p.sigma);
    int64_t n = p.planes * p.h * p.w;
    std::vector<float> x = random_floats(n, seed++), g = random_floats(n, seed++);
    std::vector<float> y(x.size(), NAN), yr(x.size());
    gaussian_blur_forward(p, x.data(), y.data());
    gaussian_blur_forward_ref(p, x.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), yr.data(), n, 1e-5, 1e-6);
    std::vector<float> gi(x.size(), NAN), gr(x.size());
    gaussian_blur_backward(p, g.data(), gi.data());
    gaussian_blur_backward_ref(p, g.data(), gr.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-5, 1e-5);
  }
}

TEST_CASE("blur backward is the adjoint and matches finite differences", "[blur][gradient]") {
  uint32_t seed = 100;
  for (const BlurParams& p : configs()) {
    INFO(p.planes << " planes " << p.h << "x" << p.w << " sigma " << p.sigma);
    int64_t n = p.planes * p.h * p.w;
    std::vector<float> x = random_floats(n, seed++), g = random_floats(n, seed++);
    auto f = [&](const float* in, float* out) { gaussian_blur_forward(p, in, out); };
    auto ft = [&](const float* go, float* gi) { gaussian_blur_backward(p, go, gi); };
    auto f_ref = [&](const float* in, float* out) { gaussian_blur_forward_ref(p, in, out); };
    auto ft_ref = [&](const float* go, float* gi) { gaussian_blur_backward_ref(p, go, gi); };
    CHECK(dream::test::adjoint_mismatch(f, ft, x, g) < 1e-5);
    CHECK(dream::test::adjoint_mismatch(f_ref, ft_ref, x, g) < 1e-6);
    if (n <= 600) {
      std::vector<float> gi(x.size());
      gaussian_blur_backward(p, g.data(), gi.data());
      CHECK_GRADIENT(dream::test::finite_difference_check(f_ref, x, n, g, gi, 0.1f, 1e-3));
    }
  }
}

TEST_CASE("blur backward differs from blurring again at the borders", "[blur]") {
  // A gradient on the corner pixel. The forward's output (1, 0) reads the
  // corner through every clamped tap above it, so blurring the delta puts
  // more there than the adjoint, which only sends the one k[+1] tap down.
  BlurParams p = blur(1, 9, 9, 1.0f);
  std::vector<float> g(81, 0.0f), adj(81), again(81);
  g[0] = 1.0f;
  gaussian_blur_backward(p, g.data(), adj.data());
  gaussian_blur_forward(p, g.data(), again.data());
  double total = 0.0;
  for (float v : adj) total += v;
  CHECK(total == Approx(1.0).epsilon(1e-5));  // the forward preserves constants, so the adjoint preserves sums
  CHECK(adj[9] != Approx(again[9]));
  CHECK(again[9] > adj[9]);
  double again_total = 0.0;
  for (float v : again) again_total += v;
  CHECK(again_total > 1.1);  // a blur of the delta does not conserve its mass at a border
}

TEST_CASE("blur matches OpenCV GaussianBlur with replicated borders", "[blur][fixture]") {
  struct Case {
    const char* name;
    float sigma;
  };
  for (const Case& c :
       {Case{"blur_11x14_sigma1.3", 1.3f}, Case{"blur_20x17_sigma0.8", 0.8f}, Case{"blur_6x5_sigma2", 2.0f}}) {
    INFO(c.name);
    dream::test::KernelFixture fx = dream::test::read_kernel_fixture(c.name);
    BlurParams p = blur(fx.in_shape[0], fx.in_shape[1], fx.in_shape[2], c.sigma);
    std::vector<float> y(fx.out.size()), yr(fx.out.size());
    gaussian_blur_forward(p, fx.in.data(), y.data());
    gaussian_blur_forward_ref(p, fx.in.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
    CHECK_ALL_CLOSE(yr.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
  }
}
