#pragma once
// Pooling layers (Caffe "Pooling"), square kernel, stride and pad.
//   input (N, C, H, W) -> (N, C, Ho, Wo)
// Caffe rounds the output size up (ceil mode, tensor/pool.h); an average
// window divides by its extent clipped to the padded input, as Caffe does.
#include <string>

#include "nn/layer.h"
#include "tensor/pool.h"

namespace dream::nn {

struct PoolGeometry {
  int64_t kernel = 1, stride = 1, pad = 0;
  bool ceil_mode = true;
};

// What max and average pooling share: geometry, shape checks, window. The two
// layers differ only in the autograd op they record.
class Pool2d : public Layer {
 public:
  Pool2d(std::string name, PoolGeometry g) : name_(std::move(name)), g_(g) {}
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  Window window(const Shape&) const override { return Window{g_.kernel, g_.stride}; }

 protected:
  // Checks the one input fits (throws naming the layer) and returns the op's spec.
  autograd::PoolSpec checked_spec(const std::vector<Variable>& inputs) const;
  std::string name_;
  PoolGeometry g_;
};

class MaxPool2d : public Pool2d {
 public:
  using Pool2d::Pool2d;
  std::string kind() const override { return "Pooling(MAX)"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
};

class AvgPool2d : public Pool2d {
 public:
  using Pool2d::Pool2d;
  std::string kind() const override { return "Pooling(AVE)"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
};

// The kernel parameters for an input shape; throws naming the layer if the
// input does not fit (rank, kernel larger than the padded input).
Pool2dParams pool_params_for(const std::string& layer, const PoolGeometry& g, const Shape& input);

}  // namespace dream::nn
