#include "dream/adam.h"

#include <cmath>
#include <string>

namespace dream {

AdamAscent::AdamAscent(double learning_rate, double beta1, double beta2, double epsilon)
    : lr_(learning_rate), beta1_(beta1), beta2_(beta2), eps_(epsilon) {
  if (!(learning_rate > 0.0) || !std::isfinite(learning_rate))
    throw Error("Adam: learning rate must be > 0, got " + std::to_string(learning_rate));
  if (!(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0))
    throw Error("Adam: beta1 and beta2 must be in [0, 1)");
}

void AdamAscent::step(Tensor& x, const Tensor& grad) {
  check_same_shape(x, grad, "Adam step");
  if (m_.empty()) {
    m_ = Tensor(x.shape());
    v_ = Tensor(x.shape());
  }
  check_same_shape(x, m_, "Adam step (shape changed between steps)");
  ++t_;
  const double correct1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
  const double correct2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double g = grad[i];
    const double m = beta1_ * m_[i] + (1.0 - beta1_) * g;
    const double v = beta2_ * v_[i] + (1.0 - beta2_) * g * g;
    m_[i] = static_cast<float>(m);
    v_[i] = static_cast<float>(v);
    x[i] += static_cast<float>(lr_ * (m / correct1) / (std::sqrt(v / correct2) + eps_));
  }
}

}  // namespace dream
