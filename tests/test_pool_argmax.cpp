// Max pooling with a recorded argmax (pool_argmax.cpp): at every SIMD level
// the CPU has, the values against maxpool2d_forward_ref, each index against
// a naive row-major first-maximum search written here, and the scatter
// backward against maxpool2d_backward_ref -- on inputs full of ties (the
// reference's rule, first maximum in row-major order, must hold exactly),
// -inf pixels, odd sizes, padding and ceil-mode edge windows.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

#include "tensor/cpu_features.h"
#include "tensor/error.h"
#include "tensor/pool.h"
#include "tests/support/tensor_testing.h"

using namespace dream;

namespace {

std::vector<SimdLevel> supported_levels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::Scalar, SimdLevel::Neon, SimdLevel::Avx2, SimdLevel::Avx512})
    if (cpu_supports(l)) levels.push_back(l);
  return levels;
}

Pool2dParams pool(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t s, int64_t pad, bool ceil_mode) {
  Pool2dParams p;
  p.n = n, p.c = c, p.h_in = h, p.w_in = w, p.kh = k, p.kw = k, p.stride_h = s, p.stride_w = s;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = pad;
  p.ceil_mode = ceil_mode;
  return p;
}

// GoogLeNet's windows (3x3 stride 1 pad 1, 3x3 stride 2 ceil) on odd and
// even sizes, plus other kernels and strides for the general path.
std::vector<Pool2dParams> configs() {
  std::vector<Pool2dParams> v;
  for (bool ceil_mode : {false, true}) {
    v.push_back(pool(2, 3, 1, 1, 1, 1, 0, ceil_mode));
    v.push_back(pool(1, 5, 9, 9, 3, 1, 1, ceil_mode));
    v.push_back(pool(1, 5, 16, 16, 3, 2, 0, ceil_mode));
    v.push_back(pool(1, 5, 17, 19, 3, 2, 0, ceil_mode));
    v.push_back(pool(2, 3, 17, 19, 3, 2, 1, ceil_mode));
    v.push_back(pool(1, 3, 13, 13, 3, 3, 2, ceil_mode));   // pad 2 of a 3-wide kernel
    v.push_back(pool(1, 3, 2, 2, 3, 1, 1, ceil_mode));     // every window clipped
    v.push_back(pool(1, 3, 11, 14, 2, 2, 1, ceil_mode));   // even kernel
    v.push_back(pool(1, 3, 13, 12, 5, 3, 2, ceil_mode));   // wider kernel, stride 3
    v.push_back(pool(1, 3, 11, 7, 2, 3, 1, ceil_mode));    // stride > kernel
    v.push_back(pool(1, 37, 23, 41, 3, 1, 1, ceil_mode));  // large enough to run threaded
    Pool2dParams a = pool(2, 3, 9, 12, 3, 2, 0, ceil_mode);
    a.kw = 4, a.stride_w = 3, a.pad_top = 2, a.pad_bottom = 0, a.pad_left = 1, a.pad_right = 3;
    v.push_back(a);
    Pool2dParams b = pool(1, 2, 10, 33, 3, 1, 0, ceil_mode);
    b.kh = 1, b.stride_h = 2, b.pad_left = 2, b.pad_right = 1;
    v.push_back(b);
  }
  return v;
}

std::string describe(const Pool2dParams& p) {
  std::ostringstream s;
  s << "n=" << p.n << " c=" << p.c << " in=" << p.h_in << "x" << p.w_in << " k=" << p.kh << "x" << p.kw
    << " s=" << p.stride_h << "x" << p.stride_w << " pads(t,l,b,r)=" << p.pad_top << "," << p.pad_left << ","
    << p.pad_bottom << "," << p.pad_right << " ceil=" << p.ceil_mode;
  return s.str();
}

// Inputs: distinct values, few levels (ties everywhere), one constant value,
// and few levels with -inf pixels.
std::vector<float> input(const Pool2dParams& p, int kind, uint32_t seed) {
  const int64_t n = p.n * p.c * p.h_in * p.w_in;
  std::vector<float> v = dream::test::random_floats(n, seed, -2.0f, 2.0f);
  std::mt19937 rng(seed);
  for (float& x : v) {
    if (kind == 1) x = float(int(rng() % 3) - 1);
    if (kind == 2) x = 0.5f;
    if (kind == 3) x = rng() % 4 == 0 ? -std::numeric_limits<float>::infinity() : float(int(rng() % 2));
  }
  return v;
}

// Naive: scan each window row-major from its first real pixel, keep the
// first strictly larger value.
std::vector<int32_t> naive_argmax(const Pool2dParams& p, const std::vector<float>& in) {
  const int64_t ho = p.h_out(), wo = p.w_out();
  std::vector<int32_t> arg;
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in.data() + plane * p.h_in * p.w_in;
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        int64_t best = -1;
        for (int64_t y = oy * p.stride_h - p.pad_top; y < oy * p.stride_h - p.pad_top + p.kh; ++y)
          for (int64_t x = ox * p.stride_w - p.pad_left; x < ox * p.stride_w - p.pad_left + p.kw; ++x) {
            if (y < 0 || y >= p.h_in || x < 0 || x >= p.w_in) continue;
            if (best < 0 || src[y * p.w_in + x] > src[best]) best = y * p.w_in + x;
          }
        arg.push_back(int32_t(best));
      }
  }
  return arg;
}

}  // namespace

TEST_CASE("max pool argmax: values, indices and scatter backward match the references", "[pool][argmax]") {
  for (SimdLevel level : supported_levels()) {
    ScopedSimdLevel scoped(level);
    uint32_t seed = 1;
    for (const Pool2dParams& p : configs()) {
      for (int kind = 0; kind < 4; ++kind) {
        INFO(simd_level_name(level) << " " << describe(p) << " input kind " << kind);
        const size_t in_n = size_t(p.n * p.c * p.h_in * p.w_in), out_n = size_t(p.n * p.c * p.h_out() * p.w_out());
        const std::vector<float> x = input(p, kind, seed++);
        const std::vector<float> g = dream::test::random_floats(int64_t(out_n), seed++);
        std::vector<float> y(out_n, 7.0f), y_ref(out_n, -7.0f);
        std::vector<int32_t> arg(out_n, -1);
        maxpool2d_forward_argmax(p, x.data(), y.data(), arg.data());
        maxpool2d_forward_ref(p, x.data(), y_ref.data());
        CHECK(y == y_ref);
        CHECK(arg == naive_argmax(p, x));

        std::vector<float> gi(in_n, 3.0f), gi_ref(in_n, -3.0f), gi_search(in_n, 5.0f);
        maxpool2d_backward_argmax(p, arg.data(), g.data(), gi.data());
        maxpool2d_backward_ref(p, x.data(), g.data(), gi_ref.data());
        maxpool2d_backward(p, x.data(), g.data(), gi_search.data());
        CHECK(gi == gi_ref);  // same additions in the same order
        CHECK(gi_search == gi_ref);
      }
    }
  }
}

TEST_CASE("max pool argmax by hand: ties go to the first maximum, row-major", "[pool][argmax]") {
  // 3x3 stride 1 pad 1 on a 3x3 plane of
  //   1 2 2
  //   2 0 2
  //   1 2 1
  // The window at (0, 0) holds rows 0..1, columns 0..1: max 2 first at (0, 1).
  // The window at (1, 1) holds everything: first 2 at (0, 1) as well.
  // The window at (2, 0) holds rows 1..2, columns 0..1: first 2 at (1, 0).
  const std::vector<float> x = {1, 2, 2, 2, 0, 2, 1, 2, 1};
  Pool2dParams p = pool(1, 1, 3, 3, 3, 1, 1, false);
  std::vector<float> y(9);
  std::vector<int32_t> arg(9);
  maxpool2d_forward_argmax(p, x.data(), y.data(), arg.data());
  CHECK(y == std::vector<float>(9, 2.0f));
  CHECK(arg == std::vector<int32_t>{1, 1, 1, 1, 1, 1, 3, 3, 5});
  const std::vector<float> g = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> gi(9, -1.0f);
  maxpool2d_backward_argmax(p, arg.data(), g.data(), gi.data());
  CHECK(gi == std::vector<float>{0, 1 + 2 + 3 + 4 + 5 + 6, 0, 7 + 8, 0, 9, 0, 0, 0});
}

TEST_CASE("max pool argmax refuses planes beyond 32-bit indices", "[pool][argmax]") {
  // Checked before any pixel is read, so no buffers are needed.
  Pool2dParams p = pool(1, 1, 50000, 50000, 3, 2, 0, true);
  CHECK_THROWS_WITH(maxpool2d_forward_argmax(p, nullptr, nullptr, nullptr), Catch::Contains("32-bit"));
  CHECK_THROWS_WITH(maxpool2d_backward_argmax(p, nullptr, nullptr, nullptr), Catch::Contains("32-bit"));
}
