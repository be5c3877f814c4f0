// Finite-difference gradient checks (autograd/gradcheck.h) of the
// non-spatial and resampling ops: concat, slice, linear, softmax, resize,
// blur, roll, add, scale, reshape and the reductions.
#include <catch2/catch.hpp>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using namespace dream::autograd;

namespace {

void expect_pass(const GradCheckResult& r) {
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
  CHECK(r.max_rel_error < 1e-3);
  CHECK(r.skipped_kinks == 0);  // every op here is smooth or linear
}

}  // namespace

TEST_CASE("concat_channels gradient, one part without gradient", "[autograd][concat]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return concat_channels(t, {v[0], v[1], v[2]}); };
  expect_pass(check_gradients(f, {{"a", test::random_tensor({2, 2, 3, 4}, 20)},
                                  {"b", test::random_tensor({2, 1, 3, 4}, 21), false},
                                  {"c", test::random_tensor({2, 3, 3, 4}, 22)}}));
}

TEST_CASE("concat_channels of the same value twice accumulates both gradients", "[autograd][concat]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return concat_channels(t, {v[0], v[1], v[0]}); };
  expect_pass(
      check_gradients(f, {{"a", test::random_tensor({1, 2, 3, 3}, 23)}, {"b", test::random_tensor({1, 1, 3, 3}, 24)}}));
}

TEST_CASE("slice_channels: gradient lands in a zero tensor of the full shape", "[autograd][slice]") {
  // The slice feeds a nonlinear op, and x is used elsewhere too, so the zero
  // fill outside [1, 4) and the accumulation with the other use both matter.
  auto f = [](Tape& t, const std::vector<Variable>& v) {
    Variable s = slice_channels(t, v[0], 1, 4);
    Variable y = add(t, mean_squares(t, s), scale(t, sum(t, v[0]), 0.25f));
    return y;
  };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 6, 3, 2}, 25)}}));

  Tape t;
  Variable x = t.leaf(test::random_tensor({1, 6, 3, 2}, 26), true);
  t.backward(sum(t, slice_channels(t, x, 2, 5)));
  REQUIRE(x.grad().shape() == x.shape());
  for (int64_t c = 0; c < 6; ++c)
    for (int64_t i = 0; i < 6; ++i) CHECK(x.grad()[c * 6 + i] == (c >= 2 && c < 5 ? 1.0f : 0.0f));
}

TEST_CASE("slice_channels forward is a view of its input", "[autograd][slice]") {
  Tape t;
  Variable x = t.constant(test::random_tensor({1, 5, 2, 2}, 27));
  Variable s = slice_channels(t, x, 1, 3);
  CHECK(s.shape() == Shape{1, 2, 2, 2});
  CHECK(s.value().shares_storage_with(x.value()));
  CHECK(s.value().data() == x.value().data() + 4);
}

TEST_CASE("linear gradients of input, weights and bias, 4-D input flattened", "[autograd][linear]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return linear(t, v[0], v[1], v[2]); };
  SECTION("(N, I) input") {
    expect_pass(check_gradients(f, {{"x", test::random_tensor({3, 5}, 30)},
                                    {"w", test::random_tensor({4, 5}, 31)},
                                    {"b", test::random_tensor({4}, 32)}}));
  }
  SECTION("(N, C, 1, 1) input, only bias and input") {
    expect_pass(check_gradients(f, {{"x", test::random_tensor({2, 6, 1, 1}, 33)},
                                    {"w", test::random_tensor({3, 6}, 34), false},
                                    {"b", test::random_tensor({3}, 35)}}));
  }
  SECTION("no bias, only weights") {
    auto g = [](Tape& t, const std::vector<Variable>& v) { return linear(t, v[0], v[1], Variable()); };
    expect_pass(
        check_gradients(g, {{"x", test::random_tensor({2, 3}, 36), false}, {"w", test::random_tensor({5, 3}, 37)}}));
  }
}

TEST_CASE("softmax gradient over the last axis", "[autograd][softmax]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return softmax(t, v[0]); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({3, 7}, 40, -2.0f, 2.0f)}}));
}

TEST_CASE("resize_bilinear gradient, up and down, non-integer ratios", "[autograd][resize]") {
  int64_t ho = 0, wo = 0;
  SECTION("up 4x5 -> 7x9") {
    ho = 7;
    wo = 9;
  }
  SECTION("down 6x7 -> 3x2") {
    ho = 3;
    wo = 2;
  }
  SECTION("mixed 4x5 -> 1x8") {
    ho = 1;
    wo = 8;
  }
  auto f = [ho, wo](Tape& t, const std::vector<Variable>& v) { return resize_bilinear(t, v[0], ho, wo); };
  const Shape xs = ho == 3 ? Shape{1, 2, 6, 7} : Shape{2, 2, 4, 5};
  expect_pass(check_gradients(f, {{"x", test::random_tensor(xs, 41)}}));
}

TEST_CASE("gaussian_blur gradient (the adjoint at replicated borders)", "[autograd][blur]") {
  float sigma = 0.0f;
  SECTION("sigma 0.8") { sigma = 0.8f; }
  SECTION("sigma 1.7: radius 6 wider than the image") { sigma = 1.7f; }
  auto f = [sigma](Tape& t, const std::vector<Variable>& v) { return gaussian_blur(t, v[0], sigma); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 2, 5, 6}, 42)}}));
}

TEST_CASE("roll2d gradient", "[autograd][roll]") {
  int64_t dy = 0, dx = 0;
  SECTION("positive and negative shifts") {
    dy = 2;
    dx = -3;
  }
  SECTION("shifts larger than the image") {
    dy = -7;
    dx = 11;
  }
  auto f = [dy, dx](Tape& t, const std::vector<Variable>& v) { return roll2d(t, v[0], dy, dx); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 2, 4, 5}, 44)}}));
}

TEST_CASE("add, scale and reshape gradients, including add(x, x)", "[autograd][elementwise]") {
  SECTION("add of two values") {
    auto f = [](Tape& t, const std::vector<Variable>& v) { return add(t, v[0], v[1]); };
    expect_pass(check_gradients(f, {{"a", test::random_tensor({2, 3}, 50)}, {"b", test::random_tensor({2, 3}, 51)}}));
  }
  SECTION("add(x, x) and a second use of x") {
    auto f = [](Tape& t, const std::vector<Variable>& v) { return add(t, add(t, v[0], v[0]), softmax(t, v[0])); };
    expect_pass(check_gradients(f, {{"x", test::random_tensor({2, 4}, 52)}}));
  }
  SECTION("scale") {
    auto f = [](Tape& t, const std::vector<Variable>& v) { return scale(t, v[0], -1.75f); };
    expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 2, 2, 3}, 53)}}));
  }
  SECTION("reshape then a shape-sensitive op") {
    auto f = [](Tape& t, const std::vector<Variable>& v) { return softmax(t, reshape(t, v[0], {3, 4})); };
    expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 2, 2, 3}, 54)}}));
  }
}

TEST_CASE("reduction gradients: sum, mean, mean_squares, dot_constant", "[autograd][reduce]") {
  const Tensor g = test::random_tensor({1, 3, 2, 4}, 60);
  GraphBuilder f;
  SECTION("sum") {
    f = [](Tape& t, const std::vector<Variable>& v) { return sum(t, v[0]); };
  }
  SECTION("mean") {
    f = [](Tape& t, const std::vector<Variable>& v) { return mean(t, v[0]); };
  }
  SECTION("mean_squares") {
    f = [](Tape& t, const std::vector<Variable>& v) { return mean_squares(t, v[0]); };
  }
  SECTION("dot_constant") {
    f = [g](Tape& t, const std::vector<Variable>& v) { return dot_constant(t, v[0], g); };
  }
  SECTION("reduction of a reduction's input scaled (chain through a scalar)") {
    f = [](Tape& t, const std::vector<Variable>& v) { return scale(t, mean_squares(t, v[0]), 3.0f); };
  }
  expect_pass(check_gradients(f, {{"x", test::random_tensor({1, 3, 2, 4}, 61)}}));
}

TEST_CASE("reductions give one-element values with the right numbers", "[autograd][reduce]") {
  Tape t;
  Variable x = t.constant(Tensor({2, 2}, std::vector<float>{1.0f, -2.0f, 3.0f, 4.0f}));
  CHECK(sum(t, x).value().numel() == 1);
  CHECK(sum(t, x).value()[0] == Approx(6.0));
  CHECK(mean(t, x).value()[0] == Approx(1.5));
  CHECK(mean_squares(t, x).value()[0] == Approx(7.5));
  CHECK(dot_constant(t, x, Tensor({2, 2}, 2.0f)).value()[0] == Approx(12.0));
}
