#pragma once
// A layer of a network: a named, weight-holding function of one or more
// activations, plus the geometry the graph needs without running it (output
// shape for an input shape, and the sliding window the receptive-field
// calculation walks through).
//
// Layers hold their parameters as plain Tensors and hand them to the tape as
// constants in forward(), so DeepDream's backward never computes a weight
// gradient.
#include <string>
#include <vector>

#include "autograd/ops.h"
#include "tensor/tensor.h"

namespace dream::nn {

using autograd::Tape;
using autograd::Variable;

// The window a layer slides over its input, along one spatial axis (every
// layer of GoogLeNet is square). kernel = 1, stride = 1 for point-wise layers.
struct Window {
  int64_t kernel = 1;
  int64_t stride = 1;
};

class Layer {
 public:
  virtual ~Layer() = default;
  // Short type name as in Caffe ("Convolution", "Pooling", "ReLU", ...).
  virtual std::string kind() const = 0;
  virtual Variable forward(Tape& tape, const std::vector<Variable>& inputs) const = 0;
  // Output shape for the given input shapes; throws dream::Error naming the
  // layer if the inputs do not fit (wrong channels, spatial size below 1).
  virtual Shape output_shape(const std::vector<Shape>& inputs) const = 0;
  // The window over the input, for an input of the given shape (a fully
  // connected layer's window is its whole input).
  virtual Window window(const Shape& input) const {
    (void)input;
    return Window{};
  }
};

// Throws "<layer>: expects <n> input(s), got <m>".
void require_input_count(const std::string& layer, size_t expected, size_t got);

}  // namespace dream::nn
