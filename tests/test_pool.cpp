// Pooling: Caffe ceil-rule output sizes by hand, optimised kernels against
// pool_ref.cpp, backwards against finite differences and the adjoint identity.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "tensor/error.h"
#include "tensor/pool.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

namespace {

Pool2dParams pool(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t s, int64_t pad, bool ceil_mode,
                  bool include_pad = false) {
  Pool2dParams p;
  p.n = n, p.c = c, p.h_in = h, p.w_in = w, p.kh = k, p.kw = k, p.stride_h = s, p.stride_w = s;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = pad;
  p.ceil_mode = ceil_mode;
  p.count_include_pad = include_pad;
  return p;
}

// Odd shapes: 1x1 images, odd widths, channels not a multiple of 16,
// stride > kernel, pads >= kernel/2, asymmetric pads and kernels, both modes.
std::vector<Pool2dParams> odd_configs() {
  std::vector<Pool2dParams> v;
  for (bool ceil_mode : {false, true}) {
    v.push_back(pool(2, 3, 1, 1, 1, 1, 0, ceil_mode));
    v.push_back(pool(2, 17, 1, 1, 3, 2, 1, ceil_mode));
    v.push_back(pool(2, 5, 7, 9, 3, 2, 0, ceil_mode));
    v.push_back(pool(2, 5, 8, 13, 3, 2, 1, ceil_mode));
    v.push_back(pool(2, 3, 11, 7, 2, 3, 1, ceil_mode));   // stride > kernel
    v.push_back(pool(2, 3, 13, 13, 3, 5, 2, ceil_mode));  // stride > kernel, pad > k/2
    v.push_back(pool(1, 19, 15, 15, 3, 1, 1, ceil_mode));
    v.push_back(pool(2, 2, 10, 10, 5, 3, 2, ceil_mode));
    v.push_back(pool(2, 2, 5, 5, 2, 2, 1, ceil_mode));     // ceil rule drops the window in the pad
    v.push_back(pool(2, 21, 41, 37, 3, 2, 1, ceil_mode));  // large enough to run threaded
    Pool2dParams a = pool(2, 3, 9, 12, 3, 2, 0, ceil_mode);
    a.kw = 4, a.stride_w = 3, a.pad_top = 2, a.pad_bottom = 0, a.pad_left = 1, a.pad_right = 3;
    v.push_back(a);
  }
  size_t base = v.size();
  for (size_t i = 0; i < base; ++i) {
    Pool2dParams q = v[i];
    q.count_include_pad = true;
    v.push_back(q);
  }
  return v;
}

std::string describe(const Pool2dParams& p) {
  std::ostringstream s;
  s << "n=" << p.n << " c=" << p.c << " in=" << p.h_in << "x" << p.w_in << " k=" << p.kh << "x" << p.kw
    << " s=" << p.stride_h << "x" << p.stride_w << " pads(t,l,b,r)=" << p.pad_top << "," << p.pad_left << ","
    << p.pad_bottom << "," << p.pad_right << " ceil=" << p.ceil_mode << " include_pad=" << p.count_include_pad
    << " out=" << p.h_out() << "x" << p.w_out();
  return s.str();
}

int64_t in_size(const Pool2dParams& p) { return p.n * p.c * p.h_in * p.w_in; }
int64_t out_size(const Pool2dParams& p) { return p.n * p.c * p.h_out() * p.w_out(); }

// Distinct values at least 0.1 apart in random order: no ties, so max pooling
// is smooth under perturbations of 0.01.
std::vector<float> distinct_values(int64_t n, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  std::shuffle(v.begin(), v.end(), std::mt19937(seed));
  for (float& x : v) x = 0.1f * x - 0.05f * float(n);
  return v;
}

}  // namespace

TEST_CASE("pool output sizes follow Caffe's ceil rule", "[pool]") {
  // GoogLeNet pool1 (3x3 s2, ceil) on conv1's 112x112 at a 224 input.
  CHECK(pool(1, 64, 112, 112, 3, 2, 0, true).h_out() == 56);
  CHECK(pool(1, 64, 112, 112, 3, 2, 0, false).h_out() == 55);
  // pool2 56 -> 28, pool3 28 -> 14, pool4 14 -> 7.
  CHECK(pool(1, 1, 56, 56, 3, 2, 0, true).h_out() == 28);
  CHECK(pool(1, 1, 28, 28, 3, 2, 0, true).h_out() == 14);
  CHECK(pool(1, 1, 14, 14, 3, 2, 0, true).h_out() == 7);
  // A 500x375 input (H=375, W=500): conv1 gives 188x250, then pools give
  // 94x125, 47x62, 23x31, 11x15 in Caffe.
  Pool2dParams p = pool(1, 1, 188, 250, 3, 2, 0, true);
  CHECK(p.h_out() == 94);
  CHECK(p.w_out() == 125);
  CHECK(pool(1, 1, 94, 125, 3, 2, 0, true).w_out() == 62);
  CHECK(pool(1, 1, 94, 125, 3, 2, 0, true).h_out() == 47);
  CHECK(pool(1, 1, 47, 62, 3, 2, 0, true).h_out() == 23);
  CHECK(pool(1, 1, 47, 62, 3, 2, 0, true).w_out() == 31);
  CHECK(pool(1, 1, 23, 31, 3, 2, 0, true).h_out() == 11);
  CHECK(pool(1, 1, 23, 31, 3, 2, 0, true).w_out() == 15);
  // 5 wide, k2 s2 pad 1: ceil((5+2-2)/2)+1 = 4, but window 4 would start at
  // padded column 6 = 5 + pad, wholly in the right padding, so 3.
  CHECK(pool(1, 1, 5, 5, 2, 2, 1, true).h_out() == 3);
  CHECK(pool(1, 1, 5, 5, 2, 2, 1, false).h_out() == 3);
  CHECK(pool(1, 1, 6, 6, 2, 2, 0, true).h_out() == 3);
  CHECK(pool(1, 1, 7, 7, 2, 2, 0, true).h_out() == 4);
  CHECK(pool(1, 1, 7, 7, 2, 2, 0, false).h_out() == 3);
  // inception 3x3 s1 pad 1 keeps the size.
  CHECK(pool(1, 1, 28, 28, 3, 1, 1, true).h_out() == 28);
}

TEST_CASE("pool parameters are validated with the field named", "[pool]") {
  Pool2dParams p = pool(1, 1, 4, 4, 3, 1, 3, false);
  CHECK_THROWS_WITH(p.validate(), Catch::Contains("pad_top"));
  p = pool(1, 1, 4, 4, 3, 0, 0, false);
  CHECK_THROWS_WITH(p.validate(), Catch::Contains("stride"));
  p = pool(1, 1, 2, 2, 5, 1, 1, false);
  CHECK_THROWS_AS(p.validate(), dream::Error);
  std::vector<float> in(4), out(4);
  CHECK_THROWS_AS(maxpool2d_forward(p, in.data(), out.data()), dream::Error);
  CHECK_THROWS_AS(global_avgpool_forward(1, 1, 0, in.data(), out.data()), dream::Error);
}

TEST_CASE("pool hand-checked small cases", "[pool]") {
  std::vector<float> in(16);
  std::iota(in.begin(), in.end(), 1.0f);  // 4x4: 1..16 row-major
  std::vector<float> out(16);
  Pool2dParams p = pool(1, 1, 4, 4, 2, 2, 0, false);
  maxpool2d_forward(p, in.data(), out.data());
  CHECK(std::vector<float>(out.begin(), out.begin() + 4) == std::vector<float>{6, 8, 14, 16});
  avgpool2d_forward(p, in.data(), out.data());
  CHECK(std::vector<float>(out.begin(), out.begin() + 4) == std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f});
  // 3x3 s1 pad 1: the corner window holds 1,2,5,6.
  p = pool(1, 1, 4, 4, 3, 1, 1, false, true);
  avgpool2d_forward(p, in.data(), out.data());
  CHECK(out[0] == Approx(14.0 / 9.0));
  p.count_include_pad = false;
  avgpool2d_forward(p, in.data(), out.data());
  CHECK(out[0] == Approx(14.0 / 4.0));
  maxpool2d_forward(p, in.data(), out.data());
  CHECK(out[0] == 6.0f);
  CHECK(out[15] == 16.0f);
  // Ceil mode 3x3 s2 on 4x4: windows start at 0 and 2; the second is clipped
  // to 2 columns; with padding counted it still divides by what lies inside
  // [-pad, H + pad) = [0, 4): 2 x 3 = 6 for the right column.
  p = pool(1, 1, 4, 4, 3, 2, 0, true, true);
  REQUIRE(p.h_out() == 2);
  avgpool2d_forward(p, in.data(), out.data());
  CHECK(out[1] == Approx((3 + 4 + 7 + 8 + 11 + 12) / 6.0));
  // Max backward: a tie inside a window goes to the first (row-major) maximum.
  std::vector<float> tie = {5, 5, 5, 5};
  std::vector<float> g = {1.0f}, gi(4);
  p = pool(1, 1, 2, 2, 2, 2, 0, false);
  maxpool2d_backward(p, tie.data(), g.data(), gi.data());
  CHECK(gi == std::vector<float>{1, 0, 0, 0});
  tie = {1, 5, 2, 5};
  maxpool2d_backward(p, tie.data(), g.data(), gi.data());
  CHECK(gi == std::vector<float>{0, 1, 0, 0});
}

TEST_CASE("max and average pooling match the reference", "[pool]") {
  uint32_t seed = 1;
  for (const Pool2dParams& p : odd_configs()) {
    INFO(describe(p));
    std::vector<float> in = random_floats(in_size(p), seed++);
    std::vector<float> g = random_floats(out_size(p), seed++);
    std::vector<float> a(size_t(out_size(p))), b(size_t(out_size(p)));
    maxpool2d_forward(p, in.data(), a.data());
    maxpool2d_forward_ref(p, in.data(), b.data());
    CHECK(a == b);  // max is exact
    avgpool2d_forward(p, in.data(), a.data());
    avgpool2d_forward_ref(p, in.data(), b.data());
    CHECK_ALL_CLOSE(a.data(), b.data(), out_size(p), 1e-5, 1e-6);

    std::vector<float> ga(size_t(in_size(p)), 7.0f), gb(size_t(in_size(p)), -7.0f);
    maxpool2d_backward(p, in.data(), g.data(), ga.data());
    maxpool2d_backward_ref(p, in.data(), g.data(), gb.data());
    CHECK_ALL_CLOSE(ga.data(), gb.data(), in_size(p), 1e-6, 1e-6);
    avgpool2d_backward(p, g.data(), ga.data());
    avgpool2d_backward_ref(p, g.data(), gb.data());
    CHECK_ALL_CLOSE(ga.data(), gb.data(), in_size(p), 1e-5, 1e-6);
  }
}

TEST_CASE("max pool backward matches finite differences", "[pool][gradient]") {
  uint32_t seed = 100;
  for (const Pool2dParams& p : odd_configs()) {
    if (p.count_include_pad) continue;  // no effect on max
    if (in_size(p) > 1500) continue;    // the reference comparison covers the large shapes
    INFO(describe(p));
    std::vector<float> x = distinct_values(in_size(p), seed++);
    std::vector<float> g = random_floats(out_size(p), seed++);
    for (bool optimised : {true, false}) {
      std::vector<float> grad(size_t(in_size(p)));
      if (optimised)
        maxpool2d_backward(p, x.data(), g.data(), grad.data());
      else
        maxpool2d_backward_ref(p, x.data(), g.data(), grad.data());
      auto f = [&](const float* in, float* out) { maxpool2d_forward_ref(p, in, out); };
      CHECK_GRADIENT(dream::test::finite_difference_check(f, x, out_size(p), g, grad, 0.01f, 1e-3));
    }
  }
}

TEST_CASE("average pool backward matches finite differences and is the adjoint", "[pool][gradient]") {
  uint32_t seed = 200;
  for (const Pool2dParams& p : odd_configs()) {
    INFO(describe(p));
    std::vector<float> x = random_floats(in_size(p), seed++);
    std::vector<float> g = random_floats(out_size(p), seed++);
    std::vector<float> grad(size_t(in_size(p)));
    avgpool2d_backward(p, g.data(), grad.data());
    auto f = [&](const float* in, float* out) { avgpool2d_forward(p, in, out); };
    auto ft = [&](const float* go, float* gi) { avgpool2d_backward(p, go, gi); };
    auto f_ref = [&](const float* in, float* out) { avgpool2d_forward_ref(p, in, out); };
    auto ft_ref = [&](const float* go, float* gi) { avgpool2d_backward_ref(p, go, gi); };
    if (in_size(p) <= 1500)
      CHECK_GRADIENT(dream::test::finite_difference_check(f_ref, x, out_size(p), g, grad, 0.05f, 1e-3));
    CHECK(dream::test::adjoint_mismatch(f, ft, x, g) < 1e-5);
    CHECK(dream::test::adjoint_mismatch(f_ref, ft_ref, x, g) < 1e-6);
  }
}

TEST_CASE("global average pool is a full-window average pool", "[pool]") {
  for (int64_t hw_side : {1, 7, 13}) {
    Pool2dParams p = pool(2, 19, hw_side, hw_side, hw_side, 1, 0, false);
    int64_t hw = hw_side * hw_side;
    std::vector<float> x = random_floats(in_size(p), 7), y(38), yr(38);
    global_avgpool_forward(2, 19, hw, x.data(), y.data());
    avgpool2d_forward_ref(p, x.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), yr.data(), 38, 1e-6, 1e-7);
    std::vector<float> g = random_floats(38, 8), gi(size_t(in_size(p))), gr(size_t(in_size(p)));
    global_avgpool_backward(2, 19, hw, g.data(), gi.data());
    avgpool2d_backward_ref(p, g.data(), gr.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), in_size(p), 1e-6, 1e-7);
  }
}

TEST_CASE("pooling matches PyTorch", "[pool][fixture]") {
  struct Case {
    const char* name;
    bool max;
    int64_t k, s, pad;
    bool ceil_mode, include_pad;
  };
  for (const Case& c : {Case{"maxpool_k3_s2_p1_ceil", true, 3, 2, 1, true, false},
                        Case{"avgpool_k3_s2_p1_ceil_include_pad", false, 3, 2, 1, true, true},
                        Case{"avgpool_k3_s2_p1_ceil_exclude_pad", false, 3, 2, 1, true, false},
                        Case{"maxpool_k3_s2_p0_ceil", true, 3, 2, 0, true, false},
                        Case{"maxpool_k2_s3_p1_floor", true, 2, 3, 1, false, false},
                        Case{"avgpool_k5_s3_p0_floor", false, 5, 3, 0, false, true}}) {
    INFO(c.name);
    dream::test::KernelFixture fx = dream::test::read_kernel_fixture(c.name);
    Pool2dParams p = pool(fx.in_shape[0], fx.in_shape[1], fx.in_shape[2], fx.in_shape[3], c.k, c.s, c.pad, c.ceil_mode,
                          c.include_pad);
    REQUIRE(p.h_out() == fx.out_shape[2]);
    REQUIRE(p.w_out() == fx.out_shape[3]);
    std::vector<float> y(fx.out.size()), yr(fx.out.size());
    if (c.max) {
      maxpool2d_forward(p, fx.in.data(), y.data());
      maxpool2d_forward_ref(p, fx.in.data(), yr.data());
    } else {
      avgpool2d_forward(p, fx.in.data(), y.data());
      avgpool2d_forward_ref(p, fx.in.data(), yr.data());
    }
    CHECK_ALL_CLOSE(y.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
    CHECK_ALL_CLOSE(yr.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-6);
  }
}
