#pragma once
// Concatenation along channels (Caffe "Concat", axis 1).
//   inputs (N, C_i, H, W) -> (N, sum C_i, H, W), in input order
#include <string>

#include "nn/layer.h"

namespace dream::nn {

class Concat : public Layer {
 public:
  explicit Concat(std::string name);
  std::string kind() const override { return "Concat"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  Shape output_shape(const std::vector<Shape>& inputs) const override;

 private:
  std::string name_;
};

}  // namespace dream::nn
