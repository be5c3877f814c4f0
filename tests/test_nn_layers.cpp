// nn/ layers against the scalar reference kernels (tensor/*_ref) and naive
// loops written here; their shape rules and the errors that name the layer;
// the Inception block against the same module composed by hand.
#include <catch2/catch.hpp>

#include "autograd/ops.h"
#include "nn/activation.h"
#include "nn/concat.h"
#include "nn/conv2d.h"
#include "nn/graph.h"
#include "nn/inception.h"
#include "nn/linear.h"
#include "nn/lrn.h"
#include "nn/pool2d.h"
#include "tensor/conv2d.h"
#include "tensor/lrn.h"
#include "tensor/pool.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using autograd::Tape;

namespace {

Tensor conv_ref(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t pad, bool relu) {
  Conv2dParams p;
  p.n = x.n();
  p.c_in = x.c();
  p.h_in = x.h();
  p.w_in = x.w();
  p.c_out = w.dim(0);
  p.kh = w.dim(2);
  p.kw = w.dim(3);
  p.stride_h = p.stride_w = stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  Tensor y({p.n, p.c_out, p.h_out(), p.w_out()});
  conv2d_forward_ref(p, x.data(), w.data(), b.data(), y.data());
  if (relu)
    for (int64_t i = 0; i < y.numel(); ++i) y[i] = std::max(y[i], 0.0f);
  return y;
}

// Caffe max pooling, ceil mode, written out: window rows [oy*s - pad, +k) clipped to the input.
Tensor maxpool_naive(const Tensor& x, int64_t k, int64_t s, int64_t pad) {
  auto out_size = [&](int64_t in) {
    int64_t o = (in + 2 * pad - k + s - 1) / s + 1;
    if (pad > 0 && (o - 1) * s >= in + pad) --o;
    return o;
  };
  const int64_t ho = out_size(x.h()), wo = out_size(x.w());
  Tensor y({x.n(), x.c(), ho, wo});
  for (int64_t c = 0; c < x.c(); ++c)
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        float m = -1e30f;
        for (int64_t yy = oy * s - pad; yy < oy * s - pad + k; ++yy)
          for (int64_t xx = ox * s - pad; xx < ox * s - pad + k; ++xx)
            if (yy >= 0 && yy < x.h() && xx >= 0 && xx < x.w()) m = std::max(m, x.at(0, c, yy, xx));
        y.at(0, c, oy, ox) = m;
      }
  return y;
}

void check_close(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-5) {
  REQUIRE(a.shape() == b.shape());
  CHECK_ALL_CLOSE(a.data(), b.data(), a.numel(), rtol, atol);
}

}  // namespace

TEST_CASE("nn::Conv2d equals the reference convolution, and with fused ReLU the ReLU of it") {
  Tape t;
  const Tensor x = test::random_tensor({1, 3, 11, 9}, 1), w = test::random_tensor({4, 3, 5, 5}, 2),
               b = test::random_tensor({4}, 3);
  nn::Conv2d conv("c", w, b, 2, 2);
  auto v = t.constant(x);
  const Tensor y = conv.forward(t, {v}).value();
  check_close(y, conv_ref(x, w, b, 2, 2, false));
  check_close(conv.forward_relu(t, v).value(), conv_ref(x, w, b, 2, 2, true));
  CHECK(conv.output_shape({x.shape()}) == y.shape());
  CHECK(conv.output_shape({x.shape()}) == Shape{1, 4, 6, 5});
  CHECK(conv.window(x.shape()).kernel == 5);
  CHECK(conv.window(x.shape()).stride == 2);
  CHECK_THROWS_WITH(conv.output_shape({{1, 2, 11, 9}}), Catch::Contains("c: input of shape 1x2x11x9"));
  CHECK_THROWS_WITH(nn::Conv2d("bad", w, Tensor({3}), 1, 0), Catch::Contains("bad: bias of shape 3"));
}

TEST_CASE("nn::Conv2d packs its weights once and its steps keep matching the reference") {
  // 5x5 pad 2 on a 16x16 map: the direct path both ways, which packs.
  const Tensor x = test::random_tensor({1, 6, 16, 16}, 4), w = test::random_tensor({8, 6, 5, 5}, 5),
               b = test::random_tensor({8}, 6), dy = test::random_tensor({1, 8, 16, 16}, 7);
  Conv2dParams p;
  p.c_in = 6, p.h_in = p.w_in = 16, p.c_out = 8, p.kh = p.kw = 5;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 2;
  Tensor dx_ref({1, 6, 16, 16});
  conv2d_backward_input_ref(p, dy.data(), w.data(), dx_ref.data());
  nn::Conv2d conv("c", w, b, 1, 2);
  CHECK(conv.packed_weights().forms() == 0);
  int64_t bytes = 0;
  for (int step = 0; step < 3; ++step) {
    INFO("step " << step);
    Tape t;
    auto v = t.leaf(x, true);
    const autograd::Variable y = conv.forward(t, {v});
    check_close(y.value(), conv_ref(x, w, b, 1, 2, false));
    t.backward(autograd::dot_constant(t, y, dy));  // d/dx of sum(y * dy) is conv's backward of dy
    check_close(v.grad(), dx_ref);
    // Forward and backward forms, built on the first step only.
    CHECK(conv.packed_weights().forms() == 2);
    if (step == 0) bytes = conv.packed_weights().bytes();
    CHECK(conv.packed_weights().bytes() == bytes);
  }
  CHECK(bytes >= 2 * w.numel() * static_cast<int64_t>(sizeof(float)));
}

TEST_CASE("nn::MaxPool2d / AvgPool2d: Caffe ceil mode against naive loops") {
  Tape t;
  const Tensor x = test::random_tensor({1, 2, 8, 7}, 4);
  nn::MaxPool2d pool("p", nn::PoolGeometry{3, 2, 0, true});
  const Tensor y = pool.forward(t, {t.constant(x)}).value();
  CHECK(y.shape() == Shape{1, 2, 4, 3});  // ceil((8-3)/2)+1 = 4, ceil((7-3)/2)+1 = 3
  check_close(y, maxpool_naive(x, 3, 2, 0), 0, 0);
  nn::MaxPool2d same("s", nn::PoolGeometry{3, 1, 1, true});
  check_close(same.forward(t, {t.constant(x)}).value(), maxpool_naive(x, 3, 1, 1), 0, 0);

  // 7x7 average of a 7x7 input (pool5 at 224x224): the plain mean per channel.
  const Tensor z = test::random_tensor({1, 3, 7, 7}, 5);
  nn::AvgPool2d avg("a", nn::PoolGeometry{7, 1, 0, true});
  const Tensor m = avg.forward(t, {t.constant(z)}).value();
  REQUIRE(m.shape() == Shape{1, 3, 1, 1});
  for (int64_t c = 0; c < 3; ++c) {
    double s = 0;
    for (int64_t i = 0; i < 49; ++i) s += z[c * 49 + i];
    CHECK(m[c] == Approx(s / 49).epsilon(1e-5));
  }
  CHECK_THROWS_WITH(avg.output_shape({{1, 3, 5, 5}}), Catch::Contains("a: input of shape 1x3x5x5"));

  // Global average (our pool5): the plain mean per channel at any size, and
  // the same as the 7x7 kernel on a 7x7 input.
  nn::PoolGeometry global{7, 1, 0, true};
  global.global = true;
  nn::AvgPool2d gavg("g", global);
  check_close(gavg.forward(t, {t.constant(z)}).value(), m, 0, 0);
  const Tensor wide = test::random_tensor({1, 2, 5, 9}, 6);
  CHECK(gavg.output_shape({wide.shape()}) == Shape{1, 2, 1, 1});
  CHECK(gavg.window(wide.shape()).kernel == 9);
  const Tensor g = gavg.forward(t, {t.constant(wide)}).value();
  for (int64_t c = 0; c < 2; ++c) {
    double s = 0;
    for (int64_t i = 0; i < 45; ++i) s += wide[c * 45 + i];
    CHECK(g[c] == Approx(s / 45).epsilon(1e-5));
  }
}

TEST_CASE("nn::LRN, Linear, Concat, ReLU, Softmax against references") {
  Tape t;
  const Tensor x = test::random_tensor({1, 7, 3, 4}, 6, -5.f, 5.f);
  autograd::LrnSpec spec;
  nn::LRN lrn("n", spec);
  LrnParams p;
  p.n = 1;
  p.c = 7;
  p.h = 3;
  p.w = 4;
  Tensor ref(x.shape());
  lrn_forward_ref(p, x.data(), ref.data(), nullptr);
  check_close(lrn.forward(t, {t.constant(x)}).value(), ref);

  const Tensor w = test::random_tensor({5, 84}, 7), b = test::random_tensor({5}, 8);
  nn::Linear fc("fc", w, b);
  const Tensor y = fc.forward(t, {t.constant(x)}).value();
  REQUIRE(y.shape() == Shape{1, 5});
  for (int64_t o = 0; o < 5; ++o) {
    double s = b[o];
    for (int64_t i = 0; i < 84; ++i) s += static_cast<double>(w[o * 84 + i]) * x[i];
    CHECK(y[o] == Approx(s).epsilon(1e-5).margin(1e-5));
  }
  CHECK_THROWS_WITH(fc.output_shape({{1, 1024, 5, 9}}), Catch::Contains("fc: input of shape 1x1024x5x9"));

  const Tensor a = test::random_tensor({1, 2, 3, 4}, 9);
  nn::Concat cat("cat");
  const Tensor c = cat.forward(t, {t.constant(a), t.constant(x)}).value();
  REQUIRE(c.shape() == Shape{1, 9, 3, 4});
  CHECK(std::equal(a.data(), a.data() + a.numel(), c.data()));
  CHECK(std::equal(x.data(), x.data() + x.numel(), c.data() + a.numel()));
  CHECK_THROWS_WITH(cat.output_shape({{1, 2, 3, 4}, {1, 2, 3, 5}}), Catch::Contains("cat: input 1"));

  nn::ReLU relu("r");
  const Tensor r = relu.forward(t, {t.constant(x)}).value();
  for (int64_t i = 0; i < x.numel(); ++i) REQUIRE(r[i] == std::max(x[i], 0.0f));
  nn::Softmax softmax("prob");
  const Tensor s = softmax.forward(t, {t.constant(y)}).value();
  double total = 0, denom = 0;
  for (int64_t o = 0; o < 5; ++o) denom += std::exp(static_cast<double>(y[o]));
  for (int64_t o = 0; o < 5; ++o) {
    CHECK(s[o] == Approx(std::exp(static_cast<double>(y[o])) / denom).epsilon(1e-5));
    total += s[o];
  }
  CHECK(total == Approx(1.0));
}

TEST_CASE("nn::add_inception equals the module composed by hand from reference kernels") {
  const Tensor x = test::random_tensor({1, 5, 7, 6}, 10);
  std::map<std::string, Tensor> params;
  uint32_t seed = 20;
  auto conv_params = [&](const std::string& name, int64_t out, int64_t in, int64_t k) {
    params[name + ".weight"] = test::random_tensor({out, in, k, k}, seed++);
    params[name + ".bias"] = test::random_tensor({out}, seed++);
  };
  conv_params("m/1x1", 3, 5, 1);
  conv_params("m/3x3_reduce", 2, 5, 1);
  conv_params("m/3x3", 4, 2, 3);
  conv_params("m/5x5_reduce", 2, 5, 1);
  conv_params("m/5x5", 3, 2, 5);
  conv_params("m/pool_proj", 2, 5, 1);
  nn::Graph g;
  nn::add_inception(g, "m", nn::Graph::kInputName, [&](const std::string& n) { return params.at(n); });
  Tape t;
  const auto out = g.forward(t, t.constant(x), {"m/output", "m/output/pre_relu"});

  auto P = [&](const std::string& n) { return params.at(n); };
  const Tensor b1 = conv_ref(x, P("m/1x1.weight"), P("m/1x1.bias"), 1, 0, true);
  const Tensor r3 = conv_ref(x, P("m/3x3_reduce.weight"), P("m/3x3_reduce.bias"), 1, 0, true);
  const Tensor b3 = conv_ref(r3, P("m/3x3.weight"), P("m/3x3.bias"), 1, 1, true);
  const Tensor r5 = conv_ref(x, P("m/5x5_reduce.weight"), P("m/5x5_reduce.bias"), 1, 0, true);
  const Tensor b5 = conv_ref(r5, P("m/5x5.weight"), P("m/5x5.bias"), 1, 2, true);
  const Tensor bp = conv_ref(maxpool_naive(x, 3, 1, 1), P("m/pool_proj.weight"), P("m/pool_proj.bias"), 1, 0, true);
  const Tensor got = out.at("m/output").value();
  REQUIRE(got.shape() == Shape{1, 12, 7, 6});
  int64_t offset = 0;
  for (const Tensor* branch : {&b1, &b3, &b5, &bp}) {
    CHECK_ALL_CLOSE(got.data() + offset, branch->data(), branch->numel(), 1e-5, 1e-5);
    offset += branch->numel();
  }
  const Tensor pre = out.at("m/output/pre_relu").value();
  const Tensor pre3 = conv_ref(r3, P("m/3x3.weight"), P("m/3x3.bias"), 1, 1, false);
  CHECK_ALL_CLOSE(pre.data() + b1.numel(), pre3.data(), pre3.numel(), 1e-5, 1e-5);
}
