#include "nn/pool2d.h"

#include <algorithm>

namespace dream::nn {

namespace {

autograd::PoolSpec pool_spec(const Pool2dParams& p) {
  autograd::PoolSpec s;
  s.kh = p.kh;
  s.kw = p.kw;
  s.stride_h = p.stride_h;
  s.stride_w = p.stride_w;
  s.pad_top = p.pad_top;
  s.pad_left = p.pad_left;
  s.pad_bottom = p.pad_bottom;
  s.pad_right = p.pad_right;
  s.ceil_mode = p.ceil_mode;
  s.count_include_pad = p.count_include_pad;
  return s;
}

}  // namespace

Pool2dParams pool_params_for(const std::string& layer, const PoolGeometry& g, const Shape& x) {
  if (x.size() != 4) throw Error(layer + ": input must be NCHW (rank 4), got " + shape_string(x));
  Pool2dParams p;
  p.n = x[0];
  p.c = x[1];
  p.h_in = x[2];
  p.w_in = x[3];
  p.kh = g.global ? p.h_in : g.kernel;
  p.kw = g.global ? p.w_in : g.kernel;
  p.stride_h = p.stride_w = g.global ? 1 : g.stride;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = g.global ? 0 : g.pad;
  p.ceil_mode = g.ceil_mode;
  p.count_include_pad = true;  // Caffe divides by the window clipped to the padded input
  if (p.h_in + 2 * p.pad_top < p.kh || p.w_in + 2 * p.pad_left < p.kw)
    throw Error(layer + ": input of shape " + shape_string(x) + " is smaller than the " + std::to_string(g.kernel) +
                "x" + std::to_string(g.kernel) + " pooling window");
  p.validate();
  return p;
}

Shape Pool2d::output_shape(const std::vector<Shape>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  Pool2dParams p = pool_params_for(name_, g_, inputs[0]);
  return {p.n, p.c, p.h_out(), p.w_out()};
}

Window Pool2d::window(const Shape& input) const {
  if (g_.global && input.size() == 4) return Window{std::max(input[2], input[3]), 1};
  return Window{g_.kernel, g_.stride};
}

autograd::PoolSpec Pool2d::checked_spec(const std::vector<Variable>& inputs) const {
  require_input_count(name_, 1, inputs.size());
  return pool_spec(pool_params_for(name_, g_, inputs[0].shape()));
}

Variable MaxPool2d::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  const autograd::PoolSpec spec = checked_spec(inputs);  // before inputs[0]: checks the count
  return autograd::max_pool2d(tape, inputs[0], spec);
}

Variable AvgPool2d::forward(Tape& tape, const std::vector<Variable>& inputs) const {
  const autograd::PoolSpec spec = checked_spec(inputs);  // before inputs[0]: checks the count
  return autograd::avg_pool2d(tape, inputs[0], spec);
}

}  // namespace dream::nn
