#pragma once
// Adam (Kingma & Ba 2015), as gradient *ascent*, for the Fourier
// parameterisation (Lucid optimises it with tf.train.AdamOptimizer(0.05)).
// Adam divides each coordinate's step by a running RMS of its gradient, so
// the step is about `learning_rate` per coordinate whatever the objective's
// scale -- the role g / mean|g| plays for the pixel path (step_rule.h).
//
//   m = b1 m + (1 - b1) g          v = b2 v + (1 - b2) g^2        t += 1
//   x += lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
#include <cstdint>

#include "tensor/tensor.h"

namespace dream {

class AdamAscent {
 public:
  explicit AdamAscent(double learning_rate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);
  // One step on x along +grad (same shape on every call; the moments start
  // at zero on the first call).
  void step(Tensor& x, const Tensor& grad);
  int64_t steps_taken() const { return t_; }

 private:
  double lr_, beta1_, beta2_, eps_;
  Tensor m_, v_;  // first and second moment estimates, shaped like x
  int64_t t_ = 0;
};

}  // namespace dream
