// Channel concat and split: against the element-by-element reference, by
// hand, and split as the adjoint of concat; the autograd op's backward,
// which hands out views of its gradient when N = 1, against channel ranges.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "autograd/ops.h"
#include "autograd/tape.h"
#include "tensor/concat.h"
#include "tensor/error.h"
#include "tensor/tensor.h"
#include "tests/kernel_checks.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using dream::test::random_floats;

TEST_CASE("concat by hand", "[concat]") {
  // N=2, HW=2: a has 1 channel, b has 2.
  std::vector<float> a = {1, 2, 3, 4}, b = {10, 11, 12, 13, 14, 15, 16, 17}, out(12);
  concat_channels(2, 2, {{a.data(), 1}, {b.data(), 2}}, out.data());
  CHECK(out == std::vector<float>{1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17});
}

TEST_CASE("concat matches the reference and split is its adjoint", "[concat]") {
  const std::vector<std::vector<int64_t>> layouts = {{1}, {3, 5}, {64, 128, 32, 32}, {7, 0, 17, 1}};
  uint32_t seed = 1;
  for (int64_t n : {1, 2}) {
    for (int64_t hw : {1, 15, 28 * 28}) {
      for (const auto& channels : layouts) {
        int64_t total = 0;
        for (int64_t c : channels) total += c;
        INFO("n=" << n << " hw=" << hw << " parts=" << channels.size() << " total channels=" << total);
        std::vector<std::vector<float>> parts;
        std::vector<ConcatPart> views;
        for (int64_t c : channels) {
          parts.push_back(random_floats(n * c * hw, seed++));
          views.push_back({parts.back().data(), c});
        }
        std::vector<float> out(static_cast<size_t>(n * total * hw), -1.0f), ref(out.size(), 1.0f);
        concat_channels(n, hw, views, out.data());
        concat_channels_ref(n, hw, views, ref.data());
        CHECK(out == ref);

        std::vector<float> g = random_floats(n * total * hw, seed++);
        std::vector<std::vector<float>> grads;
        std::vector<float*> grad_ptrs;
        for (int64_t c : channels) {
          grads.emplace_back(static_cast<size_t>(n * c * hw), 99.0f);
          grad_ptrs.push_back(grads.back().data());
        }
        split_channels(n, hw, g.data(), channels, grad_ptrs);
        // Concatenating the split parts gives back the gradient...
        std::vector<ConcatPart> grad_views;
        for (size_t i = 0; i < channels.size(); ++i) grad_views.push_back({grads[i].data(), channels[i]});
        std::vector<float> back(g.size());
        concat_channels_ref(n, hw, grad_views, back.data());
        CHECK(back == g);
        // ...and <concat(parts), g> == sum_i <part_i, split(g)_i>.
        double lhs = dream::test::dot_double(ref, g), rhs = 0.0;
        for (size_t i = 0; i < channels.size(); ++i) rhs += dream::test::dot_double(parts[i], grads[i]);
        CHECK(std::fabs(lhs - rhs) <= 1e-9 * (1.0 + std::fabs(lhs)));
      }
    }
  }
}

TEST_CASE("split skips null outputs and checks its arguments", "[concat]") {
  std::vector<float> g = {1, 2, 3, 4, 5, 6}, first(2, 0.0f), third(2, 0.0f);
  split_channels(1, 2, g.data(), {1, 1, 1}, {first.data(), nullptr, third.data()});
  CHECK(first == std::vector<float>{1, 2});
  CHECK(third == std::vector<float>{5, 6});
  CHECK_THROWS_WITH(split_channels(1, 2, g.data(), {1, 2}, {first.data()}), Catch::Contains("split_channels"));
  CHECK_THROWS_AS(concat_channels(1, 2, {{g.data(), -1}}, first.data()), dream::Error);
}

namespace {

// Channels [begin, end) of image b of an (N, C, H, W) tensor, as a vector.
std::vector<float> channel_range(const Tensor& t, int64_t b, int64_t begin, int64_t end) {
  const int64_t hw = t.h() * t.w();
  const float* p = t.data() + (b * t.c() + begin) * hw;
  return std::vector<float>(p, p + (end - begin) * hw);
}

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.data(), t.data() + t.numel()); }

}  // namespace

TEST_CASE("concat backward: each part gets its channel range, also when a part's gradient accumulates",
          "[concat][autograd]") {
  // a is also used before the concat, so its gradient arrives twice: first
  // the concat's share (a view of the concat's gradient when N = 1), then
  // dot(a, H) is added into it in place. That addition must not reach b's
  // share, which lies in the same storage when it is a view.
  for (int64_t n : {1, 2}) {
    INFO("n=" << n);
    dream::autograd::Tape t;
    dream::autograd::Variable a = t.leaf(dream::test::random_tensor({n, 2, 3, 4}, 1), true);
    dream::autograd::Variable b = t.leaf(dream::test::random_tensor({n, 3, 3, 4}, 2), true);
    const Tensor h = dream::test::random_tensor({n, 2, 3, 4}, 3), g = dream::test::random_tensor({n, 5, 3, 4}, 4);
    dream::autograd::Variable early = dream::autograd::dot_constant(t, a, h);
    dream::autograd::Variable y = dream::autograd::concat_channels(t, {a, b});
    dream::autograd::Variable loss = dream::autograd::add(t, dream::autograd::dot_constant(t, y, g), early);
    t.backward(loss);
    for (int64_t i = 0; i < n; ++i) {
      std::vector<float> want_a = channel_range(g, i, 0, 2), h_i = channel_range(h, i, 0, 2);
      for (size_t j = 0; j < want_a.size(); ++j) want_a[j] += h_i[j];
      CHECK(channel_range(a.grad(), i, 0, 2) == want_a);
      CHECK(channel_range(b.grad(), i, 0, 3) == channel_range(g, i, 2, 5));
    }
    // Zero-copy when N = 1: both gradients live in the concat gradient's storage.
    if (n == 1) CHECK(a.grad().shares_storage_with(b.grad()));
  }
}

TEST_CASE("concat backward of the same value twice sums both ranges", "[concat][autograd]") {
  dream::autograd::Tape t;
  dream::autograd::Variable x = t.leaf(dream::test::random_tensor({1, 2, 2, 3}, 5), true);
  dream::autograd::Variable z = t.leaf(dream::test::random_tensor({1, 1, 2, 3}, 6), true);
  const Tensor g = dream::test::random_tensor({1, 5, 2, 3}, 7);
  const Tensor g_before = g.clone();
  t.backward(dream::autograd::dot_constant(t, dream::autograd::concat_channels(t, {x, z, x}), g));
  std::vector<float> want = channel_range(g, 0, 0, 2), second = channel_range(g, 0, 3, 5);
  for (size_t j = 0; j < want.size(); ++j) want[j] += second[j];
  CHECK(values(x.grad()) == want);
  CHECK(values(z.grad()) == channel_range(g, 0, 2, 3));
  CHECK(values(g) == values(g_before));  // the constant the loss was built with is untouched
}
