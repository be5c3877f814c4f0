// Pooling: max, average and global average, forward and backward side by side.
//   x: (N, C, H, W) -> y: (N, C, Ho, Wo)   (global: -> (N, C))
// Max:     dL/dx routes each dL/dy to the first maximum of its window; the
//          forward records that pixel's index (int32 per output), which is
//          all the backward keeps.
// Average: dL/dx spreads dL/dy evenly over the window; keeps nothing.
#include <cstdint>

#include "autograd/op_support.h"
#include "autograd/ops.h"

namespace dream::autograd {

namespace {

Pool2dParams pool_params(const Shape& x, const PoolSpec& s) {
  Pool2dParams p;
  p.n = x[0];
  p.c = x[1];
  p.h_in = x[2];
  p.w_in = x[3];
  p.kh = s.kh;
  p.kw = s.kw;
  p.stride_h = s.stride_h;
  p.stride_w = s.stride_w;
  p.pad_top = s.pad_top;
  p.pad_left = s.pad_left;
  p.pad_bottom = s.pad_bottom;
  p.pad_right = s.pad_right;
  p.ceil_mode = s.ceil_mode;
  p.count_include_pad = s.count_include_pad;
  p.validate();
  return p;
}

}  // namespace

Variable max_pool2d(Tape& t, const Variable& x, const PoolSpec& s) {
  detail::require_nchw(x, "max_pool2d", "input");
  const Pool2dParams p = pool_params(x.shape(), s);
  Tensor y = Tensor::uninitialized({p.n, p.c, p.h_out(), p.w_out()});  // tensor/pool.h kernels overwrite
  if (!x.requires_grad()) {
    maxpool2d_forward(p, x.value().data(), y.data());
    return t.record("max_pool2d", std::move(y), {x}, nullptr);
  }
  // The backward needs only where each maximum came from: an int32 per
  // output (a quarter of the input for stride 2), found during the forward.
  // The indices live in a tensor's storage (4 bytes per element, like
  // float) so that tensor_memory_stats counts what the tape keeps.
  static_assert(sizeof(int32_t) == sizeof(float), "argmax indices share float storage");
  Tensor argmax = Tensor::uninitialized(y.shape());
  maxpool2d_forward_argmax(p, x.value().data(), y.data(), reinterpret_cast<int32_t*>(argmax.data()));
  GradSlot xs = x.grad_slot();
  return t.record("max_pool2d", std::move(y), {x}, [p, argmax, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx = Tensor::uninitialized({p.n, p.c, p.h_in, p.w_in});
    maxpool2d_backward_argmax(p, reinterpret_cast<const int32_t*>(argmax.data()), grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

Variable avg_pool2d(Tape& t, const Variable& x, const PoolSpec& s) {
  detail::require_nchw(x, "avg_pool2d", "input");
  const Pool2dParams p = pool_params(x.shape(), s);
  Tensor y({p.n, p.c, p.h_out(), p.w_out()});
  avgpool2d_forward(p, x.value().data(), y.data());
  GradSlot xs = x.grad_slot();
  return t.record("avg_pool2d", std::move(y), {x}, [p, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx({p.n, p.c, p.h_in, p.w_in});
    avgpool2d_backward(p, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

Variable global_avg_pool(Tape& t, const Variable& x) {
  detail::require_nchw(x, "global_avg_pool", "input");
  const Shape xshape = x.shape();
  const int64_t n = xshape[0], c = xshape[1], hw = xshape[2] * xshape[3];
  if (hw == 0) throw Error("global_avg_pool: input of shape " + shape_string(xshape) + " has no pixels");
  Tensor y({n, c});
  global_avgpool_forward(n, c, hw, x.value().data(), y.data());
  GradSlot xs = x.grad_slot();
  return t.record("global_avg_pool", std::move(y), {x}, [xshape, n, c, hw, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(xshape);
    global_avgpool_backward(n, c, hw, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
