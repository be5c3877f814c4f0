// Circular shift of every plane by (dy, dx) (jitter): a permutation, so
// dL/dx is dL/dy rolled back by (-dy, -dx). Keeps nothing.
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/roll.h"

namespace dream::autograd {

Variable roll2d(Tape& t, const Variable& x, int64_t dy, int64_t dx) {
  detail::require_nchw(x, "roll2d", "input");
  const Shape xshape = x.shape();
  const int64_t planes = xshape[0] * xshape[1], h = xshape[2], w = xshape[3];
  Tensor y(xshape);
  dream::roll2d(planes, h, w, dy, dx, x.value().data(), y.data());
  GradSlot xs = x.grad_slot();
  return t.record("roll2d", std::move(y), {x}, [planes, h, w, dy, dx, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx(grad_out.shape());
    dream::roll2d(planes, h, w, -dy, -dx, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
