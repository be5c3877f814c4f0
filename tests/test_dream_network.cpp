// Dreaming with the real bvlc_googlenet (small images so the suite stays
// fast on two cores): the gradient is right, a step raises the objective,
// tiling agrees, a channel objective raises its own channel most, and a
// class can be dreamed from noise.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "autograd/ops.h"
#include "dream/dreamer.h"
#include "dream/image.h"
#include "dream/network_gradient.h"
#include "dream/octave_pyramid.h"
#include "dream/tiled_gradient.h"
#include "tests/googlenet_testing.h"
#include "tests/support/tensor_testing.h"
#include "tests/support/test_paths.h"

using namespace dream;
using test::dot;

namespace {

const models::GoogLeNet& net() { return test::real_googlenet(); }

// Debian's darknet dog photo, shrunk, in network space.
Tensor dog(int64_t h, int64_t w) {
  const std::string path = test::darknet_data_dir() + "/dog.jpg";
  test::require_path(path, "apt-get install darknet");
  return resize_image(image_to_network_input(load_image(path), caffe_googlenet_transform()), h, w);
}

ChannelRange caffe_range() {
  ChannelRange r;
  r.lo = {-104.0f, -117.0f, -123.0f};
  r.hi = {151.0f, 138.0f, 132.0f};
  return r;
}

Objective layer_objective(const std::string& blob, ObjectiveKind kind = ObjectiveKind::MeanSquares, int64_t ch = -1) {
  Objective o;
  ObjectiveTerm t;
  t.blob = blob;
  t.kind = kind;
  t.channel = ch;
  o.terms.push_back(t);
  return o;
}

}  // namespace

TEST_CASE("network gradient agrees with a finite difference along a random direction") {
  NetworkGradient source(net(), layer_objective("inception_3b/output"));
  Tensor x = dog(96, 96);
  Tensor g;
  source.objective_and_gradient(x, g);
  // Along the gradient itself (scaled so each pixel moves by about eps): a
  // strong signal, so float rounding of the objective does not dominate;
  // plus a random part so the check is not only about |g|.
  Tensor noise = test::random_tensor(x.shape(), 17);
  double mean_abs = 0.0;
  for (int64_t i = 0; i < g.numel(); ++i) mean_abs += std::fabs(g[i]) / static_cast<double>(g.numel());
  Tensor d(x.shape());
  for (int64_t i = 0; i < d.numel(); ++i) d[i] = static_cast<float>(g[i] / mean_abs) + 0.5f * noise[i];
  const float eps = 0.05f;  // pixel units
  Tensor xp = x.clone(), xm = x.clone();
  for (int64_t i = 0; i < x.numel(); ++i) {
    xp[i] += eps * d[i];
    xm[i] -= eps * d[i];
  }
  Tensor unused;
  const double fd = (source.objective_and_gradient(xp, unused) - source.objective_and_gradient(xm, unused)) / (2 * eps);
  CHECK(fd == Approx(dot(g, d)).epsilon(0.05));
}

TEST_CASE("one dreaming step with the real network raises the objective") {
  NetworkGradient source(net(), layer_objective("inception_4c/output"));
  Tensor x = dog(120, 160);
  Tensor g;
  const double before = source.objective_and_gradient(x, g);
  DreamSettings s;
  s.jitter = 0;
  s.range = caffe_range();
  Rng rng(1);
  dream_step(source, x, s, rng, 0);
  const double after = source.objective_and_gradient(x, g);
  CHECK(after > before);
}

TEST_CASE("tiled gradient equals the untiled gradient on an image that fits one tile") {
  NetworkGradient source(net(), layer_objective("inception_4c/output"));
  Tensor x = dog(128, 144);
  Tensor g_full, g_tiled;
  const double f_full = source.objective_and_gradient(x, g_full);
  const double f_tiled = tiled_objective_and_gradient(source, x, 512, g_tiled);
  CHECK(f_tiled == Approx(f_full).epsilon(1e-6));
  CHECK_ALL_CLOSE(g_tiled.data(), g_full.data(), g_full.numel(), 1e-5, 1e-9);
  // Several tiles: every pixel gets a gradient, of the same overall scale.
  Tensor x2 = dog(224, 224);
  Tensor g_whole, g_tiles;
  source.objective_and_gradient(x2, g_whole);
  tiled_objective_and_gradient(source, x2, 112, g_tiles);
  const double a = std::sqrt(dot(g_whole, g_whole)), b = std::sqrt(dot(g_tiles, g_tiles));
  CHECK(b / a > 0.3);
  CHECK(b / a < 3.0);
  CHECK(dot(g_whole, g_tiles) / (a * b) > 0.1);  // broadly the same direction
}

TEST_CASE("a channel objective raises that channel more than any other") {
  const std::string blob = "inception_4c/output";
  const int64_t channel = 97;
  NetworkGradient source(net(), layer_objective(blob, ObjectiveKind::Channel, channel));
  Tensor x = dog(128, 128);
  auto channel_means = [&](const Tensor& img) {
    const Tensor a = blob_activation(net(), img, blob);
    const int64_t plane = a.h() * a.w();
    std::vector<double> m(static_cast<size_t>(a.c()));
    for (int64_t c = 0; c < a.c(); ++c)
      for (int64_t i = 0; i < plane; ++i) m[static_cast<size_t>(c)] += a[c * plane + i] / static_cast<double>(plane);
    return m;
  };
  const std::vector<double> before = channel_means(x);
  DreamSettings s;
  s.octaves = 1;
  s.iterations = 8;
  s.range = caffe_range();
  Tensor out = dream_image(source, x, s);
  const std::vector<double> after = channel_means(out);
  int64_t best = 0;
  for (size_t c = 0; c < after.size(); ++c)
    if (after[c] - before[c] > after[static_cast<size_t>(best)] - before[static_cast<size_t>(best)])
      best = static_cast<int64_t>(c);
  CHECK(best == channel);
}

TEST_CASE("unknown layers and out-of-range channels are rejected by name") {
  CHECK_THROWS_WITH(NetworkGradient(net(), layer_objective("inception_4x/output")), Catch::Contains("inception_4"));
  CHECK_THROWS_WITH(NetworkGradient(net(), layer_objective("inception_4c/output", ObjectiveKind::Channel, 512)),
                    Catch::Contains("512"));
  CHECK(resolve_class(net().labels(), "bald eagle") == 22);
  CHECK(resolve_class(net().labels(), "22") == 22);
  CHECK_THROWS_WITH(resolve_class(net().labels(), "1000"), Catch::Contains("0..999"));
}

TEST_CASE("octaves too small for a deep layer stop early with a note, no crash") {
  NetworkGradient source(net(), layer_objective("inception_5b/output"));
  DreamSettings s;
  s.octaves = 6;
  s.iterations = 1;
  s.range = caffe_range();
  int messages = 0;
  DreamCallbacks cb;
  cb.on_message = [&](const std::string&) { ++messages; };
  Tensor out = dream_image(source, dog(100, 120), s, cb);
  CHECK(messages == 1);
  CHECK(out.shape() == Shape{1, 3, 100, 120});
}

TEST_CASE("activity maximisation from noise makes the class the top-1") {
  const int64_t cls = resolve_class(net().labels(), "bald eagle");
  Objective o;
  ObjectiveTerm t;
  t.blob = "loss3/classifier";
  t.kind = ObjectiveKind::ClassLogit;
  t.channel = cls;
  o.terms.push_back(t);
  NetworkGradient source(net(), o);
  DreamSettings s;
  s.octaves = 1;
  // 40 steps, not 20: after 20 steps from noise the top class was bald eagle
  // or "jigsaw puzzle" (the high-frequency texture pixel-space ascent makes)
  // depending on float rounding alone: thread count, SIMD level, the order
  // of a sum. With 40 this seed ends on bald eagle on 1 and 2 threads at
  // every SIMD level, and so do seeds 6..9 (AVX-512, 1 and 2 threads).
  s.iterations = 40;
  s.step = 3.0;
  s.jitter = 8;
  s.range = caffe_range();
  Tensor x = noise_image(224, 224, 5, s.range);
  Tensor out = dream_image(source, x, s);
  const Tensor logits = blob_activation(net(), out, "loss3/classifier");
  const int64_t top = std::max_element(logits.data(), logits.data() + logits.numel()) - logits.data();
  CHECK(top == cls);
}
