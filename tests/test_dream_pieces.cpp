// Hand-checkable pieces of dream/: pyramid sizes, roll, tiles, step rule,
// clipping, colour transfer, Laplacian normalisation, regularisers,
// robustness transforms.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "dream/jitter.h"
#include "dream/laplacian_normalise.h"
#include "dream/octave_pyramid.h"
#include "dream/original_colors.h"
#include "dream/regularisers.h"
#include "dream/step_rule.h"
#include "dream/tiled_gradient.h"
#include "dream/transform_robustness.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using test::dot;

TEST_CASE("octave plan: sizes shrink by the scale, rounded, largest first") {
  const OctavePlan plan = plan_octaves(100, 200, 4, 1.4, 1);
  REQUIRE(plan.sizes.size() == 4);
  CHECK_FALSE(plan.truncated);
  // 100/1.4 = 71.4 -> 71, 200/1.4 = 142.9 -> 143; 71/1.4 = 50.7 -> 51, 143/1.4 = 102.1 -> 102;
  // 51/1.4 = 36.4 -> 36, 102/1.4 = 72.9 -> 73.
  const int64_t expect[4][2] = {{100, 200}, {71, 143}, {51, 102}, {36, 73}};
  for (int i = 0; i < 4; ++i) {
    CHECK(plan.sizes[static_cast<size_t>(i)].height == expect[i][0]);
    CHECK(plan.sizes[static_cast<size_t>(i)].width == expect[i][1]);
  }
}

TEST_CASE("octave plan: stops at the smallest usable size instead of failing") {
  const OctavePlan plan = plan_octaves(100, 200, 4, 1.4, 60);
  REQUIRE(plan.sizes.size() == 2);  // 51 < 60
  CHECK(plan.truncated);
  CHECK(plan_octaves(100, 200, 1, 1.4, 100).sizes.size() == 1);
  CHECK_THROWS_AS(plan_octaves(50, 200, 4, 1.4, 60), Error);
  CHECK_THROWS_AS(plan_octaves(100, 100, 0, 1.4, 1), Error);
  CHECK_THROWS_AS(plan_octaves(100, 100, 3, 1.0, 1), Error);
}

TEST_CASE("octave bases: each level is the bilinear shrink of the previous") {
  Tensor img({1, 3, 20, 30}, 7.0f);
  const OctavePlan plan = plan_octaves(20, 30, 3, 2.0, 1);
  const std::vector<Tensor> bases = build_octave_bases(img, plan);
  REQUIRE(bases.size() == 3);
  CHECK(bases[1].shape() == Shape{1, 3, 10, 15});
  CHECK(bases[2].shape() == Shape{1, 3, 5, 8});
  for (const Tensor& b : bases)
    for (int64_t i = 0; i < b.numel(); ++i) REQUIRE(b[i] == Approx(7.0f));  // a constant stays constant
}

TEST_CASE("roll: moves pixels as numpy.roll and the inverse shift undoes it") {
  // 1x1x3x4 with values 0..11: out[y][x] = in[(y-1) mod 3][(x-2) mod 4]
  std::vector<float> v(12);
  std::iota(v.begin(), v.end(), 0.0f);
  Tensor t({1, 1, 3, 4}, v);
  Tensor r = roll_image(t, Shift{1, 2});
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 4; ++x) CHECK(r.at(0, 0, y, x) == t.at(0, 0, (y + 2) % 3, (x + 2) % 4));
  Tensor big = test::random_tensor({1, 3, 17, 23}, 5);
  for (int64_t dy : {-40, -17, -1, 0, 3, 16, 51})
    for (int64_t dx : {-50, -23, -2, 0, 7, 22, 99}) {
      Tensor back = roll_image(roll_image(big, Shift{dy, dx}), inverse(Shift{dy, dx}));
      CHECK_ALL_CLOSE(back.data(), big.data(), big.numel(), 0.0, 0.0);
    }
}

TEST_CASE("random shifts stay within the jitter and are reproducible") {
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const Shift s = random_shift(a, 32), t = random_shift(b, 32);
    REQUIRE(s.dy == t.dy);
    REQUIRE(s.dx == t.dx);
    REQUIRE(std::abs(s.dy) <= 32);
    REQUIRE(std::abs(s.dx) <= 32);
  }
  Rng c(1);
  CHECK(random_shift(c, 0).dx == 0);
}

TEST_CASE("tile grid covers every pixel exactly once, tiles at most tile x tile") {
  for (int64_t h : {1, 5, 64, 100, 511, 512, 513, 1000, 1537})
    for (int64_t w : {1, 7, 256, 512, 700, 1025})
      for (int64_t tile : {1, 50, 128, 512}) {
        if (h * w / (tile * tile) > 4000) continue;  // keep the 1-pixel tile cases small
        std::vector<int> count(static_cast<size_t>(h * w), 0);
        for (const Tile& t : tile_grid(h, w, tile)) {
          REQUIRE(t.height <= tile);
          REQUIRE(t.width <= tile);
          REQUIRE(t.height >= 1);
          REQUIRE(t.width >= 1);
          for (int64_t y = t.y0; y < t.y0 + t.height; ++y)
            for (int64_t x = t.x0; x < t.x0 + t.width; ++x) ++count[static_cast<size_t>(y * w + x)];
        }
        INFO("h=" << h << " w=" << w << " tile=" << tile);
        REQUIRE(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; }));
      }
  CHECK_THROWS_AS(tile_grid(10, 10, 0), Error);
}

TEST_CASE("tiles under a whole-image roll still visit every original pixel once") {
  // Roll an image of pixel indices, cut the rolled image into tiles and
  // count which original pixel each tile element came from.
  const int64_t h = 37, w = 53, tile = 16;
  std::vector<float> idx(static_cast<size_t>(h * w));
  std::iota(idx.begin(), idx.end(), 0.0f);
  Tensor index_image({1, 1, h, w}, idx);
  Rng rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const Shift s{rng.uniform_int(-100, 100), rng.uniform_int(-100, 100)};
    const Tensor rolled = roll_image(index_image, s);
    std::vector<int> count(static_cast<size_t>(h * w), 0);
    for (const Tile& t : tile_grid(h, w, tile)) {
      const Tensor piece = crop_tile(rolled, t);
      for (int64_t i = 0; i < piece.numel(); ++i) ++count[static_cast<size_t>(piece[i])];
    }
    REQUIRE(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; }));
  }
}

TEST_CASE("crop and paste of a tile are inverse") {
  Tensor img = test::random_tensor({1, 3, 9, 11}, 9);
  Tensor copy(img.shape());
  for (const Tile& t : tile_grid(9, 11, 4)) paste_tile(copy, crop_tile(img, t), t);
  CHECK_ALL_CLOSE(copy.data(), img.data(), img.numel(), 0.0, 0.0);
}

TEST_CASE("step rule: normalised direction has mean |g| = 1 and moves x by step") {
  Tensor g = test::random_tensor({1, 3, 8, 8}, 11, -5.0f, 5.0f);
  Tensor d = normalise_by_mean_abs(g);
  double mean_abs = 0.0;
  for (int64_t i = 0; i < d.numel(); ++i) mean_abs += std::fabs(d[i]);
  CHECK(mean_abs / static_cast<double>(d.numel()) == Approx(1.0).epsilon(1e-5));
  CHECK(d[5] / g[5] == Approx(d[17] / g[17]).epsilon(1e-5));  // same direction, one scale
  Tensor zero(g.shape());
  CHECK(normalise_by_mean_abs(zero)[0] == 0.0f);
  Tensor x(g.shape(), 1.0f);
  ascend(x, Tensor(g.shape(), 2.0f), 1.5);
  CHECK(x[0] == Approx(4.0f));
}

TEST_CASE("clipping keeps every channel in its own range") {
  Tensor x({1, 3, 1, 3}, std::vector<float>{-200, 0, 200, -200, 0, 200, -200, 0, 200});
  ChannelRange r;
  r.lo = {-104.0f, -117.0f, -123.0f};
  r.hi = {151.0f, 138.0f, 132.0f};
  clip_to_range(x, r);
  const std::vector<float> expect{-104, 0, 151, -117, 0, 138, -123, 0, 132};
  for (int64_t i = 0; i < 9; ++i) CHECK(x[i] == expect[static_cast<size_t>(i)]);
}

TEST_CASE("original colours: dream's luminance, original's chroma (YIQ)") {
  // Independent YIQ matrix (NTSC).
  auto yiq = [](float r, float g, float b) {
    return std::array<double, 3>{0.299 * r + 0.587 * g + 0.114 * b, 0.596 * r - 0.274 * g - 0.322 * b,
                                 0.211 * r - 0.523 * g + 0.312 * b};
  };
  Tensor original({1, 3, 1, 2}, std::vector<float>{100, 30, 50, 120, 200, 90});
  Tensor dreamed({1, 3, 1, 2}, std::vector<float>{180, 90, 40, 110, 100, 120});
  Tensor out = transfer_luminance(dreamed, original);
  for (int64_t p = 0; p < 2; ++p) {
    const auto o = yiq(out[p], out[2 + p], out[4 + p]);
    const auto d = yiq(dreamed[p], dreamed[2 + p], dreamed[4 + p]);
    const auto s = yiq(original[p], original[2 + p], original[4 + p]);
    CHECK(o[0] == Approx(d[0]).margin(1e-3));
    CHECK(o[1] == Approx(s[1]).margin(2e-3));
    CHECK(o[2] == Approx(s[2]).margin(2e-3));
  }
  // Hand value: pixel 0 (planar R,G,B), Y_d - Y_o = (53.82 + 23.48 + 11.4) - (29.9 + 29.35 + 22.8) = 6.65
  CHECK(out[0] == Approx(106.65).margin(1e-3));
  // Clamped to 0..255.
  Tensor bright({1, 3, 1, 1}, std::vector<float>{255, 255, 255});
  Tensor dark_red({1, 3, 1, 1}, std::vector<float>{250, 0, 0});
  Tensor c = transfer_luminance(bright, dark_red);
  CHECK(c[0] == 255.0f);
}

TEST_CASE("binomial down/up sampling: constants, sizes and adjointness") {
  Tensor c({1, 1, 9, 9}, 1.0f);
  Tensor lo = binomial_downsample(c);
  CHECK(lo.shape() == Shape{1, 1, 5, 5});
  CHECK(lo.at(0, 0, 2, 2) == Approx(1.0f));         // interior: kernel sums to 1
  CHECK(lo.at(0, 0, 0, 0) == Approx(121.0 / 256));  // TF SAME pads 2 before: taps 6+4+1=11 of 16 per axis
  Tensor x = test::random_tensor({1, 2, 10, 13}, 4);
  Tensor y = test::random_tensor({1, 2, 5, 7}, 6);
  // up = 4 * adjoint(down):  <down x, y> = <x, up y> / 4
  CHECK(dot(binomial_downsample(x), y) == Approx(dot(x, binomial_upsample(y, 10, 13)) / 4.0).epsilon(1e-5));
}

TEST_CASE("Laplacian pyramid: merge(split(x)) == x and normalisation on known input") {
  Tensor x = test::random_tensor({1, 3, 33, 20}, 8, -3.0f, 3.0f);
  const std::vector<Tensor> levels = laplacian_split(x, 4);
  REQUIRE(levels.size() == 5);
  CHECK(levels[0].shape() == Shape{1, 3, 3, 2});  // 33->17->9->5->3, 20->10->5->3->2
  CHECK(levels[4].shape() == x.shape());
  Tensor back = laplacian_merge(levels);
  CHECK_ALL_CLOSE(back.data(), x.data(), x.numel(), 0.0, 1e-5);
  // No bands: plain division by the RMS.
  Tensor n0 = laplacian_normalise(x, 0);
  const double rms = std::sqrt(dot(x, x) / static_cast<double>(x.numel()));
  for (int64_t i = 0; i < x.numel(); i += 37) CHECK(n0[i] == Approx(x[i] / rms).epsilon(1e-5));
  // Scale-free: normalising 1000 x gives the same as normalising x.
  Tensor big(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) big[i] = 1000.0f * x[i];
  Tensor a = laplacian_normalise(x, 4), b = laplacian_normalise(big, 4);
  CHECK_ALL_CLOSE(b.data(), a.data(), a.numel(), 1e-4, 1e-5);
  // A pure low-pass input (a constant) ends up in the coarsest level only;
  // its band-pass levels are ~0 at the interior.
  Tensor flat({1, 1, 32, 32}, 5.0f);
  const std::vector<Tensor> fl = laplacian_split(flat, 2);
  CHECK(std::fabs(fl[2].at(0, 0, 16, 16)) < 1e-5f);
}

TEST_CASE("total variation: value by hand and gradient by finite differences") {
  Tensor x({1, 1, 2, 2}, std::vector<float>{0, 1, 3, 7});
  // horizontal |1-0| + |7-3| = 5, vertical |3-0| + |7-1| = 9
  CHECK(total_variation(x) == Approx(14.0));
  Tensor r = test::random_tensor({1, 2, 5, 6}, 21, -10.0f, 10.0f);
  Tensor g = total_variation_gradient(r);
  for (int64_t i = 0; i < r.numel(); i += 3) {
    Tensor p = r.clone(), m = r.clone();
    p[i] += 1e-2f;
    m[i] -= 1e-2f;
    CHECK((total_variation(p) - total_variation(m)) / 2e-2 == Approx(g[i]).margin(1e-3));
  }
}

TEST_CASE("regularisers push the direction against TV and towards the mean colour") {
  Tensor x({1, 1, 1, 2}, std::vector<float>{0, 128});
  Tensor d(x.shape());
  Regularisers r;
  r.l2_weight = 1.0;
  add_regulariser_gradients(r, x, d);
  CHECK(d[0] == 0.0f);
  CHECK(d[1] == Approx(-1.0f));
  r = Regularisers{};
  r.tv_weight = 0.5;
  Tensor e(x.shape());
  add_regulariser_gradients(r, x, e);
  CHECK(e[0] == Approx(0.5f));  // pulls the lower pixel up
  CHECK(e[1] == Approx(-0.5f));
}

TEST_CASE("robustness transforms: pad/crop/embed and rotation are consistent with their adjoints") {
  Tensor x = test::random_tensor({1, 3, 12, 9}, 31);
  Tensor padded = pad_image(x, 3);
  CHECK(padded.shape() == Shape{1, 3, 18, 15});
  CHECK(padded.at(0, 1, 0, 0) == 0.0f);
  CHECK(padded.at(0, 1, 3, 3) == x.at(0, 1, 0, 0));
  Tensor back = crop_image(padded, 3, 3, 12, 9);
  CHECK_ALL_CLOSE(back.data(), x.data(), x.numel(), 0.0, 0.0);
  Tensor y = test::random_tensor({1, 3, 12, 9}, 32);
  for (double angle : {0.0, 0.1, -0.3, 1.0}) {
    CHECK(dot(rotate_image(x, angle), y) == Approx(dot(x, rotate_image_adjoint(y, angle))).epsilon(1e-5));
  }
  Tensor same = rotate_image(x, 0.0);
  CHECK_ALL_CLOSE(same.data(), x.data(), x.numel(), 0.0, 1e-6);
  // A quarter turn of a square with an odd side maps pixels exactly:
  // out(y, x) = in(cy + dx', ...) -- check against the index formula.
  Tensor sq = test::random_tensor({1, 1, 5, 5}, 33);
  Tensor q = rotate_image(sq, std::acos(-1.0) / 2);
  for (int64_t yy = 0; yy < 5; ++yy)
    for (int64_t xx = 0; xx < 5; ++xx) CHECK(q.at(0, 0, yy, xx) == Approx(sq.at(0, 0, 4 - xx, yy)).margin(1e-5));
  CHECK_THROWS_AS(crop_image(x, 5, 0, 12, 9), Error);
}
