// conv2d: the fast paths (tensor/conv2d.cpp) against the naive references
// over odd shapes, at every SIMD level this CPU has and under every GEMM
// backend built in; the references against central finite differences and
// the adjoint identity; im2col/col2im against plain loops; validate() errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/gemm.h"
#include "tensor/im2col.h"
#include "tensor/parallel.h"
#include "tests/conv2d_testing.h"
#include "tests/support/tensor_testing.h"

using dream::Conv2dParams;
using dream::test::built_backends;
using dream::test::for_each_configuration;
using dream::test::make;
using dream::test::ScopedGemmBackend;
using dream::test::ScopedThreads;
using dream::test::thread_counts;

namespace {

struct ConvCase {
  std::string name;
  Conv2dParams p;
  bool bias;
};

// Channels 1/3/17/33 are not multiples of any SIMD width; 16 is (so both the
// vector body and the tails run).
std::vector<ConvCase> odd_cases() {
  return {
      {"1x1 image, 3x3 pad 1", make(1, 3, 1, 1, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"1x1 image, pointwise", make(1, 17, 1, 1, 3, 1, 1), false},
      {"pointwise 1->1", make(1, 1, 1, 1, 1, 1, 1), true},
      {"pointwise 17->5 7x9 N=2", make(2, 17, 7, 9, 5, 1, 1), true},
      {"pointwise 16->33 5x3", make(1, 16, 5, 3, 33, 1, 1), false},
      {"3x3 pad 1 17->16 13x11", make(1, 17, 13, 11, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"3x3 pad 1 16->17 6x7 N=2", make(2, 16, 6, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false},
      {"3x3 no pad 1->1 5x5", make(1, 1, 5, 5, 1, 3, 3), false},
      {"5x5 pad 2 3->7 9x10", make(1, 3, 9, 10, 7, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2), true},
      {"7x7 stride 2 pad 3 3->8 15x17 N=2", make(2, 3, 15, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3), true},
      {"2x2 stride 3 (stride > kernel)", make(1, 3, 11, 13, 4, 2, 2, 3, 3), true},
      {"1x1 stride 2 (strided pointwise)", make(1, 5, 9, 9, 6, 1, 1, 2, 2), true},
      {"1x1 pad 1", make(1, 3, 4, 5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"3x3 dilation 2 pad 2", make(1, 3, 10, 9, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), true},
      {"3x5 dilation 2x1 stride 1x2", make(2, 2, 11, 12, 3, 3, 5, 1, 2, 2, 1, 1, 2, 1, 2), false},
      {"asymmetric pads 0,2,3,1 stride 2", make(1, 3, 8, 7, 4, 3, 3, 2, 2, 1, 1, 0, 2, 3, 1), true},
      {"pad 3 >= kernel 3 (windows in padding)", make(1, 2, 5, 4, 3, 3, 3, 1, 1, 1, 1, 3, 3, 3, 3), true},
      {"kernel covers image, 1x1 output", make(1, 3, 5, 5, 4, 5, 5), true},
      {"1x7 pad 0,3", make(1, 3, 6, 11, 5, 1, 7, 1, 1, 1, 1, 0, 3, 0, 3), false},
      {"7x1 pad 3,0", make(1, 3, 11, 6, 5, 7, 1, 1, 1, 1, 1, 3, 0, 3, 0), false},
      {"strides 2x3 pad 1", make(1, 4, 9, 13, 3, 3, 3, 2, 3, 1, 1, 1, 1, 1, 1), true},
      {"33->31 3x3 pad 1 6x6", make(1, 33, 6, 6, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"1x37 image, 1x3 kernel", make(1, 3, 1, 37, 2, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1), true},
      {"37x1 image, 3x1 kernel stride 2", make(1, 3, 37, 1, 2, 3, 1, 2, 1, 1, 1, 1, 0, 1, 0), true},
      {"5x5 pad 4 stride 4 dilation 2", make(1, 2, 7, 9, 3, 5, 5, 4, 4, 2, 2, 4, 4, 4, 4), true},
  };
}

struct Sizes {
  int64_t in, w, out;
};
Sizes sizes(const Conv2dParams& p) {
  return {p.n * p.c_in * p.h_in * p.w_in, p.c_out * p.c_in * p.kh * p.kw, p.n * p.c_out * p.h_out() * p.w_out()};
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Float GEMM against double-accumulating loops: K (<= 33*9 here) terms of size ~1.
constexpr double kRtol = 1e-4, kAtol = 1e-4;

}  // namespace

TEST_CASE("conv2d_forward matches conv2d_forward_ref on odd shapes", "[conv2d]") {
  uint32_t seed = 100;
  for (const ConvCase& c : odd_cases()) {
    INFO("case " << c.name);
    const Sizes s = sizes(c.p);
    const auto x = dream::test::random_floats(s.in, seed++);
    const auto w = dream::test::random_floats(s.w, seed++);
    const auto b = dream::test::random_floats(c.p.c_out, seed++);
    const float* bias = c.bias ? b.data() : nullptr;
    std::vector<float> expected(s.out);
    dream::conv2d_forward_ref(c.p, x.data(), w.data(), bias, expected.data());
    for_each_configuration([&] {
      std::vector<float> got(s.out, kNaN);  // the kernel must overwrite every element
      dream::conv2d_forward(c.p, x.data(), w.data(), bias, got.data());
      CHECK_ALL_CLOSE(got.data(), expected.data(), s.out, kRtol, kAtol);
    });
  }
}

TEST_CASE("conv2d_backward_input matches conv2d_backward_input_ref on odd shapes", "[conv2d]") {
  uint32_t seed = 200;
  for (const ConvCase& c : odd_cases()) {
    INFO("case " << c.name);
    const Sizes s = sizes(c.p);
    const auto dy = dream::test::random_floats(s.out, seed++);
    const auto w = dream::test::random_floats(s.w, seed++);
    std::vector<float> expected(s.in);
    dream::conv2d_backward_input_ref(c.p, dy.data(), w.data(), expected.data());
    for_each_configuration([&] {
      std::vector<float> got(s.in, kNaN);
      dream::conv2d_backward_input(c.p, dy.data(), w.data(), got.data());
      CHECK_ALL_CLOSE(got.data(), expected.data(), s.in, kRtol, kAtol);
    });
  }
}

TEST_CASE("conv2d_backward_weights matches conv2d_backward_weights_ref on odd shapes", "[conv2d]") {
  uint32_t seed = 300;
  for (const ConvCase& c : odd_cases()) {
    INFO("case " << c.name);
    const Sizes s = sizes(c.p);
    const auto x = dream::test::random_floats(s.in, seed++);
    const auto dy = dream::test::random_floats(s.out, seed++);
    std::vector<float> expected_w(s.w), expected_b(c.p.c_out);
    dream::conv2d_backward_weights_ref(c.p, x.data(), dy.data(), expected_w.data(), expected_b.data());
    for_each_configuration([&] {
      std::vector<float> got_w(s.w, kNaN), got_b(c.p.c_out, kNaN);
      dream::conv2d_backward_weights(c.p, x.data(), dy.data(), got_w.data(), c.bias ? got_b.data() : nullptr);
      // Sums over N*Ho*Wo (<= 2*13*11) products of size ~1.
      CHECK_ALL_CLOSE(got_w.data(), expected_w.data(), s.w, kRtol, kAtol);
      if (c.bias) CHECK_ALL_CLOSE(got_b.data(), expected_b.data(), c.p.c_out, kRtol, kAtol);
    });
  }
}

// Convolutions large enough (> 1 MFLOP) that the fast paths cut the image
// into bands of output rows and, with threads, give each thread whole bands:
// band edges, col2im accumulating across bands (even/odd phases), dW
// accumulating across bands and images, and the fallback when a tall kernel
// makes bands b and b+2 share input rows. The first is big enough for several
// 1 MiB column buffers even single-threaded.
TEST_CASE("conv2d fast paths match the references when the image is split into row bands", "[conv2d]") {
  const std::vector<ConvCase> cases = {
      {"3x3 pad 1 16->3 203x190 N=2", make(2, 16, 203, 190, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"7x7 stride 2 pad 3 3->8 101x97", make(1, 3, 101, 97, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3), true},
      {"5x5 dilation 2 stride 1x2 pads 4,3,2,1", make(1, 8, 60, 50, 5, 5, 5, 1, 2, 2, 2, 4, 3, 2, 1), false},
      {"9x1 pad 4 (tall kernel) 16->16 12x80", make(1, 16, 12, 80, 16, 9, 1, 1, 1, 1, 1, 4, 0, 4, 0), true},
      {"pointwise 32->24 40x40", make(1, 32, 40, 40, 24, 1, 1), true},
      // Pointwise with over 48 output channels runs in bands; with fewer, as
      // one GEMM that threads itself (splitting K here: 480 deep).
      {"pointwise 32->50 40x40", make(1, 32, 40, 40, 50, 1, 1), true},
      {"pointwise 480->16 32x32", make(1, 480, 32, 32, 16, 1, 1), true},
  };
  REQUIRE(16 * 9 * 203 * 190 > 8 * (int64_t{1} << 18));
  uint32_t seed = 700;
  for (const ConvCase& c : cases) {
    INFO("case " << c.name);
    const Conv2dParams& p = c.p;
    const Sizes s = sizes(p);
    const auto x = dream::test::random_floats(s.in, seed++);
    const auto w = dream::test::random_floats(s.w, seed++);
    const auto b = dream::test::random_floats(p.c_out, seed++);
    const auto dy = dream::test::random_floats(s.out, seed++);
    const float* bias = c.bias ? b.data() : nullptr;
    std::vector<float> out_ref(s.out), gin_ref(s.in), gw_ref(s.w), gb_ref(p.c_out);
    dream::conv2d_forward_ref(p, x.data(), w.data(), bias, out_ref.data());
    dream::conv2d_backward_input_ref(p, dy.data(), w.data(), gin_ref.data());
    dream::conv2d_backward_weights_ref(p, x.data(), dy.data(), gw_ref.data(), gb_ref.data());
    for (auto backend : built_backends()) {
      ScopedGemmBackend gemm(backend);
      for (int threads : thread_counts()) {
        ScopedThreads scoped_threads(threads);
        INFO("threads " << dream::max_threads() << ", gemm " << dream::gemm_backend_name());
        std::vector<float> out(s.out, kNaN), gin(s.in, kNaN), gw(s.w, kNaN), gb(p.c_out, kNaN);
        dream::conv2d_forward(p, x.data(), w.data(), bias, out.data());
        dream::conv2d_backward_input(p, dy.data(), w.data(), gin.data());
        dream::conv2d_backward_weights(p, x.data(), dy.data(), gw.data(), gb.data());
        CHECK_ALL_CLOSE(out.data(), out_ref.data(), s.out, kRtol, kAtol);
        CHECK_ALL_CLOSE(gin.data(), gin_ref.data(), s.in, kRtol, kAtol);
        // dW sums up to 2*203*190 ~ 77k products: allow the float accumulation ~sqrt of that.
        CHECK_ALL_CLOSE(gw.data(), gw_ref.data(), s.w, 1e-4, 2e-3);
        CHECK_ALL_CLOSE(gb.data(), gb_ref.data(), p.c_out, 1e-4, 2e-3);
      }
    }
  }
}

// The im2col + GEMM paths called directly, on a shape the dispatcher would
// give to Winograd (so the tests above never run them there): GoogLeNet's
// 3a/3x3 channel counts on a 40x36 map, with bias (the bias rides in the GEMM
// as an extra column of the weights).
TEST_CASE("conv2d_forward_gemm and conv2d_backward_input_gemm match the references on a Winograd-sized shape",
          "[conv2d]") {
  const Conv2dParams p = make(1, 96, 40, 36, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  const Sizes s = sizes(p);
  const auto x = dream::test::random_floats(s.in, 801);
  const auto w = dream::test::random_floats(s.w, 802);
  const auto b = dream::test::random_floats(p.c_out, 803);
  const auto dy = dream::test::random_floats(s.out, 804);
  std::vector<float> out_ref(s.out), gin_ref(s.in);
  dream::conv2d_forward_ref(p, x.data(), w.data(), b.data(), out_ref.data());
  dream::conv2d_backward_input_ref(p, dy.data(), w.data(), gin_ref.data());
  for_each_configuration([&] {
    std::vector<float> out(s.out, kNaN), gin(s.in, kNaN);
    dream::conv2d_forward_gemm(p, x.data(), w.data(), b.data(), out.data());
    dream::conv2d_backward_input_gemm(p, dy.data(), w.data(), gin.data());
    // K = 96*9 terms of size ~1.
    CHECK_ALL_CLOSE(out.data(), out_ref.data(), s.out, 1e-4, 1e-3);
    CHECK_ALL_CLOSE(gin.data(), gin_ref.data(), s.in, 1e-4, 1e-3);
  });
}

TEST_CASE("im2col_rows and col2im_rows_add match plain loops on bands of rows", "[conv2d]") {
  uint32_t seed = 400;
  for (const ConvCase& c : odd_cases()) {
    INFO("case " << c.name);
    const Conv2dParams& p = c.p;
    const int64_t ho = p.h_out(), wo = p.w_out(), k = p.c_in * p.kh * p.kw;
    const auto image = dream::test::random_floats(p.c_in * p.h_in * p.w_in, seed++);
    // Whole image, then the last row alone, then a middle band.
    const std::vector<std::pair<int64_t, int64_t>> bands = {{0, ho}, {ho - 1, ho}, {ho / 3, (2 * ho + 2) / 3}};
    for (auto [begin, end] : bands) {
      if (begin >= end) continue;
      INFO("rows " << begin << ".." << end);
      const int64_t n = k * (end - begin) * wo;
      std::vector<float> col(n, kNaN), col_ref(n, kNaN);
      dream::im2col_rows(p, image.data(), begin, end, col.data());
      dream::im2col_rows_ref(p, image.data(), begin, end, col_ref.data());
      CHECK_ALL_CLOSE(col.data(), col_ref.data(), n, 0.0, 0.0);

      const auto cols_in = dream::test::random_floats(n, seed++);
      auto added = dream::test::random_floats(p.c_in * p.h_in * p.w_in, seed++);
      auto added_ref = added;
      dream::col2im_rows_add(p, cols_in.data(), begin, end, added.data());
      dream::col2im_rows_add_ref(p, cols_in.data(), begin, end, added_ref.data());
      CHECK_ALL_CLOSE(added.data(), added_ref.data(), static_cast<int64_t>(added.size()), 1e-6, 1e-6);
    }
  }
}

namespace {

// Cases small enough to difference element by element.
std::vector<ConvCase> gradient_cases() {
  return {
      {"3x3 pad 1", make(1, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true},
      {"3x3 stride 2 asymmetric pads N=2", make(2, 2, 7, 6, 3, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1), true},
      {"3x3 dilation 2 pad 2", make(1, 2, 7, 8, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), true},
      {"5x5 stride 3 pad 2", make(1, 3, 9, 8, 2, 5, 5, 3, 3, 1, 1, 2, 2, 2, 2), true},
      {"pointwise", make(1, 5, 4, 3, 3, 1, 1), true},
      {"2x4 stride 1x3 dilation 2x1", make(1, 2, 6, 10, 3, 2, 4, 1, 3, 2, 1, 1, 0, 0, 2), true},
  };
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// L(x, w, b) = <conv_ref(x, w, b), g>, summed in double. conv is linear in
// each argument, so a central difference has no truncation error; what is
// left is float rounding of the outputs the perturbed element touches (the
// other outputs are bit-identical in both evaluations and cancel exactly).
struct Loss {
  const Conv2dParams& p;
  const std::vector<float>& g;
  double operator()(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b) const {
    std::vector<float> out(g.size());
    dream::conv2d_forward_ref(p, x.data(), w.data(), b.data(), out.data());
    return dot(out, g);
  }
};

// Central difference of L in element i of v (one of x, w, b), dividing by the
// step actually stored in float.
template <class Eval>
double central_difference(std::vector<float>& v, size_t i, Eval eval) {
  const float saved = v[i];
  const float step = 0.05f;
  v[i] = saved + step;
  const float up = v[i];
  const double l_up = eval();
  v[i] = saved - step;
  const float down = v[i];
  const double l_down = eval();
  v[i] = saved;
  return (l_up - l_down) / (static_cast<double>(up) - down);
}

// Every analytic element against its difference; relative error < 1e-3, with
// a floor (1e-3 of the largest gradient) so near-zero elements compare absolutely.
void check_against_differences(const std::vector<float>& analytic, std::vector<float>& v,
                               const std::function<double()>& eval, const char* what) {
  double largest = 0.0;
  for (float a : analytic) largest = std::max(largest, static_cast<double>(std::fabs(a)));
  for (size_t i = 0; i < v.size(); ++i) {
    const double fd = central_difference(v, i, eval);
    const double floor = 1e-3 * largest + 1e-12;
    const double rel = std::fabs(analytic[i] - fd) / std::max({std::fabs(fd), std::fabs(double(analytic[i])), floor});
    INFO(what << "[" << i << "]: analytic " << analytic[i] << ", finite difference " << fd);
    CHECK(rel < 1e-3);
  }
}

}  // namespace

TEST_CASE("conv2d backward_input and backward_weights equal central finite differences", "[conv2d][gradient]") {
  uint32_t seed = 500;
  for (const ConvCase& c : gradient_cases()) {
    INFO("case " << c.name);
    const Sizes s = sizes(c.p);
    auto x = dream::test::random_floats(s.in, seed++);
    auto w = dream::test::random_floats(s.w, seed++);
    auto b = dream::test::random_floats(c.p.c_out, seed++);
    const auto g = dream::test::random_floats(s.out, seed++);
    const Loss loss{c.p, g};
    const std::function<double()> eval = [&] { return loss(x, w, b); };

    std::vector<float> gin(s.in), gin_ref(s.in), gw(s.w), gw_ref(s.w), gb(c.p.c_out), gb_ref(c.p.c_out);
    dream::conv2d_backward_input(c.p, g.data(), w.data(), gin.data());
    dream::conv2d_backward_input_ref(c.p, g.data(), w.data(), gin_ref.data());
    dream::conv2d_backward_weights(c.p, x.data(), g.data(), gw.data(), gb.data());
    dream::conv2d_backward_weights_ref(c.p, x.data(), g.data(), gw_ref.data(), gb_ref.data());

    check_against_differences(gin, x, eval, "grad_in");
    check_against_differences(gin_ref, x, eval, "grad_in (ref)");
    check_against_differences(gw, w, eval, "grad_w");
    check_against_differences(gw_ref, w, eval, "grad_w (ref)");
    check_against_differences(gb, b, eval, "grad_bias");
    check_against_differences(gb_ref, b, eval, "grad_bias (ref)");
  }
}

// conv without bias is linear in x and in w, so for any g:
//   <conv(x, w), g> == <x, backward_input(g, w)> == <w, backward_weights(x, g)>.
TEST_CASE("conv2d backward passes satisfy the adjoint identity", "[conv2d][gradient]") {
  uint32_t seed = 600;
  std::vector<ConvCase> cases = odd_cases();
  for (const ConvCase& c : cases) {
    INFO("case " << c.name);
    const Sizes s = sizes(c.p);
    const auto x = dream::test::random_floats(s.in, seed++);
    const auto w = dream::test::random_floats(s.w, seed++);
    const auto g = dream::test::random_floats(s.out, seed++);
    std::vector<float> out(s.out), gin(s.in), gw(s.w);
    dream::conv2d_forward(c.p, x.data(), w.data(), nullptr, out.data());
    dream::conv2d_backward_input(c.p, g.data(), w.data(), gin.data());
    dream::conv2d_backward_weights(c.p, x.data(), g.data(), gw.data(), nullptr);
    const double forward = dot(out, g), via_input = dot(x, gin), via_weights = dot(w, gw);
    // Scale: the sum of |terms|, so cancellation does not make the test flaky.
    double mass = 0.0;
    for (size_t i = 0; i < out.size(); ++i) mass += std::fabs(static_cast<double>(out[i]) * g[i]);
    INFO("<conv(x), g> = " << forward << ", <x, bwd_in(g)> = " << via_input << ", <w, bwd_w(g)> = " << via_weights);
    CHECK(std::fabs(forward - via_input) <= 1e-5 * mass + 1e-9);
    CHECK(std::fabs(forward - via_weights) <= 1e-5 * mass + 1e-9);
  }
}

TEST_CASE("Conv2dParams::validate names the bad field", "[conv2d]") {
  const Conv2dParams good = make(1, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  REQUIRE_NOTHROW(good.validate());

  struct Bad {
    const char* field;
    void (*edit)(Conv2dParams&);
  };
  const Bad bad[] = {
      {"n = 0", [](Conv2dParams& p) { p.n = 0; }},
      {"c_in = 0", [](Conv2dParams& p) { p.c_in = 0; }},
      {"h_in = -2", [](Conv2dParams& p) { p.h_in = -2; }},
      {"w_in = 0", [](Conv2dParams& p) { p.w_in = 0; }},
      {"c_out = 0", [](Conv2dParams& p) { p.c_out = 0; }},
      {"kh = 0", [](Conv2dParams& p) { p.kh = 0; }},
      {"kw = -1", [](Conv2dParams& p) { p.kw = -1; }},
      {"stride_h = 0", [](Conv2dParams& p) { p.stride_h = 0; }},
      {"stride_w = 0", [](Conv2dParams& p) { p.stride_w = 0; }},
      {"dil_h = 0", [](Conv2dParams& p) { p.dil_h = 0; }},
      {"dil_w = 0", [](Conv2dParams& p) { p.dil_w = 0; }},
      {"pad_top = -1", [](Conv2dParams& p) { p.pad_top = -1; }},
      {"pad_left = -1", [](Conv2dParams& p) { p.pad_left = -1; }},
      {"pad_bottom = -3", [](Conv2dParams& p) { p.pad_bottom = -3; }},
      {"pad_right = -1", [](Conv2dParams& p) { p.pad_right = -1; }},
      // 5x5 dilated by 3 spans 13 rows; the padded input has 8 + 2 = 10.
      {"h_out < 1", [](Conv2dParams& p) { p.kh = 5, p.dil_h = 3; }},
      {"w_out < 1", [](Conv2dParams& p) { p.kw = 12; }},
  };
  for (const Bad& b : bad) {
    Conv2dParams p = good;
    b.edit(p);
    INFO("expected an error containing \"" << b.field << "\"");
    CHECK_THROWS_WITH(p.validate(), Catch::Contains(b.field) && Catch::Contains("conv2d"));
    // Every entry point validates before touching memory (null pointers here).
    CHECK_THROWS_AS(dream::conv2d_forward(p, nullptr, nullptr, nullptr, nullptr), dream::Error);
    CHECK_THROWS_AS(dream::conv2d_forward_ref(p, nullptr, nullptr, nullptr, nullptr), dream::Error);
    CHECK_THROWS_AS(dream::conv2d_backward_input(p, nullptr, nullptr, nullptr), dream::Error);
    CHECK_THROWS_AS(dream::conv2d_backward_input_ref(p, nullptr, nullptr, nullptr), dream::Error);
    CHECK_THROWS_AS(dream::conv2d_backward_weights(p, nullptr, nullptr, nullptr, nullptr), dream::Error);
    CHECK_THROWS_AS(dream::conv2d_backward_weights_ref(p, nullptr, nullptr, nullptr, nullptr), dream::Error);
  }
  // The message also carries the whole configuration, so a caller's mistake can be found.
  Conv2dParams p = good;
  p.stride_w = 0;
  CHECK_THROWS_WITH(p.validate(), Catch::Contains("in 1x3x8x8") && Catch::Contains("weight 4x3x3x3"));
}
