// The direct (implicit-GEMM) convolution (tensor/conv2d_direct.h) against the
// naive conv2d_forward_ref / conv2d_backward_input_ref: conv1's geometry
// (7x7, stride 2, pad 3) on small odd images, 5x5 pad 2 at GoogLeNet's map
// sizes and odd widths, channel counts that do not divide the tiles, bias or
// none, batches, asymmetric pads, images cut into several bands; at every
// SIMD level this CPU has, every GEMM backend and 1-3 threads. Also the
// dispatch (conv2d_forward uses it where preferred) and the error for shapes
// it cannot run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/conv2d_direct.h"
#include "tensor/error.h"
#include "tests/conv2d_testing.h"
#include "tests/support/tensor_testing.h"

using dream::Conv2dParams;
using dream::test::for_each_configuration;
using dream::test::input_size;
using dream::test::make;
using dream::test::output_size;
using dream::test::weight_size;

namespace {

struct DirectCase {
  std::string name;
  Conv2dParams p;
  bool bias;
};

// (n, ci, h, w, co), square kernel k, stride s, the same pad on every side.
Conv2dParams square(int64_t n, int64_t ci, int64_t h, int64_t w, int64_t co, int64_t k, int64_t s, int64_t pad) {
  return make(n, ci, h, w, co, k, k, s, s, 1, 1, pad, pad, pad, pad);
}

std::vector<DirectCase> cases() {
  return {
      {"conv1-like 7x7 s2 pad 3 3->64 37x29", square(1, 3, 37, 29, 64, 7, 2, 3), true},
      {"conv1-like 7x7 s2 pad 3 3->5 N=2 16x17", square(2, 3, 16, 17, 5, 7, 2, 3), false},
      {"conv1-like 7x7 s2 pad 3 3->64 66x70 (several bands)", square(1, 3, 66, 70, 64, 7, 2, 3), true},
      {"7x7 s2 pad 3 3->3 9x8", square(1, 3, 9, 8, 3, 7, 2, 3), true},
      {"7x7 s2 pad 3 3->2 7x7", square(1, 3, 7, 7, 2, 7, 2, 3), false},
      {"5x5 pad 2 24->64 14x14 (4c at 224)", square(1, 24, 14, 14, 64, 5, 1, 2), true},
      {"5x5 pad 2 16->48 16x16 N=2", square(2, 16, 16, 16, 48, 5, 1, 2), false},
      {"5x5 pad 2 32->96 32x32", square(1, 32, 32, 32, 96, 5, 1, 2), true},
      {"5x5 pad 2 3->5 13x11 (odd widths)", square(1, 3, 13, 11, 5, 5, 1, 2), true},
      {"5x5 pad 2 17->33 9x37", square(1, 17, 9, 37, 33, 5, 1, 2), false},
      {"5x5 pad 2 16->32 64x64", square(1, 16, 64, 64, 32, 5, 1, 2), true},
      {"5x5 no pad 4->7 9x10", square(1, 4, 9, 10, 7, 5, 1, 0), true},
      {"3x3 pad 1 160->20 16x16", square(1, 160, 16, 16, 20, 3, 1, 1), true},
      // Weights of 64 Ki floats or more on a map that is one band: threads
      // split the output channels (9 panels of 8: unequal shares), not rows.
      {"3x3 pad 1 160->70 16x16 (channels split between threads)", square(1, 160, 16, 16, 70, 3, 1, 1), true},
      {"5x5 pad 2 48->128 16x16 N=2 (channels split, 5b-like)", square(2, 48, 16, 16, 128, 5, 1, 2), false},
      {"3x3 stride 2 pad 1 5->6 11x12", square(1, 5, 11, 12, 6, 3, 2, 1), true},
      {"1x1 image 5x5 pad 2", square(1, 3, 1, 1, 4, 5, 1, 2), true},
      {"asymmetric pads 0,2,3,1 5x5", make(1, 3, 8, 19, 9, 5, 5, 1, 1, 1, 1, 0, 2, 3, 1), true},
      {"asymmetric pads 3,0,1,2 stride 2", make(2, 2, 13, 21, 4, 5, 5, 2, 2, 1, 1, 3, 0, 1, 2), false},
      {"pad 4 > kernel 3", square(1, 2, 5, 6, 3, 3, 1, 4), true},
      {"2x2 stride 2 (even kernel)", square(1, 3, 10, 9, 4, 2, 2, 0), true},
      {"1x1 stride 2 (strided pointwise)", square(1, 5, 9, 9, 6, 1, 2, 0), true},
  };
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The same sums as the reference in a different order.
void check_close_to_reference(const std::vector<float>& got, const std::vector<float>& expected) {
  dream::test::check_close_to_reference(got, expected, 1e-5);
}

}  // namespace

TEST_CASE("conv2d_forward_direct matches conv2d_forward_ref", "[conv2d][direct]") {
  uint32_t seed = 3000;
  for (const DirectCase& c : cases()) {
    INFO("case " << c.name);
    const auto x = dream::test::random_floats(input_size(c.p), seed++);
    const auto w = dream::test::random_floats(weight_size(c.p), seed++);
    const auto b = dream::test::random_floats(c.p.c_out, seed++);
    const float* bias = c.bias ? b.data() : nullptr;
    std::vector<float> expected(output_size(c.p));
    dream::conv2d_forward_ref(c.p, x.data(), w.data(), bias, expected.data());
    for_each_configuration([&] {
      std::vector<float> got(expected.size(), kNaN);  // every output must be written
      dream::conv2d_forward_direct(c.p, x.data(), w.data(), bias, got.data());
      check_close_to_reference(got, expected);
    });
  }
}

TEST_CASE("conv2d_backward_input_direct matches conv2d_backward_input_ref", "[conv2d][direct]") {
  uint32_t seed = 4000;
  for (const DirectCase& c : cases()) {
    INFO("case " << c.name);
    const auto dy = dream::test::random_floats(output_size(c.p), seed++);
    const auto w = dream::test::random_floats(weight_size(c.p), seed++);
    std::vector<float> expected(input_size(c.p));
    dream::conv2d_backward_input_ref(c.p, dy.data(), w.data(), expected.data());
    for_each_configuration([&] {
      std::vector<float> got(expected.size(), kNaN);  // every input pixel must be written
      dream::conv2d_backward_input_direct(c.p, dy.data(), w.data(), got.data());
      check_close_to_reference(got, expected);
    });
  }
}

// One nonzero input pixel and one nonzero tap: the output is exactly that
// tap's weight at one shifted position, so a flipped filter, a wrong phase
// or an off-by-one pad moves the spike.
TEST_CASE("conv2d direct puts a single tap at the right pixel", "[conv2d][direct]") {
  for (int64_t s : {1, 2}) {
    const Conv2dParams p = make(1, 1, 11, 12, 1, 5, 5, s, s, 1, 1, 2, 1, 0, 2);
    for (int tap = 0; tap < 25; ++tap) {
      INFO("stride " << s << ", tap " << tap);
      std::vector<float> x(input_size(p), 0.0f), w(25, 0.0f);
      x[5 * p.w_in + 6] = 1.0f;
      w[tap] = 1.0f;
      std::vector<float> expected(output_size(p)), got(output_size(p), kNaN);
      dream::conv2d_forward_ref(p, x.data(), w.data(), nullptr, expected.data());
      dream::conv2d_forward_direct(p, x.data(), w.data(), nullptr, got.data());
      CHECK_ALL_CLOSE(got.data(), expected.data(), output_size(p), 0.0, 1e-6);
      std::vector<float> dy(output_size(p), 0.0f);
      dy[(p.h_out() / 2) * p.w_out() + p.w_out() / 2] = 1.0f;
      std::vector<float> expected_in(input_size(p)), got_in(input_size(p), kNaN);
      dream::conv2d_backward_input_ref(p, dy.data(), w.data(), expected_in.data());
      dream::conv2d_backward_input_direct(p, dy.data(), w.data(), got_in.data());
      CHECK_ALL_CLOSE(got_in.data(), expected_in.data(), input_size(p), 0.0, 1e-6);
    }
  }
}

TEST_CASE("conv2d_forward and conv2d_backward_input run conv1 and 5x5 shapes correctly through the dispatcher",
          "[conv2d][direct]") {
  const Conv2dParams shapes[] = {
      square(1, 3, 64, 64, 64, 7, 2, 3),   // conv1/7x7_s2 at 64x64
      square(2, 24, 32, 32, 64, 5, 1, 2),  // inception_4c/5x5 at 512 input, N = 2
      square(1, 16, 64, 64, 32, 5, 1, 2),  // inception_3a/5x5 at 512 input
  };
  uint32_t seed = 5000;
  for (const Conv2dParams& p : shapes) {
    INFO("kernel " << p.kh << " stride " << p.stride_h << " " << p.c_in << "->" << p.c_out << " at " << p.h_in);
    REQUIRE(dream::conv2d_direct_preferred(p));
    CHECK(dream::conv2d_direct_backward_input_preferred(p) == (p.stride_h == 1));
    const auto x = dream::test::random_floats(input_size(p), seed++);
    const auto w = dream::test::random_floats(weight_size(p), seed++);
    const auto b = dream::test::random_floats(p.c_out, seed++);
    const auto dy = dream::test::random_floats(output_size(p), seed++);
    std::vector<float> out_ref(output_size(p)), gin_ref(input_size(p));
    dream::conv2d_forward_ref(p, x.data(), w.data(), b.data(), out_ref.data());
    dream::conv2d_backward_input_ref(p, dy.data(), w.data(), gin_ref.data());
    for_each_configuration([&] {
      std::vector<float> out(output_size(p), kNaN), gin(input_size(p), kNaN);
      dream::conv2d_forward(p, x.data(), w.data(), b.data(), out.data());
      dream::conv2d_backward_input(p, dy.data(), w.data(), gin.data());
      check_close_to_reference(out, out_ref);
      check_close_to_reference(gin, gin_ref);
    });
  }
  // Shapes it cannot run are never preferred.
  CHECK_FALSE(dream::conv2d_direct_preferred(make(1, 3, 64, 64, 64, 7, 7, 3, 3, 1, 1, 3, 3, 3, 3)));
  CHECK_FALSE(dream::conv2d_direct_preferred(make(1, 3, 64, 64, 64, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4)));
  CHECK_FALSE(dream::conv2d_direct_backward_input_preferred(make(1, 3, 64, 64, 64, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4)));
}

TEST_CASE("conv2d direct rejects shapes it cannot run, naming them", "[conv2d][direct]") {
  struct Bad {
    const char* what;
    Conv2dParams p;
  };
  const Bad bad[] = {
      {"stride 3x3", make(1, 2, 8, 8, 2, 5, 5, 3, 3, 1, 1, 2, 2, 2, 2)},
      {"stride 1x2", make(1, 2, 8, 8, 2, 5, 5, 1, 2, 1, 1, 2, 2, 2, 2)},
      {"dilation 2x2", make(1, 2, 8, 8, 2, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)},
  };
  std::vector<float> buffer(4096, 0.0f);
  for (const Bad& b : bad) {
    INFO(b.what);
    CHECK_FALSE(dream::conv2d_direct_supported(b.p));
    CHECK_THROWS_WITH(dream::conv2d_forward_direct(b.p, buffer.data(), buffer.data(), nullptr, buffer.data()),
                      Catch::Contains(b.what) && Catch::Contains("conv2d_forward_direct"));
    CHECK_THROWS_WITH(dream::conv2d_backward_input_direct(b.p, buffer.data(), buffer.data(), buffer.data()),
                      Catch::Contains(b.what) && Catch::Contains("conv2d_backward_input_direct"));
  }
}
