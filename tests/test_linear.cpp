// Fully connected layer: the GEMM version against the double reference, and
// every gradient against finite differences (the layer is linear in each
// argument, so central differences are exact up to rounding).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tensor/error.h"
#include "tensor/linear.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

namespace {
LinearParams linear(int64_t n, int64_t in, int64_t out) {
  LinearParams p;
  p.n = n, p.in_features = in, p.out_features = out;
  return p;
}
}  // namespace

TEST_CASE("linear by hand", "[linear]") {
  // in (1,2) = [1 2], w (3,2) = [[1 0] [0 1] [1 1]], bias [10 20 30]
  std::vector<float> in = {1, 2}, w = {1, 0, 0, 1, 1, 1}, bias = {10, 20, 30}, out(3);
  linear_forward(linear(1, 2, 3), in.data(), w.data(), bias.data(), out.data());
  CHECK(out == std::vector<float>{11, 22, 33});
  linear_forward(linear(1, 2, 3), in.data(), w.data(), nullptr, out.data());
  CHECK(out == std::vector<float>{1, 2, 3});
  CHECK_THROWS_AS(linear_forward(linear(1, 0, 3), in.data(), w.data(), nullptr, out.data()), dream::Error);
}

TEST_CASE("linear matches the reference", "[linear]") {
  uint32_t seed = 1;
  for (LinearParams p :
       {linear(1, 1, 1), linear(2, 17, 5), linear(3, 33, 19), linear(1, 1024, 1000), linear(2, 1024, 1000)}) {
    INFO("n=" << p.n << " in=" << p.in_features << " out=" << p.out_features);
    std::vector<float> x = random_floats(p.n * p.in_features, seed++);
    std::vector<float> w = random_floats(p.out_features * p.in_features, seed++);
    std::vector<float> b = random_floats(p.out_features, seed++);
    std::vector<float> g = random_floats(p.n * p.out_features, seed++);
    std::vector<float> y(static_cast<size_t>(p.n * p.out_features), NAN), yr(y.size());
    double tol = 1e-5 * std::sqrt(double(p.in_features));
    for (const float* bias : std::vector<const float*>{b.data(), nullptr}) {
      linear_forward(p, x.data(), w.data(), bias, y.data());
      linear_forward_ref(p, x.data(), w.data(), bias, yr.data());
      CHECK_ALL_CLOSE(y.data(), yr.data(), int64_t(y.size()), tol, tol);
    }
    std::vector<float> gi(x.size(), NAN), gir(x.size());
    linear_backward_input(p, g.data(), w.data(), gi.data());
    linear_backward_input_ref(p, g.data(), w.data(), gir.data());
    CHECK_ALL_CLOSE(gi.data(), gir.data(), int64_t(gi.size()), tol, tol);
    std::vector<float> gw(w.size(), NAN), gwr(w.size()), gb(b.size(), NAN), gbr(b.size());
    linear_backward_weights(p, x.data(), g.data(), gw.data(), gb.data());
    linear_backward_weights_ref(p, x.data(), g.data(), gwr.data(), gbr.data());
    CHECK_ALL_CLOSE(gw.data(), gwr.data(), int64_t(gw.size()), 1e-5, 1e-6);
    CHECK_ALL_CLOSE(gb.data(), gbr.data(), int64_t(gb.size()), 1e-5, 1e-6);
    linear_backward_weights(p, x.data(), g.data(), gw.data(), nullptr);
    CHECK_ALL_CLOSE(gw.data(), gwr.data(), int64_t(gw.size()), 1e-5, 1e-6);
  }
}

TEST_CASE("linear gradients match finite differences", "[linear][gradient]") {
  uint32_t seed = 20;
  for (LinearParams p : {linear(1, 1, 1), linear(2, 7, 5), linear(3, 12, 9)}) {
    INFO("n=" << p.n << " in=" << p.in_features << " out=" << p.out_features);
    std::vector<float> x = random_floats(p.n * p.in_features, seed++);
    std::vector<float> w = random_floats(p.out_features * p.in_features, seed++);
    std::vector<float> b = random_floats(p.out_features, seed++);
    std::vector<float> g = random_floats(p.n * p.out_features, seed++);
    int64_t out_n = p.n * p.out_features;
    std::vector<float> gi(x.size()), gw(w.size()), gb(b.size());
    linear_backward_input(p, g.data(), w.data(), gi.data());
    linear_backward_weights(p, x.data(), g.data(), gw.data(), gb.data());
    auto f_in = [&](const float* in, float* out) { linear_forward_ref(p, in, w.data(), b.data(), out); };
    auto f_w = [&](const float* wt, float* out) { linear_forward_ref(p, x.data(), wt, b.data(), out); };
    auto f_b = [&](const float* bias, float* out) { linear_forward_ref(p, x.data(), w.data(), bias, out); };
    CHECK_GRADIENT(dream::test::finite_difference_check(f_in, x, out_n, g, gi, 0.1f, 1e-3));
    CHECK_GRADIENT(dream::test::finite_difference_check(f_w, w, out_n, g, gw, 0.1f, 1e-3));
    CHECK_GRADIENT(dream::test::finite_difference_check(f_b, b, out_n, g, gb, 0.1f, 1e-3));
  }
}
