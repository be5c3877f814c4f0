// Softmax: known values, against the double reference, backward against
// finite differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tensor/error.h"
#include "tensor/softmax.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

TEST_CASE("softmax of [1, 2, 3]", "[softmax]") {
  std::vector<float> x = {1, 2, 3}, y(3);
  softmax_forward(1, 3, x.data(), y.data());
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  CHECK(y[0] == Approx(std::exp(1.0) / z));  // 0.0900306
  CHECK(y[1] == Approx(std::exp(2.0) / z));  // 0.2447285
  CHECK(y[2] == Approx(std::exp(3.0) / z));  // 0.6652410
  CHECK(y[0] == Approx(0.0900306).epsilon(1e-6));
  // Large inputs do not overflow (the row maximum is subtracted).
  x = {1000, 1001, 1002};
  softmax_forward(1, 3, x.data(), y.data());
  CHECK(y[2] == Approx(0.6652410).epsilon(1e-6));
  CHECK_THROWS_AS(softmax_forward(1, 0, x.data(), y.data()), dream::Error);
}

TEST_CASE("softmax matches the reference", "[softmax]") {
  uint32_t seed = 1;
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {2, 3}, {3, 17}, {2, 1000}, {5, 1008}, {67, 1000}}) {
    INFO(rows << "x" << cols);
    std::vector<float> x = random_floats(rows * cols, seed++, -10.0f, 10.0f), g = random_floats(rows * cols, seed++);
    std::vector<float> y(x.size()), yr(x.size()), gi(x.size()), gr(x.size());
    softmax_forward(rows, cols, x.data(), y.data());
    softmax_forward_ref(rows, cols, x.data(), yr.data());
    CHECK_ALL_CLOSE(y.data(), yr.data(), rows * cols, 1e-5, 1e-12);
    softmax_backward(rows, cols, yr.data(), g.data(), gi.data());
    softmax_backward_ref(rows, cols, yr.data(), g.data(), gr.data());
    CHECK_ALL_CLOSE(gi.data(), gr.data(), rows * cols, 1e-4, 1e-7);
  }
}

TEST_CASE("softmax backward matches finite differences", "[softmax][gradient]") {
  uint32_t seed = 10;
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {2, 3}, {3, 17}, {2, 64}}) {
    INFO(rows << "x" << cols);
    std::vector<float> x = random_floats(rows * cols, seed++, -2.0f, 2.0f), g = random_floats(rows * cols, seed++);
    std::vector<float> y(x.size()), gi(x.size());
    softmax_forward_ref(rows, cols, x.data(), y.data());
    auto f = [&](const float* in, float* out) { softmax_forward_ref(rows, cols, in, out); };
    softmax_backward(rows, cols, y.data(), g.data(), gi.data());
    if (cols == 1) {
      CHECK(gi[0] == 0.0f);  // a one-column softmax is constant 1
      continue;
    }
    CHECK_GRADIENT(dream::test::finite_difference_check(f, x, rows * cols, g, gi, 1e-2f, 1e-3));
  }
}

TEST_CASE("softmax matches PyTorch", "[softmax][fixture]") {
  dream::test::KernelFixture fx = dream::test::read_kernel_fixture("softmax_3x10");
  std::vector<float> y(fx.out.size());
  softmax_forward(fx.in_shape[0], fx.in_shape[1], fx.in.data(), y.data());
  CHECK_ALL_CLOSE(y.data(), fx.out.data(), int64_t(y.size()), 1e-5, 1e-7);
}
