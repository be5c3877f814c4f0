#pragma once
// Differentiable operations on the tape. Each op runs its forward kernel now
// and records the matching backward (see tape.h); the pair lives side by side
// in one autograd/op_<name>.cpp file so a reader sees the chain rule of each
// op on one screen. Shapes are NCHW unless stated.
#include <memory>
#include <vector>

#include "autograd/tape.h"
#include "tensor/conv2d.h"
#include "tensor/lrn.h"
#include "tensor/pool.h"

namespace dream::autograd {

// Geometry of a convolution independent of the input size.
struct ConvSpec {
  int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool fuse_relu = false;  // out = max(conv + b, 0) in one pass (the pre-ReLU value is not kept)
};
struct PoolSpec {
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool ceil_mode = false;
  bool count_include_pad = false;
};
struct LrnSpec {
  int64_t size = 5;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.0f;
};

// x: (N,Ci,H,W)  w: (Co,Ci,kh,kw)  b: (Co) or undefined Variable  -> (N,Co,Ho,Wo)
// cache: only for weights whose values never change while it lives (a
// network layer's); the kernels then keep w in their packed layouts across
// calls (tensor/conv2d_weight_cache.h). The op holds it until its backward ran.
Variable conv2d(Tape& t, const Variable& x, const Variable& w, const Variable& b, const ConvSpec& s,
                std::shared_ptr<Conv2dWeightCache> cache = nullptr);
Variable relu(Tape& t, const Variable& x);
Variable max_pool2d(Tape& t, const Variable& x, const PoolSpec& s);
Variable avg_pool2d(Tape& t, const Variable& x, const PoolSpec& s);
Variable global_avg_pool(Tape& t, const Variable& x);  // -> (N, C)
Variable lrn(Tape& t, const Variable& x, const LrnSpec& s);
Variable concat_channels(Tape& t, const std::vector<Variable>& parts);
// x: (N, I) (any shape with N*I elements is flattened)  w: (O, I)  b: (O) or undefined -> (N, O)
Variable linear(Tape& t, const Variable& x, const Variable& w, const Variable& b);
Variable softmax(Tape& t, const Variable& x);  // over the last axis of (N, K)
Variable add(Tape& t, const Variable& a, const Variable& b);  // same shape
Variable scale(Tape& t, const Variable& x, float s);
Variable reshape(Tape& t, const Variable& x, const Shape& shape);
// (N, C, H, W) -> (N, C, h_out, w_out), half-pixel bilinear
Variable resize_bilinear(Tape& t, const Variable& x, int64_t h_out, int64_t w_out);
Variable gaussian_blur(Tape& t, const Variable& x, float sigma);
Variable roll2d(Tape& t, const Variable& x, int64_t dy, int64_t dx);
// Channel range [begin, end) of a 1xCxHxW value (a view in the forward).
Variable slice_channels(Tape& t, const Variable& x, int64_t begin, int64_t end);

// Reductions to a one-element value (losses / objectives).
Variable mean(Tape& t, const Variable& x);
Variable mean_squares(Tape& t, const Variable& x);
Variable sum(Tape& t, const Variable& x);
// sum(x * g) for a constant tensor g of x's shape (guide objectives, dot products).
Variable dot_constant(Tape& t, const Variable& x, const Tensor& g);

// How many times conv2d / linear ran a weight or bias gradient kernel since the
// program started. Tests use it to prove that the DeepDream path (only the
// input requires a gradient) computes no parameter gradient at all.
int64_t parameter_gradient_runs();

}  // namespace dream::autograd
