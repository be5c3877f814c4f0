// Circular roll: by hand, against the reference, undone by the opposite roll
// (which is its adjoint: a permutation's transpose is its inverse).
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "tensor/roll.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

TEST_CASE("roll by (1, 2) on a 3x4 plane", "[roll]") {
  std::vector<float> in(12), out(12);
  std::iota(in.begin(), in.end(), 0.0f);
  // in = [[0 1 2 3] [4 5 6 7] [8 9 10 11]]; numpy.roll(in, (1, 2), (0, 1)):
  roll2d(1, 3, 4, 1, 2, in.data(), out.data());
  CHECK(out == std::vector<float>{10, 11, 8, 9, 2, 3, 0, 1, 6, 7, 4, 5});
  roll2d(1, 3, 4, -1, -2, in.data(), out.data());
  CHECK(out == std::vector<float>{6, 7, 4, 5, 10, 11, 8, 9, 2, 3, 0, 1});
  roll2d(1, 3, 4, 3, 8, in.data(), out.data());  // whole turns: identity
  CHECK(out == in);
}

TEST_CASE("roll matches the reference, undoes itself and is its own adjoint's inverse", "[roll]") {
  uint32_t seed = 1;
  for (int64_t planes : {1, 3, 6}) {
    for (auto [h, w] : {std::pair<int64_t, int64_t>{1, 1}, {1, 7}, {5, 1}, {13, 17}, {32, 33}, {128, 129}}) {
      for (auto [dy, dx] : {std::pair<int64_t, int64_t>{0, 0}, {1, 2}, {-3, 5}, {40, -41}, {h, w}}) {
        INFO(planes << " planes " << h << "x" << w << " roll (" << dy << ", " << dx << ")");
        std::vector<float> x = random_floats(planes * h * w, seed++);
        std::vector<float> a(x.size()), b(x.size()), back(x.size());
        roll2d(planes, h, w, dy, dx, x.data(), a.data());
        roll2d_ref(planes, h, w, dy, dx, x.data(), b.data());
        CHECK(a == b);
        roll2d(planes, h, w, -dy, -dx, a.data(), back.data());
        CHECK(back == x);
        std::vector<float> y = random_floats(planes * h * w, seed++);
        auto f = [&](const float* in, float* out) { roll2d(planes, h, w, dy, dx, in, out); };
        auto ft = [&](const float* in, float* out) { roll2d(planes, h, w, -dy, -dx, in, out); };
        CHECK(dream::test::adjoint_mismatch(f, ft, x, y) < 1e-12);
      }
    }
  }
}
