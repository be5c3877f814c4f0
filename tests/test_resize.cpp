// Bilinear resize (half-pixel centres): known values, against the double
// reference, and the backward as the exact adjoint / finite differences.
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "tensor/error.h"
#include "tensor/resize.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

namespace {
ResizeParams resize(int64_t planes, int64_t hi, int64_t wi, int64_t ho, int64_t wo) {
  ResizeParams p;
  p.planes = planes, p.h_in = hi, p.w_in = wi, p.h_out = ho, p.w_out = wo;
  return p;
}
std::vector<ResizeParams> configs() {
  return {resize(2, 1, 1, 1, 1),     resize(3, 1, 1, 5, 3),       resize(2, 7, 5, 3, 11), resize(1, 13, 17, 29, 7),
          resize(3, 2, 2, 4, 4),     resize(2, 9, 9, 9, 9),       resize(1, 5, 1, 2, 1),  resize(3, 64, 48, 45, 34),
          resize(1, 31, 37, 43, 52), resize(3, 100, 120, 150, 90)};  // large enough to run threaded
}
}  // namespace

TEST_CASE("resize 2x2 to 4x4 and 4x4 to 2x2 by hand", "[resize]") {
  std::vector<float> in = {1, 2, 3, 4}, out(16);
  resize_bilinear_forward(resize(1, 2, 2, 4, 4), in.data(), out.data());
  // Source columns -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  std::vector<float> want = {1.0f, 1.25f, 1.75f, 2.0f, 1.5f, 1.75f, 2.25f, 2.5f,
                             2.5f, 2.75f, 3.25f, 3.5f, 3.0f, 3.25f, 3.75f, 4.0f};
  CHECK_ALL_CLOSE(out.data(), want.data(), 16, 1e-6, 1e-6);
  std::vector<float> big(16), small(4);
  std::iota(big.begin(), big.end(), 1.0f);
  resize_bilinear_forward(resize(1, 4, 4, 2, 2), big.data(), small.data());
  // Sources 0.5 and 2.5: means of 2x2 blocks.
  std::vector<float> want_small = {3.5f, 5.5f, 11.5f, 13.5f};
  CHECK_ALL_CLOSE(small.data(), want_small.data(), 4, 1e-6, 1e-6);
  resize_bilinear_forward(resize(1, 4, 4, 4, 4), big.data(), out.data());
  CHECK(out == big);  // same size: identity
  CHECK_THROWS_WITH(resize_bilinear_forward(resize(1, 4, 4, 0, 2), big.data(), out.data()),
                    Catch::Contains("resize_bilinear"));
}

TEST_CASE("resize matches the reference", "[resize]") {
  uint32_t seed = 1;
  for (const ResizeParams& p : configs()) {
    INFO(p.planes << " planes " << p.h_in << "x" << p.w_in << " -> " << p.h_out << "x" << p.w_out);
    int64_t n_in = p.planes * p.h_in * p.w_in, n_out = p.planes * p.h_out * p.w_out;
    std::vector<float> x = random_floats(n_in, seed++), g = random_floats(n_out, seed++);
    std::vector<float> y(static_cast<size_t>(n_out)), yr(y.size());
    resize_bilinear_forward(p, x.data(), y.data());
    resize_bilinear_forward_ref(p, x.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), yr.data(), n_out, 1e-5, 1e-6);
    std::vector<float> gi(x.size(), NAN), gr(x.size());
    resize_bilinear_backward(p, g.data(), gi.data());
    resize_bilinear_backward_ref(p, g.data(), gr.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), n_in, 1e-5, 1e-5);
  }
}

TEST_CASE("resize backward is the adjoint and matches finite differences", "[resize][gradient]") {
  uint32_t seed = 100;
  for (const ResizeParams& p : configs()) {
    INFO(p.planes << " planes " << p.h_in << "x" << p.w_in << " -> " << p.h_out << "x" << p.w_out);
    int64_t n_in = p.planes * p.h_in * p.w_in, n_out = p.planes * p.h_out * p.w_out;
    std::vector<float> x = random_floats(n_in, seed++), g = random_floats(n_out, seed++);
    auto f = [&](const float* in, float* out) { resize_bilinear_forward(p, in, out); };
    auto ft = [&](const float* go, float* gi) { resize_bilinear_backward(p, go, gi); };
    auto f_ref = [&](const float* in, float* out) { resize_bilinear_forward_ref(p, in, out); };
    auto ft_ref = [&](const float* go, float* gi) { resize_bilinear_backward_ref(p, go, gi); };
    CHECK(dream::test::adjoint_mismatch(f, ft, x, g) < 1e-5);
    CHECK(dream::test::adjoint_mismatch(f_ref, ft_ref, x, g) < 1e-6);
    if (n_in <= 600) {
      std::vector<float> gi(x.size());
      resize_bilinear_backward(p, g.data(), gi.data());
      CHECK_GRADIENT(dream::test::finite_difference_check(f_ref, x, n_out, g, gi, 0.1f, 1e-3));
    }
  }
}

TEST_CASE("resize matches PyTorch bilinear (align_corners=False)", "[resize][fixture]") {
  for (const char* name : {"resize_11x14_to_17x9", "resize_5x7_to_10x14", "resize_16x16_to_11x11"}) {
    INFO(name);
    dream::test::KernelFixture fx = dream::test::read_kernel_fixture(name);
    ResizeParams p =
        resize(fx.in_shape[0] * fx.in_shape[1], fx.in_shape[2], fx.in_shape[3], fx.out_shape[2], fx.out_shape[3]);
    std::vector<float> y(fx.out.size()), yr(fx.out.size());
    resize_bilinear_forward(p, fx.in.data(), y.data());
    resize_bilinear_forward_ref(p, fx.in.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
    CHECK_ALL_CLOSE(yr.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
  }
}
