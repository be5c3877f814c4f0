#include "nn/concat.h"

namespace dream::nn {

Concat::Concat(std::string name) : name_(std::move(name)) {}

Variable Concat::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  std::vector<Shape> shapes;
  for (const Variable& v : inputs) shapes.push_back(v.shape());
  output_shape(shapes);
  return autograd::concat_channels(tape, inputs);
}

Shape Concat::output_shape(const std::vector<Shape>& inputs) const {
  if (inputs.empty()) throw Error(name_ + ": needs at least one input");
  Shape out = inputs[0];
  if (out.size() != 4) throw Error(name_ + ": inputs must be NCHW (rank 4), got " + shape_string(out));
  for (size_t i = 1; i < inputs.size(); ++i) {
    const Shape& s = inputs[i];
    if (s.size() != 4 || s[0] != out[0] || s[2] != out[2] || s[3] != out[3])
      throw Error(name_ + ": input " + std::to_string(i) + " of shape " + shape_string(s) +
                  " does not match input 0 of shape " + shape_string(inputs[0]) + " in N, H, W");
    out[1] += s[1];
  }
  return out;
}

}  // namespace dream::nn
