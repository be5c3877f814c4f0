// Bilinear resize (half-pixel centres, see tensor/resize.h):
//   x (N, C, H, W) -> y (N, C, h_out, w_out), y = R x for a fixed sparse matrix R
//   dL/dx = R^T dL/dy (the kernel's adjoint); keeps nothing.
#include <string>

#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/resize.h"

namespace dream::autograd {

Variable resize_bilinear(Tape& t, const Variable& x, int64_t h_out, int64_t w_out) {
  detail::require_nchw(x, "resize_bilinear", "input");
  ResizeParams p;
  p.planes = x.shape()[0] * x.shape()[1];
  p.h_in = x.shape()[2];
  p.w_in = x.shape()[3];
  p.h_out = h_out;
  p.w_out = w_out;
  if (h_out < 1 || w_out < 1)
    throw Error("resize_bilinear: output size " + std::to_string(h_out) + "x" + std::to_string(w_out) +
                " for an input of shape " + shape_string(x.shape()) + " must be at least 1x1");
  p.validate();
  Tensor y({x.shape()[0], x.shape()[1], h_out, w_out});
  resize_bilinear_forward(p, x.value().data(), y.data());
  const Shape xshape = x.shape();
  GradSlot xs = x.grad_slot();
  return t.record("resize_bilinear", std::move(y), {x}, [p, xshape, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(xshape);
    resize_bilinear_backward(p, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
