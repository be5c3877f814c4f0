#pragma once
// Fully connected layer (Caffe "InnerProduct"): the input is flattened.
//   input (N, I) or (N, C, H, W) with C*H*W = I;  weight (O, I)  bias (O)  -> (N, O)
#include <string>

#include "nn/layer.h"

namespace dream::nn {

class Linear : public Layer {
 public:
  Linear(std::string name, Tensor weight, Tensor bias);
  std::string kind() const override { return "InnerProduct"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  // Its window is the whole input (a global layer).
  Window window(const Shape& input) const override;

 private:
  std::string name_;
  Tensor weight_, bias_;
};

}  // namespace dream::nn
