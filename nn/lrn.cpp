#include "nn/lrn.h"

namespace dream::nn {

LRN::LRN(std::string name, autograd::LrnSpec spec) : name_(std::move(name)), spec_(spec) {}

Variable LRN::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  output_shape({inputs[0].shape()});
  return autograd::lrn(tape, inputs[0], spec_);
}

Shape LRN::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  if (inputs[0].size() != 4) throw Error(name_ + ": input must be NCHW (rank 4), got " + shape_string(inputs[0]));
  return inputs[0];
}

}  // namespace dream::nn
