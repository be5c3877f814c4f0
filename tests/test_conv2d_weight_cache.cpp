// Conv2dWeightCache (tensor/conv2d_weight_cache.h): the direct path and the
// dispatcher, forward and backward to input, given a cache, match the naive
// reference on the first call (which packs) and on later ones (which reuse),
// under every SIMD level with one cache shared by all of them (a stale form
// of another level's panel height would give wrong sums); a second weight
// array through the same cache gets its own form; each form is built once;
// a fill that throws leaves nothing behind.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tensor/conv2d.h"
#include "tensor/conv2d_direct.h"
#include "tensor/conv2d_weight_cache.h"
#include "tensor/conv2d_winograd.h"
#include "tests/conv2d_testing.h"
#include "tests/support/tensor_testing.h"

using dream::Conv2dParams;
using dream::Conv2dWeightCache;
using dream::test::for_each_configuration;
using dream::test::input_size;
using dream::test::make;
using dream::test::output_size;
using dream::test::weight_size;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

void check_close_to_reference(const std::vector<float>& got, const std::vector<float>& expected) {
  dream::test::check_close_to_reference(got, expected, 1e-4);
}

using Forward =
    std::function<void(const Conv2dParams&, const float*, const float*, const float*, float*, Conv2dWeightCache*)>;
using Backward = std::function<void(const Conv2dParams&, const float*, const float*, float*, Conv2dWeightCache*)>;

struct Path {
  std::string name;
  Conv2dParams p;
  Forward forward;
  Backward backward;
};

std::vector<Path> paths() {
  // 5x5 pad 2 (stride 1), conv1's 7x7 stride 2 (four phase passes
  // backward), 3x3 pad 1 on a map small enough that the dispatcher runs it
  // directly both ways, and a 3x3 the dispatcher gives to Winograd (which
  // takes no cache) forward and backward.
  const Conv2dParams five = make(1, 12, 18, 17, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2);
  const Conv2dParams seven = make(1, 3, 23, 21, 10, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3);
  const Conv2dParams three = make(1, 17, 15, 14, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  const Conv2dParams winograd = make(1, 17, 26, 25, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  const Forward direct_fwd = [](auto& p, auto in, auto w, auto b, auto out, auto c) {
    dream::conv2d_forward_direct(p, in, w, b, out, c);
  };
  const Backward direct_bwd = [](auto& p, auto g, auto w, auto gx, auto c) {
    dream::conv2d_backward_input_direct(p, g, w, gx, c);
  };
  const Forward dispatch_fwd = [](auto& p, auto in, auto w, auto b, auto out, auto c) {
    dream::conv2d_forward(p, in, w, b, out, c);
  };
  const Backward dispatch_bwd = [](auto& p, auto g, auto w, auto gx, auto c) {
    dream::conv2d_backward_input(p, g, w, gx, c);
  };
  return {
      {"direct 5x5", five, direct_fwd, direct_bwd},
      {"direct 7x7 stride 2", seven, direct_fwd, direct_bwd},
      {"direct 3x3", three, direct_fwd, direct_bwd},
      {"dispatch 5x5", five, dispatch_fwd, dispatch_bwd},
      {"dispatch 7x7 stride 2", seven, dispatch_fwd, dispatch_bwd},
      {"dispatch 3x3", three, dispatch_fwd, dispatch_bwd},
      {"dispatch 3x3 to winograd", winograd, dispatch_fwd, dispatch_bwd},
  };
}

}  // namespace

TEST_CASE("convolutions with a weight cache match the reference on first and later calls at every SIMD level",
          "[conv2d][weight_cache]") {
  uint32_t seed = 7000;
  for (const Path& path : paths()) {
    INFO("path " << path.name);
    const Conv2dParams& p = path.p;
    const auto x = dream::test::random_floats(input_size(p), seed++);
    const auto dy = dream::test::random_floats(output_size(p), seed++);
    const auto b = dream::test::random_floats(p.c_out, seed++);
    // Two weight arrays through one cache: each must get its own forms.
    const std::vector<std::vector<float>> weights = {dream::test::random_floats(weight_size(p), seed++),
                                                     dream::test::random_floats(weight_size(p), seed++)};
    std::vector<std::vector<float>> out_ref, gin_ref;
    for (const auto& w : weights) {
      out_ref.emplace_back(output_size(p));
      gin_ref.emplace_back(input_size(p));
      dream::conv2d_forward_ref(p, x.data(), w.data(), b.data(), out_ref.back().data());
      dream::conv2d_backward_input_ref(p, dy.data(), w.data(), gin_ref.back().data());
    }
    Conv2dWeightCache cache;
    for_each_configuration([&] {
      for (int call = 0; call < 2; ++call)
        for (size_t i = 0; i < weights.size(); ++i) {
          INFO("call " << call << ", weights " << i);
          std::vector<float> out(output_size(p), kNaN), gin(input_size(p), kNaN);
          path.forward(p, x.data(), weights[i].data(), b.data(), out.data(), &cache);
          path.backward(p, dy.data(), weights[i].data(), gin.data(), &cache);
          check_close_to_reference(out, out_ref[i]);
          check_close_to_reference(gin, gin_ref[i]);
        }
    });
  }
}

TEST_CASE("the dispatcher runs the weight cache test's shapes on the paths it means to test",
          "[conv2d][weight_cache]") {
  // Guards the test above against a change of dispatch rules leaving it
  // testing another path than it says.
  const Conv2dParams three = make(1, 17, 15, 14, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  CHECK(dream::conv2d_direct_preferred(three));
  CHECK(dream::conv2d_direct_backward_input_preferred(three));
  CHECK_FALSE(dream::conv2d_winograd_preferred(three));
  CHECK(dream::conv2d_winograd_preferred(make(1, 17, 26, 25, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)));
  CHECK(dream::conv2d_direct_backward_input_preferred(make(1, 12, 18, 17, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)));
}

TEST_CASE("a weight cache builds each form once and keeps it", "[conv2d][weight_cache]") {
  const Conv2dParams p = make(1, 8, 20, 20, 16, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2);
  const auto x = dream::test::random_floats(input_size(p), 1);
  const auto w = dream::test::random_floats(weight_size(p), 2);
  const auto dy = dream::test::random_floats(output_size(p), 3);
  std::vector<float> out(output_size(p)), gin(input_size(p));
  Conv2dWeightCache cache;
  CHECK(cache.forms() == 0);
  CHECK(cache.bytes() == 0);
  dream::conv2d_forward_direct(p, x.data(), w.data(), nullptr, out.data(), &cache);
  CHECK(cache.forms() == 1);
  const int64_t forward_bytes = cache.bytes();
  // The packed panels hold every weight (plus rows padded to the tile height).
  CHECK(forward_bytes >= weight_size(p) * static_cast<int64_t>(sizeof(float)));
  for (int i = 0; i < 3; ++i) dream::conv2d_forward_direct(p, x.data(), w.data(), nullptr, out.data(), &cache);
  CHECK(cache.forms() == 1);
  CHECK(cache.bytes() == forward_bytes);
  for (int i = 0; i < 3; ++i) dream::conv2d_backward_input_direct(p, dy.data(), w.data(), gin.data(), &cache);
  CHECK(cache.forms() == 2);
  // A larger image of the same layer (the next octave) reuses both forms.
  const Conv2dParams larger = make(1, 8, 33, 41, 16, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2);
  const auto x2 = dream::test::random_floats(input_size(larger), 4);
  std::vector<float> out2(output_size(larger));
  dream::conv2d_forward_direct(larger, x2.data(), w.data(), nullptr, out2.data(), &cache);
  CHECK(cache.forms() == 2);
}

TEST_CASE("a weight cache keeps no form whose fill threw", "[conv2d][weight_cache]") {
  const Conv2dParams p = make(1, 2, 8, 8, 3, 3, 3);
  const std::vector<float> w(weight_size(p), 1.0f);
  Conv2dWeightCache cache;
  CHECK_THROWS_AS(cache.get(dream::WeightForm::DirectForward, p, w.data(), 16,
                            [](float*) { throw std::runtime_error("fill failed"); }),
                  std::runtime_error);
  CHECK(cache.forms() == 0);
  CHECK(cache.bytes() == 0);
  const float* got = cache.get(dream::WeightForm::DirectForward, p, w.data(), 16, [](float* dst) {
    for (int i = 0; i < 16; ++i) dst[i] = static_cast<float>(i);
  });
  CHECK(got[15] == 15.0f);
  CHECK(cache.forms() == 1);
}
