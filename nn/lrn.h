#pragma once
// Local response normalisation across channels (Caffe "LRN", ACROSS_CHANNELS):
//   out[c] = in[c] * (k + alpha/size * sum_{|c'-c| <= size/2} in[c']^2)^(-beta)
//   (N, C, H, W) -> same shape
#include <string>

#include "nn/layer.h"

namespace dream::nn {

class LRN : public Layer {
 public:
  LRN(std::string name, autograd::LrnSpec spec);
  std::string kind() const override { return "LRN"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  Shape output_shape(const std::vector<Shape>& inputs) const override;

 private:
  std::string name_;
  autograd::LrnSpec spec_;
};

}  // namespace dream::nn
