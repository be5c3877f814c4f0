// Elementwise kernels at every SIMD level this CPU has against the *_ref
// loops (themselves checked on hand-computed values), on lengths around the
// vector widths and the thread-block size, out of place and in place.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "support/tensor_testing.h"
#include "tensor/cpu_features.h"
#include "tensor/elementwise.h"

namespace dream {
namespace {

std::vector<SimdLevel> supported_levels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512})
    if (cpu_supports(l)) levels.push_back(l);
  return levels;
}

// Lengths around 4/8/16-float vectors, the 4-vector reduction step, the
// 1024-float reduction run and the 65536-float thread block.
const int64_t kLengths[] = {0, 1, 3, 7, 8, 15, 16, 17, 63, 64, 65, 1000, 1025, 4099, 65536, 65537, 200003};

// Random values with exact zeros, negative zeros and a NaN sprinkled in, so
// ReLU's "> 0" edge cases are exercised.
std::vector<float> input(int64_t n, uint32_t seed) {
  std::vector<float> v = test::random_floats(n, seed, -2.0f, 2.0f);
  for (int64_t i = 0; i < n; i += 7) v[static_cast<size_t>(i)] = 0.0f;
  for (int64_t i = 3; i < n; i += 11) v[static_cast<size_t>(i)] = -0.0f;
  return v;
}

// Bitwise equality: relu/add/scale do the same float operation per element
// as the reference, so any difference (including +0 vs -0) is a bug.
void check_identical(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const bool same = std::memcmp(&got[i], &want[i], sizeof(float)) == 0;
    if (!same) {
      INFO("index " << i << " of " << got.size() << ": got " << got[i] << " want " << want[i]);
      CHECK(same);
      return;
    }
  }
}

}  // namespace

TEST_CASE("elementwise references give hand-computed values", "[elementwise]") {
  const float x[] = {-1.0f, 0.0f, 2.0f, -0.0f, 3.5f};
  const float g[] = {10.0f, 20.0f, 30.0f, 40.0f, 50.0f};
  float out[5];
  relu_forward_ref(5, x, out);
  CHECK(std::vector<float>(out, out + 5) == std::vector<float>{0.0f, 0.0f, 2.0f, 0.0f, 3.5f});
  CHECK_FALSE(std::signbit(out[3]));  // -0 becomes +0
  relu_backward_ref(5, x, g, out);
  CHECK(std::vector<float>(out, out + 5) == std::vector<float>{0.0f, 0.0f, 30.0f, 0.0f, 50.0f});
  add_ref(5, x, g, out);
  CHECK(out[0] == 9.0f);
  CHECK(out[4] == 53.5f);
  scale_ref(5, -2.0f, x, out);
  CHECK(out[2] == -4.0f);
  std::vector<float> y(g, g + 5);
  axpy_ref(5, 2.0f, x, y.data());
  CHECK(y == std::vector<float>{8.0f, 20.0f, 34.0f, 40.0f, 57.0f});
  CHECK(sum_ref(5, x) == 4.5);
  CHECK(sum_abs_ref(5, x) == 6.5);
  CHECK(sum_squares_ref(5, x) == 1.0 + 4.0 + 12.25);
}

TEST_CASE("relu forward and backward match the reference at every SIMD level", "[elementwise]") {
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    for (int64_t n : kLengths) {
      INFO("simd=" << simd_level_name(level) << " n=" << n);
      std::vector<float> x = input(n, 10 + static_cast<uint32_t>(n));
      if (n > 5) x[5] = std::numeric_limits<float>::quiet_NaN();
      const std::vector<float> g = test::random_floats(n, 20 + static_cast<uint32_t>(n));
      std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n));
      relu_forward_ref(n, x.data(), want.data());
      relu_forward(n, x.data(), got.data());
      check_identical(got, want);
      std::vector<float> in_place = x;
      relu_forward(n, in_place.data(), in_place.data());
      check_identical(in_place, want);

      relu_backward_ref(n, x.data(), g.data(), want.data());
      relu_backward(n, x.data(), g.data(), got.data());
      check_identical(got, want);
      in_place = g;
      relu_backward(n, x.data(), in_place.data(), in_place.data());
      check_identical(in_place, want);
    }
  }
}

TEST_CASE("add, scale and axpy match the reference at every SIMD level", "[elementwise]") {
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    for (int64_t n : kLengths) {
      INFO("simd=" << simd_level_name(level) << " n=" << n);
      const std::vector<float> a = input(n, 30 + static_cast<uint32_t>(n));
      const std::vector<float> b = input(n, 40 + static_cast<uint32_t>(n));
      std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n));
      add_ref(n, a.data(), b.data(), want.data());
      add(n, a.data(), b.data(), got.data());
      check_identical(got, want);
      std::vector<float> in_place = a;
      add(n, in_place.data(), b.data(), in_place.data());
      check_identical(in_place, want);

      scale_ref(n, -1.75f, a.data(), want.data());
      scale(n, -1.75f, a.data(), got.data());
      check_identical(got, want);
      in_place = a;
      scale(n, -1.75f, in_place.data(), in_place.data());
      check_identical(in_place, want);

      // axpy may use a fused multiply-add (one rounding instead of two).
      want = b;
      axpy_ref(n, 0.3f, a.data(), want.data());
      got = b;
      axpy(n, 0.3f, a.data(), got.data());
      CHECK_ALL_CLOSE(got.data(), want.data(), n, 1e-6, 1e-6);
    }
  }
}

TEST_CASE("sum, sum_abs and sum_squares match the reference at every SIMD level", "[elementwise]") {
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    for (int64_t n : kLengths) {
      INFO("simd=" << simd_level_name(level) << " n=" << n);
      const std::vector<float> x = input(n, 50 + static_cast<uint32_t>(n));
      // Float partial sums over runs of <= 1024 values before the double
      // total: error well under 1e-6 of the summed magnitudes.
      const double scale = sum_abs_ref(n, x.data()) + 1e-30;
      CHECK(std::fabs(sum(n, x.data()) - sum_ref(n, x.data())) <= 1e-6 * scale);
      CHECK(std::fabs(sum_abs(n, x.data()) - sum_abs_ref(n, x.data())) <= 1e-6 * scale);
      const double squares = sum_squares_ref(n, x.data());
      CHECK(std::fabs(sum_squares(n, x.data()) - squares) <= 1e-6 * (squares + 1e-30));
    }
  }
}

}  // namespace dream
