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
  // The window is the whole input (kernel and stride ignored): one value per
  // channel. GoogLeNet's pool5 is 7x7 on the 7x7 map of a 224x224 input, so
  // making it global gives the same numbers there and lets any input size
  // reach the classifier (a class objective on a padded or larger image).
  bool global = false;
};

// What max and average pooling share: geometry, shape checks, window. The two
// layers differ only in the autograd op they record.
class Pool2d : public Layer {
 public:
  Pool2d(std::string name, PoolGeometry g) : name_(std::move(name)), g_(g) {}
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  Window window(const Shape& input) const override;

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
// A global geometry becomes a kernel of the input's size.
Pool2dParams pool_params_for(const std::string& layer, const PoolGeometry& g, const Shape& input);

}  // namespace dream::nn
