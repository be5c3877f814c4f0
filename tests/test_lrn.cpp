// LRN across channels: hand-computed values, the optimised kernel against
// lrn_ref.cpp, the backward against finite differences.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <vector>

#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/lrn.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

namespace {

LrnParams lrn(int64_t n, int64_t c, int64_t h, int64_t w, int64_t size, float alpha, float beta, float bias) {
  LrnParams p;
  p.n = n, p.c = c, p.h = h, p.w = w, p.size = size, p.alpha = alpha, p.beta = beta, p.bias = bias;
  return p;
}

std::string describe(const LrnParams& p) {
  std::ostringstream s;
  s << p.n << "x" << p.c << "x" << p.h << "x" << p.w << " size=" << p.size << " alpha=" << p.alpha << " beta=" << p.beta
    << " bias=" << p.bias;
  return s.str();
}

int64_t numel(const LrnParams& p) { return p.n * p.c * p.h * p.w; }

// Channel counts not multiples of 16, 1x1 images, planes that are not a
// multiple of the vector width, even sizes, windows wider than C, both beta paths.
std::vector<LrnParams> configs() {
  return {lrn(2, 3, 1, 1, 5, 1e-4f, 0.75f, 1.0f),    lrn(2, 17, 7, 9, 5, 0.3f, 0.75f, 1.0f),
          lrn(1, 64, 13, 11, 5, 1e-4f, 0.75f, 1.0f), lrn(2, 5, 3, 3, 1, 0.5f, 0.75f, 2.0f),
          lrn(2, 6, 4, 5, 4, 0.5f, 0.5f, 1.0f),      lrn(1, 3, 5, 5, 7, 0.8f, 0.75f, 1.0f),
          lrn(2, 19, 10, 13, 3, 0.2f, 1.3f, 1.5f),   lrn(1, 33, 16, 16, 5, 1.0f, 0.75f, 0.5f)};
}

}  // namespace

TEST_CASE("lrn hand-computed values", "[lrn]") {
  // Channels [1, 2, 3] at one pixel; alpha/size = 1, beta = 1, bias = 1.
  std::vector<float> x = {1, 2, 3}, y(3), s(3);
  LrnParams p = lrn(1, 3, 1, 1, 3, 3.0f, 1.0f, 1.0f);  // windows {0,1} {0,1,2} {1,2}
  lrn_forward(p, x.data(), y.data(), s.data());
  CHECK(s[0] == Approx(6.0f));
  CHECK(s[1] == Approx(15.0f));
  CHECK(s[2] == Approx(14.0f));
  CHECK(y[0] == Approx(1.0 / 6));
  CHECK(y[1] == Approx(2.0 / 15));
  CHECK(y[2] == Approx(3.0 / 14));
  p = lrn(1, 3, 1, 1, 2, 2.0f, 1.0f, 1.0f);  // even size: windows {0,1} {1,2} {2}
  lrn_forward(p, x.data(), y.data(), nullptr);
  CHECK(y[0] == Approx(1.0 / 6));
  CHECK(y[1] == Approx(2.0 / 14));
  CHECK(y[2] == Approx(3.0 / 10));
  // beta = 0.75 fast path: 2 * (1 + 4)^-0.75
  p = lrn(1, 1, 1, 1, 1, 1.0f, 0.75f, 1.0f);
  x = {2.0f};
  lrn_forward(p, x.data(), y.data(), nullptr);
  CHECK(y[0] == Approx(2.0 * std::pow(5.0, -0.75)));
}

TEST_CASE("lrn parameters are validated", "[lrn]") {
  std::vector<float> x(4), y(4);
  CHECK_THROWS_WITH(lrn_forward(lrn(1, 4, 1, 1, 0, 1e-4f, 0.75f, 1), x.data(), y.data(), nullptr),
                    Catch::Contains("size"));
  CHECK_THROWS_WITH(lrn_forward(lrn(1, 4, 1, 1, 5, 1e-4f, 0.75f, 0), x.data(), y.data(), nullptr),
                    Catch::Contains("bias"));
  CHECK_THROWS_AS(lrn_forward_ref(lrn(1, 0, 1, 1, 5, 1e-4f, 0.75f, 1), x.data(), y.data(), nullptr), dream::Error);
}

TEST_CASE("lrn forward and backward match the reference", "[lrn]") {
  uint32_t seed = 1;
  for (const LrnParams& p : configs()) {
    INFO(describe(p));
    int64_t n = numel(p);
    std::vector<float> x = random_floats(n, seed++, -3.0f, 3.0f), g = random_floats(n, seed++);
    std::vector<float> y(static_cast<size_t>(n)), yr(static_cast<size_t>(n)), s(static_cast<size_t>(n)),
        sr(static_cast<size_t>(n));
    lrn_forward(p, x.data(), y.data(), s.data());
    lrn_forward_ref(p, x.data(), yr.data(), sr.data());
    CHECK_ALL_CLOSE(y.data(), yr.data(), n, 1e-5, 1e-7);
    CHECK_ALL_CLOSE(s.data(), sr.data(), n, 1e-6, 0.0);
    std::vector<float> y2(static_cast<size_t>(n));
    lrn_forward(p, x.data(), y2.data(), nullptr);
    CHECK(y2 == y);

    std::vector<float> gi(static_cast<size_t>(n)), gr(static_cast<size_t>(n));
    lrn_backward_ref(p, x.data(), yr.data(), sr.data(), g.data(), gr.data());
    lrn_backward(p, x.data(), y.data(), s.data(), g.data(), gi.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-4, 1e-6);
    lrn_backward(p, x.data(), y.data(), nullptr, g.data(), gi.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-4, 1e-6);
    lrn_backward_ref(p, x.data(), yr.data(), nullptr, g.data(), gi.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-5, 1e-6);
  }
}

TEST_CASE("lrn kernels match the reference at every SIMD level, without the forward output", "[lrn]") {
  // GoogLeNet's norm1/norm2 parameters on planes that split into several
  // strips (H*W > 1024, not a multiple of 16), small planes, every window
  // size against C, and the general-beta path; the backward gets no y.
  std::vector<LrnParams> cases = configs();
  cases.push_back(lrn(1, 64, 41, 43, 5, 1e-4f, 0.75f, 1.0f));
  cases.push_back(lrn(2, 21, 37, 29, 5, 1e-4f, 0.75f, 1.0f));
  cases.push_back(lrn(1, 9, 33, 35, 5, 2.0f, 0.75f, 1.0f));  // scale far from bias
  cases.push_back(lrn(1, 7, 31, 34, 3, 0.5f, 0.6f, 1.0f));
  cases.push_back(lrn(1, 4, 5, 7, 9, 0.5f, 0.75f, 1.0f));  // window wider than C on both sides
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512})
    if (cpu_supports(l)) levels.push_back(l);
  uint32_t seed = 300;
  for (SimdLevel level : levels) {
    ScopedSimdLevel scoped(level);
    for (const LrnParams& p : cases) {
      INFO(simd_level_name(level) << " " << describe(p));
      const int64_t n = numel(p);
      const size_t un = static_cast<size_t>(n);
      std::vector<float> x = random_floats(n, seed++, -3.0f, 3.0f), g = random_floats(n, seed++);
      std::vector<float> y(un), yr(un), s(un), sr(un), gi(un, 9.0f), gr(un);
      lrn_forward(p, x.data(), y.data(), s.data());
      lrn_forward_ref(p, x.data(), yr.data(), sr.data());
      CHECK_ALL_CLOSE(y.data(), yr.data(), n, 1e-5, 1e-7);
      CHECK_ALL_CLOSE(s.data(), sr.data(), n, 1e-6, 0.0);
      lrn_backward_ref(p, x.data(), yr.data(), sr.data(), g.data(), gr.data());
      lrn_backward(p, x.data(), nullptr, nullptr, g.data(), gi.data());
      CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-4, 1e-6);
      std::fill(gi.begin(), gi.end(), 9.0f);
      lrn_backward(p, x.data(), nullptr, s.data(), g.data(), gi.data());
      CHECK_ALL_CLOSE(gi.data(), gr.data(), n, 1e-4, 1e-6);
    }
  }
}

TEST_CASE("lrn backward matches finite differences", "[lrn][gradient]") {
  uint32_t seed = 50;
  for (LrnParams p : configs()) {
    if (numel(p) > 1200) {
      p.h = 3, p.w = 2;  // same channel windows, fewer finite differences
    }
    INFO(describe(p));
    int64_t n = numel(p);
    std::vector<float> x = random_floats(n, seed++, -2.0f, 2.0f), g = random_floats(n, seed++);
    std::vector<float> y(static_cast<size_t>(n)), s(static_cast<size_t>(n)), gi(static_cast<size_t>(n));
    lrn_forward_ref(p, x.data(), y.data(), s.data());
    auto f = [&](const float* in, float* out) { lrn_forward_ref(p, in, out, nullptr); };
    lrn_backward(p, x.data(), y.data(), s.data(), g.data(), gi.data());
    CHECK_GRADIENT(dream::test::finite_difference_check(f, x, n, g, gi, 1e-2f, 1e-3));
    lrn_backward_ref(p, x.data(), y.data(), nullptr, g.data(), gi.data());
    CHECK_GRADIENT(dream::test::finite_difference_check(f, x, n, g, gi, 1e-2f, 1e-3));
  }
}

TEST_CASE("lrn matches PyTorch for odd sizes", "[lrn][fixture]") {
  struct Case {
    const char* name;
    int64_t size;
    float alpha;
  };
  for (const Case& c :
       {Case{"lrn_size3_alpha0.5_beta0.75_bias1", 3, 0.5f}, Case{"lrn_size5_alpha1e-4_beta0.75_bias1", 5, 1e-4f}}) {
    INFO(c.name);
    dream::test::KernelFixture fx = dream::test::read_kernel_fixture(c.name);
    LrnParams p = lrn(fx.in_shape[0], fx.in_shape[1], fx.in_shape[2], fx.in_shape[3], c.size, c.alpha, 0.75f, 1.0f);
    std::vector<float> y(fx.out.size()), yr(fx.out.size());
    lrn_forward(p, fx.in.data(), y.data(), nullptr);
    lrn_forward_ref(p, fx.in.data(), yr.data(), nullptr);
    CHECK_ALL_CLOSE(y.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
    CHECK_ALL_CLOSE(yr.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
  }
}
