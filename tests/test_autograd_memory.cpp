// What each op's backward keeps alive (autograd/tape.h: closures capture only
// the tensors their backward reads). Each case feeds the op a fresh
// intermediate s = 2x, sends its output y into sum(), and lets every handle
// to s and y go out of scope: whatever storage is still live afterwards (beyond
// the one-element loss) is held by the op's tape entry.
#include <catch2/catch.hpp>
#include <functional>

#include "autograd/ops.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using namespace dream::autograd;

namespace {

int64_t bytes_of(const Shape& s) { return (shape_numel(s) * 4 + 63) / 64 * 64; }  // 64-byte blocks (tensor.cpp)

struct Retained {
  int64_t bytes;  // kept by the op's entry after the forward
  Shape in, out;  // shapes of s and y
  bool grad_ok;   // after backward, x has a gradient and nothing else stays live
};

Retained retained_by(const std::function<Variable(Tape&, const Variable&)>& op, const Shape& shape) {
  Tensor x0 = test::random_tensor(shape, 100);
  Retained r{0, {}, {}, false};
  Tape t;
  Variable x = t.leaf(x0, true);
  const int64_t base = tensor_memory_stats().live_bytes;
  Variable loss;
  {
    Variable s = scale(t, x, 2.0f);
    Variable y = op(t, s);
    r.in = s.shape();
    r.out = y.shape();
    loss = sum(t, y);
  }
  r.bytes = tensor_memory_stats().live_bytes - base - bytes_of(loss.shape());
  t.backward(loss);
  loss = Variable();
  r.grad_ok = x.grad().shape() == shape &&
              tensor_memory_stats().live_bytes - base == bytes_of(shape);  // only x's gradient remains
  return r;
}

}  // namespace

TEST_CASE("conv2d keeps its input only when the weights need a gradient", "[autograd][memory]") {
  Tensor w = test::random_tensor({5, 3, 3, 3}, 101), b = test::random_tensor({5}, 102);
  ConvSpec s;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  for (bool weights_grad : {false, true}) {
    for (bool fuse : {false, true}) {
      INFO("weights require grad: " << weights_grad << ", fused ReLU: " << fuse);
      ConvSpec spec = s;
      spec.fuse_relu = fuse;
      Retained r = retained_by(
          [&](Tape& t, const Variable& v) {
            return conv2d(t, v, t.leaf(w, weights_grad), t.leaf(b, weights_grad), spec);
          },
          {1, 3, 9, 9});
      // w and b are the test's own tensors (leaf() allocates nothing); the
      // entry adds s for the weight gradient and y for the ReLU mask.
      CHECK(r.bytes == (weights_grad ? bytes_of(r.in) : 0) + (fuse ? bytes_of(r.out) : 0));
      CHECK(r.grad_ok);
    }
  }
}

TEST_CASE("linear keeps its input only when the weights need a gradient", "[autograd][memory]") {
  Tensor w = test::random_tensor({4, 12}, 103);
  for (bool weights_grad : {false, true}) {
    INFO("weights require grad: " << weights_grad);
    Retained r = retained_by(
        [&](Tape& t, const Variable& v) { return linear(t, v, t.leaf(w, weights_grad), Variable()); }, {2, 3, 2, 2});
    CHECK(r.bytes == (weights_grad ? bytes_of(r.in) : 0));
    CHECK(r.grad_ok);
  }
}

TEST_CASE("each op keeps exactly what its backward reads", "[autograd][memory]") {
  const Shape shape{1, 6, 7, 8};
  PoolSpec pool;
  pool.kh = pool.kw = 3;
  pool.stride_h = pool.stride_w = 2;
  pool.ceil_mode = true;
  LrnSpec lrn_spec;
  struct Case {
    const char* name;
    std::function<Variable(Tape&, const Variable&)> op;
    bool keeps_input, keeps_output;
  };
  const std::vector<Case> cases{
      {"relu (output as mask)", [](Tape& t, const Variable& v) { return relu(t, v); }, false, true},
      {"max_pool2d (argmax: an int32 per output)", [&](Tape& t, const Variable& v) { return max_pool2d(t, v, pool); },
       false, true},
      {"avg_pool2d (nothing)", [&](Tape& t, const Variable& v) { return avg_pool2d(t, v, pool); }, false, false},
      {"global_avg_pool (nothing)", [](Tape& t, const Variable& v) { return global_avg_pool(t, v); }, false, false},
      {"lrn (input)", [&](Tape& t, const Variable& v) { return lrn(t, v, lrn_spec); }, true, false},
      {"softmax (output)", [](Tape& t, const Variable& v) { return softmax(t, v); }, false, true},
      {"resize_bilinear (nothing)", [](Tape& t, const Variable& v) { return resize_bilinear(t, v, 11, 5); }, false,
       false},
      {"gaussian_blur (nothing)", [](Tape& t, const Variable& v) { return gaussian_blur(t, v, 1.0f); }, false, false},
      {"roll2d (nothing)", [](Tape& t, const Variable& v) { return roll2d(t, v, 2, -1); }, false, false},
      {"scale (nothing)", [](Tape& t, const Variable& v) { return scale(t, v, 3.0f); }, false, false},
      {"add (nothing)", [](Tape& t, const Variable& v) { return add(t, v, v); }, false, false},
      {"reshape (nothing)",
       [](Tape& t, const Variable& v) {
         return reshape(t, v, {6, 56});
       },
       false, false},
      {"slice_channels (nothing)", [](Tape& t, const Variable& v) { return slice_channels(t, v, 2, 5); }, false, false},
      {"concat_channels (nothing)",
       [](Tape& t, const Variable& v) {
         return concat_channels(t, {v, v});
       },
       false, false},
      {"mean (nothing)", [](Tape& t, const Variable& v) { return mean(t, v); }, false, false},
      {"mean_squares (input)", [](Tape& t, const Variable& v) { return mean_squares(t, v); }, true, false},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Retained r = retained_by(c.op, shape);
    CHECK(r.bytes == (c.keeps_input ? bytes_of(r.in) : 0) + (c.keeps_output ? bytes_of(r.out) : 0));
    CHECK(r.grad_ok);
  }
}
