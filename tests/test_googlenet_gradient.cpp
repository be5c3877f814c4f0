// The DeepDream gradient on the real network: d mean(inception_4c/output^2)
// / d input against central finite differences at sampled input pixels, and
// against PyTorch autograd in float64 (tests/fixtures/googlenet/
// gradient_dog_128.txt from make_pytorch_gradient_reference.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "autograd/ops.h"
#include "dream/image.h"
#include "models/image_resize_u8.h"
#include "models/imagenet_preprocess.h"
#include "tests/googlenet_testing.h"

using namespace dream;

namespace {

constexpr int64_t kSide = 128;  // inception_4c/output is 1x512x8x8 here

Tensor test_input() {
  const Image image = load_image(test::googlenet_fixture("dog_224.png"));
  const std::vector<uint8_t> small =
      models::resize_bilinear_u8_opencv(image.pixels.data(), image.width, image.height, 3, kSide, kSide);
  return models::caffe_input_from_rgb(small.data(), kSide, kSide);
}

double objective(const Tensor& input) {
  autograd::Tape tape;
  auto x = tape.constant(input);
  auto a = test::real_googlenet().forward(tape, x, {"inception_4c/output"}).at("inception_4c/output");
  const Tensor& v = a.value();
  double s = 0;  // in double, so the finite difference is not lost to float rounding of the sum
  for (int64_t i = 0; i < v.numel(); ++i) s += static_cast<double>(v[i]) * v[i];
  return s / static_cast<double>(v.numel());
}

}  // namespace

TEST_CASE("GoogLeNet input gradient of mean(inception_4c/output^2) matches finite differences") {
  const Tensor input = test_input();
  autograd::Tape tape;
  auto x = tape.leaf(input.clone(), true);
  auto a = test::real_googlenet().forward(tape, x, {"inception_4c/output"}).at("inception_4c/output");
  auto loss = autograd::mean_squares(tape, a);
  tape.backward(loss);
  const Tensor g = x.grad();
  REQUIRE(g.shape() == input.shape());
  CHECK(tape.size() == 0);  // the tape is released after backward
  CHECK(std::fabs(loss.value()[0] - objective(input)) <= 1e-4 * std::fabs(objective(input)));

  double gmax = 0;
  for (int64_t i = 0; i < g.numel(); ++i) gmax = std::max(gmax, static_cast<double>(std::fabs(g[i])));
  REQUIRE(gmax > 0);

  // Pixels sampled away from nothing in particular; ReLU and max-pool kinks
  // make a finite difference wrong when a step crosses one, so a pixel counts
  // only when two step sizes agree with each other (Caffe's GradientChecker
  // idea), and most pixels must.
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> pick(0, input.numel() - 1);
  int checked = 0, agreed = 0;
  for (int k = 0; k < 12; ++k) {
    const int64_t i = pick(rng);
    double fd[2];
    const float steps[2] = {0.5f, 0.25f};
    for (int s = 0; s < 2; ++s) {
      Tensor plus = input.clone(), minus = input.clone();
      plus[i] += steps[s];
      minus[i] -= steps[s];
      fd[s] = (objective(plus) - objective(minus)) / (2.0 * steps[s]);
    }
    const double tol = 2e-2 * std::fabs(fd[1]) + 2e-3 * gmax;
    const bool smooth = std::fabs(fd[0] - fd[1]) <= tol;
    INFO("pixel " << i << ": analytic " << g[i] << ", finite differences " << fd[0] << " (step 0.5), " << fd[1]
                  << " (step 0.25), max |grad| " << gmax);
    if (!smooth) continue;
    ++checked;
    CHECK(std::fabs(g[i] - fd[1]) <= tol);
    agreed += std::fabs(g[i] - fd[1]) <= tol;
  }
  CHECK(checked >= 9);
  CHECK(agreed == checked);
}

TEST_CASE("GoogLeNet input gradient of mean(inception_4c/output^2) matches PyTorch autograd") {
  std::ifstream in(test::googlenet_fixture("gradient_dog_128.txt"));
  std::string line;
  double ref_loss = 0;
  bool have_loss = false;
  struct Sample {
    int64_t c, y, x;
    double g;
  };
  std::vector<Sample> samples;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    if (!have_loss) {
      f >> ref_loss;
      have_loss = true;
      continue;
    }
    Sample s{};
    f >> s.c >> s.y >> s.x >> s.g;
    REQUIRE(f);
    samples.push_back(s);
  }
  REQUIRE(samples.size() == 64);

  autograd::Tape tape;
  auto x = tape.leaf(test_input(), true);
  auto a = test::real_googlenet().forward(tape, x, {"inception_4c/output"}).at("inception_4c/output");
  auto loss = autograd::mean_squares(tape, a);
  CHECK(loss.value()[0] == Approx(ref_loss).epsilon(1e-4));
  tape.backward(loss);
  const Tensor g = x.grad();
  double gmax = 0;
  for (int64_t i = 0; i < g.numel(); ++i) gmax = std::max(gmax, static_cast<double>(std::fabs(g[i])));
  // Relative 1e-4 plus 1e-5 of the largest gradient (float32 against float64;
  // measured agreement is about 1e-6 relative).
  for (const Sample& s : samples) {
    const double ours = g.at(0, s.c, s.y, s.x);
    INFO("input c=" << s.c << " y=" << s.y << " x=" << s.x << ": ours " << ours << ", PyTorch " << s.g
                    << ", max |grad| " << gmax);
    CHECK(std::fabs(ours - s.g) <= 1e-4 * std::fabs(s.g) + 1e-5 * gmax);
  }
}
