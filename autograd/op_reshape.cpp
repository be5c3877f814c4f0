// reshape: y is a view of x with another shape (same element count, shared
// storage); dL/dx is dL/dy viewed with x's shape. Keeps nothing.
#include "autograd/op_support.h"
#include "autograd/ops.h"

namespace dream::autograd {

Variable reshape(Tape& t, const Variable& x, const Shape& shape) {
  detail::require_defined(x, "reshape", "input");
  if (shape_numel(shape) != x.value().numel())
    throw Error("reshape: cannot view shape " + shape_string(x.shape()) + " as " + shape_string(shape) +
                " (element counts differ)");
  const Shape xshape = x.shape();
  GradSlot xs = x.grad_slot();
  return t.record("reshape", x.value().reshape(shape), {x}, [xshape, xs](const Tensor& grad_out) {
    if (wants_grad(xs)) accumulate_grad(xs, grad_out.reshape(xshape));
  });
}

}  // namespace dream::autograd
