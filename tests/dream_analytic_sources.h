#pragma once
// Gradient sources with exactly known gradients, for testing the dreaming
// loop without a network.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dream/gradient_source.h"

namespace dream::test {

// f(x) = -mean((x - target)^2) over all elements, target(c, y, x) given by a
// function of the *local* coordinates of the image it sees. Gradient
// -2 (x - target) / N.
template <class Target>
class QuadraticSource : public GradientSource {
 public:
  QuadraticSource(Target target, int64_t min_size = 1) : target_(target), min_size_(min_size) {}
  double objective_and_gradient(const Tensor& x, Tensor& grad) override {
    grad = Tensor(x.shape());
    const double n = static_cast<double>(x.numel());
    double f = 0.0;
    ++calls;
    largest_side_seen = std::max({largest_side_seen, x.h(), x.w()});
    for (int64_t c = 0; c < x.c(); ++c)
      for (int64_t y = 0; y < x.h(); ++y)
        for (int64_t i = 0; i < x.w(); ++i) {
          const int64_t k = (c * x.h() + y) * x.w() + i;
          const double d = x[k] - target_(c, y, i);
          f -= d * d / n;
          grad[k] = static_cast<float>(-2.0 * d / n);
        }
    return f;
  }
  int64_t min_input_size() const override { return min_size_; }
  int calls = 0;
  int64_t largest_side_seen = 0;

 private:
  Target target_;
  int64_t min_size_;
};

template <class Target>
QuadraticSource<Target> make_quadratic(Target t, int64_t min_size = 1) {
  return QuadraticSource<Target>(t, min_size);
}

// f(x) = mean over horizontal neighbours of x[y][i] * x[y][i+1]: not local to
// one pixel, so tiling changes it at tile borders (but not on one tile).
class NeighbourProductSource : public GradientSource {
 public:
  double objective_and_gradient(const Tensor& x, Tensor& grad) override {
    grad = Tensor(x.shape());
    const int64_t planes = x.n() * x.c(), h = x.h(), w = x.w();
    const double n = static_cast<double>(planes * h * std::max<int64_t>(w - 1, 1));
    double f = 0.0;
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t i = 0; i + 1 < w; ++i) {
          const int64_t k = (p * h + y) * w + i;
          f += static_cast<double>(x[k]) * x[k + 1] / n;
          grad[k] += static_cast<float>(x[k + 1] / n);
          grad[k + 1] += static_cast<float>(x[k] / n);
        }
    return f;
  }
  int64_t min_input_size() const override { return 2; }
};

// A constant gradient of +1 everywhere (objective = sum x): each normalised
// step then moves every pixel by exactly `step`.
class ConstantAscentSource : public GradientSource {
 public:
  double objective_and_gradient(const Tensor& x, Tensor& grad) override {
    grad = Tensor(x.shape(), 1.0f);
    double f = 0.0;
    for (int64_t i = 0; i < x.numel(); ++i) f += x[i];
    return f;
  }
  int64_t min_input_size() const override { return 1; }
};

}  // namespace dream::test
