#include "nn/activation.h"

namespace dream::nn {

Variable ReLU::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  return autograd::relu(tape, inputs[0]);
}

Shape ReLU::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  return inputs[0];
}

Variable Softmax::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  output_shape({inputs[0].shape()});
  return autograd::softmax(tape, inputs[0]);
}

Shape Softmax::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  if (inputs[0].size() != 2) throw Error(name_ + ": input must be (N, K), got " + shape_string(inputs[0]));
  return inputs[0];
}

}  // namespace dream::nn
