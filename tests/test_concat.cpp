// Channel concat and split: against the element-by-element reference, by
// hand, and split as the adjoint of concat.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tensor/concat.h"
#include "tensor/error.h"
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
