#include "nn/linear.h"

namespace dream::nn {

Linear::Linear(std::string name, Tensor weight, Tensor bias)
    : name_(std::move(name)), weight_(std::move(weight)), bias_(std::move(bias)) {
  if (weight_.rank() != 2) throw Error(name_ + ": weight must be (out, in), got " + shape_string(weight_.shape()));
  if (bias_.shape() != Shape{weight_.dim(0)})
    throw Error(name_ + ": bias of shape " + shape_string(bias_.shape()) + " does not match weight of shape " +
                shape_string(weight_.shape()));
}

Variable Linear::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  output_shape({inputs[0].shape()});
  return autograd::linear(tape, inputs[0], tape.constant(weight_), tape.constant(bias_));
}

Shape Linear::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  const Shape& x = inputs[0];
  if (x.empty()) throw Error(name_ + ": empty input shape");
  const int64_t features = shape_numel(x) / x[0];
  if (features != weight_.dim(1)) {
    std::string hint = x.size() == 4 ? " (the network needs its fixed input size for this layer)" : "";
    throw Error(name_ + ": input of shape " + shape_string(x) + " has " + std::to_string(features) +
                " features per item, weight of shape " + shape_string(weight_.shape()) + " needs " +
                std::to_string(weight_.dim(1)) + hint);
  }
  return {x[0], weight_.dim(0)};
}

Window Linear::window(const Shape& input) const { return input.size() == 4 ? Window{input[2], 1} : Window{}; }

}  // namespace dream::nn
