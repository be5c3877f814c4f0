// The DeepDream gradient on the real network: d mean(inception_4c/output^2)
// / d input against central finite differences at sampled input pixels.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

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
