// A small DeepDream-shaped graph:
//   x -> conv(3x3) -> relu -> max_pool(3, s2, ceil) -> LRN ----------+
//                                     |                              +-> concat -> mean_squares
//                                     +-> conv(3x3, fused ReLU) -----+
// checked by finite differences with every leaf requiring a gradient and
// with only the input requiring one (the DeepDream case), which must compute
// and keep no parameter gradient, record only the path to the loss, and run
// in flat memory when repeated.
#include <catch2/catch.hpp>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using namespace dream::autograd;

namespace {

struct Params {
  Tensor x = test::random_tensor({1, 3, 8, 8}, 70);
  Tensor w1 = test::random_tensor({4, 3, 3, 3}, 71, -0.5f, 0.5f);
  Tensor b1 = test::random_tensor({4}, 72, -0.2f, 0.2f);
  Tensor w2 = test::random_tensor({3, 4, 3, 3}, 73, -0.5f, 0.5f);
  Tensor b2 = test::random_tensor({3}, 74, -0.2f, 0.2f);
};

// leaves: x, w1, b1, w2, b2; returns the concatenation (1x7x4x4)
Variable dream_features(Tape& t, const std::vector<Variable>& v) {
  ConvSpec c1;
  c1.pad_top = c1.pad_left = c1.pad_bottom = c1.pad_right = 1;
  PoolSpec p;
  p.kh = p.kw = 3;
  p.stride_h = p.stride_w = 2;
  p.ceil_mode = true;  // 8 -> ceil(5 / 2) + 1 = 4
  LrnSpec n;
  n.size = 3;
  n.alpha = 0.5f;
  ConvSpec c2 = c1;
  c2.fuse_relu = true;
  Variable a = relu(t, conv2d(t, v[0], v[1], v[2], c1));
  Variable pooled = max_pool2d(t, a, p);
  Variable left = lrn(t, pooled, n);
  Variable right = conv2d(t, pooled, v[3], v[4], c2);
  return concat_channels(t, {left, right});
}

Variable dream_graph(Tape& t, const std::vector<Variable>& v) { return mean_squares(t, dream_features(t, v)); }

// The graph's final mean_squares is applied by the checker (the analytic side
// appends the same op) so that the loss is accumulated in double; see
// autograd/gradcheck.h for why a float scalar loss is too coarse here.
GradCheckResult check_dream_graph(const std::vector<GradCheckInput>& in) {
  GradCheckOptions o;
  o.loss = GradCheckLoss::kMeanSquares;
  return check_gradients(dream_features, in, o);
}

std::vector<GradCheckInput> inputs(const Params& p, bool weights_require_grad) {
  return {{"x", p.x},
          {"w1", p.w1, weights_require_grad},
          {"b1", p.b1, weights_require_grad},
          {"w2", p.w2, weights_require_grad},
          {"b2", p.b2, weights_require_grad}};
}

int64_t rounded_bytes(int64_t numel) { return (numel * 4 + 63) / 64 * 64; }

}  // namespace

TEST_CASE("composed graph: gradients of input and every weight match finite differences", "[autograd][graph]") {
  Params p;
  GradCheckResult r = check_dream_graph(inputs(p, true));
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.max_rel_error < 1e-3);
  CHECK(r.checked > 300);
  CHECK(r.skipped_kinks * 20 <= r.checked);
}

TEST_CASE("composed graph: input-only gradient matches finite differences", "[autograd][graph]") {
  Params p;
  GradCheckResult r = check_dream_graph(inputs(p, false));
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 150);
  CHECK(r.skipped_kinks * 20 <= r.checked);
}

TEST_CASE("DeepDream case: no parameter gradient computed or kept, only the path is recorded", "[autograd][graph]") {
  Params p;
  auto run = [&p](bool weights_require_grad, std::vector<std::string>* names, int64_t* backward_allocations) {
    Tape t;
    std::vector<Variable> v{t.leaf(p.x, true), t.leaf(p.w1, weights_require_grad), t.leaf(p.b1, weights_require_grad),
                            t.leaf(p.w2, weights_require_grad), t.leaf(p.b2, weights_require_grad)};
    // Ops on constants only are not recorded (e.g. preparing a guide image).
    Variable guide = relu(t, scale(t, t.constant(p.w1), 2.0f));
    CHECK(t.size() == 0);
    CHECK_FALSE(guide.requires_grad());
    Variable loss = dream_graph(t, v);
    *names = t.op_names();
    const int64_t allocations = tensor_memory_stats().allocations;
    t.backward(loss);
    *backward_allocations = tensor_memory_stats().allocations - allocations;
    CHECK(t.size() == 0);  // every entry released after running
    REQUIRE(v[0].grad().shape() == p.x.shape());
    for (size_t i = 1; i < v.size(); ++i) CHECK(v[i].grad().empty() == !weights_require_grad);
  };

  std::vector<std::string> names_input_only, names_all;
  int64_t alloc_input_only = 0, alloc_all = 0;
  const int64_t runs0 = parameter_gradient_runs();
  run(false, &names_input_only, &alloc_input_only);
  CHECK(parameter_gradient_runs() == runs0);  // no weight or bias gradient kernel ran
  run(true, &names_all, &alloc_all);
  CHECK(parameter_gradient_runs() == runs0 + 2);  // the counter does see the two convolutions

  const std::vector<std::string> expected{"conv2d",          "relu",        "max_pool2d", "lrn", "conv2d_relu",
                                          "concat_channels", "mean_squares"};
  CHECK(names_input_only == expected);
  CHECK(names_all == expected);
  // Parameter gradients are 4 buffers (w1, b1, w2, b2) that the input-only run never allocates.
  CHECK(alloc_input_only + 4 <= alloc_all);
}

TEST_CASE("DeepDream case: after backward only the input gradient stays allocated", "[autograd][graph]") {
  Params p;
  const int64_t live0 = tensor_memory_stats().live_bytes;
  {
    Tape t;
    // leaf() takes a handle to the existing tensors: no new storage.
    Variable x = t.leaf(p.x, true);
    std::vector<Variable> v{x, t.constant(p.w1), t.constant(p.b1), t.constant(p.w2), t.constant(p.b2)};
    t.backward(dream_graph(t, v));
    // The graph's intermediate Variables went out of scope inside dream_graph
    // and the tape released its entries, so what remains is x's gradient.
    CHECK(tensor_memory_stats().live_bytes - live0 == rounded_bytes(p.x.numel()));
  }
  CHECK(tensor_memory_stats().live_bytes == live0);
}

TEST_CASE("DeepDream case: 100 forward+backward iterations run in flat memory", "[autograd][graph][memory]") {
  Params p;
  Tensor x = p.x.clone();
  const int64_t live0 = tensor_memory_stats().live_bytes;
  reset_tensor_peak_memory();  // forget the peaks of earlier tests in this process
  int64_t peak_after_warmup = 0;
  for (int iter = 0; iter < 100; ++iter) {
    {
      Tape t;
      Variable xv = t.leaf(x, true);
      t.backward(dream_graph(t, {xv, t.constant(p.w1), t.constant(p.b1), t.constant(p.w2), t.constant(p.b2)}));
      // A gradient-ascent step on the image, as dreaming does (x shares storage with xv).
      const Tensor& g = xv.grad();
      for (int64_t i = 0; i < x.numel(); ++i) x[i] += 0.01f * g[i];
    }
    INFO("iteration " << iter);
    REQUIRE(tensor_memory_stats().live_bytes == live0);
    if (iter == 1) peak_after_warmup = tensor_memory_stats().peak_bytes;
    if (iter > 1) REQUIRE(tensor_memory_stats().peak_bytes == peak_after_warmup);
  }
}
