// Elementwise add and scale.
//   add:   y = a + b (same shape)  dL/da = dL/db = dL/dy
//   scale: y = s x                 dL/dx = s dL/dy
// Neither keeps any value. add hands dL/dy itself to a and a copy to b: a
// gradient cell must own its tensor (accumulate_grad adds into it in place).
#include "autograd/op_support.h"
#include "autograd/ops.h"
#include "tensor/elementwise.h"

namespace dream::autograd {

Variable add(Tape& t, const Variable& a, const Variable& b) {
  detail::require_same_shape(a, b, "add", "first operand", "second operand");
  Tensor y = Tensor::uninitialized(a.shape());  // the kernels overwrite
  dream::add(y.numel(), a.value().data(), b.value().data(), y.data());
  GradSlot as = a.grad_slot(), bs = b.grad_slot();
  return t.record("add", std::move(y), {a, b}, [as, bs](const Tensor& grad_out) {
    if (wants_grad(bs)) accumulate_grad(bs, wants_grad(as) ? grad_out.clone() : grad_out);
    if (wants_grad(as)) accumulate_grad(as, grad_out);
  });
}

Variable scale(Tape& t, const Variable& x, float s) {
  detail::require_defined(x, "scale", "input");
  Tensor y = Tensor::uninitialized(x.shape());
  dream::scale(y.numel(), s, x.value().data(), y.data());
  GradSlot xs = x.grad_slot();
  return t.record("scale", std::move(y), {x}, [s, xs](const Tensor& grad_out) {
    if (!wants_grad(xs)) return;
    Tensor gx = Tensor::uninitialized(grad_out.shape());
    dream::scale(gx.numel(), s, grad_out.data(), gx.data());
    accumulate_grad(xs, std::move(gx));
  });
}

}  // namespace dream::autograd
