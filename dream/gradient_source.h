#pragma once
// What the dreaming loop needs from a network: the objective's value and its
// gradient with respect to the input image. Keeping the loop behind this
// small interface lets it be tested against analytic objectives (whose
// gradients are known exactly) and reused for any network.
#include <cstdint>

#include "tensor/tensor.h"

namespace dream {

class GradientSource {
 public:
  virtual ~GradientSource() = default;
  // image: 1x3xHxW in the network's input space. Writes d objective / d image
  // (same shape, replacing grad's contents) and returns the objective.
  virtual double objective_and_gradient(const Tensor& image, Tensor& grad) = 0;
  // Smallest height/width for which the objective is defined (e.g. the
  // target layer still has spatial size >= 1).
  virtual int64_t min_input_size() const = 0;
};

}  // namespace dream
