// The dreaming loop against analytic gradient sources (no network): the
// objective rises, detail is carried up the pyramid, runs are reproducible,
// tiling matches the untiled gradient, small octaves never crash.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "dream/dreamer.h"
#include "dream/tiled_gradient.h"
#include "tests/dream_analytic_sources.h"
#include "tests/support/tensor_testing.h"

using namespace dream;

namespace {

// A position-dependent target, so jitter (which moves the image under the
// source) changes the result: the loop is then only reproducible if its
// randomness is.
auto wave_target() {
  return [](int64_t c, int64_t y, int64_t x) { return 40.0 * std::sin(0.3 * y + 0.2 * x + static_cast<double>(c)); };
}

DreamSettings small_settings() {
  DreamSettings s;
  s.octaves = 3;
  s.octave_scale = 1.5;
  s.iterations = 4;
  s.step = 2.0;
  s.jitter = 4;
  s.tile = 512;
  s.seed = 7;
  s.range.lo = {-104.0f, -117.0f, -123.0f};
  s.range.hi = {151.0f, 138.0f, 132.0f};
  return s;
}

}  // namespace

TEST_CASE("dreaming raises the objective (quadratic source)") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 30.0; });
  Tensor img = test::random_tensor({1, 3, 40, 48}, 1, -100.0f, 100.0f);
  Tensor g;
  const double before = source.objective_and_gradient(img, g);
  Tensor out = dream_image(source, img, small_settings());
  const double after = source.objective_and_gradient(out, g);
  CHECK(after > before);
  CHECK(out.shape() == img.shape());
}

TEST_CASE("one step moves against the objective's gradient direction (objective rises)") {
  auto source = test::make_quadratic(wave_target());
  Tensor x = test::random_tensor({1, 3, 30, 30}, 2, -50.0f, 50.0f);
  DreamSettings s = small_settings();
  s.step = 0.5;
  Rng rng(1);
  Tensor g;
  const double before = source.objective_and_gradient(x, g);
  Tensor y = x.clone();
  s.jitter = 0;
  dream_step(source, y, s, rng, 0);
  CHECK(source.objective_and_gradient(y, g) > before);
}

TEST_CASE("detail is carried up the pyramid") {
  // A constant gradient moves every pixel by `step` per iteration; the
  // detail of each octave is enlarged and added to the next base, so the
  // result is image + octaves * iterations * step everywhere.
  test::ConstantAscentSource source;
  DreamSettings s = small_settings();
  s.clip = false;
  s.octaves = 3;
  s.iterations = 2;
  s.step = 1.5;
  Tensor img = test::random_tensor({1, 3, 30, 45}, 3, -50.0f, 50.0f);
  Tensor out = dream_image(source, img, s);
  for (int64_t i = 0; i < img.numel(); i += 7) REQUIRE(out[i] == Approx(img[i] + 9.0f).margin(1e-3));
}

TEST_CASE("zero iterations give back the input and clipping keeps the valid range") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 1000.0; });  // pulls far above 255
  DreamSettings s = small_settings();
  s.iterations = 0;
  Tensor img = test::random_tensor({1, 3, 20, 20}, 4, -100.0f, 100.0f);
  Tensor same = dream_image(source, img, s);
  CHECK_ALL_CLOSE(same.data(), img.data(), img.numel(), 0.0, 1e-4);
  s.iterations = 5;
  s.step = 50.0;
  Tensor out = dream_image(source, img, s);
  const int64_t plane = 400;
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < plane; ++i) {
      REQUIRE(out[c * plane + i] <= s.range.hi[static_cast<size_t>(c)]);
      REQUIRE(out[c * plane + i] >= s.range.lo[static_cast<size_t>(c)]);
    }
  CHECK(out[0] == s.range.hi[0]);  // pushed to the top of the range
}

TEST_CASE("the same seed gives the same dream and another seed another") {
  auto source = test::make_quadratic(wave_target());
  Tensor img = test::random_tensor({1, 3, 36, 36}, 5, -60.0f, 60.0f);
  DreamSettings s = small_settings();
  s.transforms.pad = 2;
  s.transforms.jitter = 3;
  s.transforms.scale_jitter = 0.1;
  s.transforms.rotate_degrees = 5.0;
  Tensor a = dream_image(source, img, s);
  Tensor b = dream_image(source, img, s);
  CHECK_ALL_CLOSE(a.data(), b.data(), a.numel(), 0.0, 0.0);
  s.seed = 8;
  Tensor c = dream_image(source, img, s);
  double diff = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i) diff += std::fabs(a[i] - c[i]);
  CHECK(diff > 1.0);
}

TEST_CASE("tiled gradient equals the untiled gradient when the image fits one tile") {
  test::NeighbourProductSource source;
  Tensor img = test::random_tensor({1, 3, 30, 40}, 6);
  Tensor g_full, g_tiled;
  const double f_full = source.objective_and_gradient(img, g_full);
  const double f_tiled = tiled_objective_and_gradient(source, img, 40, g_tiled);
  CHECK(f_tiled == Approx(f_full));
  CHECK_ALL_CLOSE(g_tiled.data(), g_full.data(), g_full.numel(), 0.0, 0.0);
}

TEST_CASE("tiled gradient of a per-pixel mean objective equals the untiled one on many tiles") {
  // Area weighting makes the tiles' mean objectives add up to the image's.
  auto source = test::make_quadratic([](int64_t c, int64_t, int64_t) { return 10.0 * static_cast<double>(c); });
  Tensor img = test::random_tensor({1, 3, 70, 53}, 7, -20.0f, 20.0f);
  Tensor g_full, g_tiled;
  const double f_full = source.objective_and_gradient(img, g_full);
  source.largest_side_seen = 0;
  const double f_tiled = tiled_objective_and_gradient(source, img, 16, g_tiled);
  CHECK(source.largest_side_seen <= 16);  // memory bounded by the tile
  CHECK(f_tiled == Approx(f_full).epsilon(1e-6));
  CHECK_ALL_CLOSE(g_tiled.data(), g_full.data(), g_full.numel(), 1e-5, 1e-9);
}

TEST_CASE("tiles smaller than the source's minimum are rejected with a clear error") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 0.0; }, 20);
  Tensor img({1, 3, 50, 50});
  Tensor g;
  CHECK_THROWS_WITH(tiled_objective_and_gradient(source, img, 16, g), Catch::Contains("--tile"));
}

TEST_CASE("big images dream tile by tile and every step sees at most one tile") {
  auto source = test::make_quadratic(wave_target());
  DreamSettings s = small_settings();
  s.octaves = 2;
  s.iterations = 2;
  s.tile = 24;
  Tensor img = test::random_tensor({1, 3, 60, 70}, 9, -50.0f, 50.0f);
  Tensor out = dream_image(source, img, s);
  CHECK(source.largest_side_seen <= 24);
  CHECK(out.shape() == img.shape());
}

TEST_CASE("octaves too small for the source stop the pyramid with one message, no crash") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 0.0; }, 40);
  DreamSettings s = small_settings();
  s.octaves = 6;
  s.iterations = 1;
  std::vector<std::string> messages;
  int steps = 0;
  DreamCallbacks cb;
  cb.on_message = [&](const std::string& m) { messages.push_back(m); };
  int64_t last_index = -1;
  cb.on_step = [&](const DreamProgress& p) {
    ++steps;
    CHECK(p.step_index == last_index + 1);
    last_index = p.step_index;
    CHECK(std::min(p.height, p.width) >= 40);
  };
  Tensor img = test::random_tensor({1, 3, 64, 80}, 10);
  Tensor out = dream_image(source, img, s, cb);
  CHECK(messages.size() == 1);
  CHECK(steps == 2);  // 64 -> 43 -> (29 < 40 stop)
  CHECK(out.shape() == img.shape());
}

TEST_CASE("progress reports every step with octave and totals") {
  auto source = test::make_quadratic(wave_target());
  DreamSettings s = small_settings();
  std::vector<DreamProgress> seen;
  DreamCallbacks cb;
  cb.on_step = [&](const DreamProgress& p) { seen.push_back(p); };
  dream_image(source, test::random_tensor({1, 3, 40, 40}, 11), s, cb);
  REQUIRE(seen.size() == 12);
  CHECK(seen.front().octave == 0);
  CHECK(seen.back().octave == 2);
  CHECK(seen.back().total_steps == 12);
  CHECK(seen.back().height == 40);
  CHECK(seen.front().height == 18);  // 40/1.5 = 26.7 -> 27, 27/1.5 = 18
}

TEST_CASE("settings are validated with the flag's name") {
  auto source = test::make_quadratic(wave_target());
  DreamSettings s = small_settings();
  s.octave_scale = 0.5;
  CHECK_THROWS_WITH(dream_image(source, Tensor({1, 3, 20, 20}), s), Catch::Contains("--octave-scale"));
  s = small_settings();
  s.tile = 0;
  CHECK_THROWS_WITH(dream_image(source, Tensor({1, 3, 20, 20}), s), Catch::Contains("--tile"));
}

TEST_CASE("laplacian normalisation and regularisers run in the loop and keep the objective rising") {
  auto source = test::make_quadratic([](int64_t, int64_t, int64_t) { return 20.0; });
  DreamSettings s = small_settings();
  s.laplacian_normalisation = true;
  s.regularisers.tv_weight = 0.05;
  s.regularisers.blur_every = 2;
  s.regularisers.blur_sigma = 0.5f;
  Tensor img = test::random_tensor({1, 3, 40, 40}, 12, -80.0f, 80.0f);
  Tensor g;
  const double before = source.objective_and_gradient(img, g);
  Tensor out = dream_image(source, img, s);
  CHECK(source.objective_and_gradient(out, g) > before);
}

TEST_CASE("noise images are reproducible and inside the range") {
  ChannelRange r;
  r.lo = {-104.0f, -117.0f, -123.0f};
  r.hi = {151.0f, 138.0f, 132.0f};
  Tensor a = noise_image(16, 24, 3, r), b = noise_image(16, 24, 3, r), c = noise_image(16, 24, 4, r);
  CHECK(a.shape() == Shape{1, 3, 16, 24});
  CHECK_ALL_CLOSE(a.data(), b.data(), a.numel(), 0.0, 0.0);
  CHECK(a[0] != c[0]);
  double mean0 = 0.0;
  for (int64_t i = 0; i < 16 * 24; ++i) mean0 += a[i];
  CHECK(mean0 / (16 * 24) == Approx(23.5).margin(4.0));  // pixel 127.5 - 104
}
