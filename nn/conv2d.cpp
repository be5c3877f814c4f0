#include "nn/conv2d.h"

#include "tensor/conv2d.h"

namespace dream::nn {

Conv2d::Conv2d(std::string name, Tensor weight, Tensor bias, int64_t stride, int64_t pad)
    : name_(std::move(name)),
      weight_(std::move(weight)),
      bias_(std::move(bias)),
      stride_(stride),
      pad_(pad),
      packed_(std::make_shared<Conv2dWeightCache>()) {
  if (weight_.rank() != 4) throw Error(name_ + ": weight must be OIHW (rank 4), got " + shape_string(weight_.shape()));
  if (bias_.shape() != Shape{weight_.dim(0)})
    throw Error(name_ + ": bias of shape " + shape_string(bias_.shape()) + " does not match weight of shape " +
                shape_string(weight_.shape()));
  if (stride_ < 1 || pad_ < 0) throw Error(name_ + ": stride must be >= 1 and pad >= 0");
}

Variable Conv2d::run(Tape& tape, const Variable& input, bool fuse_relu) const {
  output_shape({input.shape()});  // a clear, layer-named error before the kernel's own
  autograd::ConvSpec spec;
  spec.stride_h = spec.stride_w = stride_;
  spec.pad_top = spec.pad_left = spec.pad_bottom = spec.pad_right = pad_;
  spec.fuse_relu = fuse_relu;
  return autograd::conv2d(tape, input, tape.constant(weight_), tape.constant(bias_), spec, packed_);
}

Variable Conv2d::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  return run(tape, inputs[0], false);
}

Variable Conv2d::forward_relu(Tape& tape, const Variable& input) const { return run(tape, input, true); }

Shape Conv2d::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  const Shape& x = inputs[0];
  if (x.size() != 4 || x[1] != weight_.dim(1))
    throw Error(name_ + ": input of shape " + shape_string(x) + " does not fit weight of shape " +
                shape_string(weight_.shape()) + " (needs Nx" + std::to_string(weight_.dim(1)) + "xHxW)");
  Conv2dParams p;
  p.n = x[0];
  p.c_in = x[1];
  p.h_in = x[2];
  p.w_in = x[3];
  p.c_out = weight_.dim(0);
  p.kh = weight_.dim(2);
  p.kw = weight_.dim(3);
  p.stride_h = p.stride_w = stride_;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad_;
  if (p.h_out() < 1 || p.w_out() < 1)
    throw Error(name_ + ": input of shape " + shape_string(x) + " is smaller than the " + std::to_string(p.kh) + "x" +
                std::to_string(p.kw) + " kernel");
  return {p.n, p.c_out, p.h_out(), p.w_out()};
}

Window Conv2d::window(const Shape&) const { return Window{weight_.dim(2), stride_}; }

}  // namespace dream::nn
