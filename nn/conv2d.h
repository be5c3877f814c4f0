#pragma once
// Convolution layer (Caffe "Convolution", groups = 1, square stride and pad
// as in GoogLeNet).
//   input (1, Ci, H, W)  weight (Co, Ci, k, k)  bias (Co)  -> (1, Co, Ho, Wo)
//   Ho = (H + 2 pad - k) / stride + 1   (floor, Caffe's convolution rule)
#include <memory>
#include <string>

#include "nn/layer.h"
#include "tensor/conv2d_weight_cache.h"

namespace dream::nn {

class Conv2d : public Layer {
 public:
  // weight: OIHW; bias: (O). Throws naming the layer if the shapes disagree.
  Conv2d(std::string name, Tensor weight, Tensor bias, int64_t stride, int64_t pad);

  std::string kind() const override { return "Convolution"; }
  Variable forward(Tape& tape, const std::vector<Variable>& inputs) const override;
  // Convolution and ReLU in one pass (the pre-ReLU value is not kept).
  Variable forward_relu(Tape& tape, const Variable& input) const;
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  Window window(const Shape& input) const override;

  const std::string& name() const { return name_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  int64_t stride() const { return stride_; }
  int64_t pad() const { return pad_; }
  // The weights in the kernels' packed layouts, kept since first use.
  const Conv2dWeightCache& packed_weights() const { return *packed_; }

 private:
  Variable run(Tape& tape, const Variable& input, bool fuse_relu) const;
  std::string name_;
  Tensor weight_, bias_;  // fixed at construction: packed_ relies on it
  int64_t stride_, pad_;
  // weight_ in the convolution kernels' layouts, built on first use.
  std::shared_ptr<Conv2dWeightCache> packed_;
};

}  // namespace dream::nn
