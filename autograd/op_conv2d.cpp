// conv2d: forward and backward side by side.
//   x: (N, Ci, H, W)   w: (Co, Ci, kh, kw)   b: (Co) or undefined   -> y: (N, Co, Ho, Wo)
// Chain rule:
//   dL/dx = conv2d_backward_input(dL/dy, w)        (needs w, not x)
//   dL/dw = conv2d_backward_weights(x, dL/dy)      (needs x)
//   dL/db = sum of dL/dy over N, Ho, Wo
// With fuse_relu the forward applies max(., 0) in place on y, and the
// backward first masks dL/dy by y > 0 (the pre-ReLU value is not kept).
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/elementwise.h"

namespace dream::autograd {

namespace {

Conv2dParams conv_params(const Shape& x, const Shape& w, const ConvSpec& s) {
  Conv2dParams p;
  p.n = x[0];
  p.c_in = x[1];
  p.h_in = x[2];
  p.w_in = x[3];
  p.c_out = w[0];
  p.kh = w[2];
  p.kw = w[3];
  p.stride_h = s.stride_h;
  p.stride_w = s.stride_w;
  p.dil_h = s.dil_h;
  p.dil_w = s.dil_w;
  p.pad_top = s.pad_top;
  p.pad_left = s.pad_left;
  p.pad_bottom = s.pad_bottom;
  p.pad_right = s.pad_right;
  p.validate();
  return p;
}

// grad_bias[co] = sum over n, y, x of g[n][co][y][x]; used when the bias needs
// a gradient but the weights do not (the weight kernel would compute it too).
Tensor bias_gradient(const Conv2dParams& p, const Tensor& g) {
  Tensor gb({p.c_out});
  const int64_t hw = p.h_out() * p.w_out();
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t co = 0; co < p.c_out; ++co)
      gb[co] += static_cast<float>(dream::sum(hw, g.data() + (n * p.c_out + co) * hw));
  return gb;
}

}  // namespace

Variable conv2d(Tape& t, const Variable& x, const Variable& w, const Variable& b, const ConvSpec& s,
                std::shared_ptr<Conv2dWeightCache> cache) {
  detail::require_nchw(x, "conv2d", "input");
  detail::require_nchw(w, "conv2d", "weight");
  if (w.shape()[1] != x.shape()[1])
    throw Error("conv2d: weight of shape " + shape_string(w.shape()) + " expects " + std::to_string(w.shape()[1]) +
                " input channels, input has shape " + shape_string(x.shape()));
  if (b.defined() && b.shape() != Shape{w.shape()[0]})
    throw Error("conv2d: bias of shape " + shape_string(b.shape()) + " does not match weight of shape " +
                shape_string(w.shape()) + " (needs " + std::to_string(w.shape()[0]) + ")");
  const Conv2dParams p = conv_params(x.shape(), w.shape(), s);

  Tensor y = Tensor::uninitialized({p.n, p.c_out, p.h_out(), p.w_out()});  // kernels overwrite
  conv2d_forward(p, x.value().data(), w.value().data(), b.defined() ? b.value().data() : nullptr, y.data(),
                 cache.get());
  if (s.fuse_relu) relu_forward(y.numel(), y.data(), y.data());

  const bool need_x_grad = x.requires_grad();
  const bool need_w_grad = w.requires_grad();
  // Keep only what the backward reads: w for dL/dx, x for dL/dw, y for the ReLU mask.
  Tensor saved_w = need_x_grad ? w.value() : Tensor();
  Tensor saved_x = need_w_grad ? x.value() : Tensor();
  Tensor saved_y = s.fuse_relu ? y : Tensor();
  GradSlot xs = x.grad_slot(), ws = w.grad_slot(), bs = b.defined() ? b.grad_slot() : GradSlot();

  std::vector<Variable> inputs{x, w};
  if (b.defined()) inputs.push_back(b);
  const bool fuse_relu = s.fuse_relu;
  return t.record(fuse_relu ? "conv2d_relu" : "conv2d", std::move(y), inputs,
                  [p, fuse_relu, saved_w, saved_x, saved_y, xs, ws, bs, cache](const Tensor& grad_out) {
                    Tensor masked;
                    if (fuse_relu) {
                      masked = Tensor::uninitialized(grad_out.shape());
                      relu_backward(grad_out.numel(), saved_y.data(), grad_out.data(), masked.data());
                    }
                    const Tensor& g = fuse_relu ? masked : grad_out;
                    if (wants_grad(xs)) {
                      Tensor gx = Tensor::uninitialized({p.n, p.c_in, p.h_in, p.w_in});
                      conv2d_backward_input(p, g.data(), saved_w.data(), gx.data(), cache.get());
                      accumulate_grad(xs, std::move(gx));
                    }
                    if (wants_grad(ws)) {
                      Tensor gw({p.c_out, p.c_in, p.kh, p.kw});
                      Tensor gb = wants_grad(bs) ? Tensor({p.c_out}) : Tensor();
                      conv2d_backward_weights(p, saved_x.data(), g.data(), gw.data(), gb.empty() ? nullptr : gb.data());
                      detail::note_parameter_gradient_run();
                      accumulate_grad(ws, std::move(gw));
                      if (!gb.empty()) accumulate_grad(bs, std::move(gb));
                    } else if (wants_grad(bs)) {
                      detail::note_parameter_gradient_run();
                      accumulate_grad(bs, bias_gradient(p, g));
                    }
                  });
}

}  // namespace dream::autograd
