// Finite-difference gradient checks (autograd/gradcheck.h) of the
// spatial ops: conv2d (stride, asymmetric padding, dilation, weight and bias
// gradients, fused ReLU), max / average / global pooling (ceil mode), LRN.
// Inputs of max pooling and ReLU are built away from kinks, so those checks
// must pass with no element skipped.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using namespace dream::autograd;

namespace {

// Values spaced `spacing` apart in a random order: no two elements of a
// pooling window are within a finite-difference step of a tie.
Tensor distinct_tensor(const Shape& shape, uint32_t seed, float spacing = 0.05f) {
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  std::iota(v.begin(), v.end(), 0.0f);
  std::mt19937 rng(seed);
  std::shuffle(v.begin(), v.end(), rng);
  const float mid = 0.5f * static_cast<float>(v.size());
  for (float& x : v) x = (x - mid) * spacing;
  return Tensor(shape, v);
}

void expect_pass(const GradCheckResult& r, bool kinks_allowed = false) {
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
  CHECK(r.max_rel_error < 1e-3);
  if (kinks_allowed) {
    CHECK(r.skipped_kinks * 20 <= r.checked);  // at most 5% of the elements sit near a kink
  } else {
    CHECK(r.skipped_kinks == 0);
  }
}

GraphBuilder conv_graph(const ConvSpec& s, bool with_bias) {
  return [s, with_bias](Tape& t, const std::vector<Variable>& v) {
    return conv2d(t, v[0], v[1], with_bias ? v[2] : Variable(), s);
  };
}

}  // namespace

TEST_CASE("conv2d gradients of input, weight and bias: stride, asymmetric padding, dilation", "[autograd][conv2d]") {
  ConvSpec s;
  Shape xs{1, 3, 7, 6}, ws{4, 3, 3, 2};
  SECTION("stride 2x1, pads t1 l0 b2 r1") {
    s.stride_h = 2;
    s.pad_top = 1;
    s.pad_bottom = 2;
    s.pad_right = 1;
  }
  SECTION("dilation 2x1, stride 1x2, pads t0 l2 b1 r0") {
    s.dil_h = 2;
    s.stride_w = 2;
    s.pad_left = 2;
    s.pad_bottom = 1;
  }
  SECTION("batch of 2, stride 3 > kernel, pads 2") {
    xs = {2, 3, 8, 7};
    s.stride_h = s.stride_w = 3;
    s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 2;
  }
  std::vector<GradCheckInput> in{
      {"x", test::random_tensor(xs, 1)}, {"w", test::random_tensor(ws, 2)}, {"b", test::random_tensor({4}, 3)}};
  expect_pass(check_gradients(conv_graph(s, true), in));
}

TEST_CASE("conv2d gradients without bias and with only some inputs requiring grad", "[autograd][conv2d]") {
  ConvSpec s;
  s.pad_top = s.pad_left = 1;
  std::vector<GradCheckInput> in{{"x", test::random_tensor({1, 2, 5, 5}, 4)},
                                 {"w", test::random_tensor({3, 2, 3, 3}, 5)},
                                 {"b", test::random_tensor({3}, 6)}};
  SECTION("no bias") { expect_pass(check_gradients(conv_graph(s, false), {in[0], in[1]})); }
  SECTION("only the input") {
    in[1].requires_grad = in[2].requires_grad = false;
    expect_pass(check_gradients(conv_graph(s, true), in));
  }
  SECTION("only the bias (computed without the weight-gradient kernel)") {
    in[0].requires_grad = in[1].requires_grad = false;
    expect_pass(check_gradients(conv_graph(s, true), in));
  }
  SECTION("only the weights") {
    in[0].requires_grad = in[2].requires_grad = false;
    expect_pass(check_gradients(conv_graph(s, true), in));
  }
}

TEST_CASE("conv2d with fused ReLU: forward equals relu(conv), gradients check", "[autograd][conv2d]") {
  ConvSpec plain;
  plain.stride_w = 2;
  plain.pad_top = plain.pad_bottom = plain.pad_left = 1;
  ConvSpec fused = plain;
  fused.fuse_relu = true;
  Tensor x = test::random_tensor({1, 3, 6, 7}, 7), w = test::random_tensor({5, 3, 3, 3}, 8),
         b = test::random_tensor({5}, 9);
  Tape t;
  Variable xv = t.constant(x), wv = t.constant(w), bv = t.constant(b);
  Variable a = conv2d(t, xv, wv, bv, fused);
  Variable r = relu(t, conv2d(t, xv, wv, bv, plain));
  REQUIRE(a.shape() == r.shape());
  CHECK_ALL_CLOSE(a.value().data(), r.value().data(), a.value().numel(), 0.0, 0.0);

  std::vector<GradCheckInput> in{{"x", x}, {"w", w}, {"b", b}};
  expect_pass(check_gradients(conv_graph(fused, true), in), true);
}

TEST_CASE("relu gradient away from the kink", "[autograd][relu]") {
  Tensor x = distinct_tensor({1, 2, 3, 5}, 10, 0.1f);
  for (int64_t i = 0; i < x.numel(); ++i)
    if (x[i] == 0.0f) x[i] = 0.05f;
  expect_pass(check_gradients([](Tape& t, const std::vector<Variable>& v) { return relu(t, v[0]); }, {{"x", x}}));
}

TEST_CASE("max_pool2d gradient: ceil mode, asymmetric pads, batch", "[autograd][pool]") {
  PoolSpec s;
  s.kh = s.kw = 3;
  s.stride_h = s.stride_w = 2;
  s.ceil_mode = true;
  Shape xs{1, 2, 8, 7};
  SECTION("ceil mode, no pads") {}
  SECTION("ceil mode, pads t1 l0 b0 r1") {
    s.pad_top = 1;
    s.pad_right = 1;
  }
  SECTION("floor mode, kernel 2, stride 3 (gaps), batch 2") {
    xs = {2, 2, 7, 8};
    s.kh = s.kw = 2;
    s.stride_h = s.stride_w = 3;
    s.ceil_mode = false;
  }
  auto f = [s](Tape& t, const std::vector<Variable>& v) { return max_pool2d(t, v[0], s); };
  expect_pass(check_gradients(f, {{"x", distinct_tensor(xs, 11)}}));
}

TEST_CASE("avg_pool2d gradient: ceil mode, pads counted and not counted", "[autograd][pool]") {
  PoolSpec s;
  s.kh = 3;
  s.kw = 2;
  s.stride_h = 2;
  s.stride_w = 2;
  s.pad_top = 1;
  s.pad_left = 1;
  s.pad_bottom = 0;
  s.pad_right = 1;
  s.ceil_mode = true;
  SECTION("count_include_pad = false") { s.count_include_pad = false; }
  SECTION("count_include_pad = true") { s.count_include_pad = true; }
  auto f = [s](Tape& t, const std::vector<Variable>& v) { return avg_pool2d(t, v[0], s); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({2, 3, 6, 7}, 12)}}));
}

TEST_CASE("global_avg_pool gradient", "[autograd][pool]") {
  auto f = [](Tape& t, const std::vector<Variable>& v) { return global_avg_pool(t, v[0]); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({2, 3, 4, 5}, 13)}}));
}

TEST_CASE("lrn gradient (alpha large enough to be far from linear)", "[autograd][lrn]") {
  LrnSpec s;
  SECTION("size 5, Caffe GoogLeNet beta and bias") {
    s.size = 5;
    s.alpha = 0.5f;
    s.beta = 0.75f;
    s.bias = 1.0f;
  }
  SECTION("size 3, bias 2, beta 0.5") {
    s.size = 3;
    s.alpha = 1.0f;
    s.beta = 0.5f;
    s.bias = 2.0f;
  }
  SECTION("size 4 (even: window [c-1, c+2]), batch 2") {
    s.size = 4;
    s.alpha = 0.8f;
  }
  auto f = [s](Tape& t, const std::vector<Variable>& v) { return lrn(t, v[0], s); };
  expect_pass(check_gradients(f, {{"x", test::random_tensor({2, 7, 3, 4}, 14, -2.0f, 2.0f)}}));
}
