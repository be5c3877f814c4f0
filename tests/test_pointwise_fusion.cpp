// Sibling 1x1 convolutions stacked into one (nn/pointwise_fusion.h, as
// Graph::forward does for inception modules): which convolutions are stacked,
// forward values against naive convolutions, and the input gradient against
// central finite differences.
#include <catch2/catch.hpp>

#include <algorithm>

#include "autograd/gradcheck.h"
#include "nn/activation.h"
#include "nn/concat.h"
#include "nn/conv2d.h"
#include "nn/graph.h"
#include "nn/pointwise_fusion.h"
#include "tensor/conv2d.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using autograd::Tape;
using autograd::Variable;

namespace {

constexpr int64_t kCin = 5, kH = 6, kW = 7;

std::shared_ptr<nn::Conv2d> conv(const std::string& name, int64_t c_out, int64_t k, uint32_t seed) {
  return std::make_shared<nn::Conv2d>(name, test::random_tensor({c_out, kCin, k, k}, seed),
                                      test::random_tensor({c_out}, seed + 100), 1, k / 2);
}

void add_conv_relu(nn::Graph& g, const std::shared_ptr<nn::Conv2d>& c, const std::string& input) {
  g.add(c->name(), c, {input});
  g.add(c->name() + "_relu", std::make_shared<nn::ReLU>(c->name() + "_relu"), {c->name()});
}

// An inception-like toy: three 1x1 convs (3, 4, 2 channels) and a 3x3 conv on
// data, each with its ReLU; a 3x3 conv (2 channels) after the second 1x1;
// the ReLU blobs concatenated.
nn::Graph sibling_graph() {
  nn::Graph g;
  add_conv_relu(g, conv("m/s1", 3, 1, 1), "data");
  add_conv_relu(g, conv("m/s2", 4, 1, 2), "data");
  add_conv_relu(g, conv("m/wide", 3, 3, 3), "data");  // not 1x1: never stacked
  add_conv_relu(g, conv("m/s3", 2, 1, 4), "data");
  g.add("m/k", std::make_shared<nn::Conv2d>("m/k", test::random_tensor({2, 4, 3, 3}, 5), test::random_tensor({2}, 6), 1, 1),
        {"m/s2_relu"});
  g.add("m/cat", std::make_shared<nn::Concat>("m/cat"), {"m/s1_relu", "m/k", "m/wide_relu", "m/s3_relu"});
  return g;
}

int64_t count(const std::vector<std::string>& names, const std::string& name) {
  return std::count(names.begin(), names.end(), name);
}

// relu(conv) of one stacked layer by the naive reference kernel.
Tensor naive_conv_relu(const nn::Conv2d& c, const Tensor& x) {
  Conv2dParams p;
  p.c_in = kCin, p.h_in = kH, p.w_in = kW, p.c_out = c.weight().dim(0);
  Tensor y({1, p.c_out, kH, kW});
  conv2d_forward_ref(p, x.data(), c.weight().data(), c.bias().data(), y.data());
  for (int64_t i = 0; i < y.numel(); ++i) y[i] = std::max(y[i], 0.0f);
  return y;
}

}  // namespace

TEST_CASE("pointwise fusion: sibling 1x1 convs with fusable ReLUs run as one stacked convolution", "[nn][fusion]") {
  const nn::Graph g = sibling_graph();
  const Tensor x = test::random_tensor({1, kCin, kH, kW}, 7);
  Tape t;
  auto out = g.forward(t, t.leaf(x, true), {"m/cat", "m/s1_relu", "m/s2_relu", "m/s3_relu"});
  const std::vector<std::string> ops = t.op_names();
  INFO(::Catch::Detail::stringify(ops));
  // One stacked conv for s1, s2, s3 (cut into three slices), one for wide, one for k.
  CHECK(count(ops, "conv2d_relu") == 2);
  CHECK(count(ops, "conv2d") == 1);
  CHECK(count(ops, "slice_channels") == 3);
  CHECK(ops.front() == "conv2d_relu");

  for (const char* name : {"m/s1", "m/s2", "m/s3"}) {
    INFO(name);
    const auto& c = static_cast<const nn::Conv2d&>(g.layer(name));
    const Tensor ref = naive_conv_relu(c, x);
    const Tensor got = out.at(std::string(name) + "_relu").value();
    REQUIRE(got.shape() == ref.shape());
    CHECK_ALL_CLOSE(got.data(), ref.data(), ref.numel(), 1e-5, 1e-5);
  }
}

TEST_CASE("pointwise fusion: a requested pre-ReLU blob or a lone 1x1 is not stacked", "[nn][fusion]") {
  const nn::Graph g = sibling_graph();
  const Tensor x = test::random_tensor({1, kCin, kH, kW}, 7);
  {
    Tape t;
    g.forward(t, t.leaf(x, true), {"m/cat", "m/s2"});  // s2's own blob is wanted: s1 and s3 still stack
    const std::vector<std::string> ops = t.op_names();
    INFO(::Catch::Detail::stringify(ops));
    CHECK(count(ops, "slice_channels") == 2);
    CHECK(count(ops, "relu") == 1);
  }
  {
    Tape t;
    g.forward(t, t.leaf(x, true), {"m/s3_relu"});  // one 1x1 needed: a plain fused conv
    CHECK(t.op_names() == std::vector<std::string>{"conv2d_relu"});
  }
}

TEST_CASE("pointwise fusion: the input gradient through the stacked convolution matches finite differences",
          "[nn][fusion]") {
  const nn::Graph g = sibling_graph();
  autograd::GradCheckOptions options;
  options.tolerance = 2e-3;
  const auto result = autograd::check_gradients(
      [&](Tape& t, const std::vector<Variable>& leaves) { return g.forward(t, leaves[0], {"m/cat"}).at("m/cat"); },
      {{"x", test::random_tensor({1, kCin, kH, kW}, 8)}}, options);
  INFO(result.message);
  CHECK(result.ok);
  CHECK(result.checked > 0);
  CHECK(result.skipped_kinks <= 2);
}

TEST_CASE("pointwise fusion: the group's name for profiles", "[nn][fusion]") {
  const auto a = conv("inception_3a/1x1", 2, 1, 1), b = conv("inception_3a/5x5_reduce", 2, 1, 2);
  CHECK(nn::PointwiseFusion::name({a.get(), b.get()}) == "inception_3a/{1x1,5x5_reduce}");
  const auto c = conv("other", 2, 1, 3);
  CHECK(nn::PointwiseFusion::name({a.get(), c.get()}) == "{inception_3a/1x1,other}");
  CHECK(nn::PointwiseFusion::stackable(*a));
  CHECK_FALSE(nn::PointwiseFusion::stackable(*conv("w", 2, 3, 4)));
}
