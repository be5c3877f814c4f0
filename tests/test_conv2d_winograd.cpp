// Winograd F(4x4, 3x3) (tensor/conv2d_winograd.h) against the naive
// conv2d_forward_ref / conv2d_backward_input_ref: image sizes that are not
// multiples of the 4x4 tile, 1x1 and 2x2 images, channel counts that are not
// multiples of any SIMD width, every pad 0..2 (also asymmetric), batches,
// bias or none, images large enough to be cut into several bands; at every
// SIMD level this CPU has (the portable transforms included), every GEMM
// backend and 1-3 threads. Also the dispatch (conv2d_forward uses it where
// preferred) and the error for shapes it cannot run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/conv2d_winograd.h"
#include "tensor/error.h"
#include "tests/conv2d_testing.h"
#include "tests/support/tensor_testing.h"

using dream::Conv2dParams;
using dream::test::for_each_configuration;
using dream::test::input_size;
using dream::test::make;
using dream::test::output_size;

namespace {

struct WinogradCase {
  std::string name;
  Conv2dParams p;
  bool bias;
};

// (n, ci, h, w, co) with a 3x3 kernel, stride 1 and pads (t, l, b, r).
Conv2dParams conv3x3(int64_t n, int64_t ci, int64_t h, int64_t w, int64_t co, int64_t pt = 1, int64_t pl = 1,
                     int64_t pb = 1, int64_t pr = 1) {
  return make(n, ci, h, w, co, 3, 3, 1, 1, 1, 1, pt, pl, pb, pr);
}

std::vector<WinogradCase> cases() {
  return {
      {"1x1 image pad 1", conv3x3(1, 3, 1, 1, 5), true},
      {"2x2 image pad 1", conv3x3(1, 4, 2, 2, 3), false},
      {"3x3 image no pad (1x1 output)", conv3x3(1, 5, 3, 3, 2, 0, 0, 0, 0), true},
      {"4x4 image, one whole tile", conv3x3(1, 16, 4, 4, 16), true},
      {"13x11 (not multiples of 4) 17->16", conv3x3(1, 17, 13, 11, 16), true},
      {"6x7 N=2 16->17, no bias", conv3x3(2, 16, 6, 7, 17), false},
      {"pad 0 9x10 3->7", conv3x3(1, 3, 9, 10, 7, 0, 0, 0, 0), true},
      {"pad 2 5x9 8->3", conv3x3(1, 8, 5, 9, 3, 2, 2, 2, 2), true},
      {"asymmetric pads 0,2,1,0 10x7", conv3x3(1, 6, 10, 7, 5, 0, 2, 1, 0), true},
      {"asymmetric pads 2,0,0,1 7x12 N=3", conv3x3(3, 5, 7, 12, 4, 2, 0, 0, 1), false},
      {"1x37 row", conv3x3(1, 3, 1, 37, 2), true},
      {"37x1 column", conv3x3(1, 3, 37, 1, 2), true},
      {"33->31 17x18", conv3x3(1, 33, 17, 18, 31), true},
      // Several bands (36 * (Ci + Co) floats per tile) with threads, tiles_w = 38.
      {"band split 40->48 150x149", conv3x3(1, 40, 150, 149, 48), true},
      {"GoogLeNet 4c-like 128->256 14x14 (partial tiles)", conv3x3(1, 128, 14, 14, 256), true},
  };
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Winograd reorders the sum and multiplies by the transforms' constants (up
// to 8 and 1/24): float error grows with the magnitude of the terms, not of
// the result, so the tolerance is relative to the largest reference output.
void check_close_to_reference(const std::vector<float>& got, const std::vector<float>& expected) {
  dream::test::check_close_to_reference(got, expected, 2e-5);
}

}  // namespace

TEST_CASE("conv2d_forward_winograd matches conv2d_forward_ref", "[conv2d][winograd]") {
  uint32_t seed = 1000;
  for (const WinogradCase& c : cases()) {
    INFO("case " << c.name);
    const auto x = dream::test::random_floats(input_size(c.p), seed++);
    const auto w = dream::test::random_floats(c.p.c_out * c.p.c_in * 9, seed++);
    const auto b = dream::test::random_floats(c.p.c_out, seed++);
    const float* bias = c.bias ? b.data() : nullptr;
    std::vector<float> expected(output_size(c.p));
    dream::conv2d_forward_ref(c.p, x.data(), w.data(), bias, expected.data());
    for_each_configuration([&] {
      std::vector<float> got(expected.size(), kNaN);  // every output must be written
      dream::conv2d_forward_winograd(c.p, x.data(), w.data(), bias, got.data());
      check_close_to_reference(got, expected);
    });
  }
}

TEST_CASE("conv2d_backward_input_winograd matches conv2d_backward_input_ref", "[conv2d][winograd]") {
  uint32_t seed = 2000;
  for (const WinogradCase& c : cases()) {
    INFO("case " << c.name);
    const auto dy = dream::test::random_floats(output_size(c.p), seed++);
    const auto w = dream::test::random_floats(c.p.c_out * c.p.c_in * 9, seed++);
    std::vector<float> expected(input_size(c.p));
    dream::conv2d_backward_input_ref(c.p, dy.data(), w.data(), expected.data());
    for_each_configuration([&] {
      std::vector<float> got(expected.size(), kNaN);
      dream::conv2d_backward_input_winograd(c.p, dy.data(), w.data(), got.data());
      check_close_to_reference(got, expected);
    });
  }
}

// A single nonzero input pixel and a single nonzero filter tap: the output is
// that tap's weight at one shifted position and exactly 0 elsewhere, which
// pins down the tap orientation and the pad offsets (a flipped filter or an
// off-by-one pad moves the spike).
TEST_CASE("conv2d Winograd puts a single tap at the right output pixel", "[conv2d][winograd]") {
  const Conv2dParams p = conv3x3(1, 1, 9, 10, 1, 1, 2, 0, 1);
  for (int tap = 0; tap < 9; ++tap) {
    INFO("tap " << tap);
    std::vector<float> x(input_size(p), 0.0f), w(9, 0.0f);
    x[4 * p.w_in + 5] = 1.0f;
    w[tap] = 1.0f;
    std::vector<float> expected(output_size(p)), got(output_size(p), kNaN);
    dream::conv2d_forward_ref(p, x.data(), w.data(), nullptr, expected.data());
    dream::conv2d_forward_winograd(p, x.data(), w.data(), nullptr, got.data());
    CHECK_ALL_CLOSE(got.data(), expected.data(), output_size(p), 0.0, 1e-5);
    std::vector<float> expected_in(input_size(p)), got_in(input_size(p), kNaN);
    dream::conv2d_backward_input_ref(p, expected.data(), w.data(), expected_in.data());
    dream::conv2d_backward_input_winograd(p, expected.data(), w.data(), got_in.data());
    CHECK_ALL_CLOSE(got_in.data(), expected_in.data(), input_size(p), 0.0, 1e-5);
  }
}

TEST_CASE("conv2d_forward and conv2d_backward_input dispatch GoogLeNet 3x3 shapes to Winograd correctly",
          "[conv2d][winograd]") {
  // conv2/3x3 at a small input: preferred, so the plain entry points run Winograd.
  const Conv2dParams p = conv3x3(1, 64, 32, 35, 192);
  REQUIRE(dream::conv2d_winograd_preferred(p));
  const auto x = dream::test::random_floats(input_size(p), 31);
  const auto w = dream::test::random_floats(p.c_out * p.c_in * 9, 32);
  const auto b = dream::test::random_floats(p.c_out, 33);
  const auto dy = dream::test::random_floats(output_size(p), 34);
  std::vector<float> out_ref(output_size(p)), gin_ref(input_size(p));
  dream::conv2d_forward_ref(p, x.data(), w.data(), b.data(), out_ref.data());
  dream::conv2d_backward_input_ref(p, dy.data(), w.data(), gin_ref.data());
  std::vector<float> out(output_size(p), kNaN), gin(input_size(p), kNaN);
  dream::conv2d_forward(p, x.data(), w.data(), b.data(), out.data());
  dream::conv2d_backward_input(p, dy.data(), w.data(), gin.data());
  check_close_to_reference(out, out_ref);
  check_close_to_reference(gin, gin_ref);
  // Shapes it cannot run are never preferred.
  CHECK_FALSE(dream::conv2d_winograd_preferred(make(1, 64, 24, 20, 192, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)));
  CHECK_FALSE(dream::conv2d_winograd_preferred(make(1, 64, 24, 20, 192, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)));
}

TEST_CASE("conv2d Winograd rejects shapes it cannot run, naming them", "[conv2d][winograd]") {
  struct Bad {
    const char* what;
    Conv2dParams p;
  };
  const Bad bad[] = {
      {"kernel 5x5", make(1, 2, 8, 8, 2, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)},
      {"stride 2x2", make(1, 2, 8, 8, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)},
      {"dilation 2x2", make(1, 2, 8, 8, 2, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)},
      {"pads 3,1,1,1", make(1, 2, 8, 8, 2, 3, 3, 1, 1, 1, 1, 3, 1, 1, 1)},
  };
  std::vector<float> buffer(4096, 0.0f);
  for (const Bad& b : bad) {
    INFO(b.what);
    CHECK_FALSE(dream::conv2d_winograd_supported(b.p));
    CHECK_THROWS_WITH(dream::conv2d_forward_winograd(b.p, buffer.data(), buffer.data(), nullptr, buffer.data()),
                      Catch::Contains(b.what) && Catch::Contains("conv2d_forward_winograd"));
    CHECK_THROWS_WITH(dream::conv2d_backward_input_winograd(b.p, buffer.data(), buffer.data(), buffer.data()),
                      Catch::Contains(b.what) && Catch::Contains("conv2d_backward_input_winograd"));
  }
}
